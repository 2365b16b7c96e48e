"""Pure rules behind issue 11 cases 3 and 9: topics, setup times, the next run (grammar: see
``test_standup_names_grammar.py``)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.commands.grammar import parse_command
from zulip_standup.domain.commands.registry import command_spec
from zulip_standup.domain.reports.topic import run_topic
from zulip_standup.domain.scheduling.jobs import JobKind
from zulip_standup.domain.scheduling.planning import Participant, upcoming_occurrences
from zulip_standup.domain.scheduling.schedule import Frequency, Schedule
from zulip_standup.domain.standup import StandupSettings

TODAY = dt.date(2026, 12, 2)  # a Wednesday


def parsed(text: str) -> ct.Command | ct.CommandError:
    result = parse_command(text, today=TODAY, in_dm=False)
    return result.command if isinstance(result, ct.ParsedCommand) else result


def test_default_topics_of_two_standups_differ() -> None:
    """The default template starts with the standup's name: one rule for every standup."""
    day = dt.date(2026, 11, 30)
    assert run_topic(StandupSettings(), day, 60) == "standup 2026-11-30"
    assert run_topic(StandupSettings(name="retro"), day, 60) == "retro 2026-11-30"
    custom = StandupSettings(name="retro", topic_template="weekly {date}")
    assert run_topic(custom, day, 60) == "weekly 2026-11-30"


def hm(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ((None, None, None), ("09:30", ("11:45",), "12:45")),
        ((hm("15:00"), None, None), ("15:00", ("17:15",), "18:15")),
        ((hm("07:00"), None, None), ("07:00", ("09:15",), "10:15")),
        ((hm("09:00"), None, hm("12:00")), ("09:00", ("11:15",), "12:00")),
        ((hm("15:00"), hm("15:30"), None), ("15:00", ("15:30",), "18:15")),
        ((None, None, hm("13:00")), ("09:30", ("11:45",), "13:00")),
    ],
)
def test_setup_times_keep_their_distance_from_the_prompt(
    given: tuple[dt.time | None, dt.time | None, dt.time | None],
    expected: tuple[str, tuple[str, ...], str],
) -> None:
    settings = StandupSettings().with_setup_times(*given)
    assert (settings.prompt_time, settings.reminder_times, settings.cutoff_time) == expected
    settings.validated()


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            (hm("22:00"), None, None),
            "with the prompt at 22:00 the reminder would move past midnight; "
            "give the reminder time too",
        ),
        (
            (hm("09:00"), None, hm("10:00")),
            "the cutoff (10:00) must come after the reminder (11:15); give the reminder time too",
        ),
    ],
)
def test_setup_times_that_cannot_fit_say_what_to_give(
    given: tuple[dt.time | None, dt.time | None, dt.time | None], message: str
) -> None:
    with pytest.raises(ValueError, match="give the") as caught:
        StandupSettings().with_setup_times(*given)
    assert str(caught.value) == message


def test_every_setup_example_in_help_gives_a_valid_standup() -> None:
    """The examples `help setup` shows work verbatim on the default settings."""
    for example in command_spec("setup").examples:
        command = parsed(example)
        assert isinstance(command, ct.Setup), (example, command)
        settings = StandupSettings().with_setup_times(
            command.prompt, command.reminder, command.cutoff
        )
        settings.validated()


def test_the_next_run_of_a_monthly_standup_is_found_weeks_ahead() -> None:
    """Monthly on the last Friday, asked on 2 December: the next prompt and report are on
    25 December, more than three weeks ahead; the one after is on 29 January."""
    schedule = Schedule(
        standup_id=1,
        zone=ZoneInfo("UTC"),
        prompt_time=dt.time(9, 30),
        cutoff_time=dt.time(12, 45),
        weekdays=frozenset({4}),
        frequency=Frequency.MONTHLY,
        monthly_ordinal=-1,
    )
    now = dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC)
    found = upcoming_occurrences(schedule, [Participant(5, "Europe/Berlin")], now)
    prompts = [o.due_at for o in found if o.kind is JobKind.PROMPT]
    digests = [o.due_at for o in found if o.kind is JobKind.DIGEST]
    assert prompts == [
        dt.datetime(2026, 12, 25, 8, 30, tzinfo=dt.UTC),
        dt.datetime(2027, 1, 29, 8, 30, tzinfo=dt.UTC),
    ]
    assert digests[0] == dt.datetime(2026, 12, 25, 12, 45, tzinfo=dt.UTC)


def test_a_prompt_already_past_today_moves_to_the_next_run_date() -> None:
    """Daily: at 09:00 UTC Berlin's 09:30 (08:30 UTC) has passed, Los Angeles' has not;
    Berlin's next prompt is tomorrow, Los Angeles' today."""
    schedule = Schedule(
        standup_id=1,
        zone=ZoneInfo("UTC"),
        prompt_time=dt.time(9, 30),
        cutoff_time=dt.time(12, 45),
        weekdays=frozenset(range(7)),
    )
    now = dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)
    people = [Participant(1, "Europe/Berlin"), Participant(2, "America/Los_Angeles")]
    found = upcoming_occurrences(schedule, people, now)
    first = {}
    for occ in found:
        if occ.kind is JobKind.PROMPT:
            first.setdefault(occ.user_id, occ.due_at)
    assert first == {
        1: dt.datetime(2026, 12, 3, 8, 30, tzinfo=dt.UTC),
        2: dt.datetime(2026, 12, 2, 17, 30, tzinfo=dt.UTC),
    }
