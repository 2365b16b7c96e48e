"""The command grammar: a message's text to a typed command or a precise ``CommandError``.

Addressing rules (pinned by ``tests/unit/test_commands*.py``):

* The text may start with the bot's mention (``@**Standup**``,
  ``@**Standup|42**``, also silent) and/or the prefix ``/standup``; both are
  removed. An empty command means ``help``.
* Command words are case-insensitive; ``my data`` and ``forget me`` are two words.
* A ``#**channel**`` link names the channel the command is about (``channel``
  on the result). It may stand anywhere in the arguments, except for the
  free-text commands (``search``, ``change``, ``config questions``,
  ``config topic``), where only a link right after the command word counts,
  plus a trailing ``in #**channel**`` for ``search``. At most one.
* Commands about a standup take an optional short name as their first
  argument (``status retro``, ``config retro prompt 10:00``): a word that is
  a letter followed by letters, digits or dashes (≤ 32, case-insensitive, kept
  in lower case) and is not one of the grammar's keywords (``RESERVED_WORDS``).
  The default standup is named ``standup`` and is addressed like any other
  (``status standup``); ``rename`` gives any standup a new name by setup's rule.
  For ``config``, ``participants`` and ``export`` the word must also be
  followed by a setting / action / format (or, except for export, nothing),
  so ``config promt 9:00`` is reported as a misspelt setting, not a name.
* Whether a DM sent while a question is open answers it or is a command is
  decided in one place, ``message_routing.answers_open_question``: a valid
  command is a command, the conversation's own words (``skip``, ``back``,
  ``restart``, ``change N text``) and text starting with ``>`` are answers.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable

from zulip_standup.domain import values
from zulip_standup.domain.commands import member_grammar as member_commands
from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.commands.args import (
    NAME_FORM,
    ArgReader,
    ArgumentError,
    Token,
    convert,
    future_date,
    is_standup_name,
    new_standup_name,
    parse_users,
    shown,
    standup_name,
    tokenize,
)
from zulip_standup.domain.commands.config_grammar import FREE_TEXT_SETTINGS, parse_setting
from zulip_standup.domain.commands.help_texts import usage_text
from zulip_standup.domain.commands.registry import (
    COMMAND_BY_WORD,
    RESERVED_WORDS,
    CommandSpec,
    closest_command,
    closest_setting,
)
from zulip_standup.domain.commands.setting_registry import SETTING_BY_WORD

PREFIX = "/standup"
_PARTICIPANT_ACTIONS = frozenset({"list", "add", "remove", "sync"})
_FREE_TEXT_COMMANDS = frozenset({"search", "change", "config"})
_SETUP_KEYS = {
    "prompt": "prompt",
    "reminder": "reminder",
    "reminders": "reminder",
    "cutoff": "cutoff",
    "timezone": "timezone",
    "zone": "timezone",
    "tz": "timezone",
}
_MENTION_RE = re.compile(r"\s*@_?\*\*(?P<name>[^*|]*)(?:\|(?P<id>\d+))?\*\*")


def strip_address(text: str, bot_name: str, bot_id: int | None = None) -> tuple[bool, str]:
    """Remove a leading bot mention and/or ``/standup``; say whether either was there."""
    body = text
    addressed = False
    match = _MENTION_RE.match(body)
    if match is not None:
        same_name = match["name"].strip().casefold() == bot_name.strip().casefold()
        same_id = bot_id is not None and match["id"] is not None and int(match["id"]) == bot_id
        if same_name or same_id:
            body, addressed = body[match.end() :], True
    stripped = body.lstrip()
    if stripped[: len(PREFIX)].lower() == PREFIX and stripped[len(PREFIX) : len(PREFIX) + 1] in {
        "",
        " ",
        "\t",
        "\n",
    }:
        body, addressed = stripped[len(PREFIX) :], True
    return addressed, body


def parse_command(
    text: str,
    *,
    today: dt.date,
    in_dm: bool,
    bot_name: str = "Standup",
    bot_id: int | None = None,
) -> ct.ParseResult:
    """Parse one message; ``today`` is the asker's local date, for relative dates."""
    _, body = strip_address(text, bot_name, bot_id)
    head = body[:200].split()
    if not head:
        return ct.ParsedCommand(ct.Help())
    spec = COMMAND_BY_WORD.get(" ".join(head[:2]).lower()) or COMMAND_BY_WORD.get(head[0].lower())
    if spec is None:
        return _unknown(head[0])
    usage = usage_text(spec)
    if len(body) > spec.max_chars:
        message = (
            f"that command is {len(body):,} characters long; "
            f"{spec.name} commands are limited to {spec.max_chars:,}"
        )
        return ct.CommandError(message, usage, spec.name)
    if spec.dm_only and not in_dm:
        return ct.CommandError(f"{spec.name} works in a direct message with me", usage, spec.name)
    tokens = tokenize(body)
    skip = len(spec.name.split()) if " ".join(head[:2]).lower() in COMMAND_BY_WORD else 1
    try:
        channel, args = _extract_channel(spec, tokens[skip:])
        command = _PARSERS[spec.name](ArgReader(body, args, today))
    except ArgumentError as exc:
        shown_usage = usage if exc.usage is None else usage_text(spec, exc.usage)
        return ct.CommandError(_sentence(str(exc)), shown_usage, spec.name)
    return ct.ParsedCommand(command, channel)


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith((".", "?", "!")) else ".")


