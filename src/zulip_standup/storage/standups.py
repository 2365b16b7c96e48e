"""Standups, their participants and the audit log (people and time off: ``storage.people``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.engine import Connection

from zulip_standup.domain.records import (
    Audited,
    NewStandup,
    ParticipantRecord,
    PersonRecord,
    StandupChange,
    StandupChanged,
)
from zulip_standup.domain.scheduling.schedule import DeliveryMode, Frequency
from zulip_standup.domain.standup import (
    MentionPolicy,
    Question,
    ReportStyle,
    Standup,
    StandupSettings,
)
from zulip_standup.storage.engine import reading
from zulip_standup.storage.participants import (
    add_participant_rows,
    remove_participant_rows,
    set_participant_rows,
)
from zulip_standup.storage.people import PersonRows, taking_part, upsert_person_row
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


def standup_from_row(row: Mapping[Any, Any]) -> Standup:
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
        new = NewStandup(stream_id, stream_name, creator_user_id)
        with self.engine.begin() as conn:
            return _get(conn, _insert(conn, realm_id, new, settings, now))

    def get(self, standup_id: int) -> Standup | None:
        with reading(self.engine) as conn:
            row = conn.execute(select(standups).where(standups.c.id == standup_id)).first()
        return None if row is None else standup_from_row(row._mapping)

    def in_channel(self, realm_id: int, stream_id: int) -> list[Standup]:
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(standups)
                .where(standups.c.realm_id == realm_id, standups.c.stream_id == stream_id)
                .order_by(standups.c.id)
            ).all()
        return [standup_from_row(r._mapping) for r in rows]

    def in_realm(self, realm_id: int) -> list[Standup]:
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(standups).where(standups.c.realm_id == realm_id).order_by(standups.c.id)
            ).all()
        return [standup_from_row(r._mapping) for r in rows]

    def of_participant(self, realm_id: int, user_id: int) -> list[Standup]:
        """Standups the person takes part in (active membership)."""
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(standups)
                .join(participants, participants.c.standup_id == standups.c.id)
                .where(*taking_part(realm_id, user_id))
                .order_by(standups.c.id)
            ).all()
        return [standup_from_row(r._mapping) for r in rows]

    def update_settings(
        self, standup_id: int, settings: StandupSettings, now: dt.datetime, *, replan: bool
    ) -> Standup:
        """Store new settings; a schedule change bumps the version and clears the plan horizon."""
        with self.engine.begin() as conn:
            _update_settings(conn, standup_id, settings, now, replan=replan)
            return _get(conn, standup_id)

    def delete(self, standup_id: int) -> None:
        """Delete the standup; runs, answers, blockers and jobs go with it (cascade)."""
        with self.engine.begin() as conn:
            _delete(conn, standup_id)

    # -- participants -------------------------------------------------------
    def participants(self, standup_id: int, *, active_only: bool = True) -> list[ParticipantRecord]:
        query = select(participants.c.user_id, participants.c.display_name, participants.c.active)
        query = query.where(participants.c.standup_id == standup_id)
        if active_only:
            query = query.where(participants.c.active.is_(True))
        with reading(self.engine) as conn:
            rows = conn.execute(query.order_by(participants.c.display_name)).all()
        return [ParticipantRecord(int(r.user_id), r.display_name, bool(r.active)) for r in rows]

    def set_participants(
        self, standup_id: int, members: Iterable[tuple[int, str]], now: dt.datetime
    ) -> tuple[list[int], list[int]]:
        """Make exactly ``members`` active; return (added, removed) user ids."""
        with self.engine.begin() as conn:
            return set_participant_rows(conn, standup_id, dict(members), now)

    def add_participants(
        self, standup_id: int, members: Iterable[tuple[int, str]], now: dt.datetime
    ) -> list[int]:
        """Activate these people; return the ids that were not active before."""
        with self.engine.begin() as conn:
            return add_participant_rows(conn, standup_id, dict(members), now)

    def remove_participants(self, standup_id: int, user_ids: Iterable[int]) -> list[int]:
        with self.engine.begin() as conn:
            return remove_participant_rows(conn, standup_id, list(user_ids))

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
            _audit(conn, realm_id, standup_id, Audited(actor_user_id, action, detail), now)

    # -- one change, one transaction ----------------------------------------
    def forget_kept(self, realm_id: int, user_id: int) -> None:
        """Nothing of a person is kept outside the stored rows (a cache in front keeps some)."""

    def apply_change(self, change: StandupChange) -> StandupChanged:
        """All of a change's writes in one transaction (see ``StandupChange``)."""
        now = change.now
        with self.engine.begin() as conn:
            for person in change.people:
                upsert_person_row(
                    conn,
                    change.realm_id,
                    person.user_id,
                    now,
                    person.display_name,
                    person.profile_timezone,
                    {},
                )
            if change.standup_id is None:
                assert change.new is not None
                assert change.settings is not None
                standup_id = _insert(conn, change.realm_id, change.new, change.settings, now)
            else:
                standup_id = change.standup_id
                if change.settings is not None:
                    _update_settings(conn, standup_id, change.settings, now, replan=change.replan)
            standup = _get(conn, standup_id)
            added, removed = _change_participants(conn, standup_id, change)
            if change.delete:
                _delete(conn, standup_id)
            audited = change.audited(added, removed)
            if audited is not None:
                _audit(conn, change.realm_id, None if change.delete else standup_id, audited, now)
        return StandupChanged(standup, tuple(added), tuple(removed))


