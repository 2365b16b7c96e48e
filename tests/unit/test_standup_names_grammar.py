"""The grammar of standup names (issue 11 case 3): the default standup is named, rename."""

from __future__ import annotations

import datetime as dt

import pytest

from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.commands.grammar import parse_command
from zulip_standup.domain.commands.registry import COMMAND_BY_WORD
from zulip_standup.domain.standup import DEFAULT_NAME

TODAY = dt.date(2026, 12, 2)  # a Wednesday


def parsed(text: str) -> ct.Command | ct.CommandError:
    result = parse_command(text, today=TODAY, in_dm=False)
    return result.command if isinstance(result, ct.ParsedCommand) else result


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("status standup", ct.Status(DEFAULT_NAME)),
        ("config standup prompt 10:00", ct.Config(ct.SetPrompt(dt.time(10)), DEFAULT_NAME)),
        ("pause standup", ct.Pause(DEFAULT_NAME)),
        ("resume standup", ct.Resume(DEFAULT_NAME)),
        ("delete standup confirm", ct.Delete(DEFAULT_NAME, confirmed=True)),
        ("participants standup", ct.Participants("list", (), DEFAULT_NAME)),
        ("test standup", ct.Test(DEFAULT_NAME)),
        ("history standup", ct.History(DEFAULT_NAME)),
        ("stats standup", ct.Stats(DEFAULT_NAME)),
        ("blockers standup", ct.Blockers(DEFAULT_NAME)),
        ("export standup csv", ct.Export("csv", DEFAULT_NAME)),
    ],
)
def test_the_default_standup_has_a_name_like_any_other(text: str, expected: ct.Command) -> None:
    """Every command that takes a standup name accepts the default standup's name."""
    assert parsed(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rename", "Missing the new name."),
        ("rename 9lives", "'9lives' is not a standup name; a standup name is a lowercase"),
        ("rename standup status", "'status' is a command word; pick another name."),
        ("rename a b c", "Unexpected 'c'."),
        ("rename re_tro new", "'re_tro' is not the name of a standup;"),
    ],
)
def test_rename_refusals_name_the_problem_and_show_the_form(text: str, message: str) -> None:
    """A bad rename says what was wrong and shows `rename [name] <new name>`."""
    result = parsed(text)
    assert isinstance(result, ct.CommandError)
    assert result.message.startswith(message), result.message
    assert result.usage == "Usage: `rename [name] <new name>`"


def test_rename_is_for_managers_and_listed_in_help() -> None:
    spec = COMMAND_BY_WORD["rename"]
    assert spec.admin_only
    assert spec.takes_standup_name
