"""Value parsers: each accepted form, and errors that name the bad input and the correct form."""

from __future__ import annotations

import datetime as dt

import pytest

from zulip_standup.domain import values
from zulip_standup.domain.values import ChannelRef, DateRange, HolidayRegion, UserRef

TODAY = dt.date(2026, 4, 15)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:30", dt.time(9, 30)),
        ("9:30", dt.time(9, 30)),
        ("23:59", dt.time(23, 59)),
        ("0:00", dt.time(0, 0)),
        ("9am", dt.time(9, 0)),
        ("9 AM", dt.time(9, 0)),
        ("5:30pm", dt.time(17, 30)),
        ("12am", dt.time(0, 0)),
        ("12pm", dt.time(12, 0)),
        ("9.30", dt.time(9, 30)),
    ],
)
def test_wall_time_forms(text: str, expected: dt.time) -> None:
    """24-hour, single-digit-hour and am/pm times all read as the same wall time."""
    assert values.parse_wall_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9:60", "930", "noon", "13pm", "", "9:3", "0am"])
def test_bad_wall_time_names_input_and_form(text: str) -> None:
    """A bad time is rejected with the input quoted and the accepted form shown."""
    with pytest.raises(ValueError, match="like 09:30") as info:
        values.parse_wall_time(text)
    assert f"'{text.strip()}'" in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-01", dt.date(2026, 5, 1)),
        ("today", TODAY),
        ("Tomorrow", dt.date(2026, 4, 16)),
        ("yesterday", dt.date(2026, 4, 14)),
        ("fri", dt.date(2026, 4, 17)),
        ("wed", dt.date(2026, 4, 22)),  # the next Wednesday, not today
        ("monday", dt.date(2026, 4, 20)),
        ("14 May", dt.date(2026, 5, 14)),
        ("may 14", dt.date(2026, 5, 14)),
        ("1 jan", dt.date(2027, 1, 1)),  # already past this year: next year
    ],
)
def test_date_forms_relative_to_today(text: str, expected: dt.date) -> None:
    """Relative dates and weekday names count from the given today, towards the future."""
    assert values.parse_date(text, TODAY) == expected


def test_past_dates_look_back() -> None:
    """With past=True a weekday or day-month is the latest one up to today."""
    assert values.parse_date("wed", TODAY, past=True) == dt.date(2026, 4, 8)
    assert values.parse_date("fri", TODAY, past=True) == dt.date(2026, 4, 10)
    assert values.parse_date("1 jan", TODAY, past=True) == dt.date(2026, 1, 1)
    assert values.parse_date("14 May", TODAY, past=True) == dt.date(2025, 5, 14)


def test_29_february_finds_a_leap_year() -> None:
    """29 Feb means the next 29 Feb that exists."""
    assert values.parse_date("29 feb", TODAY) == dt.date(2028, 2, 29)


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "31 apr", "someday", "2026/05/01"])
def test_bad_date_names_input_and_form(text: str) -> None:
    """A bad or impossible date names the input and shows the accepted forms."""
    with pytest.raises(ValueError, match="2026-03-14") as info:
        values.parse_date(text, TODAY)
    assert text in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7 days", DateRange(dt.date(2026, 4, 9), TODAY)),
        ("1 day", DateRange(TODAY, TODAY)),
        ("2 weeks", DateRange(dt.date(2026, 4, 2), TODAY)),
        ("2026-03-01..2026-03-31", DateRange(dt.date(2026, 3, 1), dt.date(2026, 3, 31))),
        ("2026-04-01..", DateRange(dt.date(2026, 4, 1), TODAY)),
        ("yesterday", DateRange(dt.date(2026, 4, 14), dt.date(2026, 4, 14))),
        ("mon..today", DateRange(dt.date(2026, 4, 13), TODAY)),
    ],
)
def test_date_ranges(text: str, expected: DateRange) -> None:
    """Ranges are inclusive and look into the past."""
    assert values.parse_date_range(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2026-03-31..2026-03-01", "ends before it starts"),
        ("0 days", "out of range"),
        ("2026-03-01..later", "bad range"),
        ("lots", "bad range"),
    ],
)
def test_bad_ranges(text: str, problem: str) -> None:
    """Reversed, empty or unreadable ranges are refused with the reason."""
    with pytest.raises(ValueError, match=problem):
        values.parse_date_range(text, TODAY)


def test_zone_lookup_is_case_insensitive() -> None:
    """Zone names are matched case-insensitively and returned in canonical form."""
    assert values.parse_zone("europe/berlin") == "Europe/Berlin"
    assert values.parse_zone("  America/New_York ") == "America/New_York"
    assert values.parse_zone("america/new york") == "America/New_York"
    assert values.parse_zone("utc") == "UTC"


