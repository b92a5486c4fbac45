"""The issue 12 leftover cases (tests/engine/data/leftovers_*.tsv), read once for the test and
the benchmark (benchmarks/leftovers_cases.py)."""

from __future__ import annotations

from tests.engine.case_files import DATA, case_rows


def leftovers_rows(half: str) -> list[tuple[str, str, str]]:
    """(expected, item, text) of one half ("tuning" or "heldout")."""
    rows = [(expected, item, text)
            for expected, item, text in case_rows(DATA / f"leftovers_{half}.tsv", 3)]
    for expected, _, text in rows:
        assert expected in ("reject", "approve", "ok"), text
    return rows


def right(expected: str, action: str) -> bool:
    """Is the decision what the row expects (ok: anything but reject)?"""
    if expected == "ok":
        return action != "reject"
    return action == expected
