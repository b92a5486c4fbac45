"""Fixtures for the site's other languages: the default policy's rules (no model), built once."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from moderation.engine import Engine
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
