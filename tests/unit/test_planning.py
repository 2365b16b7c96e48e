"""Participants' zones and absences, delivery modes, deadlines and the occurrences of a window."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from zulip_standup.domain.scheduling.holidays_calendar import HolidayCalendar
from zulip_standup.domain.scheduling.jobs import JobKey, JobKind
from zulip_standup.domain.scheduling.planning import (
    Absence,
    Occurrence,
    Participant,
    TimeOff,
    effective_zone,
    occurrences_for_date,
    participant_absence,
    plan_occurrences,
)
from zulip_standup.domain.scheduling.schedule import DeliveryMode, Schedule

BERLIN = ZoneInfo("Europe/Berlin")
D = dt.date


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def team_schedule(**overrides: object) -> Schedule:
    values: dict[str, object] = {
        "standup_id": 7,
        "zone": BERLIN,
        "prompt_time": dt.time(9, 30),
        "reminder_times": (dt.time(11, 45),),
        "cutoff_time": dt.time(12, 45),
        "holiday_calendar": HolidayCalendar("DE"),
    }
    values.update(overrides)
    return Schedule(**values)  # type: ignore[arg-type]


def shown(occurrences: list[Occurrence]) -> list[str]:
    return [f"{o.key} {o.due_at:%Y-%m-%dT%H:%MZ}" for o in occurrences]


@pytest.mark.parametrize(
    ("override", "profile", "expected"),
    [
        ("Asia/Tokyo", "America/Chicago", "Asia/Tokyo"),
        (None, "America/Chicago", "America/Chicago"),
        ("", "America/Chicago", "America/Chicago"),
        ("Mars/Olympus", "America/Chicago", "America/Chicago"),
        (None, "", "Europe/Berlin"),
        (None, "not a zone", "Europe/Berlin"),
        (None, None, "Europe/Berlin"),
    ],
)
def test_effective_zone_precedence(
    override: str | None, profile: str | None, expected: str
) -> None:
    """Override, then Zulip profile, then team zone; empty or invalid names fall through."""
    person = Participant(1, profile_zone=profile, zone_override=override)
    assert effective_zone(person, BERLIN) == ZoneInfo(expected)


def test_absence_reasons_in_order_and_away_only_when_honoured() -> None:
    """Time off beats a personal holiday, which beats away; away counts only if honoured."""
    person = Participant(
        1,
        holiday_region=HolidayCalendar("DE", "BY"),
        time_off=(TimeOff(D(2026, 6, 3), D(2026, 6, 4)),),
        away=True,
    )
    honouring = team_schedule(honour_away=True)
    assert participant_absence(honouring, person, D(2026, 6, 4)) is Absence.TIME_OFF
    assert participant_absence(honouring, person, D(2026, 1, 6)) is Absence.HOLIDAY
    assert participant_absence(honouring, person, D(2026, 6, 5)) is Absence.AWAY
    assert participant_absence(honouring, person, D(2026, 6, 5), include_away=False) is None
    assert participant_absence(team_schedule(), person, D(2026, 6, 5)) is None


def test_time_off_must_not_end_before_it_starts() -> None:
    """A reversed range is refused with both dates in the message."""
    with pytest.raises(ValueError, match=r"time off ends \(2026-06-01\) before it starts"):
        TimeOff(D(2026, 6, 3), D(2026, 6, 1))


def test_local_mode_prompts_each_person_at_their_own_wall_time() -> None:
    """Berlin team, Tuesday 24 March 2026: Kolkata at 09:30 IST, LA at 09:30 PDT with its own
    later deadline, Chatham on its own Tuesday morning (Monday evening UTC)."""
    people = [
        Participant(1, profile_zone="Asia/Kolkata"),
        Participant(2, profile_zone="America/Los_Angeles"),
        Participant(3, profile_zone="Pacific/Chatham"),
    ]
    found = occurrences_for_date(team_schedule(), people, D(2026, 3, 24))
    assert shown(found) == [
        "7:digest:2026-03-24:- 2026-03-24T11:45Z",
        "7:prompt:2026-03-24:1 2026-03-24T04:00Z",
        "7:reminder:2026-03-24:1:1 2026-03-24T06:15Z",
        "7:prompt:2026-03-24:2 2026-03-24T16:30Z",
        "7:reminder:2026-03-24:2:1 2026-03-24T18:45Z",
        "7:prompt:2026-03-24:3 2026-03-23T19:45Z",
        "7:reminder:2026-03-24:3:1 2026-03-23T22:00Z",
    ]
    deadlines = {o.user_id: o.deadline_at for o in found if o.kind is JobKind.PROMPT}
    assert deadlines == {
        1: utc("2026-03-24T11:45"),  # the team cutoff is later than 12:45 IST
        2: utc("2026-03-24T19:45"),  # 12:45 PDT is later than the team cutoff
        3: utc("2026-03-24T11:45"),
    }


def test_team_mode_prompts_everyone_at_the_team_instant() -> None:
    """In team mode the zone of the person does not matter."""
    people = [Participant(1, profile_zone="Asia/Kolkata"), Participant(2)]
    schedule = team_schedule(delivery_mode=DeliveryMode.TEAM, reminder_times=())
    found = occurrences_for_date(schedule, people, D(2026, 3, 24))
    assert shown(found) == [
        "7:digest:2026-03-24:- 2026-03-24T11:45Z",
        "7:prompt:2026-03-24:1 2026-03-24T08:30Z",
        "7:prompt:2026-03-24:2 2026-03-24T08:30Z",
    ]


def test_reminders_at_or_after_the_deadline_are_not_planned() -> None:
    """A reminder later than both the team and the person's cutoff would only be dropped."""
    schedule = team_schedule(
        prompt_time=dt.time(8, 0),
        reminder_times=(dt.time(9, 0), dt.time(12, 0)),
        cutoff_time=dt.time(12, 30),
    )
    person = Participant(1, profile_zone="Pacific/Kiritimati")  # UTC+14, 13 hours ahead
    found = occurrences_for_date(schedule, [person], D(2026, 1, 13))
    assert [(o.kind, o.reminder_index) for o in found] == [
        (JobKind.DIGEST, None),
        (JobKind.PROMPT, None),
        (JobKind.REMINDER, 1),
        (JobKind.REMINDER, 2),
    ]
    deadline = found[1].deadline_at
    assert deadline == utc("2026-01-13T11:30")
    assert all(o.due_at < deadline for o in found[1:])


