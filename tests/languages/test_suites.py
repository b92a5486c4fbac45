"""The functional suites (tests/languages/<code>.csv, README.md there) through the rules: the
issue's targets per language, >= 70 % of the hateful cases rejected and <= 10 % of the
contrasts (neutral and kind mentions of groups, reporting, quoting to condemn, negation,
ordinary uses of words that insult only when aimed) rejected."""

from __future__ import annotations

import pytest

from moderation.engine import Engine
from moderation.models import Comment
from tests.languages.conftest import SUITES, read_suite, reject_shares


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
    hateful, contrasts = reject_shares(rows, decisions)
    assert hateful >= 0.70
    assert contrasts <= 0.10
    # every comment is said to be in a language, and mostly in the suite's own
    seen = [d.languages[0] if d.languages else "" for d in decisions]
    assert all(seen)
    assert seen.count(code) / len(seen) >= 0.6, (code, {x: seen.count(x) for x in set(seen)})


#: The README's function table: which side each function's cases are on.
REJECT_FUNCTIONS = {"derog_dehum", "derog_hate", "threat_group", "threat_person", "aimed_insult",
                    "strong_insult", "profanity", "vulgarity", "slur", "promotion"}
APPROVE_FUNCTIONS = {"ident_neutral", "ident_pos", "reporting", "counter_quote", "negation",
                     "neutral_word", "neutral"}


@pytest.mark.parametrize("folder", ["fresh", "fresh2", "extra"])
def test_held_out_cases_are_well_formed(folder: str) -> None:
    """Shape only: the held-out batches judge the lists, so no target is asserted on them
    (their figures: benchmarks/eval_languages.py, docs/evaluation.md)."""
    for code in SUITES:
        rows = read_suite(f"{folder}/{code}")
        assert rows and list(rows[0]) == ["id", "function", "expected", "text"], code
        assert len({r["id"] for r in rows}) == len({r["text"] for r in rows}) == len(rows), code
        for r in rows:
            side = "reject" if r["function"] in REJECT_FUNCTIONS else (
                "approve" if r["function"] in APPROVE_FUNCTIONS else None)
            assert r["expected"] == side, (code, r["id"], r["function"], r["expected"])
            assert r["text"].strip() == r["text"] and r["text"], (code, r["id"])


@pytest.mark.parametrize("code", SUITES)
def test_extra_phrasings(engine: Engine, code: str) -> None:
    """tests/languages/extra/: other dialects, inflections, verbs and channels than the own
    suites (issue 15's second held-out batch missed them); written before the lists were
    broadened, then used to broaden them, so held to the suite targets like the own suites."""
    rows = read_suite(f"extra/{code}")
    decisions = engine.decide_batch([Comment(text=r["text"]) for r in rows])
    hateful = [d.action == "reject" for r, d in zip(rows, decisions, strict=True)
               if r["expected"] == "reject"]
    contrasts = [d.action == "reject" for r, d in zip(rows, decisions, strict=True)
                 if r["expected"] == "approve"]
    assert len(hateful) >= 20 and len(contrasts) >= 10, code
    assert sum(hateful) / len(hateful) >= 0.70, code
    assert sum(contrasts) / len(contrasts) <= 0.10, code
