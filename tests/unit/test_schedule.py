"""Schedule model: parsers, validation, run dates, frequencies, pauses and "since" wording."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from zulip_standup.domain.scheduling.holidays_calendar import (
    HolidayCalendar,
    parse_holiday_calendar,
)
from zulip_standup.domain.scheduling.schedule import (
    ALL_DAYS,
    WEEKDAYS,
    Frequency,
    Schedule,
    format_weekdays,
    is_run_date,
    next_run_date,
    parse_wall_time,
    parse_weekdays,
    parse_zone,
    previous_run_date,
    run_dates,
    since_phrase,
)

BERLIN = ZoneInfo("Europe/Berlin")
D = dt.date


def make(**overrides: object) -> Schedule:
    values: dict[str, object] = {
        "standup_id": 1,
        "zone": BERLIN,
        "prompt_time": dt.time(9, 30),
        "reminder_times": (dt.time(11, 45),),
        "cutoff_time": dt.time(12, 45),
    }
    values.update(overrides)
    return Schedule(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("weekdays", WEEKDAYS),
        ("all", ALL_DAYS),
        ("Daily", ALL_DAYS),
        ("mon,wed,fri", frozenset({0, 2, 4})),
        ("Mon, Wed ,FRI", frozenset({0, 2, 4})),
        ("mon-thu", frozenset({0, 1, 2, 3})),
        ("mon - thu", frozenset({0, 1, 2, 3})),
        ("fri-mon", frozenset({4, 5, 6, 0})),
        ("tuesday thursday", frozenset({1, 3})),
        ("mon-tue,fri", frozenset({0, 1, 4})),
    ],
)
def test_parse_weekdays_accepts_the_documented_forms(text: str, expected: frozenset[int]) -> None:
    """Sets by word, lists, ranges (also wrapping over the weekend) and full names all parse."""
    assert parse_weekdays(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mon,wendsday", "unknown day 'wendsday' in 'mon,wendsday'; use weekdays, all, day names"),
        ("mon-thx", "unknown day 'thx' in range 'mon-thx'; use weekdays, all"),
        (
            "",
            "no days given; use weekdays, all, day names like mon,wed,fri or a range like mon-thu",
        ),
    ],
)
def test_parse_weekdays_errors_name_the_bad_token_and_the_right_form(
    text: str, message: str
) -> None:
    """A typo is reported by name together with the forms that would have worked."""
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(")):
        parse_weekdays(text)


def test_format_weekdays_round_trips_through_the_parser() -> None:
    """Every non-empty day set is written in a form the parser reads back identically."""
    for mask in range(1, 128):
        days = frozenset(d for d in range(7) if mask >> d & 1)
        assert parse_weekdays(format_weekdays(days)) == days
    assert format_weekdays(frozenset({0, 1, 2, 3})) == "mon-thu"
    assert format_weekdays(frozenset({0, 2, 4})) == "mon,wed,fri"


def test_parse_wall_time_and_its_error() -> None:
    """24-hour times parse; anything else names the value and shows the right shape."""
    assert parse_wall_time("9:30") == dt.time(9, 30)
    assert parse_wall_time(" 23:59 ") == dt.time(23, 59)
    with pytest.raises(ValueError, match=r"bad time '24:00'; write a 24-hour time like 09:30"):
        parse_wall_time("24:00")


def test_parse_zone_rejects_unknown_and_malformed_names() -> None:
    """Zones are validated when built, with a message that names the bad value."""
    assert parse_zone("Asia/Kolkata") == ZoneInfo("Asia/Kolkata")
    for bad in ("Europe/Berln", "", "../etc/passwd"):
        with pytest.raises(ValueError, match=f"unknown time zone {bad!r}; use an IANA name"):
            parse_zone(bad)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"cutoff_time": dt.time(9, 0)}, "times must increase through the day"),
        ({"reminder_times": (dt.time(13, 0),)}, "prompt < reminders < cutoff, got 09:30 < 13:00"),
        ({"weekdays": frozenset()}, "days must be a non-empty set"),
        ({"frequency": Frequency.WEEKLY, "interval_weeks": 2}, "needs an anchor date"),
        ({"interval_weeks": 0}, "interval must be 1 to 52 weeks"),
        ({"frequency": Frequency.MONTHLY, "monthly_ordinal": 5}, "ordinal 1, 2, 3, 4"),
        (
            {"frequency": Frequency.MONTHLY, "monthly_ordinal": 1, "weekdays": WEEKDAYS},
            "exactly one weekday",
        ),
        ({"prompt_time": dt.time(9, 30, tzinfo=dt.UTC)}, "wall times without a tzinfo"),
    ],
)
def test_schedule_validation_messages(overrides: dict[str, object], message: str) -> None:
    """Inconsistent schedules are refused at construction with a precise reason."""
    with pytest.raises(ValueError, match=message):
        make(**overrides)


def test_schedule_refuses_a_zone_name_instead_of_a_zone() -> None:
    """The team zone is a validated ZoneInfo, never a raw string."""
    with pytest.raises(TypeError, match="team zone must be a ZoneInfo"):
        make(zone="Europe/Berlin")


def test_run_dates_respect_days_holidays_skips_and_pause() -> None:
    """Weekends, Easter holidays (DE), an extra skip date and a pause are all not run dates."""
    schedule = make(
        holiday_calendar=HolidayCalendar("DE"),
        skip_dates=frozenset({D(2026, 3, 31)}),
        paused=True,
        paused_until=D(2026, 4, 8),
    )
    assert run_dates(schedule, D(2026, 3, 30), D(2026, 4, 14)) == [
        D(2026, 4, 8),
        D(2026, 4, 9),
        D(2026, 4, 10),
        D(2026, 4, 13),
    ]
    unpaused = make(holiday_calendar=HolidayCalendar("DE"), skip_dates=frozenset({D(2026, 3, 31)}))
    assert run_dates(unpaused, D(2026, 3, 30), D(2026, 4, 8)) == [
        D(2026, 3, 30),
        D(2026, 4, 1),
        D(2026, 4, 2),
        D(2026, 4, 7),
    ]


def test_indefinite_pause_has_no_run_dates_but_keeps_previous_run() -> None:
    """Paused without an end date means no runs; the previous run date ignores the pause."""
    schedule = make(paused=True)
    assert run_dates(schedule, D(2026, 1, 1), D(2026, 12, 31)) == []
    assert next_run_date(schedule, D(2026, 1, 1)) is None
    assert previous_run_date(schedule, D(2026, 3, 30)) == D(2026, 3, 27)


def test_every_two_weeks_counts_weeks_from_the_anchor_week() -> None:
    """Every 2 weeks on Friday from an anchor Wednesday picks that week's Friday and every other."""
    schedule = make(
        frequency=Frequency.WEEKLY,
        interval_weeks=2,
        anchor_date=D(2026, 3, 4),
        weekdays=frozenset({4}),
    )
    assert run_dates(schedule, D(2026, 2, 1), D(2026, 4, 30)) == [
        D(2026, 2, 6),
        D(2026, 2, 20),
        D(2026, 3, 6),
        D(2026, 3, 20),
        D(2026, 4, 3),
        D(2026, 4, 17),
    ]


