"""Service tables: sites, submissions, decisions, callback deliveries and attempts, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from moderation.store.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("secrets", sa.JSON(), nullable=False),
        sa.Column("callback_url", sa.String(2048)),
        sa.Column("policy_id", sa.String(128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "submissions",
        sa.Column("id", PK, primary_key=True, autoincrement=True),
        sa.Column("site_id", sa.String(128), sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("comment_id", sa.String(256), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("article", sa.JSON()),
        sa.Column("author_id", sa.String(256)),
        sa.Column("parent_id", sa.String(256)),
        sa.Column("submitted_at", UTCDateTime()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("enqueued_at", UTCDateTime()),
        sa.Column("enqueue_count", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", UTCDateTime()),
        sa.Column("decided_at", UTCDateTime()),
        sa.UniqueConstraint("site_id", "comment_id", name="uq_submissions_site_comment"),
    )
    op.create_index("ix_submissions_status_enqueued", "submissions", ["status", "enqueued_at"])
    op.create_table(
        "decisions",
        sa.Column("id", PK, primary_key=True, autoincrement=True),
        sa.Column("submission_id", PK, sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(64)),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("policy_id", sa.String(128), nullable=False),
        sa.Column("policy_version", sa.String(128), nullable=False),
        sa.Column("engine_version", sa.String(64), nullable=False),
        sa.Column("scorer", sa.String(256)),
        sa.Column("engine_ms", sa.Float(), nullable=False),
        sa.Column("queue_ms", sa.Float(), nullable=False),
        sa.Column("decided_by", sa.String(256)),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("submission_id", "kind", name="uq_decisions_submission_kind"),
    )
    op.create_index("ix_decisions_action", "decisions", ["action"])
    op.create_table(
        "callback_deliveries",
        sa.Column("id", PK, primary_key=True, autoincrement=True),
        sa.Column("submission_id", PK, sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("decision_id", PK, sa.ForeignKey("decisions.id"), nullable=False, unique=True),
        sa.Column("site_id", sa.String(128), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime()),
        sa.Column("last_status_code", sa.Integer()),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime()),
    )
    op.create_index(
        "ix_callback_deliveries_due", "callback_deliveries", ["status", "next_attempt_at"]
    )
    op.create_table(
        "callback_attempts",
        sa.Column("id", PK, primary_key=True, autoincrement=True),
        sa.Column("delivery_id", PK, sa.ForeignKey("callback_deliveries.id"), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer()),
        sa.Column("error", sa.Text()),
    )
    op.create_index("ix_callback_attempts_delivery_id", "callback_attempts", ["delivery_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", PK, primary_key=True, autoincrement=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("site_id", sa.String(128)),
        sa.Column("submission_id", PK),
        sa.Column("details", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_index("ix_callback_attempts_delivery_id", "callback_attempts")
    op.drop_table("callback_attempts")
    op.drop_index("ix_callback_deliveries_due", "callback_deliveries")
    op.drop_table("callback_deliveries")
    op.drop_index("ix_decisions_action", "decisions")
    op.drop_table("decisions")
    op.drop_index("ix_submissions_status_enqueued", "submissions")
    op.drop_table("submissions")
    op.drop_table("sites")
