"""Repository functions: every read and write the service makes, one small function each.

Functions take an open ``Session`` (the caller owns the transaction) except the few that must
control their own commit to be idempotent under concurrency (``record_submission``).
Leases (``lease_until``) make "at-least-once" jobs safe: only the holder of a live lease works
on a submission or a delivery, and an expired lease means its holder died.
"""

from __future__ import annotations

import hashlib
import secrets as _secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from moderation.store.db import Database, upsert_insert
from moderation.store.schema import (
    AuditEntry,
    CallbackAttempt,
    CallbackDelivery,
    DecisionRow,
    Site,
    Submission,
    utcnow,
)

# ---------------------------------------------------------------- sites


def new_secret() -> str:
    return "whsec_" + _secrets.token_hex(24)


def add_site(
    s: Session,
    site_id: str,
    *,
    secret: str | None = None,
    callback_url: str | None = None,
    policy_id: str = "default",
    actor: str = "cli",
) -> Site:
    site = Site(
        id=site_id,
        secrets=[secret or new_secret()],
        callback_url=callback_url,
        policy_id=policy_id,
    )
    s.add(site)
    audit(s, actor, "site_added", site_id=site_id, details={"policy_id": policy_id,
                                                             "callback_url": callback_url})
    return site


def get_site(s: Session, site_id: str) -> Site | None:
    return s.get(Site, site_id)


def list_sites(s: Session) -> list[Site]:
    return list(s.scalars(select(Site).order_by(Site.id)))


def rotate_secret(
    s: Session, site_id: str, *, new: str | None = None, keep_previous: bool = True,
    actor: str = "cli",
) -> Site:
    """New secret first; the previous one stays valid (until the next rotation) unless dropped."""
    site = s.get(Site, site_id)
    if site is None:
        raise KeyError(site_id)
    fresh = new or new_secret()
    site.secrets = [fresh] + (site.secrets[:1] if keep_previous else [])
    site.updated_at = utcnow()
    audit(s, actor, "secret_rotated", site_id=site_id, details={"kept_previous": keep_previous})
    return site


# ---------------------------------------------------------------- submissions


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_submission(db: Database, fields: dict[str, Any], *,
                      lease_s: float | None = None) -> tuple[Submission, bool]:
    """Insert a submission, or return the existing one for the same (site_id, comment_id).

    Committed before returning: the caller may acknowledge it. Concurrent duplicates are
    resolved by the unique constraint (``ON CONFLICT DO NOTHING``): the loser reads the winner's
    row. With ``lease_s`` the new row is created leased to the caller (who decides it at once:
    ``?wait``, the integrations), so no worker claims it meanwhile.
    """
    now = utcnow()
    values = dict(fields, text_sha256=text_sha256(fields["text"]), status="queued",
                  received_at=now, enqueued_at=now, enqueue_count=1, attempts=0)
    if lease_s is not None:
        values.update(lease_until=now + timedelta(seconds=lease_s), attempts=1)
    with db.writing() as conn:
        new_id = conn.execute(_insert_submission(db), values).scalar()
    if new_id is not None:
        return Submission(id=new_id, **values), True
    with db.session() as s:
        existing = get_submission(s, fields["site_id"], fields["comment_id"])
        if existing is None:  # pragma: no cover - the constraint fired on something else
            raise RuntimeError("submission conflict without a stored submission")
        if existing.text_sha256 != values["text_sha256"]:
            audit(s, "api", "duplicate_with_different_text", site_id=existing.site_id,
                  submission_id=existing.id, details={"text_sha256": values["text_sha256"]})
        return existing, False


_INSERTS: dict[str, Any] = {}


