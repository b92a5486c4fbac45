"""The pattern prefilter (rules/prefilter.py, PatternIndex) is a pure speed-up: with it or
without it, every comment gets exactly the same pattern matches."""

from __future__ import annotations

import pytest

from moderation.normalize import normalize
from moderation.rules import RuleSet
from moderation.rules.phrases import find
from moderation.rules.prefilter import required_words
from tests.engine.test_rule_table import CRITICISM, EVASIONS, HARD_NEGATIVES

EXTRA = [
    "u.s.a. and k.y.s", "222 girls 1 cup", "f.*.k that", "a.5.s", "he said: \"shut up\"",
    "I will find you.", "we know where you live", "Check out my channel", "an idiot",
    "Everything is fine here, thanks for the report.", "$500 a day from home", "s $ x y",
]


def same_with_and_without_speedups(rs: RuleSet, text: str) -> bool:
    nt = normalize(text)
    pre = [(h.pattern.rule_id, h.stream_start) for h in find(rs.index, nt, prefilter=True)]
    full = [(h.pattern.rule_id, h.stream_start) for h in find(rs.index, nt, prefilter=False)]
    return pre == full


@pytest.fixture(scope="module")
def rules(policy) -> RuleSet:  # type: ignore[no-untyped-def]
    return RuleSet.build(policy)


def test_requirements_are_read_from_the_pattern() -> None:
    (need,) = required_words(r"\bshut\s+up\b|\bstfu\b") or ()
    assert need == {"shut", "stfu"}
    sets = required_words(r"\b(?:i|we)\s+will\s+(?:kill|hurt)\s+(?:you|him)\b")
    assert sets is not None and frozenset({"kill", "hurt"}) in sets
    assert required_words(r"\w+\s+\w+") is None  # nothing to require: always run


@pytest.mark.parametrize("text", [e[0] for e in EVASIONS] + HARD_NEGATIVES + CRITICISM + EXTRA)
def test_speedups_never_change_a_result(rules: RuleSet, text: str) -> None:
    assert same_with_and_without_speedups(rules, text)


def test_speedups_never_change_a_result_on_real_comments(rules: RuleSet,
                                                        real_comments: list[str]) -> None:
    """Every 4th of the ~58,000 shared real comments (news comments, tweets, spam, insults)."""
    texts = real_comments[::4]
    skipped = sum(len(rules.index.candidates(frozenset((nt := normalize(t)).stream.split()),
                                             nt.stream))
                  < len(rules.patterns) for t in texts)
    assert skipped == len(texts)  # every comment skips some patterns
    bad = [t[:80] for t in texts if not same_with_and_without_speedups(rules, t)]
    assert bad == []
