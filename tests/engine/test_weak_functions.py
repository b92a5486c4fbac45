"""Issue 12's weak functions (threats in other words, veiled threats, evasions of threat words,
attacks without a listed word, implicit and negated-positive derogation): written examples with
their contrasts, the action the default policy's rules alone must take.

Each rule added for these functions has at least one row that it alone decides and a contrast
row with the same words that must stay approved (tests/engine/data/weak_functions.tsv)."""

from __future__ import annotations

import pytest

from moderation.engine import Engine
from moderation.models import Comment
from moderation.normalize import normalize
from tests.engine.case_files import DATA, case_rows

ROWS = case_rows(DATA / "weak_functions.tsv", 3)


@pytest.mark.parametrize(("action", "rule", "text"), ROWS)
def test_rules_alone_take_the_action(rules_engine: Engine, action: str, rule: str,
                                     text: str) -> None:
    decision = rules_engine.decide(Comment(text=text))
    got = [r.rule_id for r in decision.reasons if r.action != "flag"]
    assert decision.action == action, got
    if rule != "-":
        assert rule in got, got
        for r in decision.reasons:
            for e in r.evidence:
                assert e.text == text[e.start:e.end]


def test_plain_and_full_paths_agree(rules_engine: Engine) -> None:
    """The plain fast path ("I'm" split as a contraction there too) clears nothing the full
    matcher flags."""
    for _, _, text in ROWS:
        fast = rules_engine.rules.match(normalize(text), fast=True)
        slow = rules_engine.rules.match(normalize(text), fast=False)
        assert [r.rule_id for r in fast] == [r.rule_id for r in slow], text


@pytest.mark.parametrize(("text", "stream"), [
    ("I'm done", "i m done"),
    ("I\u2019d say no", "i d say no"),
    ("I.M. Pei", "im | pei"),  # initials stay one word
    ("5h00t", "shoot"),  # two letters among three digits: leetspeak
    ("10x", "x"),  # a number with one letter is not
])
def test_contractions_and_leet_numbers(text: str, stream: str) -> None:
    assert normalize(text).stream == stream
