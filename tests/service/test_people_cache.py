"""The people the serving process keeps (``CachedStandups``) are bounded: past the bound the
least recently used is dropped and read again when next asked for, writes still drop what
is kept, and a fan-out's batch read keeps its people for its jobs. What the repository is
asked is counted by a thin subclass of the twin's store (the port boundary)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import pytest

from service.harness import MONDAY, Team, utc
from zulip_standup.domain.limits import MAX_KEPT_PEOPLE
from zulip_standup.domain.records import PersonalChange, PersonRecord
from zulip_standup.services.scheduler import MAX_IN_FLIGHT, Worker
from zulip_standup.services.standup_cache import CachedStandups
from zulip_standup.storage.memory import MemoryRunStore, MemoryStandupStore, MemoryState

NOW = utc(MONDAY, 8)
Read = tuple[str, tuple[int, ...]]


class CountingStandups(MemoryStandupStore):
    """The twin's standup store, noting each read of people it is asked for (the batch
    read's own use of ``person`` and ``time_off_of`` is not noted: it is one read)."""

    def __init__(self, state: MemoryState) -> None:
        super().__init__(state)
        self.reads: list[Read] = []
        self._batch = False

    def person(self, realm_id: int, user_id: int) -> PersonRecord | None:
        if not self._batch:
            self.reads.append(("person", (user_id,)))
        return super().person(realm_id, user_id)

    def time_off_of(self, realm_id: int, user_id: int) -> list[tuple[dt.date, dt.date]]:
        if not self._batch:
            self.reads.append(("time_off", (user_id,)))
        return super().time_off_of(realm_id, user_id)

    def people_with_time_off(
        self, realm_id: int, user_ids: Collection[int]
    ) -> dict[int, tuple[PersonRecord | None, list[tuple[dt.date, dt.date]]]]:
        self.reads.append(("batch", tuple(user_ids)))
        self._batch = True
        try:
            return super().people_with_time_off(realm_id, user_ids)
        finally:
            self._batch = False

    def taken(self) -> list[Read]:
        """The reads since the last call."""
        reads, self.reads = self.reads, []
        return reads


@pytest.fixture
def store() -> CountingStandups:
    """Five people (ids 1 to 5, named ``P1`` to ``P5``) in one realm; person 2 is off on
    Wednesday."""
    counting = CountingStandups(MemoryState())
    realm = counting.realm_id("https://chat.example.org", "bot@example.org", 99, NOW)
    assert realm == REALM
    for uid in range(1, 6):
        counting.upsert_person(REALM, uid, NOW, display_name=f"P{uid}", profile_timezone="UTC")
    counting.add_time_off(REALM, 2, WEDNESDAY, WEDNESDAY, NOW)
    counting.taken()
    return counting


REALM = 1
WEDNESDAY = MONDAY + dt.timedelta(days=2)


def _name(cache: CachedStandups, uid: int) -> str | None:
    person = cache.person(REALM, uid)
    return None if person is None else person.display_name


def test_past_the_bound_the_least_recently_used_is_dropped(store: CountingStandups) -> None:
    """With room for three, reading four people keeps three: the one read longest ago (a
    re-read counts as a use) is dropped, the others are answered without the repository."""
    cache = CachedStandups(store, max_people=3)
    assert [_name(cache, uid) for uid in (1, 2, 3)] == ["P1", "P2", "P3"]
    assert _name(cache, 1) == "P1"  # 1 is now used more recently than 2
    assert _name(cache, 4) == "P4"
    assert cache.kept_people == 3
    assert store.taken() == [("person", (uid,)) for uid in (1, 2, 3, 4)]

    assert [_name(cache, uid) for uid in (1, 3, 4)] == ["P1", "P3", "P4"]
    assert store.taken() == []
    assert cache.kept_people == 3


def test_a_dropped_person_is_read_again_with_their_time_off(store: CountingStandups) -> None:
    """A person dropped past the bound is read from the repository when next asked for,
    record and time off, and is then kept again (dropping the next least recently used)."""
    cache = CachedStandups(store, max_people=2)
    assert cache.time_off_of(REALM, 2) == [(WEDNESDAY, WEDNESDAY)]
    assert _name(cache, 2) == "P2"
    for uid in (3, 4):
        _name(cache, uid)
    store.taken()

    assert cache.time_off_of(REALM, 2) == [(WEDNESDAY, WEDNESDAY)]
    assert _name(cache, 2) == "P2"
    assert store.taken() == [("time_off", (2,)), ("person", (2,))]
    assert _name(cache, 4) == "P4"
    assert _name(cache, 3) == "P3"
    assert store.taken() == [("person", (3,))]
    assert cache.kept_people == 2


