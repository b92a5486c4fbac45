"""Store and signing units: idempotent writes, leases, back-off, rotation, HMAC checks."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from moderation.models import Decision
from moderation.service import signing
from moderation.store import batches
from moderation.store import repository as repo
from moderation.store.db import Database
from moderation.store.schema import CallbackDelivery, DecisionRow, Submission, utcnow


@pytest.fixture
def db(db_url: str):  # type: ignore[no-untyped-def]
    database = Database.connect(db_url, timeout_s=10)
    with database.session() as s:
        repo.add_site(s, "site1", secret="s3cret", callback_url="http://127.0.0.1:9/cb")
    yield database
    database.dispose()


def fields(cid: str, text: str = "hello") -> dict:
    return {"site_id": "site1", "comment_id": cid, "text": text, "article": {"id": "a"},
            "author_id": "u", "parent_id": None, "submitted_at": None}


def decision(action: str = "approve") -> Decision:
    return Decision(action=action, policy_id="p", policy_version="v1", engine_version="e")


def test_record_submission_is_idempotent_under_concurrency(db: Database) -> None:
    results: list[tuple[int, bool]] = []
    barrier = threading.Barrier(8)

    def go() -> None:
        barrier.wait()
        sub, created = repo.record_submission(db, fields("same"))
        results.append((sub.id, created))

    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({sid for sid, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 1


def test_claim_lease_blocks_a_second_worker_until_it_expires(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's clock is injected: the lease is judged at chosen instants, not by sleeping,
    so a slow machine cannot let a 30 s lease lapse between two claims."""
    now = [utcnow()]
    monkeypatch.setattr(repo, "utcnow", lambda: now[0])
    sub, _ = repo.record_submission(db, fields("c1"))
    with db.session() as s:
        assert repo.claim_submission(s, sub.id, lease_s=30) is not None
    now[0] += timedelta(seconds=29)  # still leased
    with db.session() as s:
        assert repo.claim_submission(s, sub.id, lease_s=30) is None
    now[0] += timedelta(seconds=2)  # 31 s after the claim: lapsed
    with db.session() as s:
        again = repo.claim_submission(s, sub.id, lease_s=5)
        assert again is not None and again.attempts == 2


def test_decision_saved_once_with_one_delivery(db: Database) -> None:
    sub, _ = repo.record_submission(db, fields("c2"))
    first = batches.save_engine_decision(db, sub, decision("reject"), callback_url="http://x/cb",
                                      callback_body=lambda row: "{}")
    second = batches.save_engine_decision(db, sub, decision("approve"), callback_url="http://x/cb",
                                       callback_body=lambda row: "{}")
    assert first.created and not second.created
    assert second.row.action == "reject" and second.delivery_id == first.delivery_id
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(DecisionRow)) == 1
        assert s.get(Submission, sub.id).status == "decided"


def test_review_gets_no_delivery_and_in_review_status(db: Database) -> None:
    sub, _ = repo.record_submission(db, fields("c3"))
    saved = batches.save_engine_decision(db, sub, decision("review"), callback_url="http://x",
                                      callback_body=lambda row: "{}")
    assert saved.delivery_id is None
    with db.session() as s:
        assert s.get(Submission, sub.id).status == "in_review"


def test_attempts_back_off_exponentially_then_fail(db: Database) -> None:
    sub, _ = repo.record_submission(db, fields("c4"))
    saved = batches.save_engine_decision(db, sub, decision("reject"), callback_url="http://x",
                                      callback_body=lambda row: "{}")
    delays = []
    for _ in range(5):
        with db.session() as s:
            before = utcnow()
            status = repo.record_attempt(s, saved.delivery_id, started_at=before, duration_ms=1,
                                         ok=False, status_code=500, error="HTTP 500",
                                         max_attempts=5, backoff_s=2, backoff_max_s=10)
        with db.session() as s:
            d = s.get(CallbackDelivery, saved.delivery_id)
            delays.append((d.next_attempt_at - before).total_seconds())
    assert status == "failed"
    assert [round(x) for x in delays[:4]] == [2, 4, 8, 10]  # doubling, capped
    with db.session() as s:
        assert [f.id for f in repo.failed_deliveries(s)] == [saved.delivery_id]
        assert repo.retry_delivery(s, saved.delivery_id)
    with db.session() as s:
        assert repo.due_deliveries(s) == [saved.delivery_id]


def test_stale_submissions_exclude_live_leases(db: Database) -> None:
    a, _ = repo.record_submission(db, fields("old"))
    b, _ = repo.record_submission(db, fields("leased"))
    with db.session() as s:
        s.execute(Submission.__table__.update().values(
            enqueued_at=utcnow() - timedelta(minutes=5)))
        repo.claim_submission(s, b.id, lease_s=60)
    with db.session() as s:
        assert [x.id for x in repo.stale_submissions(s, older_than_s=30)] == [a.id]


def test_rotation_keeps_the_previous_secret(db: Database) -> None:
    with db.session() as s:
        site = repo.rotate_secret(s, "site1")
        assert site.secrets[1] == "s3cret" and len(site.secrets) == 2
    with db.session() as s:
        site = repo.rotate_secret(s, "site1", keep_previous=False)
        assert len(site.secrets) == 1 and site.secrets[0] != "s3cret"


def test_signature_scheme() -> None:
    body = b'{"a": 1}'
    header = signing.sign("k", body, timestamp=1_700_000_000)
    t, sigs = signing.parse(header)
    assert t == 1_700_000_000 and len(sigs) == 1 and len(sigs[0]) == 64
    signing.verify(header, body, ["other", "k"], now=1_700_000_100)
    with pytest.raises(signing.SignatureError, match="window"):
        signing.verify(header, body, ["k"], now=1_700_000_000 + 301)
    with pytest.raises(signing.SignatureError, match="match"):
        signing.verify(header, body + b" ", ["k"], now=1_700_000_000)
    multi = signing.sign(["old", "new"], body)
    signing.verify(multi, body, ["new"])
    for bad in ["", "v1=abc", "t=x,v1=abc", "t=1", "nonsense"]:
        with pytest.raises(signing.SignatureError):
            signing.verify(bad, body, ["k"], now=1)
