"""The plain-comment fast path: most comments are ASCII prose with nothing disguised in them, and
for those the phrase stream and the word sets can be built from whitespace-separated chunks with a
handful of C-level operations (split, join, set union) instead of the per-word tokenizer. What a
chunk contributes ("council," -> "council |", "don't" -> "don t" plus the word "dont") is worked
out once and cached: the same chunks come back in every comment.

``plain_view`` returns that view, or None as soon as the comment holds anything the tokenizer
treats specially (non-ASCII text, symbols or digits inside words, letters spaced out or
stretched, ...). ``RuleSet.match`` uses the view only to prove that no rule fires; whenever a rule
might, it runs the full path, which alone builds evidence spans. So the view never decides
anything by itself: it must only be exact where it answers. tests/engine/test_plain.py checks on
~58,000 real comments that its stream equals the tokenizer's and its words cover every token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain

from moderation.normalize import (
    _ALNUM_RUN,
    _IDENTITY_PUNCTUATION,
    _JOINERS,
    _LEAD_STRIP,
    _REPEAT3,
    _TRAIL_STRIP,
    LEET,
    WILDCARDS,
    NormalizedText,
    is_contraction,
)
from moderation.rules.contacts import chunk_marks


def _charset(chars: str) -> str:
    return "".join(re.escape(c) for c in chars)


_LEAD = _charset(_LEAD_STRIP)
_TRAIL = _charset(_TRAIL_STRIP)

# Edge punctuation the tokenizer strips from each whitespace-separated chunk; a stripped run that
# holds a sentence end becomes the stream's boundary marker.
_EDGE_BOUNDARY = re.compile(rf"(?<!\S)[{_LEAD}]*[.;][{_LEAD}]*|[{_TRAIL}]*[.!?;][{_TRAIL}]*(?!\S)")
_EDGE = re.compile(rf"(?<!\S)[{_LEAD}]+|[{_TRAIL}]+(?!\S)")

# Inside a word, the tokenizer splits at separators: joiners (f.u.c.k, well-known, don't) also
# make the joined word a token; other punctuation (and/or, Q&A, don’t) only splits. Digits and
# leetspeak or wildcard symbols inside a word are decoded instead: not plain.
_JOIN = "".join(sorted(c for c in _JOINERS if c.isascii() and c not in LEET and c not in WILDCARDS))
_SPLIT = "\"&()/;<>?[\\]{}\u2019\u2018\u201c\u201d\u2013\u2014\u00ab\u00bb"
_SEP = _charset(_JOIN) + _charset(_SPLIT)

# What the tokenizer would not read as a plain word, a plain compound ("don't", "and/or") or a
# plain number, in one edge-stripped chunk: then the full path runs.
_NOT_PLAIN = re.compile("|".join([
    rf"(?<![a-z{_SEP}])[a-z][a-z{_SEP}]*+[^\sa-z{_SEP}]",  # a word glued to a digit or symbol: sh1t
    rf"[^\sa-z{_SEP}][{_SEP}]*[a-z]",  # a digit or symbol glued to a word: $hit, 4th, @ss
    rf"(?<!\S)[{_SEP}]+[a-z]|[a-z][{_SEP}]+(?!\S)",  # a separator left at a word's edge
    r"(?<!\S)[$@+!](?!\S)",  # a lone leetspeak symbol, read as a letter
    # a stretched word (fuuuck); three-letter ones ("www") are only squashed in the stream
    r"(?<![a-z])(?=[a-z]*([a-z])\1\1)[a-z]{4}",
]))
_COMPOUND = re.compile(rf"(?<![a-z{_SEP}])[a-z]+(?:[{_SEP}]+[a-z]+)+")
_SEPARATORS = re.compile(rf"[{_SEP}]+")
_SPLITTER = re.compile(rf"[{_charset(_SPLIT)}]")
_LETTERS = re.compile(r"[a-z]+")
_STRETCHED = re.compile(r"([a-z])\1\1")
_NON_WORD = re.compile(r"\W+")  # as rules/phrases.py splits a stream into words
_BARS = re.compile(r"\|(?: \|)+")
_CACHE_SIZE = 100_000


# What one whitespace-separated chunk adds to a plain comment's view, as a tuple (built once per
# distinct chunk, unpacked with zip for every comment):
# - code: "x" not plain; else "|" per sentence end and "s"/"w" for a one-character/longer word
# - fragment: its part of the stream, sentence-end marks included ("council |")
# - terms: every word it may contribute: token forms (pieces and joined compounds), the stream's
#   words as the pattern prefilter splits them, and its [a-z0-9] runs for the contact screens
# - marks: what the contact screens look for in it (rules/contacts.py, chunk_marks)
_Chunk = tuple[str, str, tuple[str, ...], str]
_NOT_PLAIN_CHUNK: _Chunk = ("x", "", (), "")
_cache: dict[str, _Chunk] = {}


def _chunk(chunk: str) -> _Chunk:
    """Work out (once) a chunk's contribution, exactly as the tokenizer would make it."""
    if chunk.isalpha() and chunk.isascii() and len(chunk) > 1 and not _STRETCHED.search(chunk):
        return ("w", chunk, (chunk,), "")  # the usual word: nothing to work out
    if not chunk.isascii() and not chunk.translate(_IDENTITY_PUNCTUATION).isascii():
        return _NOT_PLAIN_CHUNK  # other scripts, look-alikes, accents: the tokenizer's business
    s = _EDGE.sub(" ", _EDGE_BOUNDARY.sub(" | ", chunk))
    if _NOT_PLAIN.search(s):
        return _NOT_PLAIN_CHUNK
    lead, _, rest = s.partition("|") if s.lstrip().startswith("|") else ("", "", s)
    core = rest.replace("|", " ").strip()
    trail = "|" in rest
    if not core:
        fragment = "|" if (lead or trail or chunk == "|") else ""
        return (fragment, fragment, (), chunk_marks(chunk))
    words = _LETTERS.findall(core)
    form = core
    if _COMPOUND.fullmatch(core):
        pieces = _SEPARATORS.split(core)
        if _SPLITTER.search(core):
            form = " ".join(pieces)
        else:
            whole = "".join(pieces)
            if _REPEAT3.search(whole):
                return _NOT_PLAIN_CHUNK  # "a.a.a": a stretch made by joining
            words.append(whole)
            # letters joined by dots or dashes ("u.s") stand as one word; "i'm" and "i'd"
            # split as contractions do
            single = all(len(p) == 1 for p in pieces) and not is_contraction(core, pieces)
            form = whole if single else " ".join(pieces)
    elif len(core) == 1:
        form = LEET.get(core, core)  # a lone digit is read as a letter ("5" -> "s")
    if _REPEAT3.search(chunk):  # the tokenizer then squashes runs in every form ("1000" -> "10")
        form = _REPEAT3.sub(r"\1", form)
    code = ("|" if lead else "") + ("s" if len(core) == 1 else "w") + ("|" if trail else "")
    fragment = ("| " if lead else "") + form + (" |" if trail else "")
    terms = {*words, *_NON_WORD.split(form), *_ALNUM_RUN.findall(chunk)}
    terms.discard("")
    return (code, fragment, tuple(terms), chunk_marks(chunk))


