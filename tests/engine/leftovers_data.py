"""The issue 12 leftover cases (tests/engine/data/leftovers_*.tsv), read once for the test and
the benchmark (benchmarks/leftovers_cases.py)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"


def leftovers_rows(half: str) -> list[tuple[str, str, str]]:
    """(expected, item, text) of one half ("tuning" or "heldout")."""
    rows = []
    for line in (DATA / f"leftovers_{half}.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            expected, item, text = line.split("\t", 2)
            assert expected in ("reject", "approve", "ok"), line
            rows.append((expected, item, text))
    return rows


def right(expected: str, action: str) -> bool:
    """Is the decision what the row expects (ok: anything but reject)?"""
    if expected == "ok":
        return action != "reject"
    return action == expected
