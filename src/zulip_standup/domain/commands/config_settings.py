"""The typed config settings: one frozen dataclass per ``config <setting>`` form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from zulip_standup.domain.values import HolidayRegion, UserRef


@dataclass(frozen=True, slots=True)
class SetPrompt:
    """``config prompt HH:MM``."""

    time: dt.time


@dataclass(frozen=True, slots=True)
class SetReminders:
    """``config reminders HH:MM[,HH:MM...]`` or ``reminder HH:MM``; ``none`` gives ``()``."""

    times: tuple[dt.time, ...]


@dataclass(frozen=True, slots=True)
class SetCutoff:
    """``config cutoff HH:MM``: when the digest is posted."""

    time: dt.time


@dataclass(frozen=True, slots=True)
class SetDays:
    """``config days <weekday set>`` (0 = Monday)."""

    days: frozenset[int]


FrequencyKind = Literal["daily", "weekly", "monthly"]


@dataclass(frozen=True, slots=True)
class SetFrequency:
    """``config frequency daily|weekly|every N weeks [from DATE]|monthly <ordinal> <weekday>``.

    ``every N weeks`` is weekly with ``interval_weeks=N`` counted from the
    week of ``anchor_date`` (today when not given). Monthly has an ordinal
    1..4 or -1 (last) and one weekday.
    """

    kind: FrequencyKind
    interval_weeks: int = 1
    anchor_date: dt.date | None = None
    monthly_ordinal: int | None = None
    monthly_weekday: int | None = None


@dataclass(frozen=True, slots=True)
class SetTeamZone:
    """``config timezone <Zone>``: the team zone (cutoff, day boundaries)."""

    zone: str


@dataclass(frozen=True, slots=True)
class SetMode:
    """``config mode local|team``: prompts at each person's local time or the team's."""

    mode: Literal["local", "team"]


@dataclass(frozen=True, slots=True)
class SetTeamHolidays:
    """``config holidays <CC[-SUB]>|none``."""

    region: HolidayRegion | None


@dataclass(frozen=True, slots=True)
class SkipDate:
    """``config skip DATE``: no run on that date."""

    date: dt.date


@dataclass(frozen=True, slots=True)
class UnskipDate:
    """``config unskip DATE``."""

    date: dt.date


@dataclass(frozen=True, slots=True)
class SetAwayStatus:
    """``config away-status on|off``: treat people with Zulip's away status as away."""

    enabled: bool


@dataclass(frozen=True, slots=True)
class SetQuestions:
    """``config questions set q1 | q2 | ...``."""

    questions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AddQuestion:
    """``config questions add <text>``."""

    text: str


@dataclass(frozen=True, slots=True)
class RemoveQuestion:
    """``config questions remove N``."""

    number: int


@dataclass(frozen=True, slots=True)
class MoveQuestion:
    """``config questions move N M``: question N becomes question M."""

    number: int
    to_number: int


@dataclass(frozen=True, slots=True)
class ResetQuestions:
    """``config questions reset``: back to the default questions."""


@dataclass(frozen=True, slots=True)
class SetBlockerQuestion:
    """``config questions blocker N|none``: which question collects blockers."""

    number: int | None


@dataclass(frozen=True, slots=True)
class SetTopic:
    """``config topic <template>`` with ``{date}``-style placeholders, validated."""

    template: str


@dataclass(frozen=True, slots=True)
class SetStyle:
    """``config style living|digest|live``."""

    style: Literal["living", "digest", "live"]


@dataclass(frozen=True, slots=True)
class SetMentions:
    """``config mentions silent|notify``: how people are mentioned in reports."""

    policy: Literal["silent", "notify"]


@dataclass(frozen=True, slots=True)
class SetAi:
    """``config ai on|off``: the AI summary in the digest."""

    enabled: bool


@dataclass(frozen=True, slots=True)
class SetRollup:
    """``config rollup on|off``: a weekly roll-up post with a participation chart."""

    enabled: bool


@dataclass(frozen=True, slots=True)
class ChangeManagers:
    """``config managers add|remove @user...``."""

    action: Literal["add", "remove"]
    users: tuple[UserRef, ...]


@dataclass(frozen=True, slots=True)
class SetSync:
    """``config sync on|off``: keep participants in sync with the channel's subscribers."""

    enabled: bool


@dataclass(frozen=True, slots=True)
class SetScheduledMessages:
    """``config scheduled-messages on|off``: hand prompts to Zulip ahead of time."""

    enabled: bool


@dataclass(frozen=True, slots=True)
class AddWebhook:
    """``config webhook add <https-url>``: the URL checked for form (its host is checked
    when the webhook is added)."""

    url: str


@dataclass(frozen=True, slots=True)
class RemoveWebhook:
    """``config webhook remove <url|id>``."""

    webhook_id: int | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class ListWebhooks:
    """``config webhook list``."""


@dataclass(frozen=True, slots=True)
class WebhookLog:
    """``config webhook log [id]``: the latest deliveries (of one webhook, or of all)."""

    webhook_id: int | None = None


WebhookSetting = AddWebhook | RemoveWebhook | ListWebhooks | WebhookLog
WEBHOOK_SETTINGS = (AddWebhook, RemoveWebhook, ListWebhooks, WebhookLog)

ConfigSetting = (
    SetPrompt
    | SetReminders
    | SetCutoff
    | SetDays
    | SetFrequency
    | SetTeamZone
    | SetMode
    | SetTeamHolidays
    | SkipDate
    | UnskipDate
    | SetAwayStatus
    | SetQuestions
    | AddQuestion
    | RemoveQuestion
    | MoveQuestion
    | ResetQuestions
    | SetBlockerQuestion
    | SetTopic
    | SetStyle
    | SetMentions
    | SetAi
    | SetRollup
    | ChangeManagers
    | SetSync
    | SetScheduledMessages
    | WebhookSetting
)
