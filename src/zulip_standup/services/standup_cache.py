"""Standups, people and time off kept in memory for the one process that serves a realm.

An answer step needs the standup, the person's zones and their time off; read from the
database each time they cost three transactions per message. Only the lease holder serves
a realm, and it builds a new cache each time it starts serving, so everything that changes
these rows while it serves goes through this wrapper: every write through it drops all
that is kept (writes are rare: a configuration or a person's own change), and ``forget_kept``
drops it after a person's data is deleted by ``runs.forget_person``. The CLI writes none
of these rows (key rotation rewrites answers, which are never kept here).

A read that raced a write is not kept: a generation counter, moved by every write, tells
whether the value read may predate it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Collection, Hashable, Iterable
from typing import Any, TypeVar

from zulip_standup.domain.records import (
    ParticipantRecord,
    PersonalChange,
    PersonalChangeResult,
    PersonRecord,
    StandupChange,
    StandupChanged,
)
from zulip_standup.domain.standup import Standup, StandupSettings
from zulip_standup.ports import StandupRepository

T = TypeVar("T")


class CachedStandups:
    """A ``StandupRepository`` that keeps ``get``, ``person`` and ``time_off_of`` answers."""

    def __init__(self, inner: StandupRepository) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self._generation = 0
        self._kept: dict[Hashable, Any] = {}

    def _read(self, key: Hashable, load: Callable[[], T]) -> T:
        with self._lock:
            if key in self._kept:
                return self._kept[key]  # type: ignore[no-any-return]
            generation = self._generation
        value = load()
        with self._lock:
            if generation == self._generation:
                self._kept[key] = value
        return value

    def _write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        finally:
            with self._lock:
                self._generation += 1
                self._kept.clear()

    # -- kept -------------------------------------------------------------------
    def get(self, standup_id: int) -> Standup | None:
        return self._read(("standup", standup_id), lambda: self._inner.get(standup_id))

    def person(self, realm_id: int, user_id: int) -> PersonRecord | None:
        return self._read(
            ("person", realm_id, user_id), lambda: self._inner.person(realm_id, user_id)
        )

    def time_off_of(self, realm_id: int, user_id: int) -> list[tuple[dt.date, dt.date]]:
        periods = self._read(
            ("time_off", realm_id, user_id),
            lambda: tuple(self._inner.time_off_of(realm_id, user_id)),
        )
        return list(periods)

    def people_with_time_off(
        self, realm_id: int, user_ids: Collection[int]
    ) -> dict[int, tuple[PersonRecord | None, list[tuple[dt.date, dt.date]]]]:
        """Those not kept yet are read in one go and kept, as ``person`` and ``time_off_of``
        would keep them: a fan-out reads its batch's people once."""
        with self._lock:
            generation = self._generation
            missing = [
                uid
                for uid in user_ids
                if ("person", realm_id, uid) not in self._kept
                or ("time_off", realm_id, uid) not in self._kept
            ]
        if missing:
            loaded = self._inner.people_with_time_off(realm_id, missing)
            with self._lock:
                if generation == self._generation:
                    for uid, (person, periods) in loaded.items():
                        self._kept[("person", realm_id, uid)] = person
                        self._kept[("time_off", realm_id, uid)] = tuple(periods)
        return {
            uid: (self.person(realm_id, uid), self.time_off_of(realm_id, uid)) for uid in user_ids
        }

    def forget_kept(self, realm_id: int, user_id: int) -> None:
        self._write(self._inner.forget_kept, realm_id, user_id)

    # -- read through -------------------------------------------------------------
    def in_channel(self, realm_id: int, stream_id: int) -> list[Standup]:
        return self._inner.in_channel(realm_id, stream_id)

    def in_realm(self, realm_id: int) -> list[Standup]:
        return self._inner.in_realm(realm_id)

    def of_participant(self, realm_id: int, user_id: int) -> list[Standup]:
        return self._inner.of_participant(realm_id, user_id)

    def participants(self, standup_id: int, *, active_only: bool = True) -> list[ParticipantRecord]:
        return self._inner.participants(standup_id, active_only=active_only)

    def audit(
        self,
        realm_id: int,
        standup_id: int | None,
        actor_user_id: int,
        action: str,
        detail: dict[str, Any],
        now: dt.datetime,
    ) -> None:
        self._inner.audit(realm_id, standup_id, actor_user_id, action, detail, now)

    # -- writes: each drops all that is kept ----------------------------------------
    def create(
        self,
        realm_id: int,
        stream_id: int,
        stream_name: str,
        creator_user_id: int,
        settings: StandupSettings,
        now: dt.datetime,
    ) -> Standup:
        return self._write(
            self._inner.create, realm_id, stream_id, stream_name, creator_user_id, settings, now
        )

    def update_settings(
        self, standup_id: int, settings: StandupSettings, now: dt.datetime, *, replan: bool
    ) -> Standup:
        return self._write(self._inner.update_settings, standup_id, settings, now, replan=replan)

    def delete(self, standup_id: int) -> None:
        self._write(self._inner.delete, standup_id)

    def set_participants(
        self, standup_id: int, members: Iterable[tuple[int, str]], now: dt.datetime
    ) -> tuple[list[int], list[int]]:
        return self._write(self._inner.set_participants, standup_id, members, now)

    def add_participants(
        self, standup_id: int, members: Iterable[tuple[int, str]], now: dt.datetime
    ) -> list[int]:
        return self._write(self._inner.add_participants, standup_id, members, now)

    def remove_participants(self, standup_id: int, user_ids: Iterable[int]) -> list[int]:
        return self._write(self._inner.remove_participants, standup_id, user_ids)

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
        return self._write(
            self._inner.upsert_person,
            realm_id,
            user_id,
            now,
            display_name=display_name,
            profile_timezone=profile_timezone,
            **changes,
        )

    def add_time_off(
        self, realm_id: int, user_id: int, start: dt.date, end: dt.date, now: dt.datetime
    ) -> None:
        self._write(self._inner.add_time_off, realm_id, user_id, start, end, now)

    def end_time_off(self, realm_id: int, user_id: int, today: dt.date) -> int:
        return self._write(self._inner.end_time_off, realm_id, user_id, today)

    def apply_personal_change(self, change: PersonalChange) -> PersonalChangeResult:
        return self._write(self._inner.apply_personal_change, change)

    def apply_change(self, change: StandupChange) -> StandupChanged:
        return self._write(self._inner.apply_change, change)
