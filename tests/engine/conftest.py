"""Fixtures for the decision engine: the default policy, rules only (no model), built once."""

from __future__ import annotations

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
