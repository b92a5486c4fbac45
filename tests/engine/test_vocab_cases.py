"""Issue 12 session 4 (vocab_broad): the rule layer's predicate vocabulary, widened with words
reviewed by hand from VADER's lexicon (benchmarks/vocab_candidates.py, benchmarks/vocab_review.tsv)
and the shapes the same words take (tests/engine/data/vocab_*.tsv; benchmarks/dev_cases.py
--file prints the figures).

The tuning half is asserted row by row: a reject row must be rejected, an approve row must not be
(review is fine). The held-out half was written with it, before any rule change, and is never
tuned on: only its totals are held to the figures measured after the round."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.engine import Engine
from moderation.models import Comment
from tests.engine.case_files import case_rows

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]


def vocab_rows(half: str) -> list[tuple[str, str, str]]:
    """(expected, function, text) of vocab_tuning.tsv or vocab_heldout.tsv."""
    return [(expected, function, text)
            for _, expected, function, text in case_rows(DATA / f"vocab_{half}.tsv", 4)]


#: tuning rows the rules still get wrong: "a burden" and "a drain" are left out of
#: negative_attributes on purpose (debate words); "idiot" is a strong insult wherever it stands
KNOWN_MISSES = {
    "Disabled people are a burden and a drain on everyone.",
    "I was an idiot to believe the club's promises.",
}


def test_halves_are_shaped_as_written() -> None:
    for half in ("tuning", "heldout"):
        rows = vocab_rows(half)
        assert len(rows) >= 75, half
        rejects = sum(e == "reject" for e, _, _ in rows)
        assert 0.5 <= rejects / len(rows) <= 0.6, half
        assert {e for e, _, _ in rows} == {"reject", "approve"}, half


@pytest.mark.parametrize(("expected", "function", "text"), vocab_rows("tuning"))
def test_tuning_rows(rules_engine: Engine, expected: str, function: str, text: str) -> None:
    d = rules_engine.decide(Comment(text=text))
    if text in KNOWN_MISSES:
        assert (d.action == "reject") != (expected == "reject")  # drop it once a rule gets it
        return
    assert (d.action == "reject") == (expected == "reject"), (function, [
        (r.rule_id, r.action) for r in d.reasons])


def test_heldout_totals(rules_engine: Engine) -> None:
    """Measured after the round (rules only): 30 of 44 rejected (50.0 % before), 1 of 36
    contrasts rejected (as before)."""
    rows = vocab_rows("heldout")
    acts = [(e, rules_engine.decide(Comment(text=t)).action) for e, _, t in rows]
    assert sum(e == "reject" and a == "reject" for e, a in acts) >= 30
    assert sum(e == "approve" and a == "reject" for e, a in acts) <= 1


def _review() -> list[tuple[str, str, str]]:
    return case_rows(REPO / "benchmarks" / "vocab_review.tsv", 3)  # type: ignore[return-value]


def test_kept_words_are_in_their_lists_with_the_credit() -> None:
    """Every word the review kept is in the list it names, and that list credits VADER."""
    rows = _review()
    assert rows and all(d in ("keep", "drop") for _, d, _ in rows)
    kept = [(w, note) for w, d, note in rows if d == "keep"]
    assert len(kept) >= 100
    for word, name in kept:
        text = (REPO / "policies" / "words" / f"{name}.txt").read_text(encoding="utf-8")
        assert word in {line.strip() for line in text.splitlines()}, (word, name)
        assert "VADER" in text and "Hutto & Gilbert 2014, MIT" in text, name


def test_victim_words_were_not_taken() -> None:
    """What happens TO someone is never a negative attribute of a group."""
    text = (REPO / "policies" / "words" / "negative_attributes.txt").read_text(encoding="utf-8")
    words = {line.strip() for line in text.splitlines() if not line.startswith("#")}
    for victim in ("abused", "poor", "oppressed", "homeless", "unemployed", "struggling",
                   "exploited", "harassed", "vulnerable", "underpaid", "traumatised"):
        assert victim not in words, victim


@pytest.mark.parametrize(("text", "rule"), [
    ("What a despicable bunch the Poles are.", "targets.what_a_bunch"),
    ("Typical lazy Nigerians, always expecting handouts.", "targets.adjective_group"),
    ("Asylum seekers = criminals.", "targets.derogation"),
    ("Chinese people are sneaky and untrustworthy.", "targets.derogation"),
    ("What a spineless coward you are.", "personal_attack.what_a_noun_you_are"),
    ("What an arrogant man you are.", "personal_attack.what_a_you_are"),
    ("You're a hypocritical fraud and everyone here knows it.",
     "personal_attack.you_are_a_demeaning"),
])
def test_new_shapes_name_their_rule(rules_engine: Engine, text: str, rule: str) -> None:
    d = rules_engine.decide(Comment(text=text))
    assert d.action == "reject"
    assert any((r.rule_id or "").endswith(rule) for r in d.reasons), [r.rule_id for r in d.reasons]


@pytest.mark.parametrize("text", [
    "Those lazy immigrant stereotypes have to go.",  # the group word is not the phrase's head
    "What a despicable decision by the council.",
    "Immigrants are vulnerable and underpaid.",
    "Autistic people are useful to society in countless ways.",
    "What a nasty shock you are in for when the bill arrives.",
])
def test_new_shapes_leave_these_alone(rules_engine: Engine, text: str) -> None:
    assert rules_engine.decide(Comment(text=text)).action != "reject"
