"""The in-memory twins of ``storage/schedules.py`` (planning inputs, prompt statuses) and
``storage/scheduled_messages.py`` (prompts handed to Zulip as scheduled messages)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from zulip_standup.domain.scheduling.handoffs import HandedOff, HandOffCandidate
from zulip_standup.domain.scheduling.jobs import JobKind, JobStatus
from zulip_standup.domain.scheduling.planning import Participant, PlanInput, TimeOff
from zulip_standup.storage.memory.state import MemoryState, json_copy, utc
from zulip_standup.storage.schedules import holiday_region_of, schedule_from_row

_LIVE = (JobStatus.PENDING.value, JobStatus.CLAIMED.value)
_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


class MemoryScheduleReader:
    """``ScheduleSource`` in memory."""

    def __init__(self, state: MemoryState) -> None:
        self.db = state

    def standups_to_plan(self, plan_if_before: dt.datetime, limit: int) -> list[int]:
        """Standups never planned first, then those whose horizon ends soonest."""
        with self.db.lock:
            due = [
                (row["planned_until"], sid)
                for sid, row in self.db.standups.items()
                if row["planned_until"] is None or row["planned_until"] < plan_if_before
            ]
        due.sort(key=lambda p: (p[0] is not None, p[0] or _NEVER, p[1]))
        return [sid for _, sid in due[:limit]]

    def load(self, standup_id: int, time_off_from: dt.date) -> PlanInput | None:
        with self.db.lock:
            row = self.db.standups.get(standup_id)
            if row is None:
                return None
            row = json_copy(row)
            realm_id = row["realm_id"]
            members = sorted(
                uid
                for (sid, uid), member in self.db.participants.items()
                if sid == standup_id and member["active"]
            )
            people = {uid: self.db.people.get((realm_id, uid)) for uid in members}
            periods: dict[int, list[TimeOff]] = {}
            for entry in self.db.time_off.values():
                if (
                    entry["realm_id"] == realm_id
                    and entry["user_id"] in people
                    and entry["end_date"] >= time_off_from
                ):
                    periods.setdefault(entry["user_id"], []).append(
                        TimeOff(entry["start_date"], entry["end_date"])
                    )
        schedule = schedule_from_row(row)
        participants = tuple(
            Participant(
                user_id=uid,
                profile_zone=None if person is None else person["profile_timezone"],
                zone_override=None if person is None else person["timezone_override"],
                holiday_region=holiday_region_of(
                    None if person is None else person["holiday_region"], uid
                ),
                time_off=tuple(sorted(periods.get(uid, ()), key=lambda p: (p.start, p.end))),
                away=False if person is None else bool(person["zulip_away"]),
            )
            for uid, person in people.items()
        )
        return PlanInput(schedule, participants, int(row["schedule_version"]), row["planned_until"])

    def prompt_statuses(self, standup_id: int, run_date: dt.date) -> dict[int, JobStatus]:
        with self.db.lock:
            return {
                int(row["user_id"]): JobStatus(row["status"])
                for row in self.db.jobs.values()
                if row["standup_id"] == standup_id
                and row["kind"] == JobKind.PROMPT.value
                and row["run_date"] == run_date
                and row["user_id"] is not None
            }


class MemoryHandOffs:
    """``PromptHandOffs`` in memory."""

    def __init__(self, state: MemoryState) -> None:
        self.db = state

    def scheduled_id_of(self, job_key: str) -> int | None:
        with self.db.lock:
            for row in self.db.jobs.values():
                if row["key"] == job_key:
                    value = row["scheduled_message_id"]
                    return None if value is None else int(value)
        return None

    def in_use(self) -> bool:
        with self.db.lock:
            return any(row["use_scheduled_messages"] for row in self.db.standups.values()) or any(
                row["scheduled_message_id"] is not None and row["status"] in _LIVE
                for row in self.db.jobs.values()
            )

    def handed_off(self, scheduled_ids: Sequence[int]) -> dict[int, HandedOff]:
        wanted = set(scheduled_ids)
        found: dict[int, HandedOff] = {}
        with self.db.lock:
            for row in self.db.jobs.values():
                standup = self.db.standups.get(row["standup_id"])
                if row["scheduled_message_id"] not in wanted or standup is None:
                    continue
                person = self.db.people.get((standup["realm_id"], row["user_id"])) or {}
                found[int(row["scheduled_message_id"])] = HandedOff(
                    job_id=row["id"],
                    status=JobStatus(row["status"]),
                    due_at=row["due_at"],
                    use_scheduled_messages=bool(standup["use_scheduled_messages"]),
                    honour_away=bool(standup["honour_away"]),
                    zulip_away=bool(person.get("zulip_away")),
                    prompt_claimed=self._prompt_claimed(row),
                    settings_changed=row.get("handed_off_at") is not None
                    and standup["updated_at"] > row["handed_off_at"],
                )
        return found

    def _prompt_claimed(self, job: dict[str, Any]) -> bool:
        """Whether the person's conversation of that run claimed its prompt already."""
        run_ids = {
            rid
            for rid, run in self.db.runs.items()
            if run["standup_id"] == job["standup_id"] and run["run_date"] == job["run_date"]
        }
        return any(
            c["run_id"] in run_ids
            and c["user_id"] == job["user_id"]
            and c["prompted_at"] is not None
            for c in self.db.conversations.values()
        )

    def clear(self, job_id: int, scheduled_id: int) -> None:
        with self.db.lock:
            row = self.db.jobs.get(job_id)
            if (
                row is not None
                and row["scheduled_message_id"] == scheduled_id
                and row["status"] == JobStatus.PENDING.value
            ):
                row["scheduled_message_id"] = row["handed_off_at"] = None

    def candidates(
        self, now: dt.datetime, min_lead: dt.timedelta, lead: dt.timedelta, limit: int
    ) -> list[HandOffCandidate]:
        earliest, latest = now + min_lead, now + lead
        with self.db.lock:
            rows = sorted(
                (
                    row
                    for row in self.db.jobs.values()
                    if row["status"] == JobStatus.PENDING.value
                    and earliest <= row["due_at"] <= latest
                    and row["kind"] == JobKind.PROMPT.value
                    and row["scheduled_message_id"] is None
                    and row["user_id"] is not None
                    and row["run_date"] is not None
                    and row["standup_id"] in self.db.standups
                    and self.db.standups[row["standup_id"]]["use_scheduled_messages"]
                ),
                key=lambda row: (row["due_at"], row["id"]),
            )[:limit]
        return [
            HandOffCandidate(
                r["id"], r["standup_id"], r["run_date"], int(r["user_id"]), r["due_at"]
            )
            for r in rows
        ]

    def record(self, job_id: int, scheduled_id: int, now: dt.datetime) -> bool:
        with self.db.lock:
            row = self.db.jobs.get(job_id)
            if (
                row is None
                or row["status"] != JobStatus.PENDING.value
                or row["scheduled_message_id"] is not None
            ):
                return False
            row["scheduled_message_id"] = scheduled_id
            row["handed_off_at"] = utc(now)
            return True
