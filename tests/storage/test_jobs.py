"""The job store and schedule reader on memory, SQLite and PostgreSQL (``stores``): idempotent
planning, claiming, outcomes, re-planning; reading stored rows on SQL only (``engine``)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from storage.scheduling_rows import add_person, add_realm, add_standup, add_time_off
from storage.store_set import StoreSet
from zulip_standup.domain.scheduling.holidays_calendar import HolidayCalendar
from zulip_standup.domain.scheduling.jobs import JobKind, JobStatus
from zulip_standup.domain.scheduling.planning import Occurrence, Participant, TimeOff
from zulip_standup.domain.scheduling.schedule import DeliveryMode
from zulip_standup.domain.standup import StandupSettings
from zulip_standup.storage.schedules import ScheduleReader

T0 = dt.datetime(2026, 3, 24, 8, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
DAY = dt.date(2026, 3, 24)


def prompt(standup_id: int, user_id: int, due: dt.datetime, day: dt.date = DAY) -> Occurrence:
    return Occurrence(standup_id, JobKind.PROMPT, day, user_id, due, due + 3 * 60 * MINUTE)


def new_standup(stores: StoreSet, realm: int, name: str = "daily", **settings: object) -> int:
    """A standup made through the store (Berlin, Monday-Friday unless overridden)."""
    values = {"name": name, "team_timezone": "Europe/Berlin", **settings}
    created = stores.standups.create(realm, 10, "team", 1, StandupSettings(**values), T0)
    return int(created.id)


@pytest.fixture
def standup_ids(stores: StoreSet) -> tuple[int, int]:
    realm = stores.realm()
    return new_standup(stores, realm, "daily"), new_standup(stores, realm, "retro")


def test_planning_twice_inserts_nothing_new(stores: StoreSet, standup_ids: tuple[int, int]) -> None:
    """The natural key makes a second plan of the same occurrences a no-op."""
    store = stores.jobs
    sid = standup_ids[0]
    plan = [prompt(sid, user, T0 + user * MINUTE) for user in range(1, 6)]
    assert store.plan_window(sid, plan, T0 + dt.timedelta(hours=36)) == 5
    assert store.plan_window(sid, plan, T0 + dt.timedelta(hours=36)) == 0
    assert store.insert([*plan, prompt(sid, 6, T0)]) == 1
    assert len(store.rows_for_standup(sid)) == 6
    assert store.rows_for_standup(standup_ids[1]) == []
    plan_input = stores.schedules.load(sid, DAY)
    assert plan_input is not None
    assert plan_input.planned_until == T0 + dt.timedelta(hours=36)


def test_claim_takes_due_rows_oldest_first_and_touches_only_them(
    stores: StoreSet, standup_ids: tuple[int, int]
) -> None:
    """Among 500 future jobs and 3 due ones, claims return the due ones in due order, and the
    rows the store reports touching are the claimed rows, not the table."""
    store = stores.jobs
    sid = standup_ids[0]
    future = [prompt(sid, 100 + n, T0 + dt.timedelta(hours=1, minutes=n)) for n in range(500)]
    due = [prompt(sid, 3, T0 - MINUTE), prompt(sid, 1, T0 - 3 * MINUTE), prompt(sid, 2, T0)]
    store.insert([*future, *due])
    before = store.stats
    first = store.claim_due(T0, 2, "w1")
    assert [job.user_id for job in first] == [1, 3]
    assert store.stats.rows - before.rows == 2
    assert all(job.attempt == 1 and job.kind is JobKind.PROMPT for job in first)
    assert first[0].due_at == T0 - 3 * MINUTE
    assert first[0].deadline_at == T0 - 3 * MINUTE + dt.timedelta(hours=3)
    assert first[0].run_date == DAY
    second = store.claim_due(T0, 2, "w2")
    assert [job.user_id for job in second] == [2]
    assert store.claim_due(T0, 2, "w3") == []


def test_complete_needs_the_claiming_worker(stores: StoreSet, standup_ids: tuple[int, int]) -> None:
    """Only the worker holding the claim can finish it; the row ends done with its finish time."""
    store = stores.jobs
    store.insert([prompt(standup_ids[0], 1, T0)])
    (job,) = store.claim_due(T0, 10, "w1")
    assert not store.complete(job.id, "w2", T0)
    assert store.complete(job.id, "w1", T0 + MINUTE)
    assert not store.complete(job.id, "w1", T0 + MINUTE)
    (row,) = store.rows_for_standup(standup_ids[0])
    assert (row["status"], row["finished_at"]) == ("done", T0 + MINUTE)


def test_complete_many_finishes_only_the_claims_held(
    stores: StoreSet, standup_ids: tuple[int, int]
) -> None:
    """Many jobs done at once: those claimed by the worker end done with the finish time,
    one claimed by another worker and one done already are left and not reported."""
    store = stores.jobs
    store.insert([prompt(standup_ids[0], uid, T0) for uid in (1, 2, 3)])
    first, second = store.claim_due(T0, 2, "w1")
    (theirs,) = store.claim_due(T0, 10, "w2")
    assert store.complete(second.id, "w1", T0)
    finished = store.complete_many([first.id, second.id, theirs.id], "w1", T0 + MINUTE)
    assert finished == {first.id}
    status = {
        row["id"]: (row["status"], row["finished_at"])
        for row in store.rows_for_standup(standup_ids[0])
    }
    assert status == {
        first.id: ("done", T0 + MINUTE),
        second.id: ("done", T0),
        theirs.id: ("claimed", None),
    }
    assert store.complete_many([], "w1", T0) == set()


def test_fail_re_dues_with_backoff_or_fails_for_good(
    stores: StoreSet, standup_ids: tuple[int, int]
) -> None:
    """A retry makes the job pending at the retry instant; no retry instant means failed."""
    store = stores.jobs
    sid = standup_ids[0]
    store.insert([prompt(sid, 1, T0), prompt(sid, 2, T0)])
    one, two = store.claim_due(T0, 10, "w1")
    assert store.fail(one.id, "w1", T0, "Zulip 502", T0 + 30 * MINUTE) is JobStatus.PENDING
    assert store.fail(two.id, "w1", T0, "bad request", None) is JobStatus.FAILED
    assert store.claim_due(T0 + 29 * MINUTE, 10, "w1") == []
    (again,) = store.claim_due(T0 + 30 * MINUTE, 10, "w1")
    assert (again.id, again.attempt) == (one.id, 2)
    rows = {r["user_id"]: r for r in store.rows_for_standup(sid)}
    assert rows[2]["status"] == "failed"
    assert rows[2]["last_error"] == "bad request"


def test_stale_claims_are_recovered_and_attempts_stay_bounded(
    stores: StoreSet, standup_ids: tuple[int, int]
) -> None:
    """A claim older than the timeout (its worker died) is claimable again with the attempt
    counted; once attempts are spent the job fails instead of looping forever."""
    store = stores.jobs
    store.insert([prompt(standup_ids[0], 1, T0)])
    stale = dt.timedelta(minutes=10)
    (dead,) = store.claim_due(T0, 10, "dead-worker", stale_after=stale, max_attempts=2)
    assert store.claim_due(T0 + 9 * MINUTE, 10, "w2", stale_after=stale, max_attempts=2) == []
    (alive,) = store.claim_due(T0 + 11 * MINUTE, 10, "w2", stale_after=stale, max_attempts=2)
    assert (alive.id, alive.attempt) == (dead.id, 2)
    assert not store.complete(dead.id, "dead-worker", T0 + 11 * MINUTE)
    # w2 dies too: the second expiry finds the attempts spent.
    assert store.claim_due(T0 + 30 * MINUTE, 10, "w3", stale_after=stale, max_attempts=2) == []
    (row,) = store.rows_for_standup(standup_ids[0])
    assert row["status"] == "failed"
    assert row["last_error"] == "claim by w2 expired"


def test_a_workers_own_claim_is_never_taken_back_however_long_it_runs(
    stores: StoreSet, standup_ids: tuple[int, int]
) -> None:
    """The worker that holds a claim is performing it: its next claim round, an hour later
    (a slow Zulip, or a simulated clock that jumped), must not hand it out again; another
    worker still recovers it as a dead worker's."""
    store = stores.jobs
    store.insert([prompt(standup_ids[0], 1, T0)])
    stale = dt.timedelta(minutes=10)
    (job,) = store.claim_due(T0, 10, "w1", stale_after=stale)
    assert store.claim_due(T0 + 60 * MINUTE, 10, "w1", stale_after=stale) == []
    assert store.complete(job.id, "w1", T0 + 60 * MINUTE)
    store.insert([prompt(standup_ids[0], 2, T0)])
    (other,) = store.claim_due(T0, 10, "w1", stale_after=stale)
    (again,) = store.claim_due(T0 + 11 * MINUTE, 10, "w2", stale_after=stale)
    assert (again.id, again.attempt) == (other.id, 2)


