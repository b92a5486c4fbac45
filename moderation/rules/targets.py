"""Target-aware analysis: who a sentence is about and what it says of them.

Words alone cannot tell "I detest immigrants" from "Immigrants are vital to the economy", nor
"the court heard him shout 'I will kill you'" from a threat. The policy's ``targets`` block
(policies/default.yaml) describes, as data an editor can change:

- **groups**: one list per protected characteristic (religion, race, gender, ...), each naming the
  category whose guideline abusing it breaks;
- **predicates**: patterns saying something of a target (hatred, derogation, dehumanisation,
  exclusion, threats, calls to violence, wished harm), where ``<<target>>`` stands for any group
  term, or for a pronoun ("them", "these people") that refers back to a group named earlier in the
  comment ("I have met many X. I hate them all."), and ``(?P<predicate>...)`` marks what is said;
- **frames**: negation, questions, reported speech and counter-speech, which drop a match of the
  categories they apply to (this module's predicates and the categories' own phrase patterns);
- **respell**: dropped or swapped letters and verbs glued to "I" undone for every word of the
  named lists, before any phrase pattern runs.

Each reason's evidence is a span of the original text whose ``term`` names the target (term,
characteristic) and the predicate (kind, words). The approach is a clause/role analysis of our own
over the normalised phrase stream: it costs a few regular expressions per comment, and only on
comments whose words can wake a predicate (the same prefilter as every pattern), so plain
comments keep their fast path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from moderation.models import Evidence
from moderation.normalize import NormalizedText, Token
from moderation.policy.targets import (
    Frame,
    Respell,
    TargetPredicate,
    alternation,
    expand_predicate,
    group_terms,
)
from moderation.rules.phrases import _NON_WORD, CompiledPattern, PatternIndex, _sentences_with
from moderation.rules.prefilter import required_words, split_alternatives

if TYPE_CHECKING:
    from moderation.policy import Policy

# Quotation marks that open or close reported words. Double marks count by parity; a single
# mark is a quotation mark only as one of a pair, an opening one at a word's start ("'I will")
# then a closing one at a word's end ("you'"): an apostrophe inside a word ("don't", "mayor's")
# never counts, nor one at a word's end with no opening mark before it ("Muslims' rights",
# "goin'"), nor one at a word's start that nothing closes ("'cause", "'90s").
_DOUBLE_QUOTES = re.compile(r"[\"\u201c\u201d\u00ab\u00bb\u201e]")
_SINGLE_MARKS = re.compile("['\u2018\u2019]")
_CHARACTERISTIC_NAMES = {
    "race": "race or ethnicity", "religion": "religion", "nationality": "nationality",
    "migrant": "migrant status", "gender": "gender", "sexual_orientation": "sexual orientation",
    "gender_identity": "gender identity", "disability": "disability",
}

_TARGET_GROUPS = ("target", "target2", "target3", "target4")
_PREDICATE_GROUPS = ("predicate", "predicate2", "predicate3", "predicate4")

Add = Callable[[str, str, str, Evidence], None]


@dataclass(frozen=True, slots=True)
class _Predicate:
    spec: TargetPredicate
    refers_back: bool


@dataclass(frozen=True, slots=True)
class _Frame:
    spec: Frame
    regex: re.Pattern[str]
    categories: frozenset[str]
    #: the frame's alternatives, each with the words it needs (None: always run)
    parts: tuple[tuple[re.Pattern[str], tuple[frozenset[str], ...] | None], ...]

    def parts_for(self, words: frozenset[str]) -> list[re.Pattern[str]]:
        """The alternatives that can match a comment holding these words."""
        found = []
        for rx, need in self.parts:
            if need is not None:
                for n in need:
                    if n.isdisjoint(words):
                        break
                else:
                    need = None
            if need is None:
                found.append(rx)
        return found


def _screens(pattern: str) -> tuple[tuple[re.Pattern[str], tuple[frozenset[str], ...] | None],
                                    ...]:
    return tuple((re.compile(alt), required_words(alt)) for alt in split_alternatives(pattern))


class TargetAnalyzer:
    """The compiled ``targets`` block of one policy version."""

    def __init__(self, policy: Policy) -> None:
        t = policy.doc.targets
        assert t is not None
        self.action = t.action
        self.terms = group_terms(t, policy)
        self.category_of = {ch: g.category for ch, g in t.groups.items()}
        self.patterns: list[CompiledPattern] = []
        self._meta: dict[int, _Predicate] = {}
        # A pronoun refers back only in a comment that names a group: one of these words is in
        # every group term, so a comment without any cannot wake the refer-back variants.
        self.named = frozenset(_key_word(term) for term in self.terms)
        self._group_words = frozenset(w for term in self.terms for w in term.split())
        for pred in t.predicates:
            variants = [False] + ([True] if t.refer_back is not None and pred.refer_back
                                  else [])
            for refers in variants:
                rx = expand_predicate(t, policy, pred.pattern, refers)
                # each alternative on its own: its own required words wake it
                for alt in split_alternatives(rx):
                    cp = CompiledPattern.compile("targets", f"targets.{pred.id}", alt,
                                                 pred.action or t.action)
                    if not any(g in cp.regex.groupindex for g in _TARGET_GROUPS):
                        continue  # a part without a target says nothing of anyone
                    cp = self.screened(cp, refers)
                    self._meta[id(cp)] = _Predicate(pred, refers)
                    self.patterns.append(cp)
        self.index = PatternIndex(self.patterns)
        self._mention = re.compile(rf"\b(?:{alternation(list(self.terms))})\b")
        self.frames = [_Frame(f, re.compile(policy.expand(f.pattern)), frozenset(f.applies_to),
                              _screens(policy.expand(f.pattern)))
                       for f in t.frames]
        # the frame alternatives the last comment's words allow (one comment at a time)
        # (filled frame by frame, when a frame is first needed for the comment)
        self._live: tuple[str, frozenset[str], list[list[re.Pattern[str]] | None]] = (
            "", frozenset(), [])
        self.framed_categories = frozenset(
            c for f in self.frames if not f.spec.hold and f.spec.kind != "endorsement"
            for c in f.categories)
        self.word_framed_categories = frozenset(
            c for f in self.frames if f.spec.words or f.spec.hold for c in f.categories)
        self.phrase_held_categories = self.framed_categories | frozenset(
            c for f in self.frames if f.spec.hold and f.spec.quoted for c in f.categories)
        self.has_endorsement = any(f.spec.kind == "endorsement" for f in self.frames)
        self.respell: dict[str, str] = {}
        #: ordinary words a spaced-out run may spell (respell.spaced_words): read whole
        self.spaced_words: frozenset[str] = frozenset()
        self._lexicon: frozenset[str] = frozenset()
        if t.respell is not None:
            self._lexicon = _lexicon(policy, t.respell)
            self.respell = _respell_table(policy, t.respell, self._lexicon)
            self.spaced_words = frozenset(w for name in t.respell.spaced_words
                                          for w in policy.words("@" + name) if w.isalpha())

    def screened(self, cp: CompiledPattern, refers_back: bool) -> CompiledPattern:
        """``cp`` with its requirements ordered for the prefilter. A direct predicate is filed
        under its group terms (fewer comments name a group than hold "should" or "not"); a
        refer-back one also requires a group term's word, kept last: the first requirement picks
        the sentences a pattern runs on, and the pronoun's sentence comes after the group's."""
        if cp.triggers is None:
            return cp
        if refers_back:
            return replace(cp, triggers=(*cp.triggers, self.named))
        groups = [t for t in cp.triggers if t <= self._group_words]
        if not groups or cp.triggers[0] is groups[0]:
            return cp
        return replace(cp, triggers=(groups[0], *(t for t in cp.triggers if t is not groups[0])))

    # --- respelling -----------------------------------------------------------------------

    def may_respell(self, words: frozenset[str] | set[str]) -> bool:
        """Does a comment with these words hold a misspelling that respelling would undo?"""
        return bool(self.respell) and not self.respell.keys().isdisjoint(words)

    def respelled(self, nt: NormalizedText) -> NormalizedText:
        """``nt`` with misspelled lexicon words in its phrase stream written as listed (same map
        back to the original; each respelled word is also a token, spanning the word it was
        read from, so word lists see it too); ``nt`` itself when there is none."""
        table = self.respell
        if not table:
            return nt
        stream_tokens = nt.stream_tokens
        original = nt.original
        lex = self._lexicon
        spaced = {id(tok) for _, _, tok in stream_tokens
                  if len(tok.form) >= 3 and " " in original[tok.start:tok.end]}
        # a second leetspeak reading that is a listed word ("ki11": "kiii" or "kill")
        alts = {id(tok): alt for _, _, tok in stream_tokens if tok.alts and tok.form not in lex
                for alt in tok.alts if alt in lex or alt in table}
        if not spaced and not alts and table.keys().isdisjoint(nt.stream.split(" ")):
            return nt
        parts: list[str] = []
        mapping = []
        extra: list[Token] = []
        pos = 0
        k = 0
        words = nt.stream.split(" ")
        i = 0
        while i < len(words):
            part = words[i]
            i += 1
            if part != "|" and k < len(stream_tokens):
                tok = stream_tokens[k][2]
                k += 1
                read = part
                if id(tok) in alts:
                    part = alts[id(tok)]
                elif id(tok) in spaced and part not in lex:
                    part = self._segment(part) or part  # "d e t e s t w o m e n"
                elif (part in _ONE_LETTER and i < len(words) and k < len(stream_tokens)
                      and id(stream_tokens[k][2]) in spaced and words[i] not in lex):
                    # "I m m i g r a n t s", "an i d i o t": the tokenizer kept the first
                    # letter apart as a pronoun or an article
                    merged = self._segment(part + words[i])
                    if merged is not None:
                        nxt = stream_tokens[k][2]
                        k += 1
                        i += 1
                        tok = Token(part + nxt.form, tok.start, nxt.end, synthetic=True)
                        part = merged
                part = table.get(part, part)
                if part != read:
                    extra.extend(Token(w, tok.start, tok.end, synthetic=True)
                                 for w in part.split(" ") if len(w) > 1)
                mapping.append((pos, pos + len(part), tok))
            parts.append(part)
            pos += len(part) + 1
        out = NormalizedText(nt.original, nt.folded, nt.origin)
        out._tokens = nt.tokens + extra if extra else nt.tokens
        out._stream = " ".join(parts)
        out._stream_tokens = mapping
        return out

    def _segment(self, word: str) -> str | None:
        """Words run together by spacing every letter ("detestwomen", "willkillyou"), apart:
        the fewest pieces, each a lexicon word, a misspelling of one or a short function word,
        at least one of them a lexicon word; None when there is no such reading."""
        lex = self._lexicon
        table = self.respell
        if word in lex:
            return word
        n = len(word)
        if n > _MAX_SEGMENTED:
            return None
        # best[j]: (pieces, lexicon pieces) for word[:j]
        best: list[tuple[int, int, tuple[str, ...]] | None] = [None] * (n + 1)
        best[0] = (0, 0, ())
        for j in range(1, n + 1):
            for i in range(max(0, j - _LONGEST_PIECE), j):
                prev = best[i]
                if prev is None:
                    continue
                piece = word[i:j]
                if piece in lex:
                    read, hit = piece, 1
                elif piece in table and len(piece) >= 4:
                    read, hit = table[piece], 1
                elif piece in _FILLERS:
                    read, hit = piece, 0
                else:
                    continue
                cand = (prev[0] + 1, prev[1] + hit, (*prev[2], read))
                cur = best[j]
                if cur is None or (cand[0], -cand[1]) < (cur[0], -cur[1]):
                    best[j] = cand
        found = best[n]
        if found is None or not found[1]:
            return None
        return " ".join(found[2])

    # --- frames -----------------------------------------------------------------------------

    def framed(self, nt: NormalizedText, category: str, start: int, end: int,
               predicate_start: int | None = None, *, word: bool = False,
               hold: bool = False) -> Frame | None:
        """The frame that negates, asks, reports or condemns the match at stream[start:end],
        among those that apply to its category, or None. ``word``: a listed-word hit, framed
        only by frames marked ``words`` (which drop it) or ``hold`` (which hold it for review;
        a dropping frame wins over a holding one); ``hold``: a phrase match, which ``quoted``
        hold frames may also hold. Reporting, counter-speech and hold frames do not count where
        an ``endorsement`` frame applies ("he called them X and he was right")."""
        if category not in (self.word_framed_categories if word else
                            self.phrase_held_categories if hold else self.framed_categories):
            return None
        s = nt.stream
        sent_start = s.rfind("|", 0, start) + 1
        sent_end = s.find("|", end)
        sent_end = len(s) if sent_end < 0 else sent_end
        next_end = sent_end  # the end of the next two sentences: "X. Seriously? That's racist."
        for _ in range(2):
            if next_end < len(s):
                k = s.find("|", next_end + 1)
                next_end = len(s) if k < 0 else k
        quoted: bool | None = None
        endorsed: bool | None = None
        held: Frame | None = None
        for k, f in enumerate(self.frames):
            spec = f.spec
            if category not in f.categories or spec.kind == "endorsement":
                continue
            if word:
                if not (spec.words or spec.hold) or (held is not None and spec.hold):
                    continue
            elif spec.hold and not (hold and spec.quoted and held is None):
                continue
            if spec.quoted:
                if quoted is None:
                    quoted = _inside_quotes(nt, start, end)
                if not quoted:
                    continue
            parts = self._parts(s, k)
            if not parts:
                continue
            if spec.quoted:
                hit = any(rx.search(s) for rx in parts)
            else:
                hit = self._frame_hit(f, parts, nt, start, end, predicate_start, sent_start,
                                      sent_end, next_end)
                if hit is None:  # quoted, with the frame anywhere in the comment
                    if quoted is None:
                        quoted = _inside_quotes(nt, start, end)
                    hit = quoted and any(rx.search(s, 0, start) or rx.search(s, end)
                                         for rx in parts)
            if not hit:
                continue
            if spec.hold or spec.kind in ("reporting", "counter_speech"):
                if endorsed is None:
                    endorsed = self._endorsed(category, nt, start, end, sent_start, sent_end,
                                              next_end)
                if endorsed:
                    continue
            if spec.hold:
                held = spec
                continue
            return spec
        return held

    @staticmethod
    def _frame_hit(f: _Frame, parts: list[re.Pattern[str]], nt: NormalizedText, start: int,
                   end: int, predicate_start: int | None, sent_start: int, sent_end: int,
                   next_end: int) -> bool | None:
        """Does frame ``f`` match around stream[start:end]? None: not in place, but a reporting
        or counter-speech frame, which also frames a quoted match from anywhere."""
        s = nt.stream
        spec = f.spec
        anchor = predicate_start if (spec.anchor == "predicate"
                                     and predicate_start is not None) else start
        for rx in parts:
            if spec.where == "after":
                if spec.max_gap is None:
                    if rx.search(s, end, next_end):
                        return True
                    continue
                m = rx.search(s, end, sent_end)
                if m is not None and len(s[end:m.start()].split()) <= spec.max_gap:
                    return True
                continue
            for m in rx.finditer(s, sent_start, anchor):
                if m.end() > anchor:
                    continue
                if spec.max_gap is None or len(s[m.end():anchor].split()) <= spec.max_gap:
                    return True
        quotable = spec.where == "before" and spec.kind in ("reporting", "counter_speech")
        return None if quotable else False

    def _parts(self, s: str, k: int) -> list[re.Pattern[str]]:
        """The alternatives of frame ``k`` that the words of comment stream ``s`` allow (worked
        out once per comment and frame, when first needed)."""
        live = self._live
        if live[0] is not s:  # a new comment
            live = self._live = (s, frozenset(_NON_WORD.split(s)), [None] * len(self.frames))
        parts = live[2][k]
        if parts is None:
            parts = live[2][k] = self.frames[k].parts_for(live[1])
        return parts

    def _endorsed(self, category: str, nt: NormalizedText, start: int, end: int,
                  sent_start: int, sent_end: int, next_end: int) -> bool:
        """Does an endorsement frame apply, in place as any frame is read: before the match in
        its sentence ("as my dad says", "just saying") or after it ("and he was right")?"""
        if not self.has_endorsement:
            return False
        return any(
            f.spec.kind == "endorsement" and category in f.categories
            and self._frame_hit(f, self._parts(nt.stream, k), nt, start, end, None, sent_start,
                                sent_end, next_end)
            for k, f in enumerate(self.frames))

    # --- predicates -------------------------------------------------------------------------

    def find(self, nt: NormalizedText, add: Add, framed_out: set[str] | None = None) -> None:
        """Add a reason for every predicate said of a group target and not framed away (the
        categories of those framed away go to ``framed_out``)."""
        s = nt.stream
        if not s:
            return
        words = frozenset(_NON_WORD.split(s))
        original = nt.original
        whole = [(0, len(s))]
        for p in self.index.candidates(words, s):
            meta = self._meta[id(p)]
            # only the sentences holding a required word, as for the categories' patterns
            spans = (_sentences_with(s, p.triggers[0].intersection(words))
                     if p.bound and p.triggers else whole)
            for m in (m for a, b in spans for m in p.regex.finditer(s, a, b)):
                if m.end() == m.start():
                    continue
                tg = next(g for g in _TARGET_GROUPS if g in p.regex.groupindex and m.group(g))
                target = " ".join(m.group(tg).split())
                antecedent = None
                if meta.refers_back:
                    antecedent = self._antecedent(s, m.start(tg))
                    if antecedent is None:
                        continue
                    characteristic = self.terms[" ".join(antecedent.group().split())]
                else:
                    characteristic = self.terms.get(target)
                    if characteristic is None:
                        continue
                if characteristic in meta.spec.skip:
                    continue
                category = self.category_of[characteristic]
                pg = next((g for g in _PREDICATE_GROUPS if g in p.regex.groupindex
                           and m.group(g)), None)
                pred_start = m.start(pg) if pg is not None else m.start()
                if self.framed(nt, category, m.start(), m.end(), pred_start):
                    if framed_out is not None:
                        framed_out.add(category)
                    continue
                a, b = nt.stream_span_to_original(m.start(), m.end())
                name = _CHARACTERISTIC_NAMES.get(characteristic, characteristic)
                said = " ".join((m.group(pg) if pg is not None else m.group()).split())
                who = (f"{target} = {' '.join(antecedent.group().split())}"
                       if antecedent is not None else target)
                term = f"target: {who} ({name}); predicate: {meta.spec.kind} \"{said}\""
                rule_id = f"{category}.targets.{meta.spec.id}"
                add(category, rule_id, p.action,
                    Evidence(start=a, end=b, text=original[a:b], term=term))
                if antecedent is not None:
                    c, d = nt.stream_span_to_original(antecedent.start(), antecedent.end())
                    add(category, rule_id, p.action,
                        Evidence(start=c, end=d, text=original[c:d],
                                 term=f"the group that \"{target}\" refers back to"))

    def _antecedent(self, stream: str, before: int) -> re.Match[str] | None:
        """The last group term named before ``before`` (the pronoun's antecedent), if any."""
        last = None
        for m in self._mention.finditer(stream, 0, before):
            last = m
        return last


# Short words read apart when letters spaced out run them into a lexicon word ("i", "will",
# "you" in "I w i l l k i l l y o u").
_FILLERS = frozenset("""
i a u you your ur yourself will ll all the them they their are is an to we should must he she
him her his so such what this that these those and go be am m im gonna going want get every one
of in at on up out my me us our total complete absolute utter real whole bunch lot let lets
""".split())
_ONE_LETTER = frozenset("ai")
_MAX_SEGMENTED = 40
_LONGEST_PIECE = 20


def _key_word(term: str) -> str:
    """The word of a group term that the term cannot be without: its first uncommon word."""
    from moderation.rules.prefilter import _COMMON

    words = term.split()
    return next((w for w in words if w not in _COMMON and w != "community"), words[-1])


def _inside_quotes(nt: NormalizedText, start: int, end: int) -> bool:
    """Is the stream span [start, end) inside quotation marks in the original text?"""
    a, b = nt.stream_span_to_original(start, end)
    return quoted_span(nt.original, a, b)


def quoted_span(text: str, a: int, b: int) -> bool:
    """Is ``text[a:b]`` between quotation marks: an odd number of double marks before and one
    after, or inside a pair of single ones (an opening mark at a word's start, then a closing
    one at a word's end; other apostrophes are not quotation marks)?"""
    before = len(_DOUBLE_QUOTES.findall(text, 0, a))
    if before % 2 == 1 and _DOUBLE_QUOTES.search(text, b) is not None:
        return True
    opened = -1
    n = len(text)
    for m in _SINGLE_MARKS.finditer(text):
        i = m.start()
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < n else " "
        if m.group() != "\u2018" and not prev.isspace() and not (nxt.isalnum() or nxt == "_"):
            if opened >= 0:  # closes the pair opened before
                if opened < a and b <= i:
                    return True
                opened = -1
                continue
        if (m.group() != "\u2019" and not (prev.isalnum() or prev == "_")
                and not nxt.isspace()):
            if i >= b:
                break
            opened = i  # a later opening mark replaces one nothing closed ("'em 'plan'")
    return False


def _variants(word: str, min_length: int) -> set[str]:
    """One pair of neighbouring letters swapped (not the first letter), and for words longer
    than ``min_length`` one inner letter dropped."""
    out: set[str] = set()
    n = len(word)
    if n >= 4:
        for i in range(1, n - 1):
            if word[i] != word[i + 1]:
                out.add(word[:i] + word[i + 1] + word[i] + word[i + 2:])
    if n > min_length:  # an inner letter: dropping the last would turn plurals into singulars
        for i in range(1, n - 1):
            out.add(word[:i] + word[i + 1:])
    out.discard(word)
    return out


def _lexicon(policy: Policy, spec: Respell) -> frozenset[str]:
    """Every word of the respelled lists."""
    words: set[str] = set()
    for name in spec.lists:
        for entry in policy.words("@" + name):
            words.update(w for w in entry.split() if w.isalpha() and len(w) > 1)
    return frozenset(words)


def _respell_table(policy: Policy, spec: Respell, words: frozenset[str]) -> dict[str, str]:
    """misspelling -> listed word (or "i hate" for "ihate"), for every word of the lists."""
    exclude: set[str] = set()
    for name in spec.exclude:
        exclude.update(policy.words("@" + name))
    short = {w for name in spec.skeletons for e in policy.words("@" + name) for w in e.split()
             if w.isalpha() and len(w) <= spec.min_length}
    table: dict[str, str] = {}
    ambiguous: set[str] = set()
    # the respelled lists holding each word: a misspelling of two words of one list
    # ("womn": women or woman) reads as either, of no one list as neither
    home: dict[str, set[str]] = {}
    for name in spec.lists:
        for entry in policy.words("@" + name):
            for w in entry.split():
                home.setdefault(w, set()).add(name)
    for w in sorted(words):
        variants = _variants(w, spec.min_length) | _stretches(w)
        if w in short:
            variants |= _skeletons(w)
        for v in variants:
            if v in words or v in exclude:
                continue
            if v in table and table[v] != w:
                if not home.get(table[v], set()).isdisjoint(home.get(w, ())):
                    continue
                ambiguous.add(v)
            table[v] = w
    for v in ambiguous:
        del table[v]
    glue_words = sorted({w for name in spec.glue_words for w in policy.words("@" + name)
                         if w.isalpha()})
    if glue_words:
        for w in sorted(words):
            if len(w) < 4:
                continue
            for g in glue_words:
                for glued, read in ((g + w, f"{g} {w}"), (w + g, f"{w} {g}")):
                    if glued not in words and glued not in exclude:
                        table.setdefault(glued, read)
    for name in spec.glue:
        for entry in policy.words("@" + name):
            if entry.isalpha():
                for subject in ("i", "we"):
                    table.setdefault(subject + entry, f"{subject} {entry}")
    objects = [w for name in spec.objects for w in policy.words("@" + name) if w.isalpha()]
    for name in spec.glue_objects:
        for entry in policy.words("@" + name):
            if entry.isalpha():
                for obj in objects:
                    if entry + obj not in exclude:
                        table.setdefault(entry + obj, f"{entry} {obj}")
    for name in spec.glue_be:
        for entry in policy.words("@" + name):
            if entry.isalpha() and "be" + entry not in exclude:
                table.setdefault("be" + entry, f"be {entry}")
    return table


_VOWELS = frozenset("aeiouy")
_DOUBLE = re.compile(r"(.)\1+")


def _stretches(word: str) -> set[str]:
    """Letters stretched: one letter doubled ("kiill"), or runs of a doubled letter read as one,
    as the phrase stream writes a run of three or more ("killl" -> "kil"). Words of four
    letters or more."""
    n = len(word)
    if n < 4:
        return set()
    out = {word[:i + 1] + word[i:] for i in range(n)
           if (i == 0 or word[i - 1] != word[i]) and (i == n - 1 or word[i + 1] != word[i])}
    runs = [m.span() for m in _DOUBLE.finditer(word)]
    for mask in range(1, 1 << min(len(runs), 3)):
        v, last = [], 0
        for k, (a, b) in enumerate(runs[:3]):
            v.append(word[last:a + 1] if mask >> k & 1 else word[last:b])
            last = b
        v.append(word[last:])
        out.add("".join(v))
    out.discard(word)
    return {v for v in out if len(v) >= 3}


def _skeletons(word: str) -> set[str]:
    """A short word with one or all of its inner vowels dropped, kept only when no vowel is
    left: "kll" (kill), "stb" (stab), "hng" (hang). A skeleton is rarely a word of its own,
    which is why short words get no other dropped-letter variant ("hag", "bet")."""
    inner = [i for i in range(1, len(word) - 1) if word[i] in _VOWELS]
    out = set()
    for drop in [[i] for i in inner] + ([inner] if len(inner) > 1 else []):
        v = "".join(c for i, c in enumerate(word) if i not in drop)
        if len(v) >= 3 and _VOWELS.isdisjoint(v):
            out.add(v)
    return out