def _unknown(word: str) -> ct.CommandError:
    guess = closest_command(word)
    hint = f" Did you mean `{guess}`?" if guess else ""
    message = f"I don't know the command {shown(word)}.{hint} Send `help` for the list."
    return ct.CommandError(message, "", None, guess)


def _extract_channel(
    spec: CommandSpec, args: list[Token]
) -> tuple[values.ChannelRef | None, list[Token]]:
    """Take the ``#**channel**`` argument out of the tokens (see the module rules)."""
    last = len(args) - 1
    if spec.name not in _FREE_TEXT_COMMANDS:
        positions = [i for i, token in enumerate(args) if token.is_channel]
    else:
        positions = [0] if args and args[0].is_channel else []
        trailing = last >= 1 and args[last].is_channel and last not in positions
        if trailing and spec.name == "search":
            positions.append(last)
            if last >= 2 and args[last - 1].lower == "in":
                positions.append(last - 1)
        elif trailing and spec.name == "config" and not _config_free_text(args, positions):
            positions.append(last)
    channels = [args[i] for i in positions if args[i].is_channel]
    if len(channels) > 1:
        raise ArgumentError("name one channel at a time")
    remaining = [token for i, token in enumerate(args) if i not in positions]
    if not channels:
        return None, remaining
    return convert(values.parse_channel_ref, channels[0].text), remaining


def _config_free_text(args: list[Token], skipped: list[int]) -> bool:
    """True when a config command sets free text, where a trailing link is part of the text."""
    words = [token.lower for i, token in enumerate(args) if i not in skipped][:2]
    for word in words:
        spec = SETTING_BY_WORD.get(word)
        if spec is not None:
            return spec.name in FREE_TEXT_SETTINGS
    return False


def _name(args: ArgReader) -> str | None:
    return args.optional_name(RESERVED_WORDS)


def _only_name(kind: Callable[[str | None], ct.Command]) -> Callable[[ArgReader], ct.Command]:
    def parse(args: ArgReader) -> ct.Command:
        name = standup_name(args)
        args.expect_end()
        return kind(name)

    return parse


def _no_args(kind: Callable[[], ct.Command]) -> Callable[[ArgReader], ct.Command]:
    def parse(args: ArgReader) -> ct.Command:
        args.expect_end()
        return kind()

    return parse


def _help(args: ArgReader) -> ct.Command:
    words = [token.lower for token in args.remaining()]
    args.rest_words()
    if not words:
        return ct.Help()
    spec = COMMAND_BY_WORD.get(" ".join(words[:2])) or COMMAND_BY_WORD.get(words[0])
    if spec is None:
        guess = closest_command(words[0])
        hint = f"; did you mean {guess}?" if guess else ""
        raise ArgumentError(f"there is no command {shown(words[0])}{hint}")
    rest = words[len(spec.name.split()) :] if " ".join(words[:2]) == spec.name else words[1:]
    if spec.name == "config" and rest:
        setting = SETTING_BY_WORD.get(rest[0])
        if setting is None:
            guess = closest_setting(rest[0])
            hint = f"; did you mean {guess}?" if guess else ""
            raise ArgumentError(f"there is no config setting {shown(rest[0])}{hint}")
        return ct.Help(f"config {setting.name}")
    return ct.Help(spec.name)


