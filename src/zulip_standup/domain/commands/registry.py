"""The command registry: every command and config setting with its usage, examples and rules.

The parser looks commands up here, and ``help`` texts are generated from
these entries, so the help can never drift from what is accepted.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from zulip_standup.domain import values
from zulip_standup.domain.commands.setting_registry import SETTING_BY_WORD
from zulip_standup.domain.limits import MAX_COMMAND_CHARS, MAX_MESSAGE_CHARS
from zulip_standup.domain.scheduling.schedule import DAY_WORDS


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One command as people see it in ``help``."""

    name: str
    summary: str
    usage: tuple[str, ...]
    examples: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    group: str = "Standups"
    admin_only: bool = False
    dm_only: bool = False
    takes_standup_name: bool = False
    max_chars: int = MAX_COMMAND_CHARS
    notes: tuple[str, ...] = ()


GROUPS = ("Standups", "Personal (in a DM with me)", "Reports and history", "Help")
_PERSONAL = GROUPS[1]
_REPORTS = GROUPS[2]

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "setup",
        "create a standup for this channel; its members become participants",
        ("setup [name] [prompt HH:MM] [reminder HH:MM] [cutoff HH:MM] [timezone Zone]",),
        (
            "setup",
            "setup prompt 09:00 cutoff 12:00",
            "setup retro prompt 15:00",
            "setup timezone Europe/Berlin",
        ),
        takes_standup_name=True,
        notes=(
            "A name is needed only for a second standup in the same channel.",
            "Times you leave out keep their usual distance from the prompt you give, so "
            "setup retro prompt 15:00 moves the reminder and the report later too.",
            "The team time zone is the bot's default for new standups unless you give one; "
            "config timezone changes it later.",
            "Any member of the channel (not a guest) may create a standup; running setup "
            "again on an existing one needs an organisation admin, its creator or a manager.",
        ),
    ),
    CommandSpec(
        "status",
        "settings, participants, today's progress and what happens next",
        ("status [name]",),
        ("status", "status retro"),
        aliases=("info",),
        takes_standup_name=True,
    ),
    CommandSpec(
        "config",
        "change a setting (see help config)",
        ("config [name] <setting> <value>",),
        ("config prompt 09:30", "config retro days fri", "config questions add Any risks?"),
        aliases=("set", "configure"),
        admin_only=True,
        takes_standup_name=True,
        max_chars=4000,
    ),
    CommandSpec(
        "pause",
        "stop prompting until resumed or until a date",
        ("pause [name] [until DATE]",),
        ("pause", "pause until 2026-01-05"),
        admin_only=True,
        takes_standup_name=True,
    ),
    CommandSpec(
        "resume",
        "start prompting again",
        ("resume [name]",),
        ("resume",),
        admin_only=True,
        takes_standup_name=True,
    ),
    CommandSpec(
        "delete",
        "delete a standup and its history (asks for confirmation)",
        ("delete [name]", "delete [name] confirm"),
        ("delete", "delete confirm"),
        admin_only=True,
        takes_standup_name=True,
    ),
    CommandSpec(
        "participants",
        "list, add or remove participants, or sync them with the channel",
        (
            "participants [name] [list]",
            "participants [name] add @user...",
            "participants [name] remove @user...",
            "participants [name] sync",
        ),
        ("participants", "participants add @**Ada Lovelace**", "participants sync"),
        aliases=("members", "people"),
        admin_only=True,
        takes_standup_name=True,
        notes=("Listing is open to everyone who can see the channel.",),
    ),
    CommandSpec(
        "rename",
        "give a standup a new name",
        ("rename [name] <new name>",),
        ("rename morning", "rename standup morning"),
        admin_only=True,
        takes_standup_name=True,
        notes=(
            "The new name follows setup's rule: a lowercase letter, then letters, digits or "
            "dashes (at most 32), not a command word, and not used by another standup of the "
            "channel.",
            "Reports follow the name when the topic uses {name}, as the default topic does.",
        ),
    ),
    CommandSpec(
        "test",
        "send yourself a prompt now, without recording a real run",
        ("test [name]",),
        ("test",),
        takes_standup_name=True,
    ),
    CommandSpec(
        "timezone",
        "show or set your own time zone (default: your Zulip profile's)",
        ("timezone", "timezone <Zone>", "timezone default"),
        ("timezone", "timezone Europe/Berlin", "timezone default"),
        aliases=("tz", "zone"),
        group=_PERSONAL,
        dm_only=True,
    ),
    CommandSpec(
        "holidays",
        "show or set the public holidays you take off",
        ("holidays", "holidays <country[-region]>", "holidays none"),
        ("holidays DE-BY", "holidays NG", "holidays none"),
        aliases=("holiday",),
        group=_PERSONAL,
        dm_only=True,
    ),
    CommandSpec(
        "away",
        "declare time off (no prompts on those days)",
        ("away <from> [to]",),
        ("away tomorrow", "away 2026-12-24 2027-01-02", "away mon fri"),
        aliases=("vacation", "off"),
        group=_PERSONAL,
        dm_only=True,
    ),
    CommandSpec(
        "back",
        "end your time off early",
        ("back",),
        ("back",),
        group=_PERSONAL,
        dm_only=True,
        notes=("While you are answering, back re-asks the previous question instead.",),
    ),
    CommandSpec(
        "skip",
        "skip one day of your standups",
        ("skip [today|DATE]",),
        ("skip", "skip tomorrow", "skip 2026-05-01"),
        group=_PERSONAL,
        dm_only=True,
    ),
    CommandSpec(
        "restart",
        "answer today's standup again from the first question, also after skipping it",
        ("restart [name]",),
        ("restart", "restart retro"),
        group=_PERSONAL,
        dm_only=True,
        takes_standup_name=True,
    ),
    CommandSpec(
        "answer",
        "start answering now, also before the prompt",
        ("answer [name]",),
        ("answer", "answer retro"),
        group=_PERSONAL,
        dm_only=True,
        takes_standup_name=True,
    ),
    CommandSpec(
        "change",
        "replace one of today's answers",
        ("change <question number> <new answer>",),
        ("change 2 Reviewing the release notes",),
        group=_PERSONAL,
        dm_only=True,
        max_chars=MAX_MESSAGE_CHARS + 20,
        notes=("Editing your answer message in Zulip works too, while Zulip allows edits.",),
    ),
    CommandSpec(
        "my data",
        "show what is stored about you",
        ("my data",),
        ("my data",),
        group=_PERSONAL,
        dm_only=True,
    ),
    CommandSpec(
        "forget me",
        "delete everything stored about you (asks for confirmation)",
        ("forget me", "forget me confirm"),
        ("forget me",),
        group=_PERSONAL,
        dm_only=True,
    ),
    CommandSpec(
        "dashboard",
        "a one-time link that logs you in to the web dashboard",
        ("dashboard",),
        ("dashboard",),
        aliases=("web", "login"),
        group=_PERSONAL,
        dm_only=True,
        notes=(
            "The link works once, within 15 minutes; the dashboard shows what you may read in "
            "chat.",
        ),
    ),
    CommandSpec(
        "sessions",
        "log out of the web dashboard everywhere",
        ("sessions revoke",),
        ("sessions revoke",),
        group=_PERSONAL,
        dm_only=True,
        notes=("Links you were sent and did not use stop working too.",),
    ),
    CommandSpec(
        "token",
        "personal tokens for the REST API and the MCP server",
        ("token new [name]", "token list", "token revoke <name>"),
        ("token new ci-reports", "token list", "token revoke ci-reports"),
        aliases=("tokens",),
        group=_PERSONAL,
        dm_only=True,
        notes=(
            "A token is shown once and reads what you may read in chat; keep it secret.",
            "The API's description is at /api/v1/openapi.json on the dashboard's address.",
        ),
    ),
    CommandSpec(
        "blockers",
        "list open blockers",
        ("blockers [name]",),
        ("blockers",),
        group=_REPORTS,
        takes_standup_name=True,
    ),
    CommandSpec(
        "history",
        "past answers, for a date, a range or the last N days, optionally of one person",
        ("history [name] [DATE | FROM..TO | N days] [@user]",),
        ("history", "history 7 days", "history 2026-03-01..2026-03-31 @**Ada Lovelace**"),
        group=_REPORTS,
        takes_standup_name=True,
    ),
    CommandSpec(
        "search",
        "find answers containing words",
        ("search <words> [in #channel]",),
        ("search release", "search flaky test in #**backend**"),
        aliases=("find",),
        group=_REPORTS,
    ),
    CommandSpec(
        "stats",
        "participation, answer times, streaks and open blockers",
        ("stats [name] [N days]",),
        ("stats", "stats 90 days"),
        group=_REPORTS,
        takes_standup_name=True,
    ),
    CommandSpec(
        "chart",
        "post a participation chart",
        ("chart [name] [N days]",),
        ("chart", "chart 30 days"),
        group=_REPORTS,
        takes_standup_name=True,
    ),
    CommandSpec(
        "export",
        "send you a CSV or JSON file of answers",
        ("export [name] csv|json [DATE | FROM..TO | N days]",),
        ("export csv", "export json 30 days"),
        group=_REPORTS,
        takes_standup_name=True,
    ),
    CommandSpec(
        "help",
        "this list, or the details of one command",
        ("help", "help <command>", "help config <setting>"),
        ("help", "help config", "help away"),
        aliases=("?", "commands"),
        group="Help",
    ),
)


