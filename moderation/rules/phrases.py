"""Phrase patterns: regular expressions over the normalised phrase stream of a comment."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import chain

from moderation.normalize import NormalizedText
from moderation.rules.prefilter import (
    parse,
    required_literal,
    required_words,
    sentence_bound,
)

# Split like ``\b`` does, so a word glued to punctuation ("ep?son") still counts as "son".
_NON_WORD = re.compile(r"\W+")


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    category: str
    rule_id: str
    regex: re.Pattern[str]
    action: str
    #: every match holds a word of each of these sets (None: unknown, always run); prefilter.py
    triggers: tuple[frozenset[str], ...] | None = field(default=None, compare=False)
    #: every match holds this text (None: no such literal known)
    literal: str | None = field(default=None, compare=False)
    #: every match lies within one sentence of the stream (prefilter.sentence_bound)
    bound: bool = field(default=False, compare=False)

    def may_match(self, words: frozenset[str] | set[str]) -> bool:
        """False only when a required word is surely absent from the comment."""
        return self.triggers is None or all(not t.isdisjoint(words) for t in self.triggers)

    @classmethod
    def compile(cls, category: str, rule_id: str, pattern: str, action: str) -> CompiledPattern:
        parsed = parse(pattern)  # once, for the three analyses
        return cls(category, rule_id, re.compile(pattern), action, required_words(parsed),
                   required_literal(parsed), sentence_bound(parsed))


@dataclass(frozen=True, slots=True)
class PhraseHit:
    pattern: CompiledPattern
    stream_start: int
    stream_end: int
    start: int  # original span, widened to whole tokens
    end: int


def phrase_regex(entries: list[str]) -> str | None:
    """One alternation for the multi-word entries of a word list ("blow job")."""
    multi = sorted({e for e in entries if " " in e}, key=len, reverse=True)
    if not multi:
        return None
    return r"\b(?:" + "|".join(r"\s+".join(re.escape(w) for w in e.split()) for e in multi) + r")\b"


class PatternIndex:
    """Which patterns a comment's words can wake: each pattern is filed under the words of its
    cheapest required set, so one set intersection finds the few worth a full check."""

    def __init__(self, patterns: list[CompiledPattern]) -> None:
        self.patterns = patterns
        self.always = [i for i, p in enumerate(patterns) if p.triggers is None]
        self.by_word: dict[str, list[int]] = {}  # word -> positions of the patterns it wakes
        for i, p in enumerate(patterns):
            if p.triggers is not None:
                for word in p.triggers[0]:
                    self.by_word.setdefault(word, []).append(i)
        # the same, flat, for the C prefilter (_plainscan.candidates)
        self._literals = tuple(p.literal for p in patterns)
        self._triggers = tuple(p.triggers for p in patterns)
        self._always = tuple(self.always)

    def candidates(self, words: frozenset[str] | set[str], stream: str) -> list[CompiledPattern]:
        """Patterns that may match a stream holding these words, in policy order."""
        patterns = self.patterns
        return [patterns[i] for i in _candidates(self, stream, words)]


def find(patterns: list[CompiledPattern] | PatternIndex, nt: NormalizedText,
         prefilter: bool = True) -> list[PhraseHit]:
    """Every match of every pattern, mapped back to the original text. Patterns whose required
    words are all absent from the comment are skipped (``prefilter=False`` runs them all)."""
    hits: list[PhraseHit] = []
    stream = nt.stream
    if not stream:
        return hits
    words = frozenset(_NON_WORD.split(stream))
    if isinstance(patterns, PatternIndex):
        todo = patterns.candidates(words, stream) if prefilter else patterns.patterns
    else:
        todo = [p for p in patterns if not prefilter or p.may_match(words)]
    whole = [(0, len(stream))]
    for p in todo:
        # a pattern bound to one sentence only needs the sentences holding its required words
        spans = (_sentences_with(stream, p.triggers[0].intersection(words))
                 if prefilter and p.bound and p.triggers else whole)
        for a, b in spans:
            for m in p.regex.finditer(stream, a, b):
                if m.end() == m.start():
                    continue
                start, end = nt.stream_span_to_original(m.start(), m.end())
                hits.append(PhraseHit(p, m.start(), m.end(), start, end))
    return hits


def any_match(index: PatternIndex, stream: str, words: frozenset[str] | set[str], *,
              windows: bool = True) -> bool:
    """Does any pattern match this phrase stream at all (a non-empty match)? For clearing a plain
    comment, where no evidence is needed; ``words`` is a superset of the stream's words. A
    pattern that cannot cross a sentence end runs only on the sentences holding one of its
    required words (``windows=False`` runs every pattern on the whole stream)."""
    if not stream:
        return False
    patterns = index.patterns
    for i in _candidates(index, stream, words):
        p = patterns[i]
        if windows and p.bound and p.triggers:
            spans = _sentences_with(stream, p.triggers[0].intersection(words))
        else:
            spans = [(0, len(stream))]
        for start, end in spans:
            for m in p.regex.finditer(stream, start, end):
                if m.end() > m.start():
                    return True
    return False


def _sentences_with(stream: str, words: frozenset[str]) -> list[tuple[int, int]]:
    """The sentences of the stream (from the "|" before, included, to the "|" after) that hold
    one of ``words`` as a whole word, as ``\\b`` sees words."""
    spans = set()
    n = len(stream)
    for w in words:
        k = stream.find(w)
        while k >= 0:
            end = k + len(w)
            if ((k == 0 or not _word_char(stream[k - 1]))
                    and (end == n or not _word_char(stream[end]))):
                start = stream.rfind("|", 0, k)
                stop = stream.find("|", end)
                spans.add((max(start, 0), stop if stop >= 0 else n))
            k = stream.find(w, k + 1)
    return sorted(spans)


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _candidates_python(index: PatternIndex, stream: str,
                       words: frozenset[str] | set[str]) -> list[int]:
    """Positions of the patterns worth running: woken by a word, their literal in the stream,
    each of their required word sets met. The loops are written out: this runs for most
    comments."""
    by_word = index.by_word
    woken = set(chain.from_iterable(map(by_word.__getitem__, by_word.keys() & words)))
    woken.update(index.always)
    patterns = index.patterns
    found = []
    for i in sorted(woken):
        p = patterns[i]
        if p.literal is not None and p.literal not in stream:
            continue
        if p.triggers is not None:
            for t in p.triggers:
                if t.isdisjoint(words):
                    break
            else:
                t = None
            if t is not None:
                continue
        found.append(i)
    return found


def _candidates_c(index: PatternIndex, stream: str,
                  words: frozenset[str] | set[str]) -> list[int]:
    """The same in C (moderation/rules/native/_plainscan.c), when the extension is built."""
    return _plainscan.candidates(words, index.by_word, index._always, index._literals,
                                 index._triggers, stream)


try:
    import moderation.rules.native._plainscan as _plainscan  # type: ignore[import-not-found]

    _candidates = _candidates_c
except ImportError:  # not compiled: the same, slower
    _candidates = _candidates_python
