"""The in-memory twin of ``storage/standups.py``: realms, standups, participants and the
audit log (people and time off: ``memory/people.py``)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from zulip_standup.domain.records import (
    Audited,
    NewStandup,
    ParticipantRecord,
    StandupChange,
    StandupChanged,
)
from zulip_standup.domain.standup import Standup, StandupSettings
from zulip_standup.storage.memory.people import MemoryPersonRows, standups_taken_part
from zulip_standup.storage.memory.state import (
    DuplicateKeyError,
    MemoryState,
    json_copy,
    utc,
)
from zulip_standup.storage.standups import settings_from_row, settings_to_row


def standup_of(row: dict[str, Any]) -> Standup:
    return Standup(
        id=int(row["id"]),
        realm_id=int(row["realm_id"]),
        stream_id=int(row["stream_id"]),
        stream_name=row["stream_name"],
        creator_user_id=int(row["creator_user_id"]),
        settings=settings_from_row(json_copy(row)),
        schedule_version=int(row["schedule_version"]),
    )


class MemoryStandupStore(MemoryPersonRows):
    """``StandupRepository`` in memory (plus the composition root's ``realm_id``)."""

    def __init__(self, state: MemoryState) -> None:
        self.db = state

    # -- realms -------------------------------------------------------------
    def realm_id(self, site: str, bot_email: str, bot_user_id: int, now: dt.datetime) -> int:
        with self.db.lock:
            for realm_id, row in self.db.realms.items():
                if (row["site"], row["bot_email"]) == (site, bot_email):
                    row["bot_user_id"] = bot_user_id
                    return realm_id
            realm_id = self.db.next_id("realms")
            self.db.realms[realm_id] = {
                "id": realm_id,
                "site": site,
                "bot_email": bot_email,
                "bot_user_id": bot_user_id,
                "last_message_id": None,
                "created_at": utc(now),
            }
            return realm_id

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
        with self.db.lock:
            return standup_of(self.db.standups[self._insert(realm_id, new, settings, now)])

    def _insert(
        self, realm_id: int, new: NewStandup, settings: StandupSettings, now: dt.datetime
    ) -> int:
        if realm_id not in self.db.realms:
            msg = f"no realm {realm_id}"
            raise KeyError(msg)
        for row in self.db.standups.values():
            if (row["realm_id"], row["stream_id"], row["name"]) == (
                realm_id,
                new.stream_id,
                settings.name,
            ):
                msg = f"a standup {settings.name!r} exists in channel {new.stream_id} already"
                raise DuplicateKeyError(msg)
        standup_id = self.db.next_id("standups")
        self.db.standups[standup_id] = {
            **settings_to_row(settings),
            "id": standup_id,
            "realm_id": realm_id,
            "stream_id": new.stream_id,
            "stream_name": new.stream_name,
            "creator_user_id": new.creator_user_id,
            "schedule_version": 1,
            "created_at": utc(now),
            "updated_at": utc(now),
            "planned_until": None,
        }
        return standup_id

    def get(self, standup_id: int) -> Standup | None:
        with self.db.lock:
            row = self.db.standups.get(standup_id)
            return None if row is None else standup_of(row)

    def _where(self, **match: Any) -> list[Standup]:
        with self.db.lock:
            return [
                standup_of(row)
                for _, row in sorted(self.db.standups.items())
                if all(row[k] == v for k, v in match.items())
            ]

    def in_channel(self, realm_id: int, stream_id: int) -> list[Standup]:
        return self._where(realm_id=realm_id, stream_id=stream_id)

    def in_realm(self, realm_id: int) -> list[Standup]:
        return self._where(realm_id=realm_id)

    def of_participant(self, realm_id: int, user_id: int) -> list[Standup]:
        with self.db.lock:
            return [
                standup_of(self.db.standups[sid])
                for sid in standups_taken_part(self.db, realm_id, user_id)
            ]

    def update_settings(
        self, standup_id: int, settings: StandupSettings, now: dt.datetime, *, replan: bool
    ) -> Standup:
        with self.db.lock:
            self._update_settings(standup_id, settings, now, replan=replan)
            return standup_of(self.db.standups[standup_id])

    def _update_settings(
        self, standup_id: int, settings: StandupSettings, now: dt.datetime, *, replan: bool
    ) -> None:
        row = self._row(standup_id)
        row.update(json_copy(settings_to_row(settings)), updated_at=utc(now))
        if replan:
            row["schedule_version"] += 1
            row["planned_until"] = None

    def _row(self, standup_id: int) -> dict[str, Any]:
        row = self.db.standups.get(standup_id)
        if row is None:
            msg = f"no standup {standup_id}"
            raise KeyError(msg)
        return row

    def delete(self, standup_id: int) -> None:
        """Delete the standup with its runs, answers, participants and jobs."""
        with self.db.lock:
            self._delete(standup_id)

    def _delete(self, standup_id: int) -> None:
        state = self.db
        for job_id in [j for j, row in state.jobs.items() if row["standup_id"] == standup_id]:
            del state.jobs[job_id]
        for key in [k for k in state.participants if k[0] == standup_id]:
            del state.participants[key]
        state.delete_runs({r for r, row in state.runs.items() if row["standup_id"] == standup_id})
        state.delete_webhooks(standup_id)
        state.standups.pop(standup_id, None)

    # -- participants -------------------------------------------------------
    def participants(self, standup_id: int, *, active_only: bool = True) -> list[ParticipantRecord]:
        with self.db.lock:
            rows = [
                row
                for (sid, _), row in self.db.participants.items()
                if sid == standup_id and (row["active"] or not active_only)
            ]
        rows.sort(key=lambda r: (r["display_name"], r["user_id"]))
        return [ParticipantRecord(r["user_id"], r["display_name"], r["active"]) for r in rows]

    def _current(self, standup_id: int) -> dict[int, bool]:
        return {u: row["active"] for (s, u), row in self.db.participants.items() if s == standup_id}

    def _activate(self, standup_id: int, members: dict[int, str], now: dt.datetime) -> None:
        for user_id, name in members.items():
            row = self.db.participants.get((standup_id, user_id))
            if row is None:
                self.db.participants[(standup_id, user_id)] = {
                    "standup_id": standup_id,
                    "user_id": user_id,
                    "display_name": name,
                    "active": True,
                    "added_at": utc(now),
                }
            else:
                row.update(active=True, display_name=name)

    def _deactivate(self, standup_id: int, user_ids: Iterable[int]) -> None:
        for user_id in user_ids:
            self.db.participants[(standup_id, user_id)]["active"] = False

    def set_participants(
        self, standup_id: int, members: Iterable[tuple[int, str]], now: dt.datetime
    ) -> tuple[list[int], list[int]]:
        """Make exactly ``members`` active; return (added, removed) user ids."""
        with self.db.lock:
            return self._set_participants(standup_id, dict(members), now)

    def _set_participants(
        self, standup_id: int, wanted: dict[int, str], now: dt.datetime
    ) -> tuple[list[int], list[int]]:
        current = self._current(standup_id)
        added = [u for u in wanted if not current.get(u)]
        removed = [u for u, active in current.items() if active and u not in wanted]
        self._activate(standup_id, {u: wanted[u] for u in added}, now)
        self._deactivate(standup_id, removed)
        return sorted(added), sorted(removed)

    def add_participants(
        self, standup_id: int, members: Iterable[tuple[int, str]], now: dt.datetime
    ) -> list[int]:
        with self.db.lock:
            return self._add_participants(standup_id, dict(members), now)

    def _add_participants(
        self, standup_id: int, wanted: dict[int, str], now: dt.datetime
    ) -> list[int]:
        current = self._current(standup_id)
        added = {u: n for u, n in wanted.items() if not current.get(u)}
        self._activate(standup_id, added, now)
        return sorted(added)

    def remove_participants(self, standup_id: int, user_ids: Iterable[int]) -> list[int]:
        with self.db.lock:
            return self._remove_participants(standup_id, user_ids)

    def _remove_participants(self, standup_id: int, user_ids: Iterable[int]) -> list[int]:
        current = self._current(standup_id)
        active = sorted({u for u in user_ids if current.get(u)})
        self._deactivate(standup_id, active)
        return active

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
        with self.db.lock:
            self._audit(realm_id, standup_id, Audited(actor_user_id, action, detail), now)

    def _audit(
        self, realm_id: int, standup_id: int | None, audited: Audited, now: dt.datetime
    ) -> None:
        # The column is JSON: what JSON cannot hold is refused, as on SQL.
        detail = json.loads(json.dumps(audited.detail))
        entry_id = self.db.next_id("audit_log")
        self.db.audit_log[entry_id] = {
            "id": entry_id,
            "realm_id": realm_id,
            "standup_id": standup_id,
            "actor_user_id": audited.actor_user_id,
            "action": audited.action,
            "detail": detail,
            "at": utc(now),
        }

    # -- one change, one transaction ----------------------------------------
    def forget_kept(self, realm_id: int, user_id: int) -> None:
        """Nothing of a person is kept outside the stored rows (a cache in front keeps some)."""

    def apply_change(self, change: StandupChange) -> StandupChanged:
        """All of a change's writes or none: a failure part-way puts every table back."""
        now = change.now
        tables = _CHANGED_TABLES + (_DELETED_TABLES if change.delete else ())
        with self.db.all_or_nothing(tables):
            for person in change.people:
                self._upsert_person(
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
                standup_id = self._insert(change.realm_id, change.new, change.settings, now)
            else:
                standup_id = change.standup_id
                if change.settings is not None:
                    self._update_settings(standup_id, change.settings, now, replan=change.replan)
            standup = standup_of(self._row(standup_id))
            added: list[int] = []
            removed: list[int] = []
            if change.touches_participants:
                joining = dict(change.joining)
                if change.exact:
                    added, removed = self._set_participants(standup_id, joining, now)
                else:
                    added = self._add_participants(standup_id, joining, now)
                    removed = self._remove_participants(standup_id, change.leaving)
                # A durable request to re-plan, as ``update_settings(replan=True)`` leaves.
                self._row(standup_id)["planned_until"] = None
            if change.delete:
                self._delete(standup_id)
            audited = change.audited(added, removed)
            if audited is not None:
                where = None if change.delete else standup_id
                self._audit(change.realm_id, where, audited, now)
        return StandupChanged(standup, tuple(added), tuple(removed))


# What ``apply_change`` may write; a delete reaches the runs, answers and jobs too.
_CHANGED_TABLES = ("standups", "people", "participants", "audit_log")
_DELETED_TABLES = ("jobs", "runs", "conversations", "answers")
