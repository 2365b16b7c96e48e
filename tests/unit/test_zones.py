"""A person's zone and "today": one rule, its precedence and its fall-through on bad names."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from zulip_standup.domain.scheduling.planning import Participant, effective_zone, prompt_zone
from zulip_standup.domain.scheduling.schedule import DeliveryMode, Schedule
from zulip_standup.domain.scheduling.zones import schedule_zone, today_for, zone_of

KOLKATA, LA, BERLIN, TOKYO = "Asia/Kolkata", "America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo"


@pytest.mark.parametrize(
    ("override", "profile", "team", "default", "expected"),
    [
        (KOLKATA, LA, BERLIN, TOKYO, KOLKATA),  # the personal override wins
        (None, LA, BERLIN, TOKYO, LA),  # then the Zulip profile zone
        (None, None, BERLIN, TOKYO, BERLIN),  # then the standup's team zone
        (None, "", None, TOKYO, TOKYO),  # then the operator default
        (None, None, None, None, "UTC"),  # then UTC
        ("Mars/Olympus", LA, BERLIN, TOKYO, LA),  # a bad override falls through
        (None, "not a zone", BERLIN, TOKYO, BERLIN),  # so does a bad profile zone
        (None, None, "Nowhere/Land", TOKYO, TOKYO),
        (None, None, None, "Bad/Default", "UTC"),
    ],
)
def test_precedence(
    override: str | None, profile: str | None, team: str | None, default: str | None, expected: str
) -> None:
    assert zone_of(override, profile, team, default) == ZoneInfo(expected)


def test_team_zone_may_be_given_as_a_zone() -> None:
    assert zone_of(None, None, ZoneInfo(BERLIN), TOKYO) == ZoneInfo(BERLIN)


def test_today_follows_the_zone_across_the_date_line() -> None:
    now = dt.datetime(2026, 12, 2, 20, 0, tzinfo=dt.UTC)  # 12:00 in LA, 01:30 next day in Kolkata
    assert today_for(ZoneInfo(LA), now) == dt.date(2026, 12, 2)
    assert today_for(ZoneInfo(KOLKATA), now) == dt.date(2026, 12, 3)
    assert today_for(zone_of(KOLKATA, LA), now) == dt.date(2026, 12, 3)


def test_team_mode_schedules_on_the_team_clock_local_mode_on_the_persons() -> None:
    team, own = ZoneInfo(BERLIN), ZoneInfo(KOLKATA)
    assert schedule_zone(DeliveryMode.TEAM, team, own) == team
    assert schedule_zone(DeliveryMode.LOCAL, team, own) == own


def test_the_planner_uses_the_same_rule() -> None:
    person = Participant(user_id=1, profile_zone=LA, zone_override=KOLKATA)
    nobody = Participant(user_id=2)
    times = {"prompt_time": dt.time(9, 30), "cutoff_time": dt.time(12, 45)}
    local = Schedule(1, ZoneInfo(BERLIN), **times)
    team = Schedule(1, ZoneInfo(BERLIN), **times, delivery_mode=DeliveryMode.TEAM)
    assert effective_zone(person, local.zone) == zone_of(KOLKATA, LA, BERLIN)
    assert effective_zone(nobody, local.zone) == ZoneInfo(BERLIN)
    assert prompt_zone(local, person) == ZoneInfo(KOLKATA)
    assert prompt_zone(team, person) == ZoneInfo(BERLIN)