@pytest.mark.parametrize(
    ("ordinal", "weekday", "expected"),
    [
        (1, 0, [D(2026, 1, 5), D(2026, 2, 2), D(2026, 3, 2), D(2026, 4, 6)]),
        (-1, 4, [D(2026, 1, 30), D(2026, 2, 27), D(2026, 3, 27), D(2026, 4, 24)]),
        (4, 2, [D(2026, 1, 28), D(2026, 2, 25), D(2026, 3, 25), D(2026, 4, 22)]),
    ],
)
def test_monthly_ordinal_weekday(ordinal: int, weekday: int, expected: list[dt.date]) -> None:
    """First Monday, last Friday and fourth Wednesday of each month."""
    schedule = make(
        frequency=Frequency.MONTHLY, monthly_ordinal=ordinal, weekdays=frozenset({weekday})
    )
    assert run_dates(schedule, D(2026, 1, 1), D(2026, 5, 1)) == expected


def test_monthly_run_on_a_holiday_is_cancelled_not_moved() -> None:
    """First Monday of April 2026 is Easter Monday in Germany: that month has no retro."""
    schedule = make(
        frequency=Frequency.MONTHLY,
        monthly_ordinal=1,
        weekdays=frozenset({0}),
        holiday_calendar=parse_holiday_calendar("DE-BY"),
    )
    assert not is_run_date(schedule, D(2026, 4, 6))
    assert next_run_date(schedule, D(2026, 3, 2)) == D(2026, 5, 4)


