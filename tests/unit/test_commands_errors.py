"""Command errors: each names the specific problem and shows the correct form (usage)."""

from __future__ import annotations

import datetime as dt

import pytest

from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.commands.grammar import parse_command
from zulip_standup.domain.limits import MAX_COMMAND_CHARS, MAX_QUESTION_CHARS

TODAY = dt.date(2026, 4, 15)


def error(text: str, *, in_dm: bool = True) -> ct.CommandError:
    result = parse_command(text, today=TODAY, in_dm=in_dm)
    assert isinstance(result, ct.CommandError), result
    assert result.message
    return result


ERROR_TABLE: list[tuple[str, str, str]] = [
    # (command text, problem named in the message, correct form in the usage)
    ("config prompt 25:00", "Bad time '25:00'", "prompt HH:MM"),
    (
        "config webhook add http://ci.example.com/x",
        "https only, not http://",
        "webhook add <https-url>",
    ),
    ("config webhook add ci.example.com/x", "https only, not no scheme", "webhook add <https-url>"),
    ("config webhook add https://", "The URL has no host", "webhook add <https-url>"),
    ("config webhook add https://ci.example.com:99999/", "not a well-formed URL", "webhook add"),
    ("config webhook add", "The URL is missing", "webhook add <https-url>"),
    ("config webhook add https://a:b@ci.example.com/", "user name or password", "webhook add"),
    ("config webhook add https://ci.example.com/a b", "a URL has no spaces", "webhook add"),
    ("config webhook remove", "missing the webhook's id or URL", "webhook remove <url|id>"),
    ("config webhook remove ftp://x", "https only", "webhook remove <url|id>"),
    ("config webhook log two", "'two' is not a webhook id", "webhook log [id]"),
    ("config webhook log 2 3", "unexpected '3'", "webhook log [id]"),
    ("config webhook list all", "unexpected 'all'", "webhook list"),
    ("config webhook frob", "webhook takes add, remove, list or log", "webhook add"),
    ("config prompt", "prompt needs a time", "prompt HH:MM"),
    ("config cutoff noon", "Bad time 'noon'", "cutoff HH:MM"),
    ("config reminders 11:00,99:00", "Bad time '99:00'", "reminders HH:MM[,HH:MM...]"),
    ("config reminders 8:00 9:00 10:00 11:00 12:00", "at most 4 reminders", "reminders"),
    ("setup prompt 9:75", "Bad time '9:75'", "setup [name] [prompt HH:MM]"),
    ("setup prompt 12:00 cutoff 09:00", "cutoff (09:00) must come after the prompt", "setup"),
    ("setup prompt 9:00 prompt 10:00", "prompt is given twice", "setup"),
    ("setup retro lunch 12:00", "unexpected 'lunch'", "setup [name]"),
    ("setup 9am", "is not a standup name", "setup [name]"),
    ("config timezone Mars/Base", "Unknown time zone 'Mars/Base'", "timezone <Zone>"),
    ("timezone europe/berln", "did you mean Europe/Berlin", "timezone <Zone>"),
    ("config holidays XX", "Unknown holiday country 'XX'", "holidays <country[-region]>"),
    ("holidays DE-XY", "Unknown subdivision 'XY' of DE", "holidays <country[-region]>"),
    ("config skip 2026-02-30", "is not a real date", "skip DATE"),
    ("config skip 2026-01-01", "is in the past", "skip DATE"),
    ("skip someday", "Bad date 'someday'", "skip [today|DATE]"),
    ("skip 2026-04-01", "is in the past", "skip [today|DATE]"),
    ("away", "missing the first day off", "away <from> [to]"),
    ("away 2026-05-10 2026-05-01", "before the first day", "away <from> [to]"),
    ("away 400 days", "away for 1 to 366 days", "away <from> [to]"),
    ("pause until 2026-13-01", "is not a real date", "pause [name] [until DATE]"),
    ("pause until today", "later date", "pause [name] [until DATE]"),
    ("history 2026-03-31..2026-03-01", "ends before it starts", "history [name]"),
    ("history 7 days @**Ada** @**Bob**", "one person at a time", "history [name]"),
    ("history @*devs*", "group mention", "history [name]"),
    ("export xml", "csv or json, not 'xml'", "export [name] csv|json"),
    ("export", "missing the format", "export [name] csv|json"),
    ("sessions", "`revoke` ends them all", "sessions revoke"),
    ("sessions list", "`revoke` ends them all", "sessions revoke"),
    ("token", "new, list or revoke, not nothing", "token new [name]"),
    ("token make x", "new, list or revoke", "token revoke <name>"),
    ("token new CI", "is not a token name; a name is 1 to 32", "token new [name]"),
    ("token revoke", "missing the token", "token revoke <name>"),
    ("token list all", "unexpected", "token list"),
    ("dashboard now", "unexpected", "dashboard"),
    ("stats 5 fortnights", "bad period '5 fortnights'", "stats [name] [N days]"),
    ("participants add", "no person given", "participants [name] add @user..."),
    ("participants add bob", "cannot tell who 'bob' is", "participants [name] add @user..."),
    ("participants add @**all**", "mentions everyone", "participants [name] add @user..."),
    ("participants kick @**Bob**", "unknown action 'kick'", "participants [name] sync"),
    ("config managers add", "no person given", "managers add @user..."),
    ("config managers promote @**Bob**", "add or remove, not 'promote'", "managers add"),
    ("config days mon,funday", "unknown day 'funday'", "days <days>"),
    ("config frequency every 0 weeks", "weeks must be from 1 to 52", "every N weeks"),
    ("config frequency monthly fifth fri", "bad week 'fifth'", "monthly first|second"),
    ("config frequency monthly last payday", "unknown day 'payday'", "monthly first"),
    ("config frequency sometimes", "unknown frequency 'sometimes'", "frequency daily|weekly"),
    ("config mode global", "mode takes local or team, not 'global'", "mode local|team"),
    ("config style fancy", "style takes living or digest or live", "style living|digest|live"),
    ("config mentions loud", "mentions takes silent or notify", "mentions silent|notify"),
    ("config ai maybe", "ai takes on or off, not 'maybe'", "ai on|off"),
    ("config sync", "sync takes on or off", "sync on|off"),
    ("config questions set", "no questions given", "questions set <q1> | <q2>"),
    ("config questions set A? | | C?", "question 2 is empty", "questions set"),
    ("config questions add", "the question is empty", "questions add <text>"),
    ("config questions remove 11", "question must be from 1 to 10, not 11", "questions remove N"),
    ("config questions remove two", "must be a number from 1 to 10, not 'two'", "questions remove"),
    ("config questions move 1", "missing the new position", "questions move N M"),
    ("config questions shuffle", "unknown questions action 'shuffle'", "questions reset"),
    ("config topic {when}", "Unknown placeholder {when}", "topic <template>"),
    ("config topic " + "x" * 61, "Zulip allows 60", "topic <template>"),
    ("config", "which setting?", "config [name] <setting> <value>"),
    ("config retro", "which setting?", "config [name] <setting> <value>"),
    ("config promt 9:00", "did you mean prompt?", "config [name] <setting> <value>"),
    ("change", "missing the question number", "change <question number> <new answer>"),
    ("change 2", "missing the new answer for question 2", "change <question number>"),
    ("change 0 x", "must be from 1 to 10, not 0", "change <question number>"),
    ("status retro now", "unexpected 'now'", "status [name]"),
    ("delete retro please", "unexpected 'please'", "delete [name] confirm"),
    ("back later", "unexpected 'later'", "back"),
    ("answer 42", "'42' is not a standup name", "answer [name]"),
    ("search", "missing the words", "search <words> [in #channel]"),
    ("help frobnicate", "no command 'frobnicate'", "help <command>"),
    ("help config colour", "no config setting 'colour'", "help config <setting>"),
    ("status #**a** #**b**", "one channel at a time", "status [name]"),
    ("status #**>x**", "cannot read the channel", "status [name]"),
]


