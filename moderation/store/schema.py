"""Tables of the service (SQLAlchemy 2 declarative). Changes here need an Alembic revision.

Uniqueness carries the idempotency guarantees, so they hold across processes and machines:
``submissions(site_id, comment_id)`` (one submission per CMS comment), ``decisions(submission_id,
kind)`` (one engine decision per submission) and ``callback_deliveries(decision_id)`` (one
callback per decided outcome).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

#: Integer primary keys: BIGINT on PostgreSQL, INTEGER (rowid alias) on SQLite.
PK = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the tzinfo otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Site(Base):
    """A CMS that sends comments: its secrets (newest first), callback URL and policy."""

    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    secrets: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    callback_url: Mapped[str | None] = mapped_column(String(2048))
    policy_id: Mapped[str] = mapped_column(String(128), nullable=False, default="default")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class Submission(Base):
    """A comment exactly as the CMS sent it, and where it is in the flow."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("site_id", "comment_id", name="uq_submissions_site_comment"),
        Index("ix_submissions_status_enqueued", "status", "enqueued_at"),
        # the review page's author history: an author's latest comments on a site
        Index("ix_submissions_site_author", "site_id", "author_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False)
    comment_id: Mapped[str] = mapped_column(String(256), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    text_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    article: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    author_id: Mapped[str | None] = mapped_column(String(256))
    parent_id: Mapped[str | None] = mapped_column(String(256))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    enqueue_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DecisionRow(Base):
    """A verdict on a submission. ``kind`` is ``engine`` here; people's verdicts use other kinds."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("submission_id", "kind", name="uq_decisions_submission_kind"),
        Index("ix_decisions_action", "action"),
    )

    id: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="engine")
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    final: Mapped[bool] = mapped_column(Boolean, nullable=False)
    category: Mapped[str | None] = mapped_column(String(64))  # the first driving category
    categories: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    scores: Mapped[dict[str, float]] = mapped_column(JSON, nullable=False, default=dict)
    policy_id: Mapped[str] = mapped_column(String(128), nullable=False)
    policy_version: Mapped[str] = mapped_column(String(128), nullable=False)
    engine_version: Mapped[str] = mapped_column(String(64), nullable=False)
    scorer: Mapped[str | None] = mapped_column(String(256))
    engine_ms: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    queue_ms: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    decided_by: Mapped[str | None] = mapped_column(String(256))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class CallbackDelivery(Base):
    """One outcome to tell the CMS. ``body`` is frozen at creation so every retry is identical."""

    __tablename__ = "callback_deliveries"
    __table_args__ = (Index("ix_callback_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), nullable=False)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("decisions.id"), nullable=False, unique=True
    )
    site_id: Mapped[str] = mapped_column(String(128), nullable=False)
    url: Mapped[str] = mapped_column(String(2048), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CallbackAttempt(Base):
    """Every HTTP attempt of a delivery, successful or not."""

    __tablename__ = "callback_attempts"

    id: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("callback_deliveries.id"), nullable=False, index=True
    )
    attempt: Mapped[int] = mapped_column(Integer, nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    duration_ms: Mapped[float] = mapped_column(Float, nullable=False)
    ok: Mapped[bool] = mapped_column(Boolean, nullable=False)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """Who did what, when: site changes, decisions, deliveries given up, re-enqueues."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    actor: Mapped[str] = mapped_column(String(128), nullable=False)
    event: Mapped[str] = mapped_column(String(64), nullable=False)
    site_id: Mapped[str | None] = mapped_column(String(128))
    submission_id: Mapped[int | None] = mapped_column(PK)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
