"""The functional suites (tests/languages/<code>.csv, README.md there) through the rules: the
issue's targets per language, >= 70 % of the hateful cases rejected and <= 10 % of the
contrasts (neutral and kind mentions of groups, reporting, quoting to condemn, negation,
ordinary uses of words that insult only when aimed) rejected."""

from __future__ import annotations

import pytest

from moderation.engine import Engine
from moderation.models import Comment
from tests.languages.conftest import SUITES, read_suite


def test_suites_are_big_enough_and_well_formed() -> None:
    for code in SUITES:
        rows = read_suite(code)
        assert len(rows) >= 200, code
        assert {r["expected"] for r in rows} == {"reject", "approve"}, code
        assert len({r["text"] for r in rows}) == len(rows), f"{code}: repeated texts"
        assert sum(r["expected"] == "approve" for r in rows) >= 80, code


@pytest.mark.parametrize("code", SUITES)
def test_targets(engine: Engine, code: str) -> None:
    rows = read_suite(code)
    decisions = engine.decide_batch([Comment(text=r["text"]) for r in rows])
    hateful = [d.action == "reject" for r, d in zip(rows, decisions, strict=True)
               if r["expected"] == "reject"]
    contrasts = [d.action == "reject" for r, d in zip(rows, decisions, strict=True)
                 if r["expected"] == "approve"]
    assert sum(hateful) / len(hateful) >= 0.70
    assert sum(contrasts) / len(contrasts) <= 0.10
    # every comment is said to be in a language, and mostly in the suite's own
    seen = [d.languages[0] if d.languages else "" for d in decisions]
    assert all(seen)
    assert seen.count(code) / len(seen) >= 0.6, (code, {x: seen.count(x) for x in set(seen)})