def test_previous_run_date_skips_weekends_holidays_and_skips() -> None:
    """After Easter (DE) the previous run of Tuesday 7 April is Thursday 2 April."""
    schedule = make(holiday_calendar=HolidayCalendar("DE"), skip_dates=frozenset({D(2026, 4, 1)}))
    assert previous_run_date(schedule, D(2026, 4, 7)) == D(2026, 4, 2)
    assert previous_run_date(schedule, D(2026, 4, 2)) == D(2026, 3, 31)
    assert previous_run_date(schedule, D(2026, 3, 30)) == D(2026, 3, 27)


@pytest.mark.parametrize(
    ("previous", "current", "phrase"),
    [
        (D(2026, 3, 26), D(2026, 3, 27), "since yesterday"),
        (D(2026, 3, 27), D(2026, 3, 30), "since Friday"),
        (D(2026, 4, 2), D(2026, 4, 7), "since Thursday"),
        (D(2026, 3, 30), D(2026, 4, 6), "since Monday 30 Mar"),
        (D(2025, 12, 24), D(2026, 1, 5), "since Wednesday 24 Dec"),
        (D(2025, 3, 3), D(2026, 1, 5), "since Monday 3 Mar 2025"),
    ],
)
def test_since_phrase_wording(previous: dt.date, current: dt.date, phrase: str) -> None:
    """Yesterday, a weekday within the week, a date beyond it, and the year from half a year on."""
    assert since_phrase(previous, current) == phrase


def test_since_phrase_needs_an_earlier_date() -> None:
    """The previous run must be before the current one."""
    with pytest.raises(ValueError, match="must be before"):
        since_phrase(D(2026, 3, 27), D(2026, 3, 27))


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("US", HolidayCalendar("US")),
        ("de-by", HolidayCalendar("DE", "BY")),
        ("NG", HolidayCalendar("NG")),
        ("GB-SCT", HolidayCalendar("GB", "SCT")),
        ("none", None),
        ("", None),
    ],
)
def test_parse_holiday_calendar(code: str, expected: HolidayCalendar | None) -> None:
    """Country codes with an optional subdivision, case-insensitive; none means no calendar."""
    assert parse_holiday_calendar(code) == expected


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("XX", "unknown holiday country 'XX'; use an ISO country code"),
        ("DE-XY", "unknown subdivision 'XY' of DE; known subdivisions: BB, BE, BW"),
        ("NG-LA", "unknown subdivision 'LA' of NG; it has no subdivisions"),
        ("-BY", "has no country"),
    ],
)
def test_holiday_calendar_errors_name_the_unknown_part(code: str, message: str) -> None:
    """An unknown country or subdivision is named, with examples of valid ones."""
    with pytest.raises(ValueError, match=message):
        parse_holiday_calendar(code)


def test_regional_and_observed_holidays() -> None:
    """Bavaria has Corpus Christi but Berlin does not; US Independence Day on a Saturday is
    observed on Friday 3 July 2026."""
    assert HolidayCalendar("DE", "BY").is_holiday(D(2026, 6, 4))
    assert not HolidayCalendar("DE", "BE").is_holiday(D(2026, 6, 4))
    assert HolidayCalendar("US").is_holiday(D(2026, 7, 3))
    assert HolidayCalendar("GB", "SCT").holiday_name(D(2026, 1, 2)) is not None
    assert HolidayCalendar("GB", "ENG").holiday_name(D(2026, 1, 2)) is None
