"""Fixtures for the review queue: the real app and the real engine (shipped default policy, rules
only) on SQLite and PostgreSQL, a CMS callback receiver, and accounts of each role.

The PostgreSQL database comes from the service fixtures (``tests/service/conftest.py``); here
every table is emptied between tests, including the review tables.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from moderation.api import create_app
from moderation.policy.registry import PolicyRegistry
from moderation.review import accounts
from moderation.review.settings import ReviewSettings
from moderation.service.runtime import Runtime
from moderation.service.wiring import build_runtime
from tests.service.conftest import (  # noqa: F401  (fixtures re-used from the service tests)
    SECRET,
    add_site,
    make_settings,
    redis_server,
    redis_url,
)
from tests.service.support import CallbackReceiver, payload, read_headers, signed, wait_until

#: What the shipped default policy (rules only) does with these texts.
REVIEW_TEXT = "you will regret this"  # threat.you_will_pay -> review, evidence = whole phrase
APPROVE_TEXT = "Thanks for the careful reporting on the budget."


@pytest.fixture(scope="session")
def registry() -> PolicyRegistry:
    """The shipped default policy without a model: decisions are rules only, deterministic."""
    reg = PolicyRegistry(None, "none")
    reg.warm(["default"])
    return reg


@pytest.fixture
def rt(db_url: str, registry: PolicyRegistry, receiver: CallbackReceiver) -> Iterator[Runtime]:
    runtime = build_runtime(make_settings(db_url), registry=registry)
    add_site(runtime, "site1", callback_url=receiver.url)
    add_site(runtime, "site2", callback_url=receiver.url)
    yield runtime
    runtime.close()


@dataclass
class Env:
    rt: Runtime
    client: TestClient
    receiver: CallbackReceiver
    tokens: dict[str, str]
    counter: Any

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def submit(self, text: str = REVIEW_TEXT, site: str = "site1", comment_id: str | None = None,
               **extra: Any) -> dict[str, Any]:
        cid = comment_id or f"c{next(self.counter)}"
        raw, headers = signed(payload(cid, text, site_id=site, **extra), SECRET)
        r = self.client.post("/v1/comments?wait=5000", content=raw, headers=headers)
        assert r.status_code in (200, 202), r.text
        body = r.json()
        if body["status"] == "queued":
            body = wait_until(lambda: (lambda b: b if b["status"] != "queued" else None)(
                self.status(site, cid)), 10, what="decision")
        return body

    def status(self, site: str, comment_id: str) -> dict[str, Any]:
        """The comment's status as its CMS reads it (a signed GET)."""
        path = f"/v1/comments/{site}/{comment_id}"
        r = self.client.get(path, headers=read_headers(path))
        assert r.status_code == 200, r.text
        return dict(r.json())

    def review_item(self, text: str = REVIEW_TEXT, site: str = "site1", **extra: Any) -> int:
        body = self.submit(text, site, **extra)
        assert body["status"] == "in_review", body
        return int(body["submission_id"])

    def get(self, who: str | None, path: str, **kw: Any) -> Any:
        return self.client.get(path, headers=self.auth(who) if who else {}, **kw)

    def post(self, who: str | None, path: str, json: Any = None, **kw: Any) -> Any:
        return self.client.post(path, json=json, headers=self.auth(who) if who else {}, **kw)


def make_users(rt: Runtime) -> dict[str, str]:
    tokens = {}
    with rt.db.session() as s:
        for name, role in (("mod1", "moderator"), ("mod2", "moderator"), ("boss", "admin"),
                           ("gone", "moderator")):
            _, tokens[name] = accounts.add_user(s, name, role, actor="test")
        accounts.set_disabled(s, "gone", True, actor="test")
    return tokens


@pytest.fixture
def review_settings() -> ReviewSettings:
    return ReviewSettings(lease_s=300, session_s=3600, cookie_secure="false", poll_s=1,
                          bulk_max=5)


@pytest.fixture
def env(rt: Runtime, receiver: CallbackReceiver,
        review_settings: ReviewSettings) -> Iterator[Env]:
    app = create_app(runtime=rt, migrate=False)
    app.state.review_settings = review_settings
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Env(rt, client, receiver, make_users(rt), itertools.count(1))
