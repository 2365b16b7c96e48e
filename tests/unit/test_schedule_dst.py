"""DST: gap and overlap days by table, and properties over every IANA zone for 2026-2030."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zulip_standup.domain.scheduling.jobs import JobKind
from zulip_standup.domain.scheduling.planning import Participant, plan_occurrences
from zulip_standup.domain.scheduling.schedule import ALL_DAYS, DeliveryMode, Schedule, local_instant

ZONES = sorted(available_timezones())
FIRST_DAY, LAST_DAY = dt.date(2026, 1, 1), dt.date(2030, 12, 31)
ONE_SECOND = dt.timedelta(seconds=1)


@pytest.mark.parametrize(
    ("zone", "day", "wall", "utc", "local"),
    [
        # America/New_York springs forward 02:00 EST -> 03:00 EDT.
        ("America/New_York", "2026-03-08", "02:30", "07:00", "03:00-04:00"),
        ("America/New_York", "2026-03-08", "09:30", "13:30", "09:30-04:00"),
        # ... and falls back 02:00 EDT -> 01:00 EST: the first 01:30 (EDT) wins.
        ("America/New_York", "2026-11-01", "01:30", "05:30", "01:30-04:00"),
        ("Europe/Berlin", "2026-03-29", "02:00", "01:00", "03:00+02:00"),
        ("Europe/Berlin", "2026-03-29", "02:30", "01:00", "03:00+02:00"),
        ("Europe/Berlin", "2026-03-29", "03:00", "01:00", "03:00+02:00"),
        ("Europe/Berlin", "2026-03-29", "01:59", "00:59", "01:59+01:00"),
        ("Europe/Berlin", "2026-10-25", "02:30", "00:30", "02:30+02:00"),
        ("Europe/Berlin", "2026-10-25", "03:00", "02:00", "03:00+01:00"),
        # Lord Howe moves by 30 minutes: 02:00 +10:30 -> 02:30 +11:00, back 02:00 -> 01:30.
        ("Australia/Lord_Howe", "2026-10-04", "02:15", "15:30", "02:30+11:00"),
        ("Australia/Lord_Howe", "2026-04-05", "01:45", "14:45", "01:45+11:00"),
        ("Australia/Lord_Howe", "2026-04-05", "02:00", "15:30", "02:00+10:30"),
        # Chatham: 02:45 +12:45 -> 03:45 +13:45 in September, back 03:45 -> 02:45 in April.
        ("Pacific/Chatham", "2026-09-27", "03:00", "14:00", "03:45+13:45"),
        ("Pacific/Chatham", "2026-09-27", "02:44", "13:59", "02:44+12:45"),
        ("Pacific/Chatham", "2026-04-05", "03:00", "13:15", "03:00+13:45"),
        ("Pacific/Chatham", "2026-04-05", "03:45", "15:00", "03:45+12:45"),
    ],
)
def test_gap_and_overlap_days(zone: str, day: str, wall: str, utc: str, local: str) -> None:
    """Gap times move to the first instant after the gap; overlap times take the first pass."""
    result = local_instant(dt.date.fromisoformat(day), dt.time.fromisoformat(wall), ZoneInfo(zone))
    assert result.tzinfo is dt.UTC
    assert result.strftime("%H:%M") == utc
    shown = result.astimezone(ZoneInfo(zone)).isoformat(timespec="minutes")
    assert shown == f"{result.astimezone(ZoneInfo(zone)).date()}T{local}"


@functools.cache
def transitions(zone_name: str) -> tuple[dt.datetime, ...]:
    """UTC instants in 2026-2030 where the zone's offset changes (scan, then bisect)."""
    zone = ZoneInfo(zone_name)
    found = []
    start = dt.datetime.combine(FIRST_DAY, dt.time(), dt.UTC)
    step = dt.timedelta(hours=12)
    here = start
    while here.date() <= LAST_DAY:
        there = here + step
        if here.astimezone(zone).utcoffset() != there.astimezone(zone).utcoffset():
            low, high = here, there
            while high - low > ONE_SECOND:
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
                    low = middle
                else:
                    high = middle
            found.append(high)
        here = there
    return tuple(found)


