"""Issue 12 item 4: counter-speech, victims and reporting that quote or name abuse are not
rejected by a listed-word hit (held for review, the reason naming the word and the frame), and
comments that use the word themselves, repeat it approvingly or hide behind a fig leaf still are
(tests/engine/data/contrast_*.tsv; benchmarks/contrast_cases.py prints the figures).

The tuning half is asserted row by row. The held-out half was written before the rules and is
never tuned on: only its totals are held to the figures measured when the rules were added."""

from __future__ import annotations

import pytest

from moderation.engine import Engine
from moderation.models import Comment
from tests.engine.contrast_data import contrast_rows


def test_halves_are_balanced() -> None:
    for half in ("tuning", "heldout"):
        rows = contrast_rows(half)
        assert sum(e == "ok" for e, _ in rows) == sum(e == "reject" for e, _ in rows), half
        assert len(rows) >= 60, half


#: tuning rows the rules still get wrong (no frame word: a past self-report of using the word)
KNOWN_MISSES = {
    'We used to shout "spastic" at each other in the playground without a thought; I cringe now.',
}


@pytest.mark.parametrize(("expected", "text"), contrast_rows("tuning"))
def test_tuningcontrast_rows(rules_engine: Engine, expected: str, text: str) -> None:
    d = rules_engine.decide(Comment(text=text))
    if text in KNOWN_MISSES:
        assert d.action == "reject"  # remove it from KNOWN_MISSES once a rule gets it right
        return
    assert (d.action == "reject") == (expected == "reject"), [
        (r.rule_id, r.action) for r in d.reasons]
    for r in d.reasons:
        for e in r.evidence:
            assert e.text == text[e.start:e.end]
        if r.source == "rule" and r.message and "held for review" in r.message:
            assert r.action == "review" and r.evidence  # the word is still shown
            assert "frame " in r.message or "reported by the person" in r.message or (
                "quoted" in r.message)


def test_held_word_names_its_frame(rules_engine: Engine) -> None:
    d = rules_engine.decide(Comment(text="My son was called a faggot at school and the "
                                         "teachers did nothing."))
    assert d.action == "review"
    (r,) = [r for r in d.reasons if r.rule_id == "homophobia.words"]
    assert r.action == "review" and [e.text for e in r.evidence] == ["faggot"]
    assert "frame named_abuse" in (r.message or "")


def test_a_word_said_outright_beside_a_reported_one_still_rejects(rules_engine: Engine) -> None:
    d = rules_engine.decide(Comment(text="They called me a faggot. Fine, you are all faggots."))
    assert d.action == "reject"


def test_held_out_totals(rules_engine: Engine) -> None:
    rows = contrast_rows("heldout")
    decisions = rules_engine.decide_batch([Comment(text=t) for _, t in rows])
    ok = sum(d.action != "reject" for (e, _), d in zip(rows, decisions, strict=True) if e == "ok")
    rejected = sum(d.action == "reject" for (e, _), d in zip(rows, decisions, strict=True)
                   if e == "reject")
    assert ok >= 31 and rejected >= 29, (ok, rejected)  # measured 2026-12-05: 31/35, 29/35
