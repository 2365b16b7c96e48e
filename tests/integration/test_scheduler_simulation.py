"""Three simulated weeks of one standup with people on five continents, tick by tick on SQLite.

The team is in Berlin with the German holiday calendar (Easter Monday 6 April
2026 is a national holiday), Monday to Friday, prompts at 09:30 local time,
reminder 11:45, cutoff 12:45. Along the way: Berlin springs forward on
29 March, Sydney and Chatham fall back on 5 April, Priya has West Bengal's
Ram Navami (26 March) off, Ava takes 8-10 April off, a manager pauses the
standup for the week of 30 March, and the bot is down twice (26 March
07:00-10:00 UTC, 9 April 07:00-11:30 UTC), restarting as a new process.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from storage.scheduling_rows import add_person, add_realm, add_standup, add_time_off, update_standup
from zulip_standup.clock import FakeClock
from zulip_standup.domain.scheduling.jobs import DueJob, JobKind, JobStatus
from zulip_standup.services.planner import Planner
from zulip_standup.services.scheduler import Worker
from zulip_standup.storage.jobs import JobStore
from zulip_standup.storage.schedules import ScheduleReader

START = dt.datetime(2026, 3, 22, 0, 0, tzinfo=dt.UTC)
END = dt.datetime(2026, 4, 12, 0, 0, tzinfo=dt.UTC)
PAUSE_AT = dt.datetime(2026, 3, 29, 12, 0, tzinfo=dt.UTC)
OUTAGES = (
    (dt.datetime(2026, 3, 26, 7, 0, tzinfo=dt.UTC), dt.datetime(2026, 3, 26, 10, 0, tzinfo=dt.UTC)),
    (dt.datetime(2026, 4, 9, 7, 0, tzinfo=dt.UTC), dt.datetime(2026, 4, 9, 11, 30, tzinfo=dt.UTC)),
)
TICK_SECONDS = 300

LENA, SAM, PRIYA, AVA, TAMA = 1, 2, 3, 4, 5
ZONES = {
    LENA: "Europe/Berlin",
    SAM: "America/Los_Angeles",
    PRIYA: "Asia/Kolkata",
    AVA: "Australia/Sydney",
    TAMA: "Pacific/Chatham",
}

EXPECTED_PROMPTS = {
    LENA: [
        "2026-03-23T09:30+01:00",
        "2026-03-24T09:30+01:00",
        "2026-03-25T09:30+01:00",
        "2026-03-26T11:00+01:00 late",  # first outage: sent on restart, before the cutoff
        "2026-03-27T09:30+01:00",
        "2026-04-07T09:30+02:00",
        "2026-04-08T09:30+02:00",
        # 9 April: the second outage lasted past the cutoff, so the prompt was dropped.
        "2026-04-10T09:30+02:00",
    ],
    SAM: [
        "2026-03-23T09:30-07:00",
        "2026-03-24T09:30-07:00",
        "2026-03-25T09:30-07:00",
        "2026-03-26T09:30-07:00",
        "2026-03-27T09:30-07:00",
        "2026-04-07T09:30-07:00",
        "2026-04-08T09:30-07:00",
        "2026-04-09T09:30-07:00",
        "2026-04-10T09:30-07:00",
    ],
    PRIYA: [
        "2026-03-23T09:30+05:30",
        "2026-03-24T09:30+05:30",
        "2026-03-25T09:30+05:30",
        # 26 March: Ram Navami, a holiday of her region IN-WB.
        "2026-03-27T09:30+05:30",
        "2026-04-07T09:30+05:30",
        "2026-04-08T09:30+05:30",
        "2026-04-09T09:30+05:30",
        "2026-04-10T09:30+05:30",
    ],
    AVA: [
        "2026-03-23T09:30+11:00",
        "2026-03-24T09:30+11:00",
        "2026-03-25T09:30+11:00",
        "2026-03-26T09:30+11:00",
        "2026-03-27T09:30+11:00",
        "2026-04-07T09:30+10:00",
        # 8-10 April: time off.
    ],
    TAMA: [
        "2026-03-23T09:30+13:45",
        "2026-03-24T09:30+13:45",
        "2026-03-25T09:30+13:45",
        "2026-03-26T09:30+13:45",
        "2026-03-27T09:30+13:45",
        "2026-04-07T09:30+12:45",
        "2026-04-08T09:30+12:45",
        "2026-04-09T09:30+12:45",
        "2026-04-10T09:30+12:45",
    ],
}

EXPECTED_DIGESTS = [
    "2026-03-23T12:45+01:00",
    "2026-03-24T12:45+01:00",
    "2026-03-25T12:45+01:00",
    "2026-03-26T12:45+01:00",
    "2026-03-27T12:45+01:00",
    "2026-04-07T12:45+02:00",
    "2026-04-08T12:45+02:00",
    "2026-04-09T13:30+02:00 late",  # missed during the outage, posted when the bot came back
    "2026-04-10T12:45+02:00",
]

EXPECTED_LENA_REMINDERS = [
    "2026-03-23T11:45+01:00",
    "2026-03-24T11:45+01:00",
    "2026-03-25T11:45+01:00",
    "2026-03-26T11:45+01:00",
    "2026-03-27T11:45+01:00",
    "2026-04-07T11:45+02:00",
    "2026-04-08T11:45+02:00",
    # 9 April: the reminder was due during the outage and dropped after the cutoff.
    "2026-04-10T11:45+02:00",
]


class Recorder:
    """The chat edge: remembers what would have been sent, and when, by the virtual clock."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.seen: list[tuple[DueJob, dt.datetime]] = []

    async def __call__(self, job: DueJob) -> None:
        self.seen.append((job, self.clock.now()))

    def shown(self, kind: JobKind, user_id: int | None, zone: str) -> list[str]:
        return [
            at.astimezone(ZoneInfo(zone)).isoformat(timespec="minutes") + (" late" * job.late)
            for job, at in self.seen
            if job.kind is kind and job.user_id == user_id
        ]


