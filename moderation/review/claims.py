"""Claims: a time-limited lease so two moderators never work on the same comment.

``review_leases`` has one row per submission (primary key). Taking it is an
``INSERT ... ON CONFLICT DO NOTHING`` and, when a row exists, an ``UPDATE`` that only succeeds if
the lease expired or is already ours: the database decides the race, on SQLite (serialised
writers) and PostgreSQL (row lock) alike. An expired lease needs no clean-up: it simply stops
counting, and the next claim takes the row over.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from moderation.review.accounts import Principal
from moderation.review.errors import Conflict, NotFound
from moderation.review.items import IN_REVIEW
from moderation.review.schema import ReviewClaim, ReviewLease, ReviewUser
from moderation.review.views import ClaimView
from moderation.store.schema import Submission, utcnow


def _insert(s: Session):  # type: ignore[no-untyped-def]
    return (postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert)(
        ReviewLease
    )


def holder_conflict(s: Session, lease: ReviewLease) -> Conflict:
    user = s.get(ReviewUser, lease.user_id)
    name = user.name if user else "?"
    return Conflict(f"claimed by {name} until {lease.lease_until.isoformat()}", code="claimed",
                    holder=name, lease_until=lease.lease_until.isoformat())


def claim(s: Session, submission_id: int, user: Principal, lease_s: float) -> ClaimView:
    """Take (or renew) the lease of a comment waiting for review; Conflict when someone holds it."""
    sub = s.get(Submission, submission_id)
    if sub is None:
        raise NotFound("no such item")
    if sub.status != IN_REVIEW:
        raise Conflict("this comment is not waiting for review", code="not_in_review",
                       item_status=sub.status)
    now = utcnow()
    until = now + timedelta(seconds=lease_s)
    current = s.get(ReviewLease, submission_id, populate_existing=True)
    if current is not None and current.user_id == user.id and current.lease_until >= now:
        # renewal: same claim, longer lease
        current.lease_until = until
        if current.claim_id is not None:
            c = s.get(ReviewClaim, current.claim_id)
            if c is not None:
                c.lease_until = until
        return ClaimView(submission_id=submission_id, by=user.name, lease_until=until, mine=True)
    new_claim = ReviewClaim(submission_id=submission_id, user_id=user.id, claimed_at=now,
                            lease_until=until)
    s.add(new_claim)
    s.flush()
    inserted = s.execute(
        _insert(s).values(submission_id=submission_id, user_id=user.id, claim_id=new_claim.id,
                          claimed_at=now, lease_until=until)
        .on_conflict_do_nothing(index_elements=["submission_id"])
    ).rowcount == 1
    if not inserted:
        previous_claim = current.claim_id if current is not None else None
        previous_until = current.lease_until if current is not None else now
        taken = s.execute(
            update(ReviewLease)
            .where(ReviewLease.submission_id == submission_id,
                   or_(ReviewLease.lease_until < now, ReviewLease.user_id == user.id))
            .values(user_id=user.id, claim_id=new_claim.id, claimed_at=now, lease_until=until)
            .execution_options(synchronize_session=False)
        ).rowcount == 1
        if not taken:
            lease = s.get(ReviewLease, submission_id, populate_existing=True)
            assert lease is not None
            raise holder_conflict(s, lease)
        if previous_claim is not None:
            _end(s, previous_claim, "expired", min(previous_until, now))
    return ClaimView(submission_id=submission_id, by=user.name, lease_until=until, mine=True)


def release(s: Session, submission_id: int, user: Principal) -> bool:
    """Give a comment back to the queue. The holder may; an admin may release anyone's claim."""
    if s.get(Submission, submission_id) is None:
        raise NotFound("no such item")
    lease = s.get(ReviewLease, submission_id, populate_existing=True)
    now = utcnow()
    if lease is None or lease.lease_until < now:
        return False
    if lease.user_id != user.id and user.role != "admin":
        raise holder_conflict(s, lease)
    if lease.claim_id is not None:
        _end(s, lease.claim_id, "released", now)
    s.delete(lease)
    return True


def finish(s: Session, submission_id: int, outcome: str = "decided") -> None:
    """The comment was decided: its lease ends with it."""
    lease = s.get(ReviewLease, submission_id, populate_existing=True)
    if lease is None:
        return
    now = utcnow()
    if lease.claim_id is not None:
        if lease.lease_until >= now:
            _end(s, lease.claim_id, outcome, now)
        else:
            _end(s, lease.claim_id, "expired", lease.lease_until)
    s.delete(lease)


def _end(s: Session, claim_id: int, how: str, at: datetime) -> None:
    c = s.get(ReviewClaim, claim_id)
    if c is not None and c.ended is None:
        c.ended = how
        c.ended_at = at