def test_drop_keeps_the_reason(stores: StoreSet, standup_ids: tuple[int, int]) -> None:
    """A job dropped by the lateness policy is finished as dropped with its reason."""
    store = stores.jobs
    store.insert([prompt(standup_ids[0], 1, T0)])
    (job,) = store.claim_due(T0, 10, "w1")
    assert store.drop(job.id, "w1", T0, "deadline passed")
    (row,) = store.rows_for_standup(standup_ids[0])
    assert (row["status"], row["last_error"]) == ("dropped", "deadline passed")


def test_replan_touches_only_that_standups_future_pending_jobs(
    stores: StoreSet, standup_ids: tuple[int, int]
) -> None:
    """Re-planning A deletes its future pending jobs missing from the new plan, moves changed
    ones (even into the past), inserts new future ones, and leaves A's done and past jobs and
    all of B's jobs alone."""
    store = stores.jobs
    a, b = standup_ids
    now = T0
    store.insert(
        [
            prompt(a, 1, now - 60 * MINUTE),  # done below
            prompt(a, 2, now - 5 * MINUTE),  # past and still pending: left alone
            prompt(a, 3, now + 60 * MINUTE),  # dropped from the new plan: deleted
            prompt(a, 4, now + 60 * MINUTE),  # moved to 30 minutes ago: updated
            prompt(a, 5, now + 90 * MINUTE),  # unchanged
            prompt(b, 3, now + 60 * MINUTE),  # other standup
        ]
    )
    (done,) = store.claim_due(now - 60 * MINUTE, 10, "w1")
    store.complete(done.id, "w1", now - 59 * MINUTE)
    new_plan = [
        prompt(a, 1, now + 24 * 60 * MINUTE, DAY),  # same key as the done job: ignored
        prompt(a, 4, now - 30 * MINUTE),
        prompt(a, 5, now + 90 * MINUTE),
        prompt(a, 6, now + 120 * MINUTE),  # new participant
        prompt(a, 7, now - 10 * MINUTE),  # new but already past: not created
    ]
    result = store.replan_standup(a, new_plan, now, now + dt.timedelta(hours=36))
    assert (result.inserted, result.updated, result.deleted) == (1, 1, 1)
    rows = {(r["user_id"]): (r["status"], r["due_at"]) for r in store.rows_for_standup(a)}
    assert rows == {
        1: ("done", now - 60 * MINUTE),
        2: ("pending", now - 5 * MINUTE),
        4: ("pending", now - 30 * MINUTE),
        5: ("pending", now + 90 * MINUTE),
        6: ("pending", now + 120 * MINUTE),
    }
    assert [(r["user_id"], r["status"]) for r in store.rows_for_standup(b)] == [(3, "pending")]