def seed(engine: Engine) -> int:
    realm = add_realm(engine)
    standup = add_standup(engine, realm, holiday_country="DE")
    add_person(engine, realm, LENA, (standup,), profile_timezone="Europe/Berlin")
    add_person(engine, realm, SAM, (standup,), profile_timezone="America/Los_Angeles")
    add_person(
        engine, realm, PRIYA, (standup,), profile_timezone="Asia/Kolkata", holiday_region="IN-WB"
    )
    add_person(
        engine,
        realm,
        AVA,
        (standup,),
        profile_timezone="Europe/London",
        timezone_override="Australia/Sydney",
    )
    add_person(engine, realm, TAMA, (standup,), profile_timezone="Pacific/Chatham")
    add_time_off(engine, realm, AVA, dt.date(2026, 4, 8), dt.date(2026, 4, 10))
    return standup


@pytest.mark.slow
async def test_three_weeks_across_dst_holidays_time_off_pause_and_outages(
    sqlite_engine: Engine,
) -> None:
    """Each person receives exactly the prompts written out above, at the local times shown,
    the team gets exactly the listed digests, and nothing is sent twice."""
    standup = seed(sqlite_engine)
    clock = FakeClock(START)
    store = JobStore(sqlite_engine)
    reader = ScheduleReader(sqlite_engine)
    recorder = Recorder(clock)
    processes = 0
    planner: Planner | None = None
    worker: Worker | None = None
    deleted_by_pause = 0
    while clock.now() < END:
        now = clock.now()
        if any(down <= now < up for down, up in OUTAGES):
            planner = worker = None  # the process is gone, with whatever it had in memory
        else:
            if planner is None or worker is None:
                processes += 1
                planner = Planner(clock, store, reader)
                worker = Worker(clock, store, recorder, worker_id=f"process-{processes}")
            if now == PAUSE_AT:
                update_standup(
                    sqlite_engine, standup, paused=True, paused_until=dt.date(2026, 4, 6)
                )
                deleted_by_pause = (await planner.replan(standup)).deleted
            await planner.tick()
            while (await worker.tick()).claimed == worker.batch_size:
                pass
        clock.advance(TICK_SECONDS)

    for person, zone in ZONES.items():
        assert recorder.shown(JobKind.PROMPT, person, zone) == EXPECTED_PROMPTS[person], person
    assert recorder.shown(JobKind.DIGEST, None, "Europe/Berlin") == EXPECTED_DIGESTS
    assert recorder.shown(JobKind.REMINDER, LENA, "Europe/Berlin") == EXPECTED_LENA_REMINDERS
    keys = [job.key for job, _ in recorder.seen]
    assert len(keys) == len(set(keys))
    assert processes == 3
    assert deleted_by_pause > 0
    # Every job that came due was finished one way or another; the rest lies beyond the end.
    for row in store.rows_for_standup(standup):
        if row["due_at"] < END:
            assert row["status"] in {JobStatus.DONE, JobStatus.DROPPED}, row
        else:
            assert row["status"] == JobStatus.PENDING, row
    dropped = [r["key"] for r in store.rows_for_standup(standup, [JobStatus.DROPPED])]
    assert dropped == [
        f"{standup}:prompt:2026-04-09:{LENA}",
        f"{standup}:reminder:2026-04-09:{LENA}:1",
    ]