def test_unknown_zone_suggests_and_shows_form() -> None:
    """A misspelt zone gets the closest real one and the accepted form."""
    with pytest.raises(ValueError, match="Europe/Berlin") as info:
        values.parse_zone("Europe/Berln")
    assert "unknown time zone 'Europe/Berln'" in str(info.value)
    assert "did you mean Europe/Berlin" in str(info.value)
    with pytest.raises(ValueError, match="IANA"):
        values.parse_zone("Mars/Olympus")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("US", HolidayRegion("US")),
        ("de-by", HolidayRegion("DE", "BY")),
        ("NG", HolidayRegion("NG")),
        ("GB-SCT", HolidayRegion("GB", "SCT")),
        ("none", None),
        ("OFF", None),
    ],
)
def test_holiday_regions(text: str, expected: HolidayRegion | None) -> None:
    """Country and subdivision codes are validated against the holidays library."""
    assert values.parse_holiday_region(text) == expected


def test_unknown_country_and_subdivision() -> None:
    """Unknown countries and subdivisions are named, with the accepted form or known ones."""
    with pytest.raises(ValueError, match=r"unknown holiday country 'XX'.*DE-BY"):
        values.parse_holiday_region("XX")
    with pytest.raises(ValueError, match=r"unknown subdivision 'ZZ' of DE.*BY"):
        values.parse_holiday_region("DE-ZZ")
    with pytest.raises(ValueError, match="no subdivision"):
        values.parse_holiday_region("DE-")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("weekdays", frozenset(range(5))),
        ("all", frozenset(range(7))),
        ("daily", frozenset(range(7))),
        ("mon,wed,fri", frozenset({0, 2, 4})),
        ("mon, wed fri", frozenset({0, 2, 4})),
        ("mon-thu", frozenset({0, 1, 2, 3})),
        ("fri-mon", frozenset({4, 5, 6, 0})),
        ("Tuesday", frozenset({1})),
    ],
)
def test_weekday_sets(text: str, expected: frozenset[int]) -> None:
    """Named sets, lists and (wrapping) ranges of days."""
    assert values.parse_weekday_set(text) == expected


def test_weekday_set_round_trip() -> None:
    """format_weekday_set writes what parse_weekday_set reads back."""
    for days in (frozenset({0, 2, 4}), frozenset(range(5)), frozenset({1, 2, 3}), frozenset({6})):
        assert values.parse_weekday_set(values.format_weekday_set(days)) == days


def test_bad_weekday_set() -> None:
    """An unknown day is named, with the accepted forms."""
    with pytest.raises(ValueError, match=r"unknown day 'funday'.*mon,wed,fri"):
        values.parse_weekday_set("mon,funday")
    with pytest.raises(ValueError, match="no days"):
        values.parse_weekday_set(" ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@**Ada Lovelace**", UserRef("Ada Lovelace")),
        ("@**Ada Lovelace|12**", UserRef("Ada Lovelace", 12)),
        ("@_**Zoë Ça|7**", UserRef("Zoë Ça", 7)),
        ("@**|12**", UserRef(None, 12)),
        ("Ada@Example.com", UserRef(None, None, "ada@example.com")),
    ],
)
def test_user_refs(text: str, expected: UserRef) -> None:
    """Mentions (plain, with id, silent) and emails name a person."""
    assert values.parse_user_ref(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("@**all**", "mentions everyone"),
        ("@*devs*", "group mention"),
        ("@**Ada|x**", "bad user id"),
        ("ada", "cannot tell who 'ada' is"),
        ("@ada", "cannot tell who"),
    ],
)
def test_bad_user_refs(text: str, problem: str) -> None:
    """Wildcards, groups and unreadable names are refused with the mention form."""
    with pytest.raises(ValueError, match=problem) as info:
        values.parse_user_ref(text)
    assert "@**Full Name**" in str(info.value)


def test_channel_refs() -> None:
    """Channel links with and without a topic; anything else is refused with the form."""
    assert values.parse_channel_ref("#**standup**") == ChannelRef("standup")
    assert values.parse_channel_ref("#**team a>daily**") == ChannelRef("team a", "daily")
    with pytest.raises(ValueError, match=r"#\*\*standup\*\*"):
        values.parse_channel_ref("#standup")


def test_topic_templates() -> None:
    """Known placeholders pass; unknown ones, newlines and topics that can exceed 60 fail."""
    assert values.parse_topic_template(" standup {date} ") == "standup {date}"
    with pytest.raises(ValueError, match=r"unknown placeholder \{when\}"):
        values.parse_topic_template("standup {when}")
    with pytest.raises(ValueError, match="unbalanced"):
        values.parse_topic_template("standup {date")
    with pytest.raises(ValueError, match="60"):
        values.parse_topic_template("a very long topic prefix for {name} on {weekday} {date}")
    expanded = values.expand_topic_template(
        "{name} {weekday} {date}", date="2026-04-15", weekday="Wednesday", name="retro"
    )
    assert expanded == "retro Wednesday 2026-04-15"
