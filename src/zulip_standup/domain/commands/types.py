"""The typed result of parsing a command: one frozen dataclass per command and per config setting.

A ``standup`` field is the optional short name that picks one of several
standups in a channel (``None`` = the channel's only standup). Question
numbers are 1-based, as people type them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from zulip_standup.domain.commands.config_settings import (
    AddQuestion,
    ChangeManagers,
    ConfigSetting,
    FrequencyKind,
    MoveQuestion,
    RemoveQuestion,
    ResetQuestions,
    SetAi,
    SetAwayStatus,
    SetBlockerQuestion,
    SetCutoff,
    SetDays,
    SetFrequency,
    SetMentions,
    SetMode,
    SetPrompt,
    SetQuestions,
    SetReminders,
    SetRollup,
    SetScheduledMessages,
    SetStyle,
    SetSync,
    SetTeamHolidays,
    SetTeamZone,
    SetTopic,
    SkipDate,
    UnskipDate,
)
from zulip_standup.domain.values import ChannelRef, DateRange, HolidayRegion, UserRef

__all__ = [
    "AddQuestion",
    "Answer",
    "Away",
    "Back",
    "Blockers",
    "Change",
    "ChangeManagers",
    "Chart",
    "Command",
    "CommandError",
    "Config",
    "ConfigSetting",
    "Dashboard",
    "Delete",
    "Export",
    "ForgetMe",
    "FrequencyKind",
    "Help",
    "History",
    "Holidays",
    "MoveQuestion",
    "MyData",
    "ParseResult",
    "ParsedCommand",
    "Participants",
    "Pause",
    "RemoveQuestion",
    "Rename",
    "ResetQuestions",
    "Restart",
    "Resume",
    "Search",
    "Sessions",
    "SetAi",
    "SetAwayStatus",
    "SetBlockerQuestion",
    "SetCutoff",
    "SetDays",
    "SetFrequency",
    "SetMentions",
    "SetMode",
    "SetPrompt",
    "SetQuestions",
    "SetReminders",
    "SetRollup",
    "SetScheduledMessages",
    "SetStyle",
    "SetSync",
    "SetTeamHolidays",
    "SetTeamZone",
    "SetTopic",
    "Setup",
    "Skip",
    "SkipDate",
    "Stats",
    "Status",
    "Test",
    "Timezone",
    "TokenList",
    "TokenNew",
    "TokenRevoke",
    "UnskipDate",
]

# --- commands ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Help:
    """``help [command [setting]]``; ``topic`` is None, ``"config"``, ``"config prompt"``..."""

    topic: str | None = None


@dataclass(frozen=True, slots=True)
class Setup:
    """``setup [name] [prompt HH:MM] [reminder HH:MM] [cutoff HH:MM] [timezone Zone]``.

    None = not given: a new standup takes the operator's defaults (times left out
    keep their default distance from a given prompt), an existing one keeps its own.
    """

    standup: str | None = None
    prompt: dt.time | None = None
    reminder: dt.time | None = None
    cutoff: dt.time | None = None
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class Status:
    """``status [name]``."""

    standup: str | None = None


@dataclass(frozen=True, slots=True)
class Config:
    """``config [name] <setting> <args>``."""

    setting: ConfigSetting
    standup: str | None = None


@dataclass(frozen=True, slots=True)
class Pause:
    """``pause [name] [until DATE]``; ``until`` is the first day it runs again."""

    standup: str | None = None
    until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Resume:
    """``resume [name]``."""

    standup: str | None = None


@dataclass(frozen=True, slots=True)
class Delete:
    """``delete [name]`` asks; ``delete [name] confirm`` deletes."""

    standup: str | None = None
    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class Participants:
    """``participants [name] [list|add @user...|remove @user...|sync]``."""

    action: Literal["list", "add", "remove", "sync"] = "list"
    users: tuple[UserRef, ...] = ()
    standup: str | None = None


@dataclass(frozen=True, slots=True)
class Rename:
    """``rename [name] <new name>``: ``standup`` is the current name (None = the only one)."""

    new_name: str
    standup: str | None = None


@dataclass(frozen=True, slots=True)
class Timezone:
    """``timezone`` (show), ``timezone <Zone>`` (set), ``timezone default`` (use Zulip's)."""

    zone: str | None = None
    reset: bool = False


@dataclass(frozen=True, slots=True)
class Holidays:
    """``holidays`` (show), ``holidays <CC[-SUB]>`` (set) or ``holidays none`` (clear)."""

    region: HolidayRegion | None = None
    show: bool = False


@dataclass(frozen=True, slots=True)
class Away:
    """``away <from> [to]``: inclusive dates off."""

    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class Back:
    """``back``: end an away period early (while answering, ``back`` re-asks instead)."""


@dataclass(frozen=True, slots=True)
class Skip:
    """``skip [today|DATE]``: skip one day of one's standups."""

    date: dt.date


@dataclass(frozen=True, slots=True)
class Restart:
    """``restart [name]``: answer today's skipped or finished standup again from question 1."""

    standup: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """``answer [name]``: start answering now, also ahead of the prompt."""

    standup: str | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """``change <question number> <text>``: replace a stored answer of today."""

    number: int
    text: str


@dataclass(frozen=True, slots=True)
class MyData:
    """``my data``: what is stored about the asker."""


@dataclass(frozen=True, slots=True)
class ForgetMe:
    """``forget me`` asks; ``forget me confirm`` deletes the asker's data."""

    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class Dashboard:
    """``dashboard``: a one-time link that logs the asker in to the web dashboard."""


@dataclass(frozen=True, slots=True)
class Sessions:
    """``sessions revoke``: end every dashboard session of the asker."""


@dataclass(frozen=True, slots=True)
class TokenNew:
    """``token new [name]``: a personal API token, shown once."""

    name: str


@dataclass(frozen=True, slots=True)
class TokenList:
    """``token list``: the asker's API tokens, by name (never the tokens themselves)."""


@dataclass(frozen=True, slots=True)
class TokenRevoke:
    """``token revoke <name>``: delete one of the asker's API tokens."""

    name: str


@dataclass(frozen=True, slots=True)
class Test:
    """``test [name]``: a prompt now that is not recorded as a real run."""

    standup: str | None = None


@dataclass(frozen=True, slots=True)
class Blockers:
    """``blockers [name]``: open blockers of a standup."""

    standup: str | None = None


@dataclass(frozen=True, slots=True)
class History:
    """``history [name] [DATE | FROM..TO | N days] [@user]``; None range = app default."""

    standup: str | None = None
    dates: DateRange | None = None
    user: UserRef | None = None


@dataclass(frozen=True, slots=True)
class Search:
    """``search <words> [in #channel]``; the channel is on the envelope."""

    words: str


@dataclass(frozen=True, slots=True)
class Stats:
    """``stats [name] [N days]``; None days = app default."""

    standup: str | None = None
    days: int | None = None


@dataclass(frozen=True, slots=True)
class Chart:
    """``chart [name] [N days]``."""

    standup: str | None = None
    days: int | None = None


@dataclass(frozen=True, slots=True)
class Export:
    """``export [name] csv|json [range]``."""

    format: Literal["csv", "json"]
    standup: str | None = None
    dates: DateRange | None = None


Command = (
    Help
    | Setup
    | Status
    | Config
    | Pause
    | Resume
    | Delete
    | Participants
    | Rename
    | Timezone
    | Holidays
    | Away
    | Back
    | Skip
    | Restart
    | Answer
    | Change
    | MyData
    | ForgetMe
    | Dashboard
    | Sessions
    | TokenNew
    | TokenList
    | TokenRevoke
    | Test
    | Blockers
    | History
    | Search
    | Stats
    | Chart
    | Export
)


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    """A command plus the channel it was addressed to (a ``#**channel**`` argument), if any."""

    command: Command
    channel: ChannelRef | None = None


@dataclass(frozen=True, slots=True)
class CommandError:
    """Why a text is not a valid command, with the correct form to show.

    ``command`` is the recognised command name (None when the command word
    itself is unknown, so the app can treat the text as something else, e.g.
    an answer); ``suggestion`` is the closest known command for a typo.
    """

    message: str
    usage: str = ""
    command: str | None = None
    suggestion: str | None = None

    @property
    def text(self) -> str:
        """The whole reply: the problem, then the correct form."""
        return f"{self.message}\n{self.usage}" if self.usage else self.message


ParseResult = ParsedCommand | CommandError
