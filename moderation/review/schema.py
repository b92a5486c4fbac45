"""Tables of the review queue, on the service's metadata (Alembic revision ``0002``).

* ``review_users`` — moderators and admins; only the SHA-256 of their API token is stored.
* ``review_sessions`` — web sessions (cookie -> user); only the SHA-256 of the cookie is stored.
* ``review_leases`` — at most one row per submission (the primary key): who is working on it
  until when. Claiming is a conditional insert/update on this row, so two moderators can never
  hold the same comment, on SQLite or PostgreSQL, across processes.
* ``review_claims`` — every claim ever taken and how it ended, for a comment's history.

Human verdicts are rows of the service's ``decisions`` table (``kind`` = ``human`` or
``overturn-<n>``); their callbacks are ordinary ``callback_deliveries``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from moderation.store.schema import PK, Base, UTCDateTime, utcnow

ROLES: tuple[str, ...] = ("moderator", "admin")


class ReviewUser(Base):
    __tablename__ = "review_users"

    id: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), nullable=False, unique=True)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    token_sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    disabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReviewSession(Base):
    __tablename__ = "review_sessions"

    id: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    key_sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("review_users.id"), nullable=False)
    csrf_token: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class ReviewLease(Base):
    __tablename__ = "review_leases"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id"), primary_key=True, autoincrement=False
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("review_users.id"), nullable=False)
    claim_id: Mapped[int | None] = mapped_column(PK)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class ReviewClaim(Base):
    __tablename__ = "review_claims"
    __table_args__ = (Index("ix_review_claims_submission", "submission_id"),)

    id: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("review_users.id"), nullable=False)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: decided | released | taken_over (after expiry) | None while it may still be live
    ended: Mapped[str | None] = mapped_column(String(16))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