def test_next_due_and_purge(stores: StoreSet, standup_ids: tuple[int, int]) -> None:
    """The earliest pending instant is reported; finished rows can be purged by age."""
    store = stores.jobs
    sid = standup_ids[0]
    assert store.next_due_at() is None
    store.insert([prompt(sid, 1, T0), prompt(sid, 2, T0 + MINUTE)])
    assert store.next_due_at() == T0
    (job,) = store.claim_due(T0, 1, "w1")
    store.complete(job.id, "w1", T0)
    assert store.next_due_at() == T0 + MINUTE
    assert store.purge_finished(T0) == 0
    assert store.purge_finished(T0 + MINUTE) == 1
    assert [r["user_id"] for r in store.rows_for_standup(sid)] == [2]


def test_schedule_reader_builds_the_domain_inputs_from_stored_rows(engine: Engine) -> None:
    """Stored strings (day words too) become a validated schedule; people get override/profile
    zones, regions and only the time off that can still matter; absent rows are handled."""
    realm = add_realm(engine)
    sid = add_standup(
        engine,
        realm,
        holiday_country="de-by",
        skip_dates=["2026-12-24"],
        delivery_mode="team",
        reminder_times=["10:00", "11:00"],
        weekdays=["mon-wed"],
    )
    add_person(engine, realm, 1, (sid,), profile_timezone="Asia/Kolkata", holiday_region="IN-WB")
    add_person(engine, realm, 2, (sid,), timezone_override="Pacific/Chatham", holiday_region="ZZ")
    add_time_off(engine, realm, 1, dt.date(2026, 3, 1), dt.date(2026, 3, 2))
    add_time_off(engine, realm, 1, dt.date(2026, 4, 8), dt.date(2026, 4, 10))
    reader = ScheduleReader(engine)
    plan = reader.load(sid, dt.date(2026, 3, 20))
    assert plan is not None
    schedule = plan.schedule
    assert schedule.holiday_calendar == HolidayCalendar("DE", "BY")
    assert schedule.weekdays == frozenset({0, 1, 2})
    assert schedule.reminder_times == (dt.time(10), dt.time(11))
    assert schedule.skip_dates == frozenset({dt.date(2026, 12, 24)})
    assert schedule.delivery_mode is DeliveryMode.TEAM
    assert (plan.version, plan.planned_until) == (1, None)
    assert plan.participants == (
        Participant(
            1,
            profile_zone="Asia/Kolkata",
            holiday_region=HolidayCalendar("IN", "WB"),
            time_off=(TimeOff(dt.date(2026, 4, 8), dt.date(2026, 4, 10)),),
        ),
        Participant(2, zone_override="Pacific/Chatham"),
    )
    assert reader.load(sid + 100, dt.date(2026, 3, 20)) is None


