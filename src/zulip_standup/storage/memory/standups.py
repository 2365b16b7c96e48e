"""The in-memory twin of ``storage/standups.py``: realms, standups, participants and the
audit log (people and time off: ``memory/people.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from zulip_standup.domain.records import ParticipantRecord
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
        with self.db.lock:
            if realm_id not in self.db.realms:
                msg = f"no realm {realm_id}"
                raise KeyError(msg)
            for row in self.db.standups.values():
                if (row["realm_id"], row["stream_id"], row["name"]) == (
                    realm_id,
                    stream_id,
                    settings.name,
                ):
                    msg = f"a standup {settings.name!r} exists in channel {stream_id} already"
                    raise DuplicateKeyError(msg)
            standup_id = self.db.next_id("standups")
            self.db.standups[standup_id] = {
                **settings_to_row(settings),
                "id": standup_id,
                "realm_id": realm_id,
                "stream_id": stream_id,
                "stream_name": stream_name,
                "creator_user_id": creator_user_id,
                "schedule_version": 1,
                "created_at": utc(now),
                "updated_at": utc(now),
                "planned_until": None,
            }
            return standup_of(self.db.standups[standup_id])

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
            row = self.db.standups[standup_id]
            row.update(json_copy(settings_to_row(settings)), updated_at=utc(now))
            if replan:
                row["schedule_version"] += 1
                row["planned_until"] = None
            return standup_of(row)

    def delete(self, standup_id: int) -> None:
        """Delete the standup with its runs, answers, participants and jobs."""
        state = self.db
        with state.lock:
            for job_id in [j for j, row in state.jobs.items() if row["standup_id"] == standup_id]:
                del state.jobs[job_id]
            for key in [k for k in state.participants if k[0] == standup_id]:
                del state.participants[key]
            state.delete_runs(
                {r for r, row in state.runs.items() if row["standup_id"] == standup_id}
            )
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
        wanted = dict(members)
        with self.db.lock:
            current = self._current(standup_id)
            added = [u for u in wanted if not current.get(u)]
            removed = [u for u, active in current.items() if active and u not in wanted]
            self._activate(standup_id, {u: wanted[u] for u in added}, now)
            self._deactivate(standup_id, removed)
        return sorted(added), sorted(removed)

    def add_participants(
        self, standup_id: int, members: Iterable[tuple[int, str]], now: dt.datetime
    ) -> list[int]:
        wanted = dict(members)
        with self.db.lock:
            current = self._current(standup_id)
            added = {u: n for u, n in wanted.items() if not current.get(u)}
            self._activate(standup_id, added, now)
        return sorted(added)

    def remove_participants(self, standup_id: int, user_ids: Iterable[int]) -> list[int]:
        with self.db.lock:
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
            entry_id = self.db.next_id("audit_log")
            self.db.audit_log[entry_id] = {
                "id": entry_id,
                "realm_id": realm_id,
                "standup_id": standup_id,
                "actor_user_id": actor_user_id,
                "action": action,
                "detail": json_copy(detail),
                "at": utc(now),
            }
