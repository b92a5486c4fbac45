"""Reliability with real Redis, real databases and real worker processes (subprocesses).

Each test states a failure from issue 3 and checks that every stored comment ends with exactly
one decision and, when final, exactly one delivered callback. Waits are bounded; nothing here
asserts on speed.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from moderation.api import create_app
from moderation.config import Settings
from moderation.service.runtime import Runtime
from moderation.store.schema import CallbackAttempt, CallbackDelivery, DecisionRow, Submission
from tests.require import service_missing
from tests.service.conftest import (
    SECRET,
    RedisServer,
    add_site,
    make_runtime,
    make_settings,
)
from tests.service.support import (
    CallbackReceiver,
    ServerThread,
    WorkerProcs,
    payload,
    signed,
    wait_until,
)

pytestmark = [pytest.mark.redis, pytest.mark.timeout(180)]


@pytest.fixture
def settings(db_url: str, redis_url: str) -> Settings:
    return make_settings(db_url, redis_url)


@pytest.fixture
def workers(settings: Settings) -> Iterator[WorkerProcs]:
    w = WorkerProcs(env=settings.to_env())
    yield w
    w.stop()


def post(c: TestClient | httpx.Client, cid: str, text: str = "fine words",
         query: str = "") -> httpx.Response:
    raw, h = signed(payload(cid, text), SECRET)
    return c.post("/v1/comments" + query, content=raw, headers=h)


def counts(rt: Runtime) -> dict[str, int]:
    with rt.db.session() as s:
        def n(model, *where) -> int:  # type: ignore[no-untyped-def]
            q = select(func.count()).select_from(model)
            for w in where:
                q = q.where(w)
            return int(s.scalar(q) or 0)

        return {
            "submissions": n(Submission),
            "queued": n(Submission, Submission.status == "queued"),
            "decisions": n(DecisionRow),
            "final": n(DecisionRow, DecisionRow.final.is_(True)),
            "deliveries": n(CallbackDelivery),
            "delivered": n(CallbackDelivery, CallbackDelivery.status == "delivered"),
            "attempts": n(CallbackAttempt),
        }


def all_settled(rt: Runtime, expected: int) -> dict[str, int] | None:
    c = counts(rt)
    if c["submissions"] == expected and c["queued"] == 0 and c["delivered"] == c["final"]:
        return c
    return None


def assert_exactly_once(rt: Runtime, receiver: CallbackReceiver, expected: int) -> None:
    c = wait_until(lambda: all_settled(rt, expected), 90, interval=0.2,
                   what=f"{expected} comments decided and called back")
    assert c["decisions"] == expected
    assert c["deliveries"] == c["final"]
    ids = receiver.comment_ids()
    assert len(ids) == len(set(ids)) == c["final"], "a callback was sent twice or never"
    assert receiver.bad_signatures == 0


def test_workers_decide_and_wait_gets_the_verdict(rt: Runtime, workers: WorkerProcs,
                                                  receiver: CallbackReceiver) -> None:
    workers.start(2).wait_ready()
    with TestClient(create_app(runtime=rt, migrate=False)) as c:
        r = post(c, "w1", "so much badword", "?wait=5000")
        assert r.status_code == 200, r.text
        assert r.json()["decision"]["action"] == "reject"
        for i in range(20):
            assert post(c, f"c{i}", "maybe" if i % 5 == 0 else "fine").status_code == 202
        assert_exactly_once(rt, receiver, 21)
        assert 'moderation_submissions{status="in_review"} 4.0' in c.get("/metrics").text
        assert c.get("/readyz").json()["redis"] == "ok"


def test_worker_sigkilled_mid_job_still_decides_once(rt: Runtime, workers: WorkerProcs,
                                                     receiver: CallbackReceiver,
                                                     settings: Settings) -> None:
    workers.start(1)
    with TestClient(create_app(runtime=rt, migrate=False)) as c:
        assert post(c, "k1", "badword slow:3").status_code == 202

        def claimed() -> bool:
            with rt.db.session() as s:
                return s.scalar(select(Submission.attempts)) == 1

        wait_until(claimed, 30, what="the worker to start the job")
        victim = workers.procs[0]
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        assert counts(rt)["decisions"] == 0  # killed before it could decide
        workers.start(1)  # a replacement (the launcher's restart: tests/service/test_launcher.py)
        assert_exactly_once(rt, receiver, 1)
        with rt.db.session() as s:
            assert s.scalar(select(Submission.attempts)) >= 2


def test_redis_restarted_while_queued_loses_nothing(rt: Runtime, workers: WorkerProcs,
                                                    receiver: CallbackReceiver,
                                                    redis_server) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(runtime=rt, migrate=False)) as c:
        for i in range(30):
            assert post(c, f"q{i}", "badword" if i % 3 == 0 else "ok").status_code == 202
        assert rt.dispatcher.depth() >= 1  # one drain job covers all 30
        if redis_server is not None:
            redis_server.restart()  # no persistence: the queue is gone
        else:
            rt.redis.flushdb()
        assert rt.dispatcher.depth() == 0
        workers.start(2)
        assert_exactly_once(rt, receiver, 30)


def test_callback_receiver_down_then_up_delivers_each_once(rt: Runtime, workers: WorkerProcs,
                                                           receiver: CallbackReceiver) -> None:
    receiver.stop()
    workers.start(1)
    with TestClient(create_app(runtime=rt, migrate=False)) as c:
        for i in range(10):
            assert post(c, f"d{i}", "badword" if i % 2 else "fine").status_code == 202
        wait_until(lambda: counts(rt)["attempts"] >= 20, 60, what="failed attempts")
        assert counts(rt)["delivered"] == 0
        receiver.start()  # same port
        assert_exactly_once(rt, receiver, 10)
        with rt.db.session() as s:
            failed_attempts = s.scalar(select(func.count()).select_from(CallbackAttempt)
                                       .where(CallbackAttempt.ok.is_(False)))
        assert failed_attempts >= 20


def test_same_webhook_twice_concurrently(rt: Runtime, workers: WorkerProcs,
                                         receiver: CallbackReceiver) -> None:
    workers.start(2)
    app = create_app(runtime=rt, migrate=False)
    with ServerThread(app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        barrier = threading.Barrier(2)

        def send(cid: str) -> httpx.Response:
            barrier.wait()
            return post(client, cid, "badword")

        for i in range(15):
            with ThreadPoolExecutor(2) as pool:
                r1, r2 = pool.map(send, [f"twice{i}"] * 2)
            assert {r1.status_code, r2.status_code} <= {200, 202}
            assert r1.json()["submission_id"] == r2.json()["submission_id"]
            assert sorted([r1.json()["duplicate"], r2.json()["duplicate"]]) == [False, True]
        assert_exactly_once(rt, receiver, 15)


def test_database_unreachable_answers_503_and_keeps_nothing(db_url: str, redis_url: str,
                                                            tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.engine import make_url

    from tests.service.support import TcpProxy

    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        pytest.skip("covered by test_sqlite_locked_answers_503")
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    runtime = make_runtime(make_settings(proxied, redis_url, db_timeout_s=1.0))
    direct = make_runtime(make_settings(db_url))
    add_site(direct)
    try:
        with TestClient(create_app(runtime=runtime, migrate=False, sweeper=False),
                        raise_server_exceptions=False) as c:
            assert post(c, "before").status_code == 202
            proxy.cut()
            for i in range(3):
                r = post(c, f"down{i}")
                assert r.status_code == 503, r.text
                assert r.json()["error"]["code"] == "store_unavailable"
                assert r.headers["Retry-After"]
                assert "Traceback" not in r.text
            assert c.get("/readyz").status_code == 503
            proxy.restore()
            assert post(c, "after").status_code == 202
        with direct.db.session() as s:
            stored = set(s.scalars(select(Submission.comment_id)))
        assert stored == {"before", "after"}
    finally:
        proxy.cut()
        runtime.close()
        direct.close()


def test_sqlite_locked_answers_503(db_url: str) -> None:
    from sqlalchemy import create_engine

    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite-specific")
    runtime = make_runtime(make_settings(db_url, db_timeout_s=0.5))
    add_site(runtime)
    locker = create_engine(db_url, connect_args={"isolation_level": None})
    try:
        with TestClient(create_app(runtime=runtime, migrate=False, sweeper=False),
                        raise_server_exceptions=False) as c:
            assert post(c, "warm").status_code == 202
            wait_until(lambda: counts(runtime)["queued"] == 0, 10, what="inline decision")
            with locker.connect() as conn:
                conn.exec_driver_sql("BEGIN EXCLUSIVE")
                r = post(c, "locked")
                assert r.status_code == 503, r.text
                conn.exec_driver_sql("ROLLBACK")
            assert post(c, "unlocked").status_code in (200, 202)
        with runtime.db.session() as s:
            assert set(s.scalars(select(Submission.comment_id))) == {"warm", "unlocked"}
    finally:
        locker.dispose()
        runtime.close()


def test_redis_down_at_webhook_time_still_stores_then_sweeper_enqueues(
        db_url: str, receiver: CallbackReceiver) -> None:
    """Durable first: a running Redis is taken down (a private ``redis-server`` this test
    starts, serves, then stops); the comment is still stored and acknowledged (202). Once that
    Redis is back on the same address, the sweeper enqueues it and a worker decides it."""
    if shutil.which("redis-server") is None:
        service_missing("needs the redis-server binary to take a running Redis down")
    private = RedisServer()
    private.start()
    try:
        settings = make_settings(db_url, private.url, sweep_stale_s=0.5)
        runtime = make_runtime(settings)
        add_site(runtime, callback_url=receiver.url)
        try:
            with TestClient(create_app(runtime=runtime, migrate=False, sweeper=False)) as c:
                assert c.get("/readyz").status_code == 200  # Redis really is up here
                private.stop()  # ...and now it is down
                r = post(c, "nored", "badword")
                assert r.status_code == 202 and r.json()["status"] == "queued"
                assert c.get("/readyz").status_code == 503
                line = next(x for x in c.get("/metrics").text.splitlines()
                            if x.startswith("moderation_enqueue_errors_total "))
                assert float(line.split()[1]) >= 1  # process-wide counter
            stored = counts(runtime)
            assert (stored["submissions"], stored["queued"], stored["decisions"]) == (1, 1, 0)
        finally:
            runtime.close()
        private.start()  # back, empty (no persistence): only the sweeper can find the comment
        runtime = make_runtime(settings)
        workers = WorkerProcs(env=settings.to_env()).start(1)
        try:
            with TestClient(create_app(runtime=runtime, migrate=False)):
                assert_exactly_once(runtime, receiver, 1)
        finally:
            workers.stop()
            runtime.close()
    finally:
        private.stop()
