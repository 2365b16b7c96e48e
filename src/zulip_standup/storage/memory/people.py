"""The in-memory twin of ``storage/people.py``: the people of a realm and their time off,
mixed into ``MemoryStandupStore``. Each write is a helper called under the state's lock, so
a single call and ``apply_personal_change`` (one transaction) change the rows alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from zulip_standup.domain.records import PersonalChange, PersonalChangeResult, PersonRecord
from zulip_standup.storage.memory.state import MemoryState, set_columns, utc

PERSON_COLUMNS = frozenset(
    {
        "display_name",
        "profile_timezone",
        "timezone_override",
        "holiday_region",
        "zulip_away",
        "updated_at",
    }
)


def standups_taken_part(state: MemoryState, realm_id: int, user_id: int) -> list[int]:
    """Ids of the standups of the realm the person takes part in (active), in id order."""
    return sorted(
        sid
        for sid in state.standup_ids_of_realm(realm_id)
        if state.participants.get((sid, user_id), {}).get("active")
    )


def _person(row: dict[str, Any]) -> PersonRecord:
    return PersonRecord(
        user_id=int(row["user_id"]),
        display_name=row["display_name"],
        profile_timezone=row["profile_timezone"],
        timezone_override=row["timezone_override"],
        holiday_region=row["holiday_region"],
        zulip_away=bool(row["zulip_away"]),
    )


class MemoryPersonRows:
    """People and time off of ``StandupRepository`` in memory."""

    db: MemoryState

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
        with self.db.lock:
            return self._upsert_person(
                realm_id, user_id, now, display_name, profile_timezone, dict(changes)
            )

    def _upsert_person(
        self,
        realm_id: int,
        user_id: int,
        now: dt.datetime,
        display_name: str | None,
        profile_timezone: str | None,
        changes: dict[str, Any],
    ) -> PersonRecord:
        values: dict[str, Any] = dict(changes)
        if display_name is not None:
            values["display_name"] = display_name
        if profile_timezone is not None:
            values["profile_timezone"] = profile_timezone or None
        state = self.db
        row = state.people.get((realm_id, user_id))
        if row is None:
            row = {
                "realm_id": realm_id,
                "user_id": user_id,
                "display_name": values.pop("display_name", f"user {user_id}"),
                "profile_timezone": None,
                "timezone_override": None,
                "holiday_region": None,
                "zulip_away": values.pop("zulip_away", False),
            }
            set_columns(row, PERSON_COLUMNS, {**values, "updated_at": now})
            state.people[(realm_id, user_id)] = row
        elif values:
            set_columns(row, PERSON_COLUMNS, {**values, "updated_at": now})
        if display_name is not None:
            in_realm = state.standup_ids_of_realm(realm_id)
            for (sid, uid), member in state.participants.items():
                if uid == user_id and sid in in_realm:
                    member["display_name"] = display_name
        return _person(row)

    def person(self, realm_id: int, user_id: int) -> PersonRecord | None:
        with self.db.lock:
            row = self.db.people.get((realm_id, user_id))
            return None if row is None else _person(row)

    # -- time off -----------------------------------------------------------
    def add_time_off(
        self, realm_id: int, user_id: int, start: dt.date, end: dt.date, now: dt.datetime
    ) -> None:
        with self.db.lock:
            self._add_time_off(realm_id, user_id, start, end, now)

    def _add_time_off(
        self, realm_id: int, user_id: int, start: dt.date, end: dt.date, now: dt.datetime
    ) -> None:
        period_id = self.db.next_id("time_off")
        self.db.time_off[period_id] = {
            "id": period_id,
            "realm_id": realm_id,
            "user_id": user_id,
            "start_date": start,
            "end_date": end,
            "created_at": utc(now),
        }

    def _periods(self, realm_id: int, user_id: int) -> list[dict[str, Any]]:
        return [
            row
            for row in self.db.time_off.values()
            if (row["realm_id"], row["user_id"]) == (realm_id, user_id)
        ]

    def end_time_off(self, realm_id: int, user_id: int, today: dt.date) -> int:
        """End the time off that covers ``today`` (``back``); planned later time off stays.
        Returns how many periods changed (a period that started today is removed)."""
        with self.db.lock:
            return self._end_time_off(realm_id, user_id, today)

    def _end_time_off(self, realm_id: int, user_id: int, today: dt.date) -> int:
        changed = 0
        for row in self._periods(realm_id, user_id):
            if not row["start_date"] <= today <= row["end_date"]:
                continue
            if row["start_date"] == today:
                del self.db.time_off[row["id"]]
            else:
                row["end_date"] = today - dt.timedelta(days=1)
            changed += 1
        return changed

    def time_off_of(self, realm_id: int, user_id: int) -> list[tuple[dt.date, dt.date]]:
        with self.db.lock:
            periods = [(r["start_date"], r["end_date"]) for r in self._periods(realm_id, user_id)]
        return sorted(periods, key=lambda p: p[0])

    def people_with_time_off(
        self, realm_id: int, user_ids: Collection[int]
    ) -> dict[int, tuple[PersonRecord | None, list[tuple[dt.date, dt.date]]]]:
        with self.db.lock:
            return {
                uid: (self.person(realm_id, uid), self.time_off_of(realm_id, uid))
                for uid in sorted(set(user_ids))
            }

    # -- a person's own change, in one transaction ----------------------------
    def apply_personal_change(self, change: PersonalChange) -> PersonalChangeResult:
        """Store the person, add or end time off and ask for their standups to be re-planned
        (``storage/people.py``). What could fail (an unknown column, a naive instant) is
        checked before the first write, so a failure leaves nothing half-applied."""
        realm_id, user_id, now = change.realm_id, change.user_id, change.now
        columns = change.person_columns()
        set_columns({}, PERSON_COLUMNS, {**columns, "updated_at": now})
        with self.db.lock:
            person = self._upsert_person(
                realm_id, user_id, now, change.display_name, change.profile_timezone, columns
            )
            if change.time_off is not None:
                period = change.time_off
                self._add_time_off(realm_id, user_id, period.start, period.end, now)
            ended = 0
            if change.back_on is not None:
                ended = self._end_time_off(realm_id, user_id, change.back_on)
            replan: tuple[int, ...] = ()
            if change.moves_prompts(ended):
                replan = tuple(standups_taken_part(self.db, realm_id, user_id))
                for standup_id in replan:
                    self.db.standups[standup_id]["planned_until"] = None
        periods = self.time_off_of(realm_id, user_id)
        return PersonalChangeResult(person, ended, tuple(periods), replan)
