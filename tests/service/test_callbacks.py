"""Callbacks to the CMS: signed, recorded per attempt, retried with back-off, never duplicated
(embedded mode; the same code runs in RQ workers, see test_reliability.py)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from moderation.api import create_app
from moderation.service.runtime import Runtime
from moderation.store.schema import CallbackAttempt, CallbackDelivery
from tests.service.conftest import SECRET, add_site, make_runtime, make_settings
from tests.service.support import CallbackReceiver, payload, signed, wait_until


def run_app(rt: Runtime) -> TestClient:
    return TestClient(create_app(runtime=rt, migrate=False))


def post(c: TestClient, body: dict, query: str = "") -> dict:
    raw, h = signed(body, SECRET)
    r = c.post("/v1/comments" + query, content=raw, headers=h)
    assert r.status_code in (200, 202), r.text
    return r.json()


def deliveries(rt: Runtime) -> list[CallbackDelivery]:
    with rt.db.session() as s:
        return list(s.scalars(select(CallbackDelivery).order_by(CallbackDelivery.id)))


def attempts(rt: Runtime) -> int:
    with rt.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(CallbackAttempt)) or 0)


def test_final_decisions_are_called_back_once_signed(db_url: str,
                                                     receiver: CallbackReceiver) -> None:
    rt = make_runtime(make_settings(db_url))
    add_site(rt, callback_url=receiver.url)
    try:
        with run_app(rt) as c:
            post(c, payload("ok1", "nice one"), "?wait=3000")
            post(c, payload("bad1", "badword here"), "?wait=3000")
            post(c, payload("rev1", "maybe not"), "?wait=3000")  # review: no callback yet
            wait_until(lambda: len(receiver.received) >= 2, 10, what="2 callbacks")
            post(c, payload("bad1", "badword here"))  # duplicate webhook: no 2nd callback
            sent = wait_until(lambda: all(d.status == "delivered" for d in deliveries(rt))
                              and deliveries(rt), 10, what="delivered")
        assert len(sent) == 2
        assert sorted(receiver.comment_ids()) == ["bad1", "ok1"]
        assert receiver.bad_signatures == 0
        bad = next(r for r in receiver.received if r["body"]["comment_id"] == "bad1")
        assert bad["body"]["action"] == "reject"
        assert bad["body"]["categories"] == ["profanity"]
        assert bad["body"]["reasons"][0]["evidence"][0]["text"] == "badword"
        assert bad["delivery"] == str(next(d.id for d in sent if d.body == json.dumps(
            bad["body"], ensure_ascii=False, separators=(",", ":"))))
        assert attempts(rt) == 2
    finally:
        rt.close()


def test_receiver_errors_are_retried_with_backoff_then_delivered(
        db_url: str, receiver: CallbackReceiver) -> None:
    rt = make_runtime(make_settings(db_url))
    add_site(rt, callback_url=receiver.url)
    receiver.fail_with = 503
    try:
        with run_app(rt) as c:
            post(c, payload("r1", "badword"), "?wait=3000")
            wait_until(lambda: attempts(rt) >= 3, 15, what="3 failed attempts")
            d = deliveries(rt)[0]
            assert d.status == "pending" and d.last_status_code == 503
            receiver.fail_with = None
            wait_until(lambda: deliveries(rt)[0].status == "delivered", 15, what="delivery")
        assert receiver.comment_ids() == ["r1"]
        with rt.db.session() as s:
            rows = list(s.scalars(select(CallbackAttempt).order_by(CallbackAttempt.attempt)))
        assert [a.ok for a in rows][-1] is True and not any(a.ok for a in rows[:-1])
        assert [a.attempt for a in rows] == list(range(1, len(rows) + 1))
    finally:
        rt.close()


def test_exhausted_deliveries_are_listed_as_failed(db_url: str, receiver: CallbackReceiver,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    rt = make_runtime(make_settings(db_url, callback_max_attempts=2))
    dead_url = receiver.url
    receiver.stop()  # nobody listens: connection refused
    add_site(rt, callback_url=dead_url)
    try:
        with run_app(rt) as c:
            post(c, payload("f1", "badword"), "?wait=3000")
            wait_until(lambda: deliveries(rt)[0].status == "failed", 15, what="failed")
            assert 'moderation_callback_deliveries{status="failed"} 1.0' in \
                c.get("/metrics").text
        assert attempts(rt) == 2
        assert "ConnectError" in (deliveries(rt)[0].last_error or "")
        from moderation.cli import main

        monkeypatch.setenv("MODERATION_DATABASE_URL", db_url)
        monkeypatch.delenv("MODERATION_REDIS_URL", raising=False)
        out = CliRunner().invoke(main, ["callbacks", "failed"])
        assert out.exit_code == 0, out.output
        assert "site=site1 comment=f1 attempts=2" in out.output
        out = CliRunner().invoke(main, ["callbacks", "failed", "--retry"])
        assert "scheduled again" in out.output
        assert deliveries(rt)[0].status == "pending"
    finally:
        rt.close()
