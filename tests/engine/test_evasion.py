"""Issue 12 item 3: a disguise never makes a caught comment pass, and look-alikes stay clean.

tests/engine/data/evasion_cases.tsv holds comments the rules reject (evasion_base.tsv) disguised
by benchmarks/evasion_cases.py: letters spaced out, dots/dashes between letters, a letter dropped
or two swapped, words run together, leetspeak, look-alike letters, zero-width characters,
fullwidth letters, stretched letters, mixed case, and a few disguised by hand. The tuning half is
checked case by case (its known misses listed below); the held-out half only as shares per kind,
so that a failure here does not print its cases. evasion_clean.tsv: Scunthorpe words, acronyms,
initials, spaced letters in ordinary text, words split across lines, typos of harmless words.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from moderation.engine import Engine
from moderation.models import Comment
from moderation.normalize import normalize
from tests.engine import evasion_data

CASES = evasion_data.cases()
TUNING = [c for c in CASES if c[0] == "tune"]

# Tuning cases the rules still pass: a letter dropped from a word of four letters (the other
# dropped-letter variants of short words are too often words: "hag", "bet"), misspellings that
# are words ("morn", "strange"), a letter replaced ("hatr"), a word glued to a non-function word.
KNOWN_MISSES = {
    "I hae muslims.",
    "The author is a complete morn.",
    "Gays are scm.",
    "They should hag the traitor.",
    "I'm going to strange you with my bare hands.",
    "I will rpe you.",
    "Listen heredickhead.",
    "I hatr muslims.",
}
# The held-out half's rejected share per kind, measured after the change (at least).
HELD_OUT_FLOOR = 0.8


def test_generated_cases_are_current() -> None:
    """evasion_cases.tsv is what the generator writes (run it with --write after editing
    evasion_base.tsv)."""
    written = [(h, k, w, t.replace("\n", "\\n")) for h, k, w, t in CASES]
    assert written == evasion_data.generate()


@pytest.mark.parametrize(("half", "kind", "word", "text"), TUNING,
                         ids=[f"{c[1]}-{i}" for i, c in enumerate(TUNING)])
def test_disguised_comment_is_rejected(rules_engine: Engine, half: str, kind: str, word: str,
                                       text: str) -> None:
    decision = rules_engine.decide(Comment(text=text))
    if text in KNOWN_MISSES:
        assert decision.action != "reject", "now caught: take it out of KNOWN_MISSES"
        return
    assert decision.action == "reject", [r.rule_id for r in decision.reasons]
    for r in decision.reasons:
        for e in r.evidence:
            assert e.text == text[e.start:e.end]


def test_held_out_half_share_per_kind(rules_engine: Engine) -> None:
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for half, kind, _, text in CASES:
        if half != "held":
            continue
        t = tally["hand" if kind.startswith("hand:") else kind]
        t[0] += rules_engine.decide(Comment(text=text)).action == "reject"
        t[1] += 1
    low = {k: f"{r}/{n}" for k, (r, n) in tally.items() if r < HELD_OUT_FLOOR * n}
    assert not low


@pytest.mark.parametrize(("half", "text"), evasion_data.clean())
def test_clean_look_alike_is_not_rejected(rules_engine: Engine, half: str, text: str) -> None:
    decision = rules_engine.decide(Comment(text=text))
    assert decision.action == "approve", [r.rule_id for r in decision.reasons]


def test_plain_and_full_paths_agree(rules_engine: Engine) -> None:
    for text in [c[3] for c in CASES] + [t for _, t in evasion_data.clean()]:
        fast = rules_engine.rules.match(normalize(text), fast=True)
        slow = rules_engine.rules.match(normalize(text), fast=False)
        assert [r.rule_id for r in fast] == [r.rule_id for r in slow]
