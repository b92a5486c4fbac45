"""Turn a comment into the forms rules match against, keeping a map back to the original text.

The comment itself is never changed: everything here produces *matching forms* (folded,
de-obfuscated tokens and a phrase stream) whose every character knows the span of the original
text it came from, so that evidence is always reported as ``original[start:end]``.

What is undone, and where:
- character level (``fold``): NFKC/NFKD compatibility forms (fullwidth, math letters, ligatures),
  diacritics, zero-width and other format characters, control characters, case; in the
  Arabic script (Arabic, Persian, Sorani) the letter variants keyboards and writers swap (see
  ``ARABIC_SCRIPT``), tatweel, harakat and the zero-width non-joiner inside words; Turkish and
  Kurmanji letters fold to their ASCII stand-ins (ş -> s, ı -> i, ê -> e).
- token level (``tokenize``): homoglyphs (Cyrillic/Greek look-alikes) in tokens that mix scripts
  or consist only of look-alikes, leetspeak (``sh1t``, ``@ss``, ``$hit``), symbols inside words
  (``f.u.c.k``, ``f-u-c-k``, ``k*i*l*l``), wildcards (``f*ck``, ``f**k``), letters spaced out
  (``f u c k``; punctuation at a letter's edge ends the run), runs of repeated letters
  (``fuuuck``; handled by the word index, see ``squash``), digits for most of a word's letters
  (``h473``: the leetspeak reading is kept as an alternative form, which counts only where it
  is a listed word), words broken across lines with a hyphen (``ass-\nessment``: one word).
  Misspellings of lexicon words are undone later, by the policy's ``targets.respell``.
- links, e-mail addresses and phone numbers written to dodge filters are decoded by
  ``moderation.rules.contacts`` on the folded text, which reuses this offset map.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

# Characters that are invisible or formatting-only and are dropped before matching.
_DROP_CATEGORIES = frozenset({"Cf", "Mn", "Me", "Cs", "Co", "Cn"})
# Look-alike letters from other scripts, mapped to the Latin letter they imitate.
HOMOGLYPHS: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "һ": "h",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ո": "n", "ս": "u", "օ": "o", "ք": "q",
    "ь": "b", "г": "r", "п": "n", "и": "u", "л": "n", "д": "a", "ц": "u",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "c", "σ": "o", "μ": "u",
    # Latin-ish look-alikes outside ASCII that NFKD does not fold
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "p", "ŀ": "l", "ɑ": "a",
    "ʀ": "r", "ʏ": "y", "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ɢ": "g",
    "ʜ": "h", "ɪ": "i", "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o",
    "ᴘ": "p", "ꞯ": "q", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z",
}
_HOMOGLYPH_TABLE = str.maketrans(HOMOGLYPHS)
# Letters indistinguishable from Latin ones in most fonts: a token made only of these (and ASCII)
# is treated as a disguised Latin word even without any Latin letter in it.
_STRICT_LOOKALIKES = frozenset("аеорсухѕіјһԁԛԝοαιντυκχ")

# Leetspeak: digits and symbols standing for letters inside a word.
LEET: dict[str, str] = {
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t", "8": "b", "9": "g",
    "@": "a", "$": "s", "!": "i", "|": "l", "+": "t", "€": "e", "£": "l", "¢": "c", "ß": "b",
}
_LEET_TABLE = str.maketrans(LEET)
# Second reading for the ambiguous ones: ``1`` and ``|`` can stand for ``l`` or ``i``.
_LEET_ALT_TABLE = str.maketrans({**LEET, "1": "l", "|": "i", "!": "l"})

# Arabizi: Arabic in Latin letters, with digits for the letters Latin lacks (``7mar`` حمار,
# ``a2tlak`` اقتلك, ``3arabi`` عربي). Leetspeak reads those digits as other letters (7 -> t) or
# splits the word at them (2), so a word written that way gets one more form, its digits
# replaced by the Arabic letters they stand for (``7mar`` -> ``حmar``): Arabic list entries
# written in Arabizi are indexed in that form (moderation.languages.morphology), and no English
# or Turkish word can take it. Only a word of letters and these digits, never two digits in a
# row ("5th", "b2b" get a form nobody lists; "covid19", "2025" get none).
ARABIZI: dict[str, str] = {"2": "ء", "3": "ع", "5": "خ", "6": "ط", "7": "ح", "8": "غ", "9": "ق"}
_ARABIZI_TABLE = str.maketrans(ARABIZI)
_ARABIZI_WORD = re.compile(r"[a-z2356789]+")
_TWO_DIGITS = re.compile(r"[0-9][0-9]")


def arabizi_form(word: str) -> str | None:
    """The Arabizi form of an ASCII word holding Arabizi digits and two letters or more, else
    None: ``7mar`` -> ``حmar``, ``a2tlak`` -> ``aءtlak``."""
    if (len(word) < 3 or word.isalpha() or not _ARABIZI_WORD.fullmatch(word)
            or _TWO_DIGITS.search(word) or sum(1 for c in word if c.isalpha()) < 2):
        return None
    return word.translate(_ARABIZI_TABLE)

# Symbols that stand for "some letter" inside a word: f*ck, f**k, sh#t.
WILDCARDS = frozenset("*#%")
# Punctuation stripped from the edges of a token (trailing ``!`` is punctuation, inner is leet).
_LEAD_STRIP = "\"'([{<«“‘`¡¿-–—*:;,."
_TRAIL_STRIP = ".,;:?!\"')]}>»”’…`-–—*~"

# Separators people put between the letters of a word to hide it (f.u.c.k, f-u-c-k, f_u_c_k);
# a token split by anything else ("he/she", "and/or") is not joined back into one word.
_JOINERS = frozenset(".-_*~^'`•·,:+=")
_SPACE_RUN = re.compile(r"\S+")
_ALNUM_RUN = re.compile(r"[a-z0-9]+")
# Where a sentence or line ends between two tokens: phrase patterns must not run across it.
_BOUNDARY = re.compile(r"[.!?;\n]")
_REPEAT3 = re.compile(r"(.)\1{2,}")
_REPEAT2 = re.compile(r"(.)\1+")
_MAX_SPACED_RUN = 24


def squash(word: str) -> str:
    """Collapse every run of a repeated character to one (``fuuuck`` -> ``fuck``)."""
    return _REPEAT2.sub(r"\1", word)


# Arabic-script letters that the region's languages and keyboards write for one another: yeh forms
# (Arabic ي and ى, Persian/Kurdish ی, Sorani ێ), kaf (Arabic ك, Persian/Kurdish ک), heh forms and
# teh marbuta (ه ة ە ھ ۀ), Sorani letters often typed without their marks (ڕ ڵ ۆ ڤ), alef wasla,
# and Arabic-Indic and Persian digits (so phone numbers and Arabizi digits read alike). Each maps
# to one character, so offsets stay exact. Tatweel (ـ) is dropped; harakat (Mn) and the
# zero-width non-joiner (Cf) already are. Word lists are folded the same way (words.canonical).
ARABIC_SCRIPT: dict[str, str] = {
    "ي": "ي", "ى": "ي", "ی": "ي", "ێ": "ي",
    "ے": "ي", "ك": "ك", "ک": "ك", "ڪ": "ك",
    "ة": "ه", "ە": "ه", "ھ": "ه", "ۀ": "ه",
    "ہ": "ه", "ڕ": "ر", "ڵ": "ل", "ۆ": "و",
    "ڤ": "ف", "ٱ": "ا", "ـ": "",
    "،": ",", "؛": ";", "؟": "?", "٪": "%", "٫": ".", "٬": ",",
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
}


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    """One character -> its matching form ('' to drop it, ' ' for a separator)."""
    if ch in ARABIC_SCRIPT:
        return ARABIC_SCRIPT[ch]
    cat = unicodedata.category(ch)
    if cat in _DROP_CATEGORIES:
        return ""
    if cat in ("Zs", "Zl", "Zp", "Cc"):
        return " "
    decomposed = unicodedata.normalize("NFKD", ch)
    out = "".join(c for c in decomposed if unicodedata.category(c) not in _DROP_CATEGORIES)
    out = unicodedata.normalize("NFKC", out).casefold()
    if len(out) == 1 and out in ARABIC_SCRIPT:  # presentation forms, hamza seats: fold on
        return ARABIC_SCRIPT[out]
    # NFKD can produce spaces (e.g. U+00A8); keep them as separators.
    return out


# Typographic punctuation that folding leaves as it is (curly quotes, dashes, guillemets): a text
# whose only non-ASCII characters are these folds to its own lower case, character for character.
_IDENTITY_PUNCTUATION = dict.fromkeys(map(ord, "\u2019\u2018\u201c\u201d\u2013\u2014\u00ab\u00bb"))


def fold(text: str) -> tuple[str, list[int] | None]:
    """Fold a text for matching. Returns (folded, origin) where ``origin[i]`` is the index in
    ``text`` of folded character ``i``; ``origin`` is None when it is the identity: every
    character folds to exactly one (ASCII, curly quotes, accents, look-alikes, fullwidth
    letters), which is the common, fast case. ASCII characters are only lower-cased, control
    characters included, whatever else the text holds."""
    if text.isascii() or text.translate(_IDENTITY_PUNCTUATION).isascii():
        return text.lower(), None
    # Each distinct character is folded once; when every one folds to exactly one character
    # (accents, look-alikes, fullwidth letters), one translate does it and offsets are unchanged.
    table = {ord(c): (c.lower() if c.isascii() else _fold_char(c)) for c in set(text)}
    if all(len(v) == 1 for v in table.values()):
        return text.translate(table), None
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():  # as in an all-ASCII text: lower case, control characters kept
            out.append(ch.lower())
            origin.append(i)
            continue
        mapped = _fold_char(ch)
        for m in mapped:
            out.append(m)
            origin.append(i)
    return "".join(out), origin


@dataclass(slots=True)
class Token:
    """One matching unit. ``start``/``end`` index the ORIGINAL text."""

    form: str
    start: int
    end: int
    alts: tuple[str, ...] = ()
    wildcard: bool = False  # ``form`` holds wildcard characters, see WILDCARDS
    synthetic: bool = False  # built by joining others (spaced letters, split pieces)

    def forms(self) -> tuple[str, ...]:
        return (self.form, *self.alts)


class NormalizedText:
    """Matching view of one comment. Tokens and the phrase stream are built on first use: the
    rule layer can often clear a plain comment from ``folded`` alone (see RuleSet.match)."""

    __slots__ = ("original", "folded", "origin", "_tokens", "_stream", "_stream_tokens",
                 "_alnum_words")

    def __init__(self, original: str, folded: str, origin: list[int] | None) -> None:
        self.original = original
        self.folded = folded
        self.origin = origin
        self._tokens: list[Token] | None = None
        self._stream = ""
        # (stream start, stream end, token) triples, ascending, for mapping back.
        self._stream_tokens: list[tuple[int, int, Token]] = []
        self._alnum_words: frozenset[str] | None = None

    @property
    def alnum_words(self) -> frozenset[str]:
        """Every maximal run of ``[a-z0-9]`` in ``folded``: one C-level pass that lets cheap
        screens ask "is this word anywhere?" with a set lookup instead of a regex scan. A word
        that a ``\\b``-delimited regex finds is always one of these runs."""
        if self._alnum_words is None:
            self._alnum_words = frozenset(_ALNUM_RUN.findall(self.folded))
        return self._alnum_words

    @property
    def tokens(self) -> list[Token]:
        if self._tokens is None:
            tokenize(self)
        assert self._tokens is not None
        return self._tokens

    @property
    def stream(self) -> str:
        if self._tokens is None:
            tokenize(self)
        return self._stream

    @property
    def stream_tokens(self) -> list[tuple[int, int, Token]]:
        if self._tokens is None:
            tokenize(self)
        return self._stream_tokens

    def orig_index(self, folded_index: int) -> int:
        """Original index of a folded index; ``len(folded)`` maps to ``len(original)``."""
        if self.origin is None:
            return folded_index
        if folded_index >= len(self.origin):
            return len(self.original)
        return self.origin[folded_index]

    def folded_span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of ``folded`` onto the original text. The end is the one past
        the span's last character, so characters folding drops (zero-width, bidi controls) after
        the span stay out of it."""
        if end <= start:
            return self.orig_index(start), self.orig_index(start)
        return self.orig_index(start), self.orig_index(end - 1) + 1

    def stream_span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of ``stream`` onto the original text, widened to whole tokens."""
        first: Token | None = None
        last: Token | None = None
        for s, e, tok in self.stream_tokens:
            if e <= start:
                continue
            if s >= end:
                break
            if first is None:
                first = tok
            last = tok
        if first is None or last is None:
            return 0, 0
        return first.start, last.end


def _homoglyphs(core: str) -> str:
    """Map look-alikes only where the token mixes scripts or is made only of look-alikes,
    so a genuine Russian or Greek word is left alone."""
    if core.isascii():
        return core
    has_latin = any("a" <= c <= "z" for c in core)
    if has_latin or all((not c.isalpha()) or c.isascii() or c in _STRICT_LOOKALIKES for c in core):
        return core.translate(_HOMOGLYPH_TABLE)
    return core


def tokenize(nt: NormalizedText) -> None:
    """Fill ``nt.tokens`` and ``nt.stream`` from ``nt.folded``."""
    folded = nt.folded
    tokens: list[Token] = []
    stream_parts: list[tuple[str, Token | None]] = []
    spaced: list[Token] = []  # current run of single letters
    prev_end = 0
    pending_boundary = False  # a sentence ended: mark it before the next part, never at the end

    def emit(form: str, tok: Token) -> None:
        nonlocal pending_boundary
        if pending_boundary:
            stream_parts.append(("|", None))
            pending_boundary = False
        stream_parts.append((form, tok))

    def flush_spaced() -> None:
        if len(spaced) >= 3:
            _add_spaced_run(spaced, tokens, emit)
        else:
            for t in spaced:
                emit(t.form, t)
        spaced.clear()

    # Sentence/line ends, found once; a pointer walks them alongside the tokens.
    boundaries = [m.start() for m in _BOUNDARY.finditer(folded)]
    nb = len(boundaries)
    bi = 0
    identity = nt.origin is None
    # words split across lines with a hyphen ("ass-\nessment"): one word
    joins = ({h.start(): (h.start(1), h.end(2), h.group(1) + h.group(2))
              for h in _HYPHEN_BREAK.finditer(folded)} if "-\n" in folded or "- \n" in folded
             else None)
    chunks = _SPACE_RUN.finditer(folded)
    for m in chunks:
        raw = m.group()
        a = m.start()
        b = a + len(raw)
        joined = None
        if joins and a in joins:
            next(chunks)  # the second half: whitespace only before it
            a, b, joined = joins[a]
        elif raw[0] in _LEAD_STRIP or raw[-1] in _TRAIL_STRIP:  # edge punctuation: trim it
            stripped = raw.lstrip(_LEAD_STRIP)
            a = b - len(stripped)
            b = a + len(stripped.rstrip(_TRAIL_STRIP))
        # A boundary sits in the whitespace before this token or in the previous token's tail.
        while bi < nb and boundaries[bi] < prev_end:  # inside the previous token ("e.g")
            bi += 1
        if bi < nb and boundaries[bi] < a:
            if stream_parts:
                if spaced:
                    flush_spaced()
                pending_boundary = True
            while bi < nb and boundaries[bi] < a:
                bi += 1
        prev_end = b if b > a else a
        if a >= b:
            continue
        core = folded[a:b] if joined is None else joined
        if not core.isascii():
            core = _homoglyphs(core)
        start, end = (a, b) if identity else nt.folded_span_to_original(a, b)
        if core.isalpha():
            tok = Token(core, start, end)
            tokens.append(tok)
            if len(core) == 1:
                # punctuation at a letter's edge ends a run of spaced letters there:
                # "t h r e a t: I will", "(k i l l) them"
                if spaced and a > m.start():
                    flush_spaced()
                spaced.append(tok)
                if b < m.end():
                    flush_spaced()
                continue
            if spaced:
                flush_spaced()
            emit(core, tok)
            continue
        if len(core) == 1 and core in LEET:  # a spaced-out leet letter: "$ h i t"
            tok = Token(LEET[core], start, end)
            tokens.append(tok)
            spaced.append(tok)
            continue
        # Symbols or digits inside: leetspeak, wildcards, separators.
        produced = _split_symbolic(nt, core, a, tokens)
        if len(produced) == 1 and len(produced[0].form) == 1 and not produced[0].wildcard:
            spaced.append(produced[0])
            continue
        flush_spaced()
        for t in produced:
            emit(t.form, t)
    flush_spaced()

    nt._tokens = tokens
    parts: list[str] = []
    pos = 0
    mapping: list[tuple[int, int, Token]] = []
    stretched = _REPEAT3.search(folded) is not None
    for form, tok in stream_parts:
        if stretched:
            form = _REPEAT3.sub(r"\1", form)
        if tok is not None:
            mapping.append((pos, pos + len(form), tok))
        parts.append(form)
        pos += len(form) + 1
    nt._stream = " ".join(parts)
    nt._stream_tokens = mapping


_DIGIT_RUN = re.compile(r"\d{3}")
# A word broken across lines with a hyphen, each half letters only: "ass-\nessment".
_HYPHEN_BREAK = re.compile(rf"(?<!\S)[{re.escape(_LEAD_STRIP)}]*([a-z]+)-[ \t]*\n[ \t]*([a-z]+)"
                           rf"[{re.escape(_TRAIL_STRIP)}]*(?!\S)")


def _split_symbolic(nt: NormalizedText, core: str, a: int, tokens: list[Token]) -> list[Token]:
    """Handle a token holding non-letters. Returns the tokens that stand for it in the stream."""
    has_letter = any(c.isalpha() for c in core)
    if not has_letter:
        # Numbers, prices, dates, emoji: keep as one token (no leet decoding of pure digits).
        start, end = nt.folded_span_to_original(a, a + len(core))
        tok = Token(core, start, end)
        tokens.append(tok)
        return [tok]
    arabizi = arabizi_form(core) if core.isascii() else None
    letters = sum(1 for c in core if c.isalpha())
    leets = sum(1 for c in core if c in LEET)
    if letters < leets and (letters < 2 or letters * 2 < leets or _DIGIT_RUN.search(core)):
        # "45's", "10x", "100km", "@dave_1984": numbers with a letter or two, or with a run of
        # three digits, are not leetspeak; "5h00t" (two letters among three digits) is.
        leet = leet_alt = core
        decoded = core.translate(_LEET_TABLE)
        if len(decoded) >= 4 and decoded.isalpha() and not core.isdigit() and any(
                c.isdigit() for c in core):
            # Read as written, and as leetspeak only where that reading is a listed word (the
            # word index and the respelling look alternatives up): "h473", "5h17", "1d107".
            # Symbols without digits ("f$$@") are a mask, read as before.
            start, end = nt.folded_span_to_original(a, a + len(core))
            alt = core.translate(_LEET_ALT_TABLE)
            tok = Token(core, start, end,
                        alts=(decoded, alt) if alt != decoded and alt.isalpha() else (decoded,))
            tokens.append(tok)
            return [tok]
    else:
        leet = core.translate(_LEET_TABLE)
        leet_alt = core.translate(_LEET_ALT_TABLE)
    # Wildcards inside a word (f*ck, f**k, sh#t): one token whose form keeps them.
    # (one letter between each two: "k*i*l*l" is spelled out, as "k.i.l.l" is)
    if has_letter and any(c in WILDCARDS for c in leet) and _is_wildcard_word(leet) and not (
            len(leet) >= 5 and len(set(leet[1::2])) == 1 and leet[0::2].isalpha()):
        start, end = nt.folded_span_to_original(a, a + len(core))
        tok = Token(leet, start, end, wildcard=True)
        tokens.append(tok)
        return [tok]
    if leet.isalpha():
        start, end = nt.folded_span_to_original(a, a + len(core))
        alts = (leet_alt,) if leet_alt != leet and leet_alt.isalpha() else ()
        if arabizi is not None:
            alts = (*alts, arabizi)
        tok = Token(leet, start, end, alts=alts)
        tokens.append(tok)
        return [tok]
    if arabizi is not None:  # "a2tlak": one word (2 is no leet letter), not "a" and "tlak"
        start, end = nt.folded_span_to_original(a, a + len(core))
        tok = Token("".join(c for c in leet if c.isalpha()), start, end, alts=(arabizi,))
        tokens.append(tok)
        return [tok]
    # Separators inside: split into pieces (each a token), and join them (f.u.c.k, f-u-c-k).
    pieces: list[Token] = []
    i = 0
    n = len(leet)
    while i < n:
        if leet[i].isalpha():
            j = i
            while j < n and leet[j].isalpha():
                j += 1
            start, end = nt.folded_span_to_original(a + i, a + j)
            pieces.append(Token(leet[i:j], start, end))
            i = j
        else:
            i += 1
    if not pieces:
        return []
    tokens.extend(pieces)
    if len(pieces) > 1 and all(c.isalpha() or c in _JOINERS for c in leet):
        joined = Token("".join(p.form for p in pieces), pieces[0].start, pieces[-1].end,
                       synthetic=True)
        tokens.append(joined)
        if all(len(p.form) == 1 for p in pieces) and not is_contraction(
                leet, [p.form for p in pieces]):
            joined.synthetic = False
            return [joined]
    return pieces


def is_contraction(core: str, pieces: list[str]) -> bool:
    """``I'm``, ``I'd``: split at the apostrophe as ``you're`` is ("i m", "i d"), so phrase
    patterns written for "i m going to" see it; joined, they read "im" and "id". Shared by the
    tokenizer and the plain-comment path (rules/plain.py), which must read them alike."""
    return (len(pieces) == 2 and pieces[0] == "i" and pieces[1] in ("m", "d")
            and core[1:-1] in ("'", "\u2019"))


def _is_wildcard_word(leet: str) -> bool:
    """``f*ck``-like: letters and wildcards only, at least one letter first, 3+ characters."""
    if len(leet) < 3 or not leet[0].isalpha():
        return False
    return all(c.isalpha() or c in WILDCARDS for c in leet)


def _add_spaced_run(run: list[Token], tokens: list[Token],
                    emit: Callable[[str, Token], None]) -> None:
    """Letters spaced out (``f u c k``): add every sub-run of 3+ letters as a candidate word and
    put the whole run, joined, in the phrase stream (``k i l l yourself`` -> ``kill yourself``)."""
    run = run[:_MAX_SPACED_RUN]
    n = len(run)
    for i in range(n):
        for j in range(i + 3, n + 1):
            if i == 0 and j == n:
                continue
            form = "".join(t.form for t in run[i:j])
            tokens.append(Token(form, run[i].start, run[j - 1].end, synthetic=True))
    if run[0].form in ("a", "i") and n >= 4:  # "you are a f u c k": keep the article apart
        emit(run[0].form, run[0])
        run = run[1:]
    whole = Token("".join(t.form for t in run), run[0].start, run[-1].end)
    tokens.append(whole)
    emit(whole.form, whole)


def fold_entry(entry: str) -> str:
    """A list entry or pattern literal in the form tokens take: folded as comments are, and
    each word's look-alikes mapped as the tokenizer maps them (``şerefsiz`` -> ``serefsiz``,
    ``كلبة`` -> ``كلبه``). ASCII text is only lower-cased."""
    if entry.isascii():
        return entry.lower()
    return " ".join(_homoglyphs(w) for w in fold(entry)[0].split())


def normalize(text: str) -> NormalizedText:
    """Matching view of ``text``; ``text`` itself is kept untouched in ``.original``."""
    folded, origin = fold(text)
    return NormalizedText(text, folded, origin)
