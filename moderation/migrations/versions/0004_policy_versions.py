"""Policy versions: every accepted policy (with the files it was built from) and the live one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from moderation.store.schema import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "policy_versions",
        sa.Column("id", PK, primary_key=True, autoincrement=True),
        sa.Column("policy_id", sa.String(128), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("author", sa.String(256), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("source", sa.String(1024)),
        sa.Column("extends", sa.String(1024)),
        sa.Column("bundle", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("policy_id", "seq", name="uq_policy_versions_policy_seq"),
    )
    op.create_index("ix_policy_versions_version", "policy_versions", ["version"])
    op.create_table(
        "policy_heads",
        sa.Column("policy_id", sa.String(128), primary_key=True),
        sa.Column("version_id", PK, sa.ForeignKey("policy_versions.id"), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("changed_by", sa.String(256), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("policy_heads")
    op.drop_index("ix_policy_versions_version", "policy_versions")
    op.drop_table("policy_versions")
