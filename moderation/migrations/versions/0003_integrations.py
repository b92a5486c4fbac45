"""Integration tables: Coral signing secrets, per-site API keys, feedback labels.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from moderation.store.schema import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "coral_secrets",
        sa.Column("id", PK, primary_key=True, autoincrement=True),
        sa.Column("site_id", sa.String(128), sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("secret", sa.String(256), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime()),
    )
    op.create_index("ix_coral_secrets_site", "coral_secrets", ["site_id"])
    op.create_table(
        "integration_keys",
        sa.Column("id", PK, primary_key=True, autoincrement=True),
        sa.Column("site_id", sa.String(128), sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("key_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime()),
    )
    op.create_index("ix_integration_keys_site_id", "integration_keys", ["site_id"])
    op.create_table(
        "integration_labels",
        sa.Column("id", PK, primary_key=True, autoincrement=True),
        sa.Column("site_id", sa.String(128), sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("submission_id", PK, sa.ForeignKey("submissions.id")),
        sa.Column("source", sa.String(48), nullable=False),
        sa.Column("label", sa.String(16), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("external_id", sa.String(256)),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_integration_labels_site_text", "integration_labels",
                    ["site_id", "text_sha256"])


def downgrade() -> None:
    op.drop_index("ix_integration_labels_site_text", table_name="integration_labels")
    op.drop_table("integration_labels")
    op.drop_index("ix_integration_keys_site_id", table_name="integration_keys")
    op.drop_table("integration_keys")
    op.drop_index("ix_coral_secrets_site", table_name="coral_secrets")
    op.drop_table("coral_secrets")
