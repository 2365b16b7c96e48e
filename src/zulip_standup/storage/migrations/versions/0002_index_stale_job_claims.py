"""Index jobs by status and claim time, so stale-claim recovery does not scan the table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 01:19:38.990692
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index("ix_jobs_status_claimed_at", ["status", "claimed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_status_claimed_at")
