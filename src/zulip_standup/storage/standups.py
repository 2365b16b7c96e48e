"""Standups, their participants and the audit log (people and time off: ``storage.people``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.engine import Connection, RowMapping

from zulip_standup.domain.records import ParticipantRecord, PersonRecord
from zulip_standup.domain.scheduling.schedule import DeliveryMode, Frequency
from zulip_standup.domain.standup import (
    MentionPolicy,
    Question,
    ReportStyle,
    Standup,
    StandupSettings,
)
from zulip_standup.storage.people import PersonRows, taking_part
from zulip_standup.storage.tables import (
    audit_log,
    jobs,
    participants,
    realms,
    standups,
)


def settings_to_row(settings: StandupSettings) -> dict[str, Any]:
    return {
        "name": settings.name,
        "team_timezone": settings.team_timezone,
        "prompt_time": settings.prompt_time,
        "reminder_times": list(settings.reminder_times),
        "cutoff_time": settings.cutoff_time,
        "weekdays": sorted(settings.weekdays),
        "frequency": settings.frequency.value,
        "interval_weeks": settings.interval_weeks,
        "anchor_date": settings.anchor_date,
        "monthly_ordinal": settings.monthly_ordinal,
        "holiday_country": settings.holiday_country,
        "skip_dates": sorted(d.isoformat() for d in settings.skip_dates),
        "delivery_mode": settings.delivery_mode.value,
        "honour_away": settings.honour_away,
        "questions": [{"text": q.text, "blocker": q.blocker} for q in settings.questions],
        "topic_template": settings.topic_template,
        "report_style": settings.report_style.value,
        "mention_policy": settings.mention_policy.value,
        "ai_summary": settings.ai_summary,
        "weekly_rollup": settings.weekly_rollup,
        "auto_sync": settings.auto_sync,
        "use_scheduled_messages": settings.use_scheduled_messages,
        "paused": settings.paused,
        "paused_until": settings.paused_until,
        "managers": sorted(settings.managers),
    }


def settings_from_row(row: Mapping[Any, Any]) -> StandupSettings:
    return StandupSettings(
        name=row["name"],
        team_timezone=row["team_timezone"],
        prompt_time=row["prompt_time"],
        reminder_times=tuple(row["reminder_times"]),
        cutoff_time=row["cutoff_time"],
        weekdays=frozenset(int(d) for d in row["weekdays"]),
        frequency=Frequency(row["frequency"]),
        interval_weeks=int(row["interval_weeks"]),
        anchor_date=row["anchor_date"],
        monthly_ordinal=row["monthly_ordinal"],
        holiday_country=row["holiday_country"],
        skip_dates=frozenset(dt.date.fromisoformat(d) for d in row["skip_dates"]),
        delivery_mode=DeliveryMode(row["delivery_mode"]),
        honour_away=bool(row["honour_away"]),
        questions=tuple(Question(q["text"], bool(q.get("blocker"))) for q in row["questions"]),
        topic_template=row["topic_template"],
        report_style=ReportStyle(row["report_style"]),
        mention_policy=MentionPolicy(row["mention_policy"]),
        ai_summary=bool(row["ai_summary"]),
        weekly_rollup=bool(row["weekly_rollup"]),
        auto_sync=bool(row["auto_sync"]),
        use_scheduled_messages=bool(row["use_scheduled_messages"]),
        paused=bool(row["paused"]),
        paused_until=row["paused_until"],
        managers=frozenset(int(m) for m in row["managers"]),
    )


def _standup(row: RowMapping) -> Standup:
    return Standup(
        id=int(row["id"]),
        realm_id=int(row["realm_id"]),
        stream_id=int(row["stream_id"]),
        stream_name=row["stream_name"],
        creator_user_id=int(row["creator_user_id"]),
        settings=settings_from_row(row),
        schedule_version=int(row["schedule_version"]),
    )


class StandupStore(PersonRows):
    """Sync SQL for the configuration side; callers in async code use ``asyncio.to_thread``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- realms -------------------------------------------------------------
    def realm_id(self, site: str, bot_email: str, bot_user_id: int, now: dt.datetime) -> int:
        """The realm row for this bot account, created on first start."""
        with self.engine.begin() as conn:
            found = conn.execute(
                select(realms.c.id).where(realms.c.site == site, realms.c.bot_email == bot_email)
            ).scalar()
            if found is not None:
                conn.execute(
                    update(realms).where(realms.c.id == found).values(bot_user_id=bot_user_id)
                )
                return int(found)
            result = conn.execute(
                insert(realms).values(
                    site=site, bot_email=bot_email, bot_user_id=bot_user_id, created_at=now
                )
            )
            assert result.inserted_primary_key is not None
            return int(result.inserted_primary_key[0])

    # -- standups -----------------------------------------------------------
    def create(
        self,
        realm_id: int,
        stream_id: int,
        stream_name: str,
        creator_user_id: int,
        settings: StandupSettings,
        now: dt.datetime,
    ) -> Standup:
        with self.engine.begin() as conn:
            result = conn.execute(
                insert(standups).values(
                    realm_id=realm_id,
                    stream_id=stream_id,
                    stream_name=stream_name,
                    creator_user_id=creator_user_id,
                    schedule_version=1,
                    created_at=now,
                    updated_at=now,
                    **settings_to_row(settings),
                )
            )
            assert result.inserted_primary_key is not None
            standup_id = int(result.inserted_primary_key[0])
        found = self.get(standup_id)
        assert found is not None
        return found

    def get(self, standup_id: int) -> Standup | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(standups).where(standups.c.id == standup_id)).first()
        return None if row is None else _standup(row._mapping)

    def in_channel(self, realm_id: int, stream_id: int) -> list[Standup]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(standups)
                .where(standups.c.realm_id == realm_id, standups.c.stream_id == stream_id)
                .order_by(standups.c.id)
            ).all()
        return [_standup(r._mapping) for r in rows]

    def in_realm(self, realm_id: int) -> list[Standup]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(standups).where(standups.c.realm_id == realm_id).order_by(standups.c.id)
            ).all()
        return [_standup(r._mapping) for r in rows]

    def of_participant(self, realm_id: int, user_id: int) -> list[Standup]:
        """Standups the person takes part in (active membership)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(standups)
                .join(participants, participants.c.standup_id == standups.c.id)
                .where(*taking_part(realm_id, user_id))
                .order_by(standups.c.id)
            ).all()
        return [_standup(r._mapping) for r in rows]

    def update_settings(
        self, standup_id: int, settings: StandupSettings, now: dt.datetime, *, replan: bool
    ) -> Standup:
        """Store new settings; a schedule change bumps the version and clears the plan horizon."""
        values: dict[str, Any] = {**settings_to_row(settings), "updated_at": now}
        if replan:
            values["schedule_version"] = standups.c.schedule_version + 1
            values["planned_until"] = None
        with self.engine.begin() as conn:
            conn.execute(update(standups).where(standups.c.id == standup_id).values(**values))
        found = self.get(standup_id)
        assert found is not None
        return found

    def delete(self, standup_id: int) -> None:
        """Delete the standup; runs, answers, blockers and jobs go with it (cascade)."""
        with self.engine.begin() as conn:
            conn.execute(delete(jobs).where(jobs.c.standup_id == standup_id))
            conn.execute(delete(standups).where(standups.c.id == standup_id))

    # -- participants -------------------------------------------------------
    def participants(self, standup_id: int, *, active_only: bool = True) -> list[ParticipantRecord]:
        query = select(participants.c.user_id, participants.c.display_name, participants.c.active)
        query = query.where(participants.c.standup_id == standup_id)
        if active_only:
            query = query.where(participants.c.active.is_(True))
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(participants.c.display_name)).all()
        return [ParticipantRecord(int(r.user_id), r.display_name, bool(r.active)) for r in rows]

    def set_participants(
        self, standup_id: int, members: Iterable[tuple[int, str]], now: dt.datetime
    ) -> tuple[list[int], list[int]]:
        """Make exactly ``members`` active; return (added, removed) user ids."""
        wanted = dict(members)
        with self.engine.begin() as conn:
            current = {
                int(r.user_id): bool(r.active)
                for r in conn.execute(
                    select(participants.c.user_id, participants.c.active).where(
                        participants.c.standup_id == standup_id
                    )
                )
            }
            added = [u for u in wanted if not current.get(u)]
            removed = [u for u, active in current.items() if active and u not in wanted]
            self._activate(conn, standup_id, {u: wanted[u] for u in added}, current, now)
            if removed:
                conn.execute(
                    update(participants)
                    .where(participants.c.standup_id == standup_id)
                    .where(participants.c.user_id.in_(removed))
                    .values(active=False)
                )
        return sorted(added), sorted(removed)

    def add_participants(
        self, standup_id: int, members: Iterable[tuple[int, str]], now: dt.datetime
    ) -> list[int]:
        """Activate these people; return the ids that were not active before."""
        wanted = dict(members)
        with self.engine.begin() as conn:
            current = {
                int(r.user_id): bool(r.active)
                for r in conn.execute(
                    select(participants.c.user_id, participants.c.active).where(
                        participants.c.standup_id == standup_id
                    )
                )
            }
            added = {u: n for u, n in wanted.items() if not current.get(u)}
            self._activate(conn, standup_id, added, current, now)
        return sorted(added)

    def remove_participants(self, standup_id: int, user_ids: Iterable[int]) -> list[int]:
        ids = list(user_ids)
        with self.engine.begin() as conn:
            active = [
                int(u)
                for u in conn.execute(
                    select(participants.c.user_id).where(
                        participants.c.standup_id == standup_id,
                        participants.c.user_id.in_(ids),
                        participants.c.active.is_(True),
                    )
                ).scalars()
            ]
            if active:
                conn.execute(
                    update(participants)
                    .where(participants.c.standup_id == standup_id)
                    .where(participants.c.user_id.in_(active))
                    .values(active=False)
                )
        return sorted(active)

    @staticmethod
    def _activate(
        conn: Connection,
        standup_id: int,
        members: dict[int, str],
        current: dict[int, bool],
        now: dt.datetime,
    ) -> None:
        for user_id, name in members.items():
            if user_id in current:
                conn.execute(
                    update(participants)
                    .where(
                        participants.c.standup_id == standup_id,
                        participants.c.user_id == user_id,
                    )
                    .values(active=True, display_name=name)
                )
            else:
                conn.execute(
                    insert(participants).values(
                        standup_id=standup_id,
                        user_id=user_id,
                        display_name=name,
                        active=True,
                        added_at=now,
                    )
                )

    # -- audit --------------------------------------------------------------
    def audit(
        self,
        realm_id: int,
        standup_id: int | None,
        actor_user_id: int,
        action: str,
        detail: dict[str, Any],
        now: dt.datetime,
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(audit_log).values(
                    realm_id=realm_id,
                    standup_id=standup_id,
                    actor_user_id=actor_user_id,
                    action=action,
                    detail=detail,
                    at=now,
                )
            )


# The records live in domain/records.py; re-exported for callers that import them from here.
__all__ = [
    "ParticipantRecord",
    "PersonRecord",
    "StandupStore",
    "settings_from_row",
    "settings_to_row",
]
