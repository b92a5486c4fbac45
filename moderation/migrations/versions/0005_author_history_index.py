"""An index for the review page's author history (a site's author, newest comments first).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_submissions_site_author", "submissions",
                    ["site_id", "author_id", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_submissions_site_author", table_name="submissions")