@dataclass(frozen=True, slots=True)
class PlainView:
    stream: str  # exactly NormalizedText.stream
    # a superset of the words any check reads: every token form, every word of the stream as
    # the pattern prefilter splits it, every [a-z0-9] run the contact screens look for
    terms: frozenset[str] | set[str]
    marks: str  # the chunks' contact marks, joined


def plain_view(nt: NormalizedText) -> PlainView | None:
    """The stream and word set of a plain comment, or None when the comment is not plain."""
    folded = nt.folded
    if nt.origin is not None or "|" in folded:  # folding changed the text, or the stream marker
        return None
    if "\n" in folded:
        folded = folded.replace("\n", " | ")
    code, stream, terms, marks = _scan(folded)
    if not code or "x" in code or "sss" in code:  # not plain, or letters spaced out ("f u c k")
        return None
    head = code.lstrip("|")
    if head.startswith("s") and head.lstrip("s").startswith("|"):
        return None  # one-letter words, then a sentence end: the tokenizer keeps them together
    if "|" in stream:
        stream = _BARS.sub("|", stream).strip("| ")
    return PlainView(stream, terms, marks)


def _scan_python(folded: str) -> tuple[str, str, set[str], str]:
    """Look every chunk up (working out the new ones) and join what they contribute."""
    chunks = folded.split()
    if not chunks:
        return "", "", set(), ""
    try:
        codes, fragments, terms, marks = zip(*map(_cache.__getitem__, chunks), strict=True)
    except KeyError:  # a chunk seen for the first time
        codes, fragments, terms, marks = zip(
            *[_cache.get(c) or _remember(c) for c in chunks], strict=True)
    return ("".join(codes), " ".join(filter(None, fragments)), set(chain.from_iterable(terms)),
            "".join(marks))


def _scan_c(folded: str) -> tuple[str, str, set[str], str]:
    """The same loop in C (moderation/rules/native/_plainscan.c), when the extension is built."""
    found = _plainscan.scan(folded, _cache)
    if isinstance(found, list):  # chunks seen for the first time: work them out, then again
        for chunk in found:
            _remember(chunk)
        found = _plainscan.scan(folded, _cache)
        if isinstance(found, list):  # the cache was emptied meanwhile (it had grown full)
            return _scan_python(folded)
    return found


try:
    import moderation.rules.native._plainscan as _plainscan  # type: ignore[import-not-found]

    _scan = _scan_c
except ImportError:  # not compiled (no C compiler at install): the same, slower
    _scan = _scan_python


def _remember(chunk: str) -> _Chunk:
    if len(_cache) >= _CACHE_SIZE:
        _cache.clear()
    info = _cache[chunk] = _chunk(chunk)
    return info