def test_writes_drop_what_is_kept_after_a_person_was_dropped_and_kept_again(
    store: CountingStandups,
) -> None:
    """A person dropped and read again is kept afresh, and a change of their name, their
    time off or the forgetting of their data is seen by the next read, as before the bound."""
    cache = CachedStandups(store, max_people=2)
    for uid in (1, 2, 3, 1):
        _name(cache, uid)
    assert cache.time_off_of(REALM, 1) == []
    # 1 was dropped for 3 and read again (dropping 2)
    assert store.taken() == [
        ("person", (1,)),
        ("person", (2,)),
        ("person", (3,)),
        ("person", (1,)),
        ("time_off", (1,)),
    ]
    assert (_name(cache, 1), cache.time_off_of(REALM, 1)) == ("P1", [])
    assert store.taken() == []  # kept again: what follows is read anew after each write

    cache.upsert_person(REALM, 1, NOW, display_name="Renamed")
    assert _name(cache, 1) == "Renamed"
    cache.add_time_off(REALM, 1, WEDNESDAY, WEDNESDAY, NOW)
    assert cache.time_off_of(REALM, 1) == [(WEDNESDAY, WEDNESDAY)]
    assert cache.end_time_off(REALM, 1, WEDNESDAY) == 1  # it started that day: removed
    assert cache.time_off_of(REALM, 1) == []
    change = PersonalChange(REALM, 1, NOW, "Again", "UTC", timezone_override="Europe/Berlin")
    cache.apply_personal_change(change)
    person = cache.person(REALM, 1)
    assert person is not None
    assert (person.display_name, person.timezone_override) == ("Again", "Europe/Berlin")
    MemoryRunStore(store.db).forget_person(REALM, 1, NOW)
    cache.forget_kept(REALM, 1)
    assert cache.person(REALM, 1) is None


def test_a_batch_within_the_bound_keeps_all_its_people(store: CountingStandups) -> None:
    """A batch read makes its people the most recently used: people kept before it and in
    it are not dropped for the ones it reads, so each of its jobs finds its person kept;
    only those not kept are asked for, in one read."""
    cache = CachedStandups(store, max_people=4)
    for uid in (2, 1):
        _name(cache, uid)
        cache.time_off_of(REALM, uid)
    store.taken()

    found = cache.people_with_time_off(REALM, [2, 3, 4, 5])
    assert store.taken() == [("batch", (3, 4, 5))]
    assert {uid: (p and p.display_name, off) for uid, (p, off) in found.items()} == {
        2: ("P2", [(WEDNESDAY, WEDNESDAY)]),
        3: ("P3", []),
        4: ("P4", []),
        5: ("P5", []),
    }
    assert [_name(cache, uid) for uid in (2, 3, 4, 5)] == ["P2", "P3", "P4", "P5"]
    assert [cache.time_off_of(REALM, uid) for uid in (2, 3)] == [[(WEDNESDAY, WEDNESDAY)], []]
    assert store.taken() == []
    assert _name(cache, 1) == "P1"  # the one outside the batch was dropped
    assert store.taken() == [("person", (1,))]


def test_a_batch_larger_than_the_bound_answers_all_and_keeps_its_first(
    store: CountingStandups,
) -> None:
    """A batch of five with room for three answers all five from its one read, and keeps
    the first three it was asked for instead of dropping them for the last ones."""
    cache = CachedStandups(store, max_people=3)
    found = cache.people_with_time_off(REALM, [5, 4, 3, 2, 1])
    assert {uid: (p and p.display_name, off) for uid, (p, off) in found.items()} == {
        5: ("P5", []),
        4: ("P4", []),
        3: ("P3", []),
        2: ("P2", [(WEDNESDAY, WEDNESDAY)]),
        1: ("P1", []),
    }
    assert store.taken() == [("batch", (5, 4, 3, 2, 1))]
    assert cache.kept_people == 3

    assert [_name(cache, uid) for uid in (5, 4, 3)] == ["P5", "P4", "P3"]
    assert store.taken() == []
    assert _name(cache, 1) == "P1"
    assert store.taken() == [("person", (1,))]


def test_the_bound_is_far_above_what_the_worker_claims_at_once() -> None:
    """A claimed batch (at most ``batch_size`` jobs, at most ``MAX_IN_FLIGHT`` running) is
    a small part of the people kept, so reads between a batch's read and its jobs do not
    drop its people."""
    batch = Worker.__init__.__kwdefaults__["batch_size"]
    assert 100 * max(batch, MAX_IN_FLIGHT) <= MAX_KEPT_PEOPLE


@pytest.mark.parametrize(("bound", "single_reads"), [(5, 0), (2, 3)])
async def test_a_fan_out_prompts_everyone_whatever_the_bound(
    team: Team, bound: int, single_reads: int
) -> None:
    """Five people prompted by one worker tick after their people were read as a batch:
    with room for all five no job reads its person again; with room for two the other
    three are read one by one, and everyone is still prompted."""
    await team.sets_up(team.lena)
    assert (await team.asks(team.lena, "config mode team")).startswith("Updated")
    counting = CountingStandups(team.storage.state)
    team.runtime.standups = CachedStandups(counting, max_people=bound)
    await team.at(utc(MONDAY, 9, 29))
    worker = Worker(
        team.clock,
        team.storage.jobs,
        team.bot.handle_job,
        realm_id=team.realm_id,
        concurrency=1,
        prepare=team.bot.prepare_jobs,
    )
    counting.taken()
    team.clock.set(utc(MONDAY, 9, 30))
    report = await worker.tick()

    people = [team.lena, team.ann, team.ben, team.ravi, team.noa]
    assert (report.claimed, report.done) == (5, 5)
    assert all(len(team.dms(person)) == 1 for person in people)
    reads = counting.taken()
    assert [sorted(ids) for kind, ids in reads if kind == "batch"] == [
        sorted(p.user_id for p in people)
    ]
    singles = {ids[0] for kind, ids in reads if kind != "batch"}
    assert len(singles) == single_reads
