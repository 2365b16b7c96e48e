"""The people of a realm and their time off: what the bot knows of each person.

Kept apart from the standups because a person outlives any one standup; the
``StandupStore`` serves these methods by inheriting them. Each write is a helper on an
open connection, so a single call and ``apply_personal_change`` (all of a person's change
in one transaction) run the same SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, Engine, delete, insert, select, update
from sqlalchemy.engine import Connection

from zulip_standup.domain.records import PersonalChange, PersonalChangeResult, PersonRecord
from zulip_standup.storage.engine import reading
from zulip_standup.storage.tables import (
    participants,
    people,
    standups,
    time_off,
)

# Ids per IN list: well under SQLite's limit of bound parameters in one statement.
ID_CHUNK = 500


def taking_part(realm_id: int, user_id: int) -> tuple[ColumnElement[bool], ...]:
    """Where a ``standups`` join ``participants`` row is a standup the person takes part in."""
    return (
        standups.c.realm_id == realm_id,
        participants.c.user_id == user_id,
        participants.c.active.is_(True),
    )


def upsert_person_row(
    conn: Connection,
    realm_id: int,
    user_id: int,
    now: dt.datetime,
    display_name: str | None,
    profile_timezone: str | None,
    changes: dict[str, Any],
) -> None:
    """Create or update the person's row; only given fields change (``upsert_person``)."""
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


def _person(conn: Connection, realm_id: int, user_id: int) -> PersonRecord | None:
    row = conn.execute(
        select(people).where(people.c.realm_id == realm_id, people.c.user_id == user_id)
    ).first()
    return None if row is None else _person_record(row)


def _person_record(row: Any) -> PersonRecord:
    return PersonRecord(
        user_id=int(row.user_id),
        display_name=row.display_name,
        profile_timezone=row.profile_timezone,
        timezone_override=row.timezone_override,
        holiday_region=row.holiday_region,
        zulip_away=bool(row.zulip_away),
    )


def _add_time_off(
    conn: Connection, realm_id: int, user_id: int, start: dt.date, end: dt.date, now: dt.datetime
) -> None:
    conn.execute(
        insert(time_off).values(
            realm_id=realm_id, user_id=user_id, start_date=start, end_date=end, created_at=now
        )
    )


def _end_time_off(conn: Connection, realm_id: int, user_id: int, today: dt.date) -> int:
    """End the time off that covers ``today``; how many periods changed (``end_time_off``)."""
    mine = (time_off.c.realm_id == realm_id, time_off.c.user_id == user_id)
    current = (time_off.c.start_date <= today, time_off.c.end_date >= today)
    removed = conn.execute(
        delete(time_off).where(*mine, *current, time_off.c.start_date == today)
    ).rowcount
    shortened = conn.execute(
        update(time_off).where(*mine, *current).values(end_date=today - dt.timedelta(days=1))
    ).rowcount
    return int(removed or 0) + int(shortened or 0)


def _time_off_of(conn: Connection, realm_id: int, user_id: int) -> list[tuple[dt.date, dt.date]]:
    rows = conn.execute(
        select(time_off.c.start_date, time_off.c.end_date)
        .where(time_off.c.realm_id == realm_id, time_off.c.user_id == user_id)
        .order_by(time_off.c.start_date)
    ).all()
    return [(r.start_date, r.end_date) for r in rows]


def _request_replan(conn: Connection, realm_id: int, user_id: int) -> tuple[int, ...]:
    """Clear the plan horizon of the person's standups: a durable request to re-plan them
    that the planner's next tick acts on (``Planner._plan_one``), in whichever process."""
    ids = tuple(
        int(i)
        for i in conn.execute(
            select(standups.c.id)
            .join(participants, participants.c.standup_id == standups.c.id)
            .where(*taking_part(realm_id, user_id))
            .order_by(standups.c.id)
        ).scalars()
    )
    if ids:
        conn.execute(update(standups).where(standups.c.id.in_(ids)).values(planned_until=None))
    return ids


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
                conn, realm_id, user_id, now, display_name, profile_timezone, dict(changes)
            )
            person = _person(conn, realm_id, user_id)
        assert person is not None
        return person

    def person(self, realm_id: int, user_id: int) -> PersonRecord | None:
        with reading(self.engine) as conn:
            return _person(conn, realm_id, user_id)

    # -- time off -----------------------------------------------------------
    def add_time_off(
        self, realm_id: int, user_id: int, start: dt.date, end: dt.date, now: dt.datetime
    ) -> None:
        with self.engine.begin() as conn:
            _add_time_off(conn, realm_id, user_id, start, end, now)

    def end_time_off(self, realm_id: int, user_id: int, today: dt.date) -> int:
        """End the time off that covers ``today`` (``back``); planned later time off stays.

        Returns how many periods changed (a period that started today is removed).
        """
        with self.engine.begin() as conn:
            return _end_time_off(conn, realm_id, user_id, today)

    def time_off_of(self, realm_id: int, user_id: int) -> list[tuple[dt.date, dt.date]]:
        with reading(self.engine) as conn:
            return _time_off_of(conn, realm_id, user_id)

    def people_with_time_off(
        self, realm_id: int, user_ids: Collection[int]
    ) -> dict[int, tuple[PersonRecord | None, list[tuple[dt.date, dt.date]]]]:
        """Many people and their time off: two statements a chunk of ids, one snapshot."""
        wanted = sorted(set(user_ids))
        found: dict[int, PersonRecord] = {}
        periods: dict[int, list[tuple[dt.date, dt.date]]] = {uid: [] for uid in wanted}
        with reading(self.engine) as conn:
            for start in range(0, len(wanted), ID_CHUNK):
                chunk = wanted[start : start + ID_CHUNK]
                for row in conn.execute(
                    select(people).where(people.c.realm_id == realm_id, people.c.user_id.in_(chunk))
                ):
                    found[int(row.user_id)] = _person_record(row)
                for row in conn.execute(
                    select(time_off.c.user_id, time_off.c.start_date, time_off.c.end_date)
                    .where(time_off.c.realm_id == realm_id, time_off.c.user_id.in_(chunk))
                    .order_by(time_off.c.user_id, time_off.c.start_date)
                ):
                    periods[int(row.user_id)].append((row.start_date, row.end_date))
        return {uid: (found.get(uid), periods[uid]) for uid in wanted}

    # -- a person's own change, in one transaction ----------------------------
    def apply_personal_change(self, change: PersonalChange) -> PersonalChangeResult:
        """Store the person (name, profile zone and the changed settings), add or end time
        off, and, when their prompts may move, ask for each of their standups to be
        re-planned: all of it or, on any failure, none."""
        realm_id, user_id, now = change.realm_id, change.user_id, change.now
        with self.engine.begin() as conn:
            upsert_person_row(
                conn,
                realm_id,
                user_id,
                now,
                change.display_name,
                change.profile_timezone,
                change.person_columns(),
            )
            if change.time_off is not None:
                period = change.time_off
                _add_time_off(conn, realm_id, user_id, period.start, period.end, now)
            ended = 0
            if change.back_on is not None:
                ended = _end_time_off(conn, realm_id, user_id, change.back_on)
            replan = _request_replan(conn, realm_id, user_id) if change.moves_prompts(ended) else ()
            person = _person(conn, realm_id, user_id)
            periods = _time_off_of(conn, realm_id, user_id)
        assert person is not None
        return PersonalChangeResult(person, ended, tuple(periods), replan)