def _setup(args: ArgReader) -> ct.Command:
    first = args.peek()
    name = None
    if first is not None and first.lower not in _SETUP_KEYS:
        name = new_standup_name(args.pop())
    times: dict[str, dt.time] = {}
    zone = None
    while not args.at_end():
        key_token = args.pop()
        key = _SETUP_KEYS.get(key_token.lower)
        if key is None:
            raise ArgumentError(
                f"unexpected {shown(key_token.text)}; use prompt, reminder, cutoff or timezone"
            )
        if key in times or (key == "timezone" and zone is not None):
            raise ArgumentError(f"{key} is given twice")
        if key == "timezone":
            value = args.require(f"the team time zone; {values.ZONE_FORM}")
            zone = convert(values.parse_zone, value.text)
            continue
        value = args.require(f"the {key} time; {values.TIME_FORM}")
        times[key] = convert(values.parse_wall_time, value.text)
    given = [(key, times[key]) for key in ("prompt", "reminder", "cutoff") if key in times]
    for (early_key, early), (late_key, late) in itertools.pairwise(given):
        if late <= early:
            message = (
                f"the {late_key} ({late:%H:%M}) must come after the {early_key} ({early:%H:%M})"
            )
            raise ArgumentError(message)
    return ct.Setup(
        name, times.get("prompt"), times.get("reminder"), times.get("cutoff"), timezone=zone
    )


def _config(args: ArgReader) -> ct.Command:
    name = None
    first = args.peek()
    if first is not None and first.lower not in SETTING_BY_WORD:
        name = args.optional_name(RESERVED_WORDS, frozenset(SETTING_BY_WORD), alone=True)
    return ct.Config(parse_setting(args), name)


def _pause(args: ArgReader) -> ct.Command:
    name = standup_name(args)
    args.take_if("until", "till")
    text = args.rest_words()
    if not text:
        return ct.Pause(name)
    until = future_date(args, text, "the date")
    if until <= args.today:
        raise ArgumentError("pause until a later date than today, or just pause")
    return ct.Pause(name, until)


def _delete(args: ArgReader) -> ct.Command:
    name = standup_name(args)
    confirmed = args.take_if("confirm")
    args.expect_end()
    return ct.Delete(name, confirmed)


def _participants(args: ArgReader) -> ct.Command:
    name = args.optional_name(RESERVED_WORDS, _PARTICIPANT_ACTIONS)
    token = args.peek()
    action = token.lower if token else "list"
    if token is not None and action not in _PARTICIPANT_ACTIONS:
        raise ArgumentError(f"unknown action {shown(token.text)}; use list, add, remove or sync")
    args.take_if(action)
    if action in {"add", "remove"}:
        users = parse_users(args.remaining())
        args.rest_words()
        return ct.Participants("add" if action == "add" else "remove", users, name)
    args.expect_end()
    return ct.Participants("list" if action == "list" else "sync", (), name)


def _rename(args: ArgReader) -> ct.Command:
    old = None
    if len(args.remaining()) > 1:
        token = args.pop()
        if not is_standup_name(token.text, RESERVED_WORDS):
            raise ArgumentError(f"{shown(token.text)} is not the name of a standup; {NAME_FORM}")
        old = token.lower
    new = new_standup_name(args.require("the new name"))
    args.expect_end()
    return ct.Rename(new, old)


_PARSERS: dict[str, Callable[[ArgReader], ct.Command]] = {
    "help": _help,
    "setup": _setup,
    "status": _only_name(ct.Status),
    "config": _config,
    "pause": _pause,
    "resume": _only_name(ct.Resume),
    "delete": _delete,
    "participants": _participants,
    "rename": _rename,
    "test": _only_name(ct.Test),
    "timezone": member_commands.timezone,
    "holidays": member_commands.holidays,
    "away": member_commands.away,
    "back": _no_args(ct.Back),
    "skip": member_commands.skip,
    "restart": _only_name(ct.Restart),
    "answer": member_commands.answer,
    "change": member_commands.change,
    "my data": _no_args(ct.MyData),
    "forget me": member_commands.forget_me,
    "dashboard": _no_args(ct.Dashboard),
    "sessions": member_commands.sessions,
    "token": member_commands.token,
    "blockers": _only_name(ct.Blockers),
    "history": member_commands.history,
    "search": member_commands.search,
    "stats": member_commands.days_command(ct.Stats),
    "chart": member_commands.days_command(ct.Chart),
    "export": member_commands.export,
}
assert set(_PARSERS) == {spec.name for spec in COMMAND_BY_WORD.values()}
