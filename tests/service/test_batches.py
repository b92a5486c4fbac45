"""Batch processing (claim many, decide, save in one transaction, send callbacks together) and
the ``?wait`` decision made in the API process, on SQLite and PostgreSQL.

Several claimers run at once in threads, each with its own database connections, so the
database sees real concurrency (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, ``BEGIN IMMEDIATE`` on
SQLite). The invariant every test checks: each submission ends with exactly one decision, was
claimed by one worker, and a final decision is called back once.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from moderation.api.webhook import decide_and_store
from moderation.config import Settings
from moderation.service import processing
from moderation.service.runtime import Runtime
from moderation.store import batches
from moderation.store import repository as repo
from moderation.store.schema import CallbackDelivery, DecisionRow, Submission, utcnow
from tests.service.conftest import add_site, make_runtime, make_settings
from tests.service.support import CallbackReceiver, wait_until


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url, worker_batch=7, db_timeout_s=20.0)


class QueueStub:
    """Stands in for the RQ dispatcher: callbacks the API leaves to the queue stay due (no
    inline delivery thread sends them behind the test's back); kicks are counted."""

    mode = "rq"

    def __init__(self) -> None:
        self.kicks = 0

    def kick(self, force: bool = False) -> None:
        self.kicks += 1

    def close(self) -> None:
        pass


def fields(cid: str, text: str) -> dict:
    return {"site_id": "site1", "comment_id": cid, "text": text, "article": {"id": "a"},
            "author_id": "u", "parent_id": None, "submitted_at": None}


def text_for(i: int) -> str:
    return ["fine words", "so much badword", "maybe rude"][i % 3]


def store(rt: Runtime, n: int, prefix: str = "c", **kw: float) -> list[int]:
    return [repo.record_submission(rt.db, fields(f"{prefix}{i}", text_for(i)), **kw)[0].id
            for i in range(n)]


def run_concurrently(n: int, target) -> list:  # type: ignore[no-untyped-def]
    """``target(i)`` in ``n`` threads started together; their results (re-raises errors)."""
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list[BaseException] = []

    def go(i: int) -> None:
        try:
            barrier.wait()
            results[i] = target(i)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


def assert_each_decided_once(rt: Runtime, receiver: CallbackReceiver, ids: list[int]) -> None:
    with rt.db.session() as s:
        per_sub = Counter(s.scalars(select(DecisionRow.submission_id)))
        statuses = Counter(s.scalars(select(Submission.status)))
        final = int(s.scalar(select(func.count()).select_from(DecisionRow)
                             .where(DecisionRow.final.is_(True))) or 0)
        per_decision = Counter(s.scalars(select(CallbackDelivery.decision_id)))
    assert set(per_sub) == set(ids) and set(per_sub.values()) == {1}, "not exactly one decision"
    assert statuses["queued"] == 0
    assert len(per_decision) == final and set(per_decision.values()) <= {1}

    def delivered() -> bool:
        with rt.db.session() as s:
            return s.scalar(select(func.count()).select_from(CallbackDelivery)
                            .where(CallbackDelivery.status == "delivered")) == final

    wait_until(delivered, 30, what="every callback delivered")
    got = receiver.comment_ids()
    assert len(got) == len(set(got)) == final, "a callback was sent twice or never"


def test_concurrent_batch_workers_decide_each_submission_once(
        settings: Settings, rt: Runtime, receiver: CallbackReceiver) -> None:
    ids = store(rt, 120)
    workers = [make_runtime(settings) for _ in range(4)]  # own pools: separate connections
    claimed: list[list[int]] = [[] for _ in workers]

    def work(i: int) -> int:
        total = 0
        while True:
            report = processing.process_batch(workers[i])
            if report.claimed == 0:
                return total
            total += report.decided
            claimed[i].append(report.claimed)

    try:
        decided = run_concurrently(len(workers), work)
    finally:
        for w in workers:
            w.close()
    assert sum(decided) == 120
    assert all(n <= settings.worker_batch for batch in claimed for n in batch)
    with rt.db.session() as s:  # nobody claimed a submission another worker held
        assert set(s.scalars(select(Submission.attempts))) == {1}
    assert_each_decided_once(rt, receiver, ids)


def test_claims_of_concurrent_claimers_are_disjoint(settings: Settings, rt: Runtime) -> None:
    ids = store(rt, 60)
    dbs = [make_runtime(settings) for _ in range(3)]

    def claim(i: int) -> list[int]:
        got: list[int] = []
        while True:
            with dbs[i].db.session() as s:
                rows = batches.claim_submissions(s, 5, lease_s=60)
            if not rows:
                return got
            got += [r.id for r in rows]

    try:
        results = run_concurrently(3, claim)
    finally:
        for d in dbs:
            d.close()
    flat = [sid for got in results for sid in got]
    assert sorted(flat) == sorted(ids), "a submission was claimed twice or never"
    with rt.db.session() as s:  # leased now: nothing left to claim
        assert batches.claim_submissions(s, 5, lease_s=60) == []


def test_one_failing_comment_does_not_hold_up_its_batch(rt: Runtime,
                                                       receiver: CallbackReceiver) -> None:
    ok = store(rt, 5)
    bad, _ = repo.record_submission(rt.db, fields("boom", "this will explode"))
    before = utcnow()
    report = processing.process_batch(rt, limit=10)
    assert (report.claimed, report.decided, report.failed) == (6, 5, 1)
    with rt.db.session() as s:
        failed = s.get(Submission, bad.id)
        assert failed.status == "queued" and failed.attempts == 1
        # backing off (1 s after a first failure) rather than claimable again at once
        assert failed.lease_until >= before + timedelta(seconds=1)
        assert repo.get_decision(s, bad.id) is None
        assert set(s.scalars(select(DecisionRow.submission_id))) == set(ok)
    wait_until(lambda: len(receiver.received) == 4, 10, what="4 callbacks")  # 4 final of 5


def test_a_submission_leased_for_wait_is_left_to_its_request(rt: Runtime) -> None:
    sub, created = repo.record_submission(rt.db, fields("w1", "so much badword"), lease_s=30)
    assert created
    assert processing.process_batch(rt).claimed == 0  # a worker does not take it
    site = SimpleNamespace(policy_id="default", callback_url=rt.site("site1").callback_url)
    got, row = decide_and_store(rt, site, sub)  # type: ignore[arg-type]
    assert got.status == "decided" and row.action == "reject"
    with rt.db.session() as s:
        stored = repo.get_decision(s, sub.id)
        assert stored.id == row.id
        assert s.get(Submission, sub.id).lease_until is None


def test_wait_decision_racing_a_worker_keeps_one_and_answers_with_it(
        rt: Runtime, settings: Settings, receiver: CallbackReceiver) -> None:
    """The API's lease has expired (lease_s=0), so a worker may claim the submission while the
    request decides it: exactly one decision is stored, and the answer is the stored one."""
    n = 30
    subs = [repo.record_submission(rt.db, fields(f"r{i}", text_for(i)), lease_s=0)[0]
            for i in range(n)]
    worker = make_runtime(settings)
    rt.dispatcher = QueueStub()
    site = SimpleNamespace(policy_id="default", callback_url=rt.site("site1").callback_url)
    answers: dict[int, tuple[str, int]] = {}

    def race(i: int) -> None:
        if i == 0:  # the worker, draining in batches
            while processing.process_batch(worker, limit=3).claimed:
                pass
        else:  # the requests, one per submission
            for sub in subs[i - 1::4]:
                got, row = decide_and_store(rt, site, sub)  # type: ignore[arg-type]
                answers[sub.id] = (got.status, row.id)

    try:
        run_concurrently(5, race)
    finally:
        worker.close()
    while processing.deliver_due(rt):  # callbacks the API left to the queue
        pass
    assert len(answers) == n
    with rt.db.session() as s:
        for sid, (status, row_id) in answers.items():
            stored = repo.get_decision(s, sid)
            assert stored is not None and stored.id == row_id, "answer is not the stored one"
            assert s.get(Submission, sid).status == status
    assert_each_decided_once(rt, receiver, [s.id for s in subs])


def test_deliver_due_sends_callbacks_left_to_the_queue(rt: Runtime,
                                                       receiver: CallbackReceiver) -> None:
    rt.dispatcher = queue = QueueStub()
    site = SimpleNamespace(policy_id="default", callback_url=rt.site("site1").callback_url)
    for i in range(9):
        sub, _ = repo.record_submission(rt.db, fields(f"q{i}", text_for(i)), lease_s=30)
        decide_and_store(rt, site, sub)  # type: ignore[arg-type]
    assert queue.kicks == 6  # the API asked for a drain job for each callback it left
    assert processing.deliver_due(rt, limit=4) == 4
    assert processing.deliver_due(rt) == 2  # 6 final decisions (3 went to review)
    assert processing.deliver_due(rt) == 0
    wait_until(lambda: len(receiver.received) == 6, 10, what="6 callbacks")
    assert sorted(receiver.comment_ids()) == sorted(f"q{i}" for i in range(9) if i % 3 != 2)


class HeldCMS:
    """A callback receiver that holds each POST until ``release`` is set (``started`` tells
    that the first POST arrived): how long the CMS takes is the test's choice, not the
    machine's speed."""

    def __init__(self) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        got: list[str] = []
        self.got = got
        self.started = threading.Event()
        self.release = threading.Event()
        cms = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                cms.started.set()
                cms.release.wait(60)
                got.append(self.headers.get("X-Moderation-Delivery", ""))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cb"

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def test_a_slow_cms_does_not_hold_a_worker_past_its_budget(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Callbacks not started within the budget are released (due again), not sent late; the
    next claim sends them. One callback thread and a CMS that holds the first POST until the
    budget has run out: exactly that one is sent, the other two are released untouched."""
    import concurrent.futures

    from moderation.service import callbacks

    cms = HeldCMS()
    real_wait = concurrent.futures.wait

    def wait_past_budget(futures, timeout=None):  # type: ignore[no-untyped-def]
        # the budget's wait begins once the first POST is in the CMS's hands, and the CMS
        # answers only after the budget has run out: the order is fixed, whatever the speed
        assert cms.started.wait(30), "the first callback never reached the CMS"
        result = real_wait(futures, timeout=timeout)
        cms.release.set()
        return result

    monkeypatch.setattr(concurrent.futures, "wait", wait_past_budget)
    rt = make_runtime(make_settings(db_url, callback_concurrency=1))
    rt.dispatcher = QueueStub()
    add_site(rt, callback_url=cms.url)
    try:
        site = SimpleNamespace(policy_id="default", callback_url=cms.url)
        for i in range(3):
            sub, _ = repo.record_submission(rt.db, fields(f"s{i}", "fine words"), lease_s=30)
            decide_and_store(rt, site, sub)  # type: ignore[arg-type]
        with rt.db.session() as s:
            due = batches.claim_due_deliveries(s, 10, lease_s=60)
        assert len(due) == 3
        statuses = callbacks.attempt_many(rt, due, budget_s=0.1)
        assert statuses == {due[0].id: "delivered"}  # the one in flight ends; no other starts
        assert cms.got == [str(due[0].id)]
        with rt.db.session() as s:
            rest = [s.get(CallbackDelivery, d.id) for d in due[1:]]
            assert all(d.status == "pending" and d.attempts == 0 and d.lease_until is None
                       for d in rest)
        monkeypatch.setattr(concurrent.futures, "wait", real_wait)
        assert processing.deliver_due(rt) == 2  # released: due again at once
        assert sorted(cms.got) == sorted(str(d.id) for d in due)
    finally:
        rt.close()
        cms.stop()
