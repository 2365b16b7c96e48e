"""Row builders for scheduler tests: a realm, standups, people, participants and time off."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, insert, update

from zulip_standup.storage.tables import participants, people, realms, standups, time_off

CREATED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def add_realm(engine: Engine, site: str = "https://chat.example.org") -> int:
    with engine.begin() as conn:
        result = conn.execute(
            insert(realms).values(
                site=site, bot_email="standup-bot@example.org", created_at=CREATED
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])


def add_standup(engine: Engine, realm_id: int, name: str = "daily", **values: Any) -> int:
    """A Monday-Friday standup in Berlin at 09:30 / 11:45 / 12:45 unless overridden."""
    row: dict[str, Any] = {
        "realm_id": realm_id,
        "stream_id": 10,
        "stream_name": "team",
        "name": name,
        "team_timezone": "Europe/Berlin",
        "prompt_time": "09:30",
        "reminder_times": ["11:45"],
        "cutoff_time": "12:45",
        "weekdays": [0, 1, 2, 3, 4],
        "frequency": "daily",
        "interval_weeks": 1,
        "anchor_date": None,
        "monthly_ordinal": None,
        "holiday_country": None,
        "skip_dates": [],
        "delivery_mode": "local",
        "honour_away": False,
        "questions": ["What did you do?", "What will you do?", "Anything blocking you?"],
        "topic_template": "standup {date}",
        "report_style": "full",
        "mention_policy": "silent",
        "ai_summary": False,
        "auto_sync": False,
        "use_scheduled_messages": False,
        "paused": False,
        "paused_until": None,
        "creator_user_id": 1,
        "managers": [],
        "schedule_version": 1,
        "created_at": CREATED,
        "updated_at": CREATED,
    }
    row.update(values)
    with engine.begin() as conn:
        key = conn.execute(insert(standups).values(**row)).inserted_primary_key
        assert key is not None
        return int(key[0])


def add_person(
    engine: Engine,
    realm_id: int,
    user_id: int,
    standup_ids: tuple[int, ...] = (),
    *,
    profile_timezone: str | None = None,
    timezone_override: str | None = None,
    holiday_region: str | None = None,
    away: bool = False,
) -> None:
    """A person of the realm, participating in the given standups."""
    with engine.begin() as conn:
        conn.execute(
            insert(people).values(
                realm_id=realm_id,
                user_id=user_id,
                display_name=f"user {user_id}",
                profile_timezone=profile_timezone,
                timezone_override=timezone_override,
                holiday_region=holiday_region,
                zulip_away=away,
                updated_at=CREATED,
            )
        )
        for standup_id in standup_ids:
            conn.execute(
                insert(participants).values(
                    standup_id=standup_id,
                    user_id=user_id,
                    display_name=f"user {user_id}",
                    active=True,
                    added_at=CREATED,
                )
            )


def add_time_off(engine: Engine, realm_id: int, user_id: int, start: dt.date, end: dt.date) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(time_off).values(
                realm_id=realm_id,
                user_id=user_id,
                start_date=start,
                end_date=end,
                created_at=CREATED,
            )
        )


def update_standup(engine: Engine, standup_id: int, **values: Any) -> None:
    """Change a standup as a configuration command would, bumping its schedule version."""
    with engine.begin() as conn:
        conn.execute(
            update(standups)
            .where(standups.c.id == standup_id)
            .values(schedule_version=standups.c.schedule_version + 1, **values)
        )
