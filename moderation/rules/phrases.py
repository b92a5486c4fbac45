"""Phrase patterns: regular expressions over the normalised phrase stream of a comment."""

from __future__ import annotations

import re
from dataclasses import dataclass

from moderation.normalize import NormalizedText


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    category: str
    rule_id: str
    regex: re.Pattern[str]
    action: str


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


def find(patterns: list[CompiledPattern], nt: NormalizedText) -> list[PhraseHit]:
    """Every match of every pattern, mapped back to the original text."""
    hits: list[PhraseHit] = []
    stream = nt.stream
    if not stream:
        return hits
    for p in patterns:
        for m in p.regex.finditer(stream):
            if m.end() == m.start():
                continue
            start, end = nt.stream_span_to_original(m.start(), m.end())
            hits.append(PhraseHit(p, m.start(), m.end(), start, end))
    return hits