def _wall(instant: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def check_wall_rule(day: dt.date, wall: dt.time, zone: ZoneInfo) -> None:
    """The rule, stated without the code under test's method (no fold round trip)."""
    naive = dt.datetime.combine(day, wall)
    result = local_instant(day, wall, zone)
    seen = result.astimezone(zone)
    if seen.replace(tzinfo=None) == naive:
        # First occurrence: zoneinfo's own fromutc marks a repeated wall time with fold=1.
        assert seen.fold == 0
        return
    # Otherwise the wall clock jumps over ``naive`` exactly at ``result``.
    assert _wall(result - ONE_SECOND, zone) < naive < _wall(result, zone)
    assert result.astimezone(zone).utcoffset() != (result - ONE_SECOND).astimezone(zone).utcoffset()


walls = st.builds(dt.time, st.integers(0, 23), st.integers(0, 59))


@settings(max_examples=400, deadline=None)
@given(zone=st.sampled_from(ZONES), day=st.dates(FIRST_DAY, LAST_DAY), wall=walls)
def test_every_zone_every_day_wall_time_rule(zone: str, day: dt.date, wall: dt.time) -> None:
    """Any zone, date and minute: the instant shows that wall time, or is the end of its gap."""
    check_wall_rule(day, wall, ZoneInfo(zone))


@st.composite
def near_transition(draw: st.DrawFn) -> tuple[ZoneInfo, dt.date, dt.time]:
    """A zone with offset changes in 2026-2030 and a wall time within two hours of one."""
    zone_name = draw(st.sampled_from(ZONES))
    changes = transitions(zone_name)
    zone = ZoneInfo(zone_name)
    if not changes:
        instant = dt.datetime.combine(draw(st.dates(FIRST_DAY, LAST_DAY)), dt.time(), dt.UTC)
    else:
        instant = draw(st.sampled_from(changes))
    shifted = instant + dt.timedelta(minutes=draw(st.integers(-120, 120)))
    local = _wall(shifted, zone)
    wall = (local + dt.timedelta(minutes=draw(st.integers(-90, 90)))).replace(second=0)
    return zone, wall.date(), wall.time()


@settings(max_examples=600, deadline=None)
@given(case=near_transition())
def test_wall_time_rule_around_every_zones_transitions(
    case: tuple[ZoneInfo, dt.date, dt.time],
) -> None:
    """Wall times close to real offset changes (gaps and overlaps of any size) obey the rule."""
    zone, day, wall = case
    check_wall_rule(day, wall, zone)


@settings(max_examples=150, deadline=None)
@given(
    team=st.sampled_from(ZONES),
    person=st.sampled_from(ZONES),
    case=near_transition(),
    wall=walls,
    cuts=st.lists(st.integers(1, 7 * 24 * 60 - 1), max_size=6, unique=True),
    mode=st.sampled_from(DeliveryMode),
)
def test_consecutive_windows_plan_each_run_date_exactly_once(
    team: str,
    person: str,
    case: tuple[ZoneInfo, dt.date, dt.time],
    wall: dt.time,
    cuts: list[int],
    mode: DeliveryMode,
) -> None:
    """A week around a transition planned as arbitrary consecutive windows yields each run date's
    prompt and digest once: nothing doubled, nothing skipped, every prompt at its wall time."""
    zone, day, _ = case
    prompt = dt.time(wall.hour % 20, wall.minute)
    cutoff = dt.time(prompt.hour + 3, prompt.minute)
    # The zone with the transition is the one the prompts follow in either mode.
    team_zone = zone if mode is DeliveryMode.TEAM else ZoneInfo(team)
    person_zone = ZoneInfo(person) if mode is DeliveryMode.TEAM else zone
    schedule = Schedule(
        standup_id=9,
        zone=team_zone,
        prompt_time=prompt,
        cutoff_time=cutoff,
        weekdays=ALL_DAYS,
        delivery_mode=mode,
    )
    participant = Participant(user_id=5, profile_zone=person_zone.key)
    start = dt.datetime.combine(day - dt.timedelta(days=3), dt.time(), dt.UTC)
    edges = [start, *(start + dt.timedelta(minutes=c) for c in sorted(cuts))]
    edges.append(start + dt.timedelta(days=7))
    planned = []
    for low, high in itertools.pairwise(edges):
        planned.extend(plan_occurrences(schedule, [participant], low, high))
    keys = [occ.key for occ in planned]
    assert len(keys) == len(set(keys))
    prompts = {o.run_date: o for o in planned if o.kind is JobKind.PROMPT}
    digests = {o.run_date for o in planned if o.kind is JobKind.DIGEST}
    # Dates two days inside the week are certainly entirely inside the planned span.
    inner = [day - dt.timedelta(days=1) + dt.timedelta(days=n) for n in range(3)]
    for run_date in inner:
        assert run_date in prompts
        assert run_date in digests
        prompt_zone = team_zone if mode is DeliveryMode.TEAM else person_zone
        check_wall_rule(run_date, prompt, prompt_zone)
        assert prompts[run_date].due_at == local_instant(run_date, prompt, prompt_zone)
    # Consecutive run dates are consecutive calendar days: no date lost to a DST jump.
    ordered = sorted(prompts)
    assert all((b - a).days == 1 for a, b in itertools.pairwise(ordered))


@pytest.mark.slow
def test_every_minute_around_every_transition_2026_2030() -> None:
    """Exhaustive: each minute within two hours of each offset change of each zone obeys the rule
    (about half a million cases, 60,000 of them inside gaps)."""
    gaps = 0
    for name in ZONES:
        zone = ZoneInfo(name)
        for instant in transitions(name):
            base = _wall(instant, zone).replace(second=0)
            for minutes in range(-120, 121):
                wall = base + dt.timedelta(minutes=minutes)
                check_wall_rule(wall.date(), wall.time(), zone)
                gaps += _wall(local_instant(wall.date(), wall.time(), zone), zone) != wall
    assert gaps > 10_000