def test_schedule_reader_builds_the_domain_inputs(stores: StoreSet) -> None:
    """A standup's settings become a validated schedule; active participants get override or
    profile zones, regions (an unknown one is ignored) and only the time off that can still
    matter; people without a profile and inactive members are handled."""
    realm = stores.realm()
    sid = new_standup(
        stores,
        realm,
        holiday_country="de-by",
        skip_dates=frozenset({dt.date(2026, 12, 24)}),
        delivery_mode=DeliveryMode.TEAM,
        reminder_times=("10:00", "11:00"),
        weekdays=frozenset({0, 1, 2}),
    )
    people = stores.standups
    people.upsert_person(realm, 1, T0, profile_timezone="Asia/Kolkata", holiday_region="IN-WB")
    people.upsert_person(realm, 2, T0, timezone_override="Pacific/Chatham", holiday_region="ZZ")
    people.set_participants(sid, [(1, "Ann"), (2, "Bo"), (3, "Cy"), (4, "Di")], T0)
    people.remove_participants(sid, [4])
    people.add_time_off(realm, 1, dt.date(2026, 3, 1), dt.date(2026, 3, 2), T0)
    people.add_time_off(realm, 1, dt.date(2026, 4, 8), dt.date(2026, 4, 10), T0)
    plan = stores.schedules.load(sid, dt.date(2026, 3, 20))
    assert plan is not None
    schedule = plan.schedule
    assert schedule.holiday_calendar == HolidayCalendar("DE", "BY")
    assert schedule.weekdays == frozenset({0, 1, 2})
    assert schedule.reminder_times == (dt.time(10), dt.time(11))
    assert schedule.skip_dates == frozenset({dt.date(2026, 12, 24)})
    assert schedule.delivery_mode is DeliveryMode.TEAM
    assert (plan.version, plan.planned_until) == (1, None)
    assert plan.participants == (
        Participant(
            1,
            profile_zone="Asia/Kolkata",
            holiday_region=HolidayCalendar("IN", "WB"),
            time_off=(TimeOff(dt.date(2026, 4, 8), dt.date(2026, 4, 10)),),
        ),
        Participant(2, zone_override="Pacific/Chatham"),
        Participant(3),
    )
    assert stores.schedules.load(sid + 100, dt.date(2026, 3, 20)) is None


def test_prompt_statuses_of_a_run(stores: StoreSet, standup_ids: tuple[int, int]) -> None:
    """Each person's prompt job status for one run; other runs, kinds and standups stay out."""
    store = stores.jobs
    sid, other = standup_ids
    later = DAY + dt.timedelta(days=1)
    store.insert(
        [
            prompt(sid, 1, T0),
            prompt(sid, 2, T0 + MINUTE),
            prompt(sid, 3, T0, later),
            prompt(other, 4, T0),
            Occurrence(sid, JobKind.DIGEST, DAY, None, T0 + 60 * MINUTE, None),
        ]
    )
    (first,) = store.claim_due(T0, 1, "w1")
    assert store.complete(first.id, "w1", T0)
    assert stores.schedules.prompt_statuses(sid, DAY) == {
        first.user_id: JobStatus.DONE,
        2: JobStatus.PENDING,
    }
    assert stores.schedules.prompt_statuses(sid, later) == {3: JobStatus.PENDING}


def test_standups_to_plan_picks_unplanned_then_oldest_horizon(stores: StoreSet) -> None:
    """Never-planned standups first, then those whose horizon ends soonest; fresh ones never."""
    realm = stores.realm()
    late = new_standup(stores, realm, "late")
    fresh = new_standup(stores, realm, "fresh")
    new = new_standup(stores, realm, "new")
    early = new_standup(stores, realm, "early")
    for sid, hours in ((late, 2), (fresh, 30), (early, 1)):
        stores.jobs.plan_window(sid, [], T0 + dt.timedelta(hours=hours))
    reader = stores.schedules
    assert reader.standups_to_plan(T0 + dt.timedelta(hours=24), 10) == [new, early, late]
    assert reader.standups_to_plan(T0 + dt.timedelta(hours=24), 2) == [new, early]
    assert fresh not in reader.standups_to_plan(T0 + dt.timedelta(hours=29), 10)
