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

Standups are kept by id (ids come from stored rows, so as many as the realm has had). People
are kept up to a bound, least recently used dropped first (``MAX_KEPT_PEOPLE``): a fan-out
to the whole realm does not hold the whole realm. A dropped person is read again when next
asked for, so the bound changes how often the database is read, never what is answered.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable
from typing import Any, TypeVar

from zulip_standup.domain.limits import MAX_KEPT_PEOPLE
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

Periods = tuple[tuple[dt.date, dt.date], ...]


class _Kept:
    """What is kept of one person: their record and their time off, each once read."""

    __slots__ = ("has_person", "periods", "person")

    def __init__(self) -> None:
        self.has_person = False  # ``person`` may be None: a person not stored
        self.person: PersonRecord | None = None
        self.periods: Periods | None = None  # None: not read yet


class _People:
    """At most ``bound`` people, least recently used dropped first; not locked (the cache's
    lock guards it)."""

    def __init__(self, bound: int) -> None:
        if bound < 1:
            msg = f"the people kept must be at least one, got {bound}"
            raise ValueError(msg)
        self.bound = bound
        self._kept: OrderedDict[tuple[int, int], _Kept] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: tuple[int, int]) -> _Kept | None:
        """The person kept under ``key``, now the most recently used; None if not kept."""
        kept = self._kept.get(key)
        if kept is not None:
            self._kept.move_to_end(key)
        return kept

    def entry(self, key: tuple[int, int]) -> _Kept:
        """The person kept under ``key``, added (dropping the least recently used beyond the
        bound) if not kept yet; the most recently used either way."""
        kept = self.get(key)
        if kept is None:
            kept = self._kept[key] = _Kept()
            while len(self._kept) > self.bound:
                self._kept.popitem(last=False)
        return kept

    def clear(self) -> None:
        self._kept.clear()


class CachedStandups:
    """A ``StandupRepository`` that keeps ``get``, ``person`` and ``time_off_of`` answers."""

    def __init__(self, inner: StandupRepository, *, max_people: int = MAX_KEPT_PEOPLE) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self._generation = 0
        self._standups: dict[int, Standup | None] = {}
        self._people = _People(max_people)

    @property
    def kept_people(self) -> int:
        """How many people are kept now (at most ``max_people``)."""
        with self._lock:
            return len(self._people)

    def _write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        finally:
            with self._lock:
                self._generation += 1
                self._standups.clear()
                self._people.clear()

    # -- kept -------------------------------------------------------------------
    def get(self, standup_id: int) -> Standup | None:
        with self._lock:
            if standup_id in self._standups:
                return self._standups[standup_id]
            generation = self._generation
        standup = self._inner.get(standup_id)
        with self._lock:
            if generation == self._generation:
                self._standups[standup_id] = standup
        return standup

    def person(self, realm_id: int, user_id: int) -> PersonRecord | None:
        key = (realm_id, user_id)
        with self._lock:
            kept = self._people.get(key)
            if kept is not None and kept.has_person:
                return kept.person
            generation = self._generation
        person = self._inner.person(realm_id, user_id)
        with self._lock:
            if generation == self._generation:
                kept = self._people.entry(key)
                kept.has_person, kept.person = True, person
        return person

    def time_off_of(self, realm_id: int, user_id: int) -> list[tuple[dt.date, dt.date]]:
        key = (realm_id, user_id)
        with self._lock:
            kept = self._people.get(key)
            if kept is not None and kept.periods is not None:
                return list(kept.periods)
            generation = self._generation
        periods = tuple(self._inner.time_off_of(realm_id, user_id))
        with self._lock:
            if generation == self._generation:
                self._people.entry(key).periods = periods
        return list(periods)

    def people_with_time_off(
        self, realm_id: int, user_ids: Collection[int]
    ) -> dict[int, tuple[PersonRecord | None, list[tuple[dt.date, dt.date]]]]:
        """Those not kept yet are read in one go and kept, as ``person`` and ``time_off_of``
        would keep them: a fan-out reads its batch's people once.

        The batch is the most recently used afterwards, so keeping it drops only people
        outside it, and a batch larger than the bound keeps as many of its people as the
        bound allows rather than dropping its own first ones for its last ones."""
        wanted = list(dict.fromkeys(user_ids))
        found: dict[int, tuple[PersonRecord | None, Periods]] = {}
        with self._lock:
            generation = self._generation
            for uid in wanted:
                kept = self._people.get((realm_id, uid))
                if kept is not None and kept.has_person and kept.periods is not None:
                    found[uid] = (kept.person, kept.periods)
        missing = [uid for uid in wanted if uid not in found]
        if missing:
            loaded = self._inner.people_with_time_off(realm_id, missing)
            for uid in missing:
                person, periods = loaded[uid]
                found[uid] = (person, tuple(periods))
            room = max(0, self._people.bound - (len(wanted) - len(missing)))
            with self._lock:
                if generation == self._generation:
                    for uid in missing[:room]:
                        kept = self._people.entry((realm_id, uid))
                        kept.has_person, kept.person = True, found[uid][0]
                        kept.periods = found[uid][1]
        return {uid: (found[uid][0], list(found[uid][1])) for uid in wanted}

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
