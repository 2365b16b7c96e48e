"""The inbox replaces processed_messages (states, attempts, incidents); realms get a lease epoch.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("incident", sa.String(length=16), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["realm_id"],
            ["realms.id"],
            name=op.f("fk_inbox_realm_id_realms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("realm_id", "message_id", name=op.f("pk_inbox")),
    )
    op.create_index("ix_inbox_realm_state", "inbox", ["realm_id", "state"], unique=False)
    op.execute(
        "INSERT INTO inbox (realm_id, message_id, state, attempts, received_at, updated_at) "
        "SELECT realm_id, message_id, 'done', 1, processed_at, processed_at "
        "FROM processed_messages"
    )
    op.drop_table("processed_messages")
    with op.batch_alter_table("realms", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("lease_epoch", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("realms", schema=None) as batch_op:
        batch_op.drop_column("lease_epoch")
    op.create_table(
        "processed_messages",
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["realm_id"],
            ["realms.id"],
            name=op.f("fk_processed_messages_realm_id_realms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("realm_id", "message_id", name=op.f("pk_processed_messages")),
    )
    op.execute(
        "INSERT INTO processed_messages (realm_id, message_id, processed_at) "
        "SELECT realm_id, message_id, updated_at FROM inbox WHERE state = 'done'"
    )
    op.drop_index("ix_inbox_realm_state", table_name="inbox")
    op.drop_table("inbox")
