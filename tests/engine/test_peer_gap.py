"""Issue 12, peer gap round: words and shapes of real comments the peers rejected and we did not
("damn", "stupid people", "liberals are so stupid", "you all suck", "dumb as a rock", group
name-calling, people called vermin, a few slurs), with look-alikes that must stay approved
(tests/engine/data/peer_gap_cases.tsv, own cases; benchmarks/dev_cases.py prints the figures).

The tuning half is asserted row by row, rules only. The held-out half was written with it,
before any rule, and is never tuned on: only its totals are held to the figures measured when
the rules were added."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.engine import Engine
from moderation.models import Comment
from tests.engine.case_files import case_rows

DATA = Path(__file__).parent / "data" / "peer_gap_cases.tsv"


def cases(half: str) -> list[tuple[str, str, str]]:
    return [(expected, function, text)
            for h, expected, function, text in case_rows(DATA, 4) if h == half]


def test_halves_have_contrasts() -> None:
    for half in ("tune", "held"):
        rows = cases(half)
        assert sum(e == "approve" for e, _, _ in rows) >= 15, half
        assert sum(e == "reject" for e, _, _ in rows) >= 20, half


@pytest.mark.parametrize(("expected", "function", "text"), cases("tune"))
def test_tuning_rows(rules_engine: Engine, expected: str, function: str, text: str) -> None:
    d = rules_engine.decide(Comment(text=text))
    assert (d.action == "reject") == (expected == "reject"), (function, [
        (r.rule_id, r.action) for r in d.reasons])


def test_held_out_totals(rules_engine: Engine) -> None:
    rows = cases("held")
    decisions = rules_engine.decide_batch([Comment(text=t) for _, _, t in rows])
    rejected = sum(d.action == "reject" for (e, _, _), d in zip(rows, decisions, strict=True)
                   if e == "reject")
    wrongly = sum(d.action == "reject" for (e, _, _), d in zip(rows, decisions, strict=True)
                  if e == "approve")
    assert rejected >= HELD_REJECTED and wrongly <= HELD_WRONGLY, (rejected, wrongly)


#: measured 2026-12-05 when the rules were added (rules only): see the module docstring
HELD_REJECTED = 20  # of 21 (0 before the rules)
HELD_WRONGLY = 1  # of 15 contrasts (0 before)