@pytest.mark.parametrize(("text", "problem", "form"), ERROR_TABLE)
def test_error_names_problem_and_shows_form(text: str, problem: str, form: str) -> None:
    """The message contains the specific problem; the usage contains the correct form."""
    result = error(text)
    assert problem.lower() in result.message.lower()
    assert form in result.usage
    assert result.command is not None
    assert result.text.startswith(result.message)
    assert result.usage in result.text


@pytest.mark.parametrize(
    ("word", "suggestion"),
    [("statsu", "stats"), ("hepl", "help"), ("partcipants", "participants"), ("pasue", "pause")],
)
def test_unknown_command_suggests_closest(word: str, suggestion: str) -> None:
    """An unknown command word is named, and the closest command suggested."""
    result = error(f"{word} retro")
    assert result.command is None
    assert result.suggestion == suggestion
    assert f"'{word}'" in result.message
    assert f"Did you mean `{suggestion}`?" in result.message


def test_unknown_command_without_close_match() -> None:
    """Text far from any command gets no suggestion but still a pointer to help."""
    result = error("the weather is lovely")
    assert result.suggestion is None
    assert "help" in result.message


def test_too_many_questions() -> None:
    """More than ten questions are refused with the count and the limit."""
    questions = " | ".join(f"Q{n}?" for n in range(11))
    result = error(f"config questions set {questions}")
    assert "at most 10 questions, got 11" in result.message.lower()
    assert "questions set" in result.usage


def test_over_long_question() -> None:
    """A question over 300 characters is refused with its length and the limit."""
    result = error("config questions add " + "x" * (MAX_QUESTION_CHARS + 1))
    assert f"{MAX_QUESTION_CHARS + 1} characters; at most {MAX_QUESTION_CHARS}" in result.message


def test_over_long_command() -> None:
    """A command longer than its limit is refused before parsing, naming both lengths."""
    result = error("status " + "x" * MAX_COMMAND_CHARS)
    assert f"{MAX_COMMAND_CHARS:,}" in result.message
    assert "status [name]" in result.usage


def test_change_accepts_a_long_answer() -> None:
    """change carries an answer up to Zulip's message limit, beyond the command limit."""
    text = "y" * 9000
    result = parse_command(f"change 1 {text}", today=TODAY, in_dm=True)
    assert result == ct.ParsedCommand(ct.Change(1, text))


@pytest.mark.parametrize("text", ["timezone", "away tomorrow", "my data", "forget me", "skip"])
def test_dm_only_commands_refused_in_channel(text: str) -> None:
    """Personal commands in a channel say they work in a DM."""
    result = error(f"@**Standup** {text}", in_dm=False)
    assert "works in a direct message" in result.message
