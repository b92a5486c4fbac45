"""Callbacks to the CMS: signed, recorded per attempt, retried with back-off (its schedule
checked on an injected clock), never duplicated (embedded mode; the same code runs in RQ
workers, see test_reliability.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from moderation.api import create_app
from moderation.models import Decision
from moderation.service import callbacks, processing
from moderation.service.runtime import Runtime
from moderation.store import batches
from moderation.store import repository as repo
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


def test_receiver_errors_are_retried_then_delivered(db_url: str,
                                                    receiver: CallbackReceiver) -> None:
    """End to end in embedded mode; the back-off schedule itself is the next test's."""
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


def test_retries_back_off_exponentially_up_to_the_cap(
        db_url: str, receiver: CallbackReceiver, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's clock is injected: each failed attempt stores its next attempt at exactly
    backoff x 2^(n-1), capped (10, 20, 40, 60, 60 s here); before that instant the delivery is
    not due, at it it is. Nothing sleeps through the delays."""
    now = [datetime(2026, 12, 1, 9, 0, 0, tzinfo=UTC)]
    for module in (repo, batches, callbacks):
        monkeypatch.setattr(module, "utcnow", lambda: now[0])
    rt = make_runtime(make_settings(db_url, callback_backoff_s=10.0,
                                    callback_backoff_max_s=60.0, callback_max_attempts=8))
    add_site(rt, callback_url=receiver.url)
    receiver.fail_with = 503
    try:
        sub, _ = repo.record_submission(rt.db, {
            "site_id": "site1", "comment_id": "b1", "text": "badword", "article": {"id": "a"},
            "author_id": "u", "parent_id": None, "submitted_at": None})
        saved = batches.save_engine_decision(
            rt.db, sub, Decision(action="reject", policy_id="p", policy_version="v1",
                                 engine_version="e"),
            callback_url=receiver.url, callback_body=lambda row: '{"comment_id": "b1"}',
            delivery_lease_s=0)
        now[0] += timedelta(seconds=1)  # the creator's (zero) lease has lapsed: due
        delays = []
        for attempt in range(1, 6):
            assert processing.deliver_due(rt) == 1, f"attempt {attempt} was due"
            with rt.db.session() as s:
                d = s.get(CallbackDelivery, saved.delivery_id)
                assert (d.status, d.attempts, d.last_status_code) == ("pending", attempt, 503)
                due_at = d.next_attempt_at
            delays.append((due_at - now[0]).total_seconds())
            now[0] = due_at - timedelta(seconds=1)
            assert processing.deliver_due(rt) == 0, "sent before its back-off ran out"
            now[0] = due_at
        assert delays == [10.0, 20.0, 40.0, 60.0, 60.0]  # doubling from 10 s, capped at 60 s
        receiver.fail_with = None
        assert processing.deliver_due(rt) == 1
        assert deliveries(rt)[0].status == "delivered" and attempts(rt) == 6
        assert receiver.comment_ids() == ["b1"]
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