def _insert_submission(db: Database) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING id``, built once per dialect (building it
    per call was a tenth of the webhook's CPU). Core, not the ORM unit of work: the hot path."""
    stmt = _INSERTS.get(db.dialect)
    if stmt is None:
        table = Submission.__table__
        stmt = (upsert_insert(db, table)
                .on_conflict_do_nothing(index_elements=["site_id", "comment_id"])
                .returning(table.c.id))
        _INSERTS[db.dialect] = stmt
    return stmt


def get_submission(s: Session, site_id: str, comment_id: str) -> Submission | None:
    return s.scalars(
        select(Submission).where(Submission.site_id == site_id,
                                 Submission.comment_id == comment_id)
    ).first()


def claim_submission(s: Session, submission_id: int, lease_s: float) -> Any:
    """Take the processing lease of a queued submission: its row (attribute access like a
    ``Submission``), or None if it is decided or leased elsewhere."""
    now = utcnow()
    t = Submission.__table__
    return s.execute(
        update(t)
        .where(
            t.c.id == submission_id,
            t.c.status == "queued",
            or_(t.c.lease_until.is_(None), t.c.lease_until < now),
        )
        .values(lease_until=now + timedelta(seconds=lease_s), attempts=t.c.attempts + 1)
        .returning(*t.c)
    ).first()


def release_submission(s: Session, submission_id: int) -> None:
    s.execute(
        update(Submission).where(Submission.id == submission_id).values(lease_until=None)
        .execution_options(synchronize_session=False)
    )


def stale_submissions(s: Session, older_than_s: float, limit: int = 1000) -> list[Submission]:
    """Queued, not leased, enqueued long ago (or never): their job may be lost."""
    now = utcnow()
    cutoff = now - timedelta(seconds=older_than_s)
    return list(s.scalars(
        select(Submission)
        .where(
            Submission.status == "queued",
            or_(Submission.enqueued_at.is_(None), Submission.enqueued_at < cutoff),
            or_(Submission.lease_until.is_(None), Submission.lease_until < now),
        )
        .order_by(Submission.id)
        .limit(limit)
    ))


def mark_enqueued(s: Session, ids: list[int]) -> None:
    if ids:
        s.execute(
            update(Submission).where(Submission.id.in_(ids))
            .values(enqueued_at=utcnow(), enqueue_count=Submission.enqueue_count + 1)
            .execution_options(synchronize_session=False)
        )


# ---------------------------------------------------------------- decisions


@dataclass
class SavedDecision:
    row: DecisionRow
    delivery_id: int | None
    created: bool
    delivery_url: str | None = None
    delivery_body: str | None = None


def get_decision(s: Session, submission_id: int, kind: str = "engine") -> DecisionRow | None:
    return s.scalars(
        select(DecisionRow).where(DecisionRow.submission_id == submission_id,
                                  DecisionRow.kind == kind)
    ).first()


def current_decision(s: Session, submission_id: int) -> DecisionRow | None:
    """The decision in force: the latest final one (a moderator's verdict or an overturn wins
    over the engine's review), else the engine's own decision."""
    final = s.scalars(
        select(DecisionRow)
        .where(DecisionRow.submission_id == submission_id, DecisionRow.final.is_(True))
        .order_by(DecisionRow.id.desc())
        .limit(1)
    ).first()
    return final if final is not None else get_decision(s, submission_id)


def get_delivery_for(s: Session, decision_id: int) -> CallbackDelivery | None:
    return s.scalars(
        select(CallbackDelivery).where(CallbackDelivery.decision_id == decision_id)
    ).first()


# ---------------------------------------------------------------- callbacks


def claim_delivery(s: Session, delivery_id: int, lease_s: float) -> CallbackDelivery | None:
    now = utcnow()
    result = s.execute(
        update(CallbackDelivery)
        .where(
            CallbackDelivery.id == delivery_id,
            CallbackDelivery.status == "pending",
            or_(CallbackDelivery.lease_until.is_(None), CallbackDelivery.lease_until < now),
        )
        .values(lease_until=now + timedelta(seconds=lease_s))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    return s.get(CallbackDelivery, delivery_id, populate_existing=True)


def record_attempt(
    s: Session,
    delivery_id: int,
    *,
    started_at: datetime,
    duration_ms: float,
    ok: bool,
    status_code: int | None,
    error: str | None,
    max_attempts: int,
    backoff_s: float,
    backoff_max_s: float,
) -> str:
    """Log the attempt and move the delivery on: delivered, retry later, or failed for good.

    Returns the new status. Two statements on success (the common case), three otherwise.
    """
    now = utcnow()
    values: dict[str, Any] = {"attempts": CallbackDelivery.attempts + 1, "lease_until": None,
                              "last_status_code": status_code, "last_error": error}
    if ok:
        values.update(status="delivered", delivered_at=now)
    t = CallbackDelivery.__table__
    values["attempts"] = t.c.attempts + 1
    attempts, site_id, submission_id = s.execute(
        update(t).where(t.c.id == delivery_id).values(**values)
        .returning(t.c.attempts, t.c.site_id, t.c.submission_id)
    ).one()
    s.execute(insert(CallbackAttempt.__table__).values(
        delivery_id=delivery_id, attempt=attempts, started_at=started_at,
        duration_ms=duration_ms, ok=ok, status_code=status_code, error=error))
    if ok:
        return "delivered"
    if attempts >= max_attempts:
        status, later = "failed", {}
        audit(s, "callbacks", "callback_failed", site_id=site_id, submission_id=submission_id,
              details={"delivery_id": delivery_id, "attempts": attempts, "error": error,
                       "status_code": status_code})
    else:
        delay = min(backoff_s * (2 ** (attempts - 1)), backoff_max_s)
        status, later = "pending", {"next_attempt_at": now + timedelta(seconds=delay)}
    s.execute(update(t).where(t.c.id == delivery_id).values(status=status, **later))
    return status


def due_deliveries(s: Session, limit: int = 1000) -> list[int]:
    now = utcnow()
    return list(s.scalars(
        select(CallbackDelivery.id)
        .where(
            CallbackDelivery.status == "pending",
            CallbackDelivery.next_attempt_at <= now,
            or_(CallbackDelivery.lease_until.is_(None), CallbackDelivery.lease_until < now),
        )
        .order_by(CallbackDelivery.next_attempt_at)
        .limit(limit)
    ))


def failed_deliveries(s: Session, site_id: str | None = None,
                      limit: int = 100) -> list[CallbackDelivery]:
    q = select(CallbackDelivery).where(CallbackDelivery.status == "failed")
    if site_id:
        q = q.where(CallbackDelivery.site_id == site_id)
    return list(s.scalars(q.order_by(CallbackDelivery.id.desc()).limit(limit)))


def retry_delivery(s: Session, delivery_id: int, actor: str = "cli") -> bool:
    """Give a failed delivery a fresh set of attempts (after the CMS is fixed)."""
    d = s.get(CallbackDelivery, delivery_id)
    if d is None or d.status != "failed":
        return False
    d.status, d.attempts, d.next_attempt_at, d.lease_until = "pending", 0, utcnow(), None
    audit(s, actor, "callback_retried", site_id=d.site_id, submission_id=d.submission_id,
          details={"delivery_id": d.id})
    return True


# ---------------------------------------------------------------- counts (metrics, CLI)


def count_by(s: Session, column: Any, *filters: Any) -> dict[Any, int]:
    q = select(column, func.count()).group_by(column)
    for f in filters:
        q = q.where(f)
    return {k: int(v) for k, v in s.execute(q)}


def decision_counts(s: Session) -> dict[tuple[str, str], int]:
    q = (select(DecisionRow.action, DecisionRow.category, func.count())
         .where(DecisionRow.kind == "engine")
         .group_by(DecisionRow.action, DecisionRow.category))
    return {(a, c or "none"): int(n) for a, c, n in s.execute(q)}


# ---------------------------------------------------------------- audit


def audit(
    s: Session,
    actor: str,
    event: str,
    *,
    site_id: str | None = None,
    submission_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    s.add(AuditEntry(actor=actor, event=event, site_id=site_id, submission_id=submission_id,
                     details=details or {}))
