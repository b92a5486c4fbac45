"""The blind English cases (tests/functional/fresh/ and fresh3/, issue 12) stay well formed.

Shape only: the set judges rule changes, so no test asserts what the engine makes of it (its
figures go to docs/evaluation.md, measured with ``moderation evaluate``).
"""

from __future__ import annotations

from pathlib import Path

from tests.functional.fresh.check_cases import CASES, check, texts

FRESH3 = Path(__file__).parent / "fresh3" / "cases.csv"
SUITE = Path(__file__).parent / "cases.csv"


def test_fresh_cases_are_well_formed() -> None:
    assert check(CASES) == []


def test_second_blind_set_is_well_formed() -> None:
    assert check(FRESH3, "f3") == []


def test_no_case_is_in_two_sets() -> None:
    """A blind case that also sits in the tuned suite (or the other blind set) is not blind."""
    fresh, fresh3, suite = texts(CASES), texts(FRESH3), texts(SUITE)
    assert not fresh & fresh3
    assert not (fresh | fresh3) & suite


def test_the_check_finds_a_duplicate_and_a_wrong_label(tmp_path: Path) -> None:
    bad = tmp_path / "cases.csv"
    bad.write_text("id,function,category,expected,text\n"
                   "fe-negated-001,negated,none,approve,I do not hate anyone.\n"
                   "fe-negated-002,negated,none,approve,I do NOT hate   anyone.\n"
                   "fe-evasion-001,evasion,threat,approve,k i l l them\n", encoding="utf-8")
    problems = check(bad)
    assert any("duplicate" in p.lower() for p in problems), problems
    assert any("line 4: expected approve" in p for p in problems), problems
