"""The ``config`` settings as people see them in ``help config``: names, usage, examples."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """One ``config`` setting as people see it in ``help config``."""

    name: str
    summary: str
    usage: tuple[str, ...]
    examples: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("prompt", "when people are asked (their local time)", ("prompt HH:MM",),
                ("prompt 09:30",)),
    SettingSpec("reminders", "when people who have not answered are reminded",
                ("reminders HH:MM[,HH:MM...]", "reminders none"),
                ("reminders 11:00,11:45", "reminder 11:45"), aliases=("reminder",)),
    SettingSpec("cutoff", "when the digest is posted (team zone)", ("cutoff HH:MM",),
                ("cutoff 12:45",), aliases=("report", "digest")),
    SettingSpec("days", "the weekdays the standup runs", ("days <days>",),
                ("days weekdays", "days mon,wed,fri", "days mon-thu"), aliases=("weekdays",)),
    SettingSpec("frequency", "how often those days come round",
                ("frequency daily|weekly", "frequency every N weeks [from DATE]",
                 "frequency monthly first|second|third|fourth|last <weekday>"),
                ("frequency every 2 weeks from 2026-01-05", "frequency monthly last fri"),
                aliases=("freq",)),
    SettingSpec("timezone", "the team time zone (cutoff and day boundaries)",
                ("timezone <Zone>",), ("timezone Europe/Berlin",), aliases=("tz", "zone")),
    SettingSpec("mode", "prompt at each person's local time, or everyone at the team time",
                ("mode local|team",), ("mode local",)),
    SettingSpec("holidays", "the team's public holiday calendar",
                ("holidays <country[-region]>", "holidays none"), ("holidays US", "holidays DE-BY"),
                aliases=("holiday",)),
    SettingSpec("skip", "no standup on a date", ("skip DATE",), ("skip 2026-12-24",)),
    SettingSpec("unskip", "undo a skipped date", ("unskip DATE",), ("unskip 2026-12-24",)),
    SettingSpec("away-status", "treat people with Zulip's away status as away",
                ("away-status on|off",), ("away-status on",), aliases=("away",)),
    SettingSpec("questions", "the questions, and which one collects blockers",
                ("questions set <q1> | <q2> | ...", "questions add <text>", "questions remove N",
                 "questions move N M", "questions reset", "questions blocker N|none"),
                ("questions set Yesterday? | Today? | Blockers?", "questions blocker 3"),
                aliases=("question",)),
    SettingSpec("topic", "the report topic; placeholders {date}, {name}, {weekday}",
                ("topic <template>",), ("topic standup {date}", "topic {name} {weekday}")),
    SettingSpec("style", "living topic (per person + digest), digest only, or live only",
                ("style living|digest|live",), ("style digest",)),
    SettingSpec("mentions", "mention people silently in reports, or notify them",
                ("mentions silent|notify",), ("mentions silent",)),
    SettingSpec("ai", "add an AI summary to the digest", ("ai on|off",), ("ai on",)),
    SettingSpec("rollup", "post a weekly roll-up with a participation chart",
                ("rollup on|off",), ("rollup on",), aliases=("weekly",)),
    SettingSpec("managers", "people who may change this standup",
                ("managers add @user...", "managers remove @user..."),
                ("managers add @**Ada Lovelace**",), aliases=("manager",)),
    SettingSpec("sync", "keep participants in sync with the channel's members",
                ("sync on|off",), ("sync on",)),
    SettingSpec("scheduled-messages", "hand prompts to Zulip ahead of time",
                ("scheduled-messages on|off",), ("scheduled-messages on",),
                aliases=("scheduled",)),
    SettingSpec("webhook", "signed HTTPS calls to your tools when answers, blockers or the "
                "digest arrive (see docs/webhooks.md)",
                ("webhook add <https-url>", "webhook remove <url|id>", "webhook list",
                 "webhook log [id]"),
                ("webhook add https://ci.example.com/hooks/standup", "webhook log 2"),
                aliases=("webhooks",)),
)  # fmt: skip


SETTING_BY_WORD: dict[str, SettingSpec] = {
    word: spec for spec in SETTINGS for word in (spec.name, *spec.aliases)
}


def setting_spec(name: str) -> SettingSpec:
    """The registry entry of a config setting by its name or alias (KeyError if unknown)."""
    return SETTING_BY_WORD[name.lower()]
