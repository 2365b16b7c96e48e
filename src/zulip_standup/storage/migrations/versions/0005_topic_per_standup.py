"""Standups that kept the first default topic ("standup {date}") get the one that starts with
their own name ("{name} {date}"), so two standups of a channel stop posting into one topic.

The default standup is named "standup", so its topic reads the same as before; a template a
manager set to anything else is left alone.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The first release's default and today's (``domain.standup.DEFAULT_TOPIC_TEMPLATE``),
# written out: a migration stays as it was when the code moves on.
FIRST_DEFAULT = "standup {date}"
PER_STANDUP = "{name} {date}"


def upgrade() -> None:
    op.execute(
        sa.text("UPDATE standups SET topic_template = :new WHERE topic_template = :old").bindparams(
            new=PER_STANDUP, old=FIRST_DEFAULT
        )
    )


def downgrade() -> None:
    # Only the default standup's topic can be told apart from the old default afterwards.
    op.execute(
        sa.text(
            "UPDATE standups SET topic_template = :old WHERE topic_template = :new AND name = :name"
        ).bindparams(new=PER_STANDUP, old=FIRST_DEFAULT, name="standup")
    )
