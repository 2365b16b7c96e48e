"""Standups can opt in to a weekly roll-up post.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 01:27:26.167693
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("standups", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("weekly_rollup", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("standups", schema=None) as batch_op:
        batch_op.drop_column("weekly_rollup")