# -- the statements, inside the caller's transaction ----------------------------


def _insert(
    conn: Connection, realm_id: int, new: NewStandup, settings: StandupSettings, now: dt.datetime
) -> int:
    result = conn.execute(
        insert(standups).values(
            realm_id=realm_id,
            stream_id=new.stream_id,
            stream_name=new.stream_name,
            creator_user_id=new.creator_user_id,
            schedule_version=1,
            created_at=now,
            updated_at=now,
            **settings_to_row(settings),
        )
    )
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


def _get(conn: Connection, standup_id: int) -> Standup:
    row = conn.execute(select(standups).where(standups.c.id == standup_id)).first()
    if row is None:
        msg = f"no standup {standup_id}"
        raise KeyError(msg)
    return standup_from_row(row._mapping)


def _update_settings(
    conn: Connection,
    standup_id: int,
    settings: StandupSettings,
    now: dt.datetime,
    *,
    replan: bool,
) -> None:
    values: dict[str, Any] = {**settings_to_row(settings), "updated_at": now}
    if replan:
        values["schedule_version"] = standups.c.schedule_version + 1
        values["planned_until"] = None
    result = conn.execute(update(standups).where(standups.c.id == standup_id).values(**values))
    if not result.rowcount:
        msg = f"no standup {standup_id}"
        raise KeyError(msg)


def _delete(conn: Connection, standup_id: int) -> None:
    conn.execute(delete(jobs).where(jobs.c.standup_id == standup_id))
    conn.execute(delete(standups).where(standups.c.id == standup_id))


def _change_participants(
    conn: Connection, standup_id: int, change: StandupChange
) -> tuple[list[int], list[int]]:
    """A change's joining and leaving; any of it leaves a durable request to re-plan."""
    if not change.touches_participants:
        return [], []
    joining = dict(change.joining)
    if change.exact:
        added, removed = set_participant_rows(conn, standup_id, joining, change.now)
    else:
        added = add_participant_rows(conn, standup_id, joining, change.now)
        removed = remove_participant_rows(conn, standup_id, list(change.leaving))
    conn.execute(update(standups).where(standups.c.id == standup_id).values(planned_until=None))
    return added, removed


def _audit(
    conn: Connection, realm_id: int, standup_id: int | None, audited: Audited, now: dt.datetime
) -> None:
    conn.execute(
        insert(audit_log).values(
            realm_id=realm_id,
            standup_id=standup_id,
            actor_user_id=audited.actor_user_id,
            action=audited.action,
            detail=audited.detail,
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
