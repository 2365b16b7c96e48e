"""The people of a realm and their time off: what the bot knows of each person.

Kept apart from the standups because a person outlives any one standup; the
``StandupStore`` serves these methods by inheriting them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.engine import Connection

from zulip_standup.domain.records import PersonRecord
from zulip_standup.storage.tables import (
    participants,
    people,
    standups,
    time_off,
)


class PersonRows:
    """Sync SQL for people and time off; mixed into ``StandupStore``, which owns the engine."""

    engine: Engine

    # -- people -------------------------------------------------------------
    def upsert_person(
        self,
        realm_id: int,
        user_id: int,
        now: dt.datetime,
        *,
        display_name: str | None = None,
        profile_timezone: str | None = None,
        **changes: Any,
    ) -> PersonRecord:
        """Create or update what the bot knows of a person; only given fields change."""
        with self.engine.begin() as conn:
            upsert_person_row(
                conn,
                realm_id,
                user_id,
                now,
                display_name=display_name,
                profile_timezone=profile_timezone,
                **changes,
            )
        person = self.person(realm_id, user_id)
        assert person is not None
        return person

    def person(self, realm_id: int, user_id: int) -> PersonRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(people).where(people.c.realm_id == realm_id, people.c.user_id == user_id)
            ).first()
        if row is None:
            return None
        return PersonRecord(
            user_id=int(row.user_id),
            display_name=row.display_name,
            profile_timezone=row.profile_timezone,
            timezone_override=row.timezone_override,
            holiday_region=row.holiday_region,
            zulip_away=bool(row.zulip_away),
        )

    # -- time off -----------------------------------------------------------
    def add_time_off(
        self, realm_id: int, user_id: int, start: dt.date, end: dt.date, now: dt.datetime
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(time_off).values(
                    realm_id=realm_id,
                    user_id=user_id,
                    start_date=start,
                    end_date=end,
                    created_at=now,
                )
            )

    def end_time_off(self, realm_id: int, user_id: int, today: dt.date) -> int:
        """End the time off that covers ``today`` (``back``); planned later time off stays.

        Returns how many periods changed (a period that started today is removed).
        """
        mine = (time_off.c.realm_id == realm_id, time_off.c.user_id == user_id)
        current = (time_off.c.start_date <= today, time_off.c.end_date >= today)
        with self.engine.begin() as conn:
            removed = conn.execute(
                delete(time_off).where(*mine, *current, time_off.c.start_date == today)
            ).rowcount
            shortened = conn.execute(
                update(time_off)
                .where(*mine, *current)
                .values(end_date=today - dt.timedelta(days=1))
            ).rowcount
        return int(removed or 0) + int(shortened or 0)

    def time_off_of(self, realm_id: int, user_id: int) -> list[tuple[dt.date, dt.date]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(time_off.c.start_date, time_off.c.end_date)
                .where(time_off.c.realm_id == realm_id, time_off.c.user_id == user_id)
                .order_by(time_off.c.start_date)
            ).all()
        return [(r.start_date, r.end_date) for r in rows]


def upsert_person_row(
    conn: Connection,
    realm_id: int,
    user_id: int,
    now: dt.datetime,
    *,
    display_name: str | None = None,
    profile_timezone: str | None = None,
    **changes: Any,
) -> None:
    """``upsert_person`` inside the caller's transaction; a new name reaches the person's
    participant rows too."""
    values: dict[str, Any] = dict(changes)
    if display_name is not None:
        values["display_name"] = display_name
    if profile_timezone is not None:
        values["profile_timezone"] = profile_timezone or None
    existing = conn.execute(
        select(people.c.id).where(people.c.realm_id == realm_id, people.c.user_id == user_id)
    ).scalar()
    if existing is None:
        conn.execute(
            insert(people).values(
                realm_id=realm_id,
                user_id=user_id,
                display_name=values.pop("display_name", f"user {user_id}"),
                zulip_away=values.pop("zulip_away", False),
                updated_at=now,
                **values,
            )
        )
    elif values:
        conn.execute(update(people).where(people.c.id == existing).values(updated_at=now, **values))
    if display_name is not None:
        conn.execute(
            update(participants)
            .where(participants.c.user_id == user_id)
            .where(
                participants.c.standup_id.in_(
                    select(standups.c.id).where(standups.c.realm_id == realm_id)
                )
            )
            .values(display_name=display_name)
        )
