"""Fixtures for the site's other languages: the default policy's rules (no model), built once."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from moderation.engine import Engine
from moderation.models import Decision
from moderation.policy import load_policy

HERE = Path(__file__).resolve().parent
#: The five languages with functional suites (tests/languages/<code>.csv)
SUITES = ("ar", "ckb", "kmr", "tr", "fa")


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine(load_policy())


def read_suite(code: str) -> list[dict[str, str]]:
    with open(HERE / f"{code}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def reject_shares(rows: list[dict[str, str]], decisions: list[Decision]) -> tuple[float, float]:
    """Share of the must-reject rows rejected and of the must-approve rows rejected (the suites'
    targets are >= 0.70 and <= 0.10)."""
    rejected = [d.action == "reject" for d in decisions]
    hateful = [x for r, x in zip(rows, rejected, strict=True) if r["expected"] == "reject"]
    contrasts = [x for r, x in zip(rows, rejected, strict=True) if r["expected"] == "approve"]
    return sum(hateful) / len(hateful), sum(contrasts) / len(contrasts)