COMMAND_BY_WORD: dict[str, CommandSpec] = {
    word: spec for spec in COMMANDS for word in (spec.name, *spec.aliases)
}


def command_spec(name: str) -> CommandSpec:
    """The registry entry of a command by its name or alias (KeyError if unknown)."""
    return COMMAND_BY_WORD[name.lower()]


def closest(word: str, choices: list[str]) -> str | None:
    """The known word closest to a typo, or None when nothing is close."""
    matches = difflib.get_close_matches(word.lower()[:40], choices, n=1, cutoff=0.6)
    return matches[0] if matches else None


def closest_command(word: str) -> str | None:
    """The command name (not alias) closest to ``word``."""
    match = closest(word, list(COMMAND_BY_WORD))
    return COMMAND_BY_WORD[match].name if match else None


def closest_setting(word: str) -> str | None:
    """The setting name (not alias) closest to ``word``."""
    match = closest(word, list(SETTING_BY_WORD))
    return SETTING_BY_WORD[match].name if match else None


# Words that can never be a standup short name, so "status retro" and "status today" differ.
RESERVED_WORDS: frozenset[str] = frozenset(
    {word for name in COMMAND_BY_WORD for word in name.split()}
    | set(SETTING_BY_WORD)
    | set(DAY_WORDS)
    | set(values.MONTH_ABBREVIATIONS)
    | {
        "prompt", "reminder", "reminders", "cutoff", "until", "confirm", "list", "add",
        "remove", "sync", "csv", "json", "today", "tomorrow", "yesterday", "in", "from", "to",
        "days", "day", "weeks", "week", "all", "none", "on", "off", "default", "every",
        "daily", "weekly", "monthly", "me", "data", "the", "for",
    }
)  # fmt: skip