def test_absent_people_are_not_planned_but_the_run_still_is() -> None:
    """Time off and a personal regional holiday remove only that person's prompt and reminders;
    the Zulip away flag does not affect planning."""
    people = [
        Participant(1, time_off=(TimeOff(D(2026, 6, 4), D(2026, 6, 4)),)),
        Participant(2, holiday_region=HolidayCalendar("DE", "BY")),
        Participant(3, away=True),
    ]
    schedule = team_schedule(honour_away=True, reminder_times=())
    found = occurrences_for_date(schedule, people, D(2026, 6, 4))  # Corpus Christi in Bavaria
    assert [(o.kind, o.user_id) for o in found] == [(JobKind.DIGEST, None), (JobKind.PROMPT, 3)]


def test_holiday_of_the_team_calendar_has_no_occurrences() -> None:
    """Easter Monday in Germany: no prompts, no digest."""
    assert occurrences_for_date(team_schedule(), [Participant(1)], D(2026, 4, 6)) == []


def test_window_is_half_open_and_sorted() -> None:
    """An occurrence due exactly at the window end belongs to the next window."""
    people = [Participant(1)]
    first = plan_occurrences(
        team_schedule(), people, utc("2026-03-24T00:00"), utc("2026-03-24T08:30")
    )
    second = plan_occurrences(
        team_schedule(), people, utc("2026-03-24T08:30"), utc("2026-03-25T00:00")
    )
    assert first == []
    assert [o.kind for o in second] == [JobKind.PROMPT, JobKind.REMINDER, JobKind.DIGEST]
    naive = dt.datetime(2026, 3, 24)  # noqa: DTZ001 -- a naive instant is what is refused
    with pytest.raises(ValueError, match="aware UTC"):
        plan_occurrences(team_schedule(), people, naive, utc("2026-03-25T00:00"))


def test_job_key_round_trip() -> None:
    """Keys are readable, unique per (standup, kind, date, person, reminder) and parse back."""
    key = JobKey(7, JobKind.REMINDER, D(2026, 3, 24), 42, 2)
    assert str(key) == "7:reminder:2026-03-24:42:2"
    assert JobKey.parse(str(key)) == key
    digest = JobKey(7, JobKind.DIGEST, D(2026, 3, 24))
    assert str(digest) == "7:digest:2026-03-24:-"
    assert JobKey.parse(str(digest)) == digest
    with pytest.raises(ValueError, match="bad job key 'x:y'"):
        JobKey.parse("x:y")
