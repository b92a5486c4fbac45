"""Fixtures: the service helper's stores (SQLite and PostgreSQL, imported from tests/service),
a runtime on the real engine (default policy + shipped model, loaded once per session), a site
with a Coral signing secret and issued API keys, and an app client."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from moderation.api import create_app
from moderation.integrations import store as istore
from moderation.policy.registry import PolicyRegistry
from moderation.service.runtime import Runtime
from moderation.service.wiring import build_runtime
from tests.service.conftest import (  # noqa: F401  (fixtures)
    add_site,
    make_settings,
    redis_server,
    redis_url,
)

SITE = "news"
CORAL_SECRET = "empsec_" + "ab12" * 16


@pytest.fixture(autouse=True)
def _no_budget_in_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    """No timing in tests: the Coral budget (150 ms) is measured by
    benchmarks/bench_integrations.py; here a slow, shared machine must not turn verdicts into
    204s. The over-budget test sets its own."""
    monkeypatch.setenv("MODERATION_CORAL_BUDGET_MS", "30000")


@pytest.fixture(scope="session")
def real_registry() -> PolicyRegistry:
    """The default policy and the shipped scorer, built once (several seconds)."""
    registry = PolicyRegistry(None, "sklearn")
    registry.warm(["default"])
    return registry


@dataclass
class Env:
    rt: Runtime
    client: TestClient
    perspective_key: str
    akismet_key: str
    all_key: str


def build_env(rt: Runtime) -> Env:
    add_site(rt, SITE)
    with rt.db.session() as s:
        istore.set_coral_secret(s, SITE, CORAL_SECRET)
        pkey, _ = istore.issue_key(s, SITE, scope="perspective")
        akey, _ = istore.issue_key(s, SITE, scope="akismet")
        allkey, _ = istore.issue_key(s, SITE, scope="all")
    client = TestClient(create_app(runtime=rt, migrate=False, sweeper=False),
                        raise_server_exceptions=False)
    return Env(rt, client, pkey, akey, allkey)


@pytest.fixture
def env(db_url: str, real_registry: PolicyRegistry) -> Iterator[Env]:
    rt = build_runtime(make_settings(db_url), registry=real_registry)
    e = build_env(rt)
    with e.client:
        yield e
    rt.close()
