"""Review queue tables: moderator accounts, web sessions, claim leases and claim history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from moderation.store.schema import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "review_users",
        sa.Column("id", PK, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime()),
    )
    op.create_table(
        "review_sessions",
        sa.Column("id", PK, primary_key=True, autoincrement=True),
        sa.Column("key_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", PK, sa.ForeignKey("review_users.id"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "review_leases",
        sa.Column("submission_id", PK, sa.ForeignKey("submissions.id"), primary_key=True,
                  autoincrement=False),
        sa.Column("user_id", PK, sa.ForeignKey("review_users.id"), nullable=False),
        sa.Column("claim_id", PK),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "review_claims",
        sa.Column("id", PK, primary_key=True, autoincrement=True),
        sa.Column("submission_id", PK, sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("user_id", PK, sa.ForeignKey("review_users.id"), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=False),
        sa.Column("ended", sa.String(16)),
        sa.Column("ended_at", UTCDateTime()),
    )
    op.create_index("ix_review_claims_submission", "review_claims", ["submission_id"])
    # the queue is "submissions in_review"; decisions are looked up by submission and kind
    # (uq_decisions_submission_kind already indexes that)


def downgrade() -> None:
    op.drop_index("ix_review_claims_submission", "review_claims")
    op.drop_table("review_claims")
    op.drop_table("review_leases")
    op.drop_table("review_sessions")
    op.drop_table("review_users")
