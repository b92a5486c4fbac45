"""Fixtures for the decision engine: the default policy, rules only (no model), built once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from moderation.engine import Engine
from moderation.policy import Policy, load_policy


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy()


@pytest.fixture(scope="session")
def rules_engine(policy: Policy) -> Engine:
    """The default policy with no scorer: what the rules alone decide."""
    return Engine(policy)


DATASETS = Path(os.environ.get("MODERATION_DATASETS",
                               Path(__file__).resolve().parents[2].parent / "shared" / "datasets"))


@pytest.fixture(scope="session")
def real_comments() -> list[str]:
    """Every comment of the shared human-labelled sets (news comments, tweets, YouTube spam,
    insults): ~58,000 real texts for checking that a speed-up never changes a result."""
    from moderation.training import datasets as ds

    sets = ds.load_sets(DATASETS, {**ds.TRAIN_LOADERS, **ds.EVAL_LOADERS})
    if not sets:
        pytest.skip(f"data sets not found at {DATASETS} (set MODERATION_DATASETS)")
    return [ex.text[:10000] for examples in sets.values() for ex in examples]
