"""The grammar of ``config <setting> <value>``: one small parser per setting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from zulip_standup.domain import values
from zulip_standup.domain.commands import config_settings as cs
from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.commands.args import (
    ArgReader,
    ArgumentError,
    convert,
    parse_number,
    parse_switch,
    parse_users,
    shown,
)
from zulip_standup.domain.commands.registry import closest_setting
from zulip_standup.domain.commands.setting_registry import SETTING_BY_WORD, SETTINGS
from zulip_standup.domain.limits import MAX_QUESTION_CHARS, MAX_QUESTIONS, MAX_REMINDERS
from zulip_standup.domain.scheduling.schedule import DAY_WORDS
from zulip_standup.domain.webhooks.targets import BadWebhookUrl, parse_target

FREE_TEXT_SETTINGS = frozenset({"questions", "topic"})
_ORDINALS = {
    "first": 1, "1st": 1, "1": 1,
    "second": 2, "2nd": 2, "2": 2,
    "third": 3, "3rd": 3, "3": 3,
    "fourth": 4, "4th": 4, "4": 4,
    "last": -1,
}  # fmt: skip


def _usage(setting: str) -> tuple[str, ...]:
    return tuple(f"config [name] {line}" for line in SETTING_BY_WORD[setting].usage)


def parse_setting(args: ArgReader) -> ct.ConfigSetting:
    """Parse the setting word and its value; ArgumentError names what was wrong."""
    token = args.peek()
    if token is None:
        names = ", ".join(spec.name for spec in SETTINGS)
        raise ArgumentError(f"which setting? Settings: {names}. See help config")
    args.pop()
    spec = SETTING_BY_WORD.get(token.lower)
    if spec is None:
        guess = closest_setting(token.text)
        hint = f" (did you mean {guess}?)" if guess else ""
        raise ArgumentError(f"unknown setting {shown(token.text)}{hint}; see help config")
    parser = _PARSERS[spec.name]
    try:
        return parser(args, token.lower)
    except ArgumentError as exc:
        raise ArgumentError(str(exc), exc.usage or _usage(spec.name)) from None


def _time(args: ArgReader, setting: str) -> dt.time:
    text = args.rest_words()
    if not text:
        raise ArgumentError(f"{setting} needs a time; {values.TIME_FORM}")
    return convert(values.parse_wall_time, text)


def _prompt(args: ArgReader, word: str) -> ct.ConfigSetting:
    return ct.SetPrompt(_time(args, "prompt"))


def _cutoff(args: ArgReader, word: str) -> ct.ConfigSetting:
    return ct.SetCutoff(_time(args, "cutoff"))


def _reminders(args: ArgReader, word: str) -> ct.ConfigSetting:
    words = [token.text for token in args.remaining()]
    args.rest_words()
    if not words:
        raise ArgumentError(f"{word} needs a time, several times like 11:00,11:45, or none")
    if len(words) == 1 and words[0].lower() in {"none", "off"}:
        return ct.SetReminders(())
    times = sorted({convert(values.parse_wall_time, text) for text in words})
    if len(times) > MAX_REMINDERS:
        raise ArgumentError(f"at most {MAX_REMINDERS} reminders, got {len(times)}")
    return ct.SetReminders(tuple(times))


def _days(args: ArgReader, word: str) -> ct.ConfigSetting:
    return ct.SetDays(convert(values.parse_weekday_set, args.rest_words()))


def _frequency(args: ArgReader, word: str) -> ct.ConfigSetting:
    kind = args.require("the frequency: daily, weekly, every N weeks or monthly").lower
    if kind in {"daily", "weekly"} and args.at_end():
        return ct.SetFrequency("daily" if kind == "daily" else "weekly")
    if kind in {"biweekly", "fortnightly"}:
        return _every_weeks(args, 2, had_unit=True)
    if kind == "every":
        count = args.require("how many weeks, as in every 2 weeks")
        if count.lower in {"week", "weeks"}:
            return _every_weeks(args, 1, had_unit=True)
        interval = 2 if count.lower == "other" else parse_number(count.text, "weeks", 1, 52)
        return _every_weeks(args, interval)
    if kind == "monthly":
        ordinal_token = args.require("which week: first, second, third, fourth or last")
        ordinal = _ORDINALS.get(ordinal_token.lower)
        if ordinal is None:
            message = (
                f"bad week {shown(ordinal_token.text)}; use first, second, third, fourth or last"
            )
            raise ArgumentError(message)
        day_token = args.require("the weekday, as in monthly last fri")
        weekday = DAY_WORDS.get(day_token.lower)
        if weekday is None:
            raise ArgumentError(f"unknown day {shown(day_token.text)}; use mon, tue, ... sun")
        args.expect_end()
        return ct.SetFrequency("monthly", monthly_ordinal=ordinal, monthly_weekday=weekday)
    raise ArgumentError(
        f"unknown frequency {shown(kind)}; use daily, weekly, every N weeks or monthly"
    )


def _every_weeks(args: ArgReader, interval: int, *, had_unit: bool = False) -> ct.ConfigSetting:
    if not had_unit and not args.take_if("weeks", "week"):
        raise ArgumentError("write it as every N weeks, e.g. every 2 weeks")
    anchor = args.today
    if args.take_if("from", "starting"):
        text = args.rest_words()
        if not text:
            raise ArgumentError("missing the date after from")
        anchor = convert(lambda t: values.parse_date(t, args.today), text)
    args.expect_end()
    if interval == 1:
        return ct.SetFrequency("weekly")
    return ct.SetFrequency("weekly", interval_weeks=interval, anchor_date=anchor)


def _timezone(args: ArgReader, word: str) -> ct.ConfigSetting:
    text = args.rest_words()
    if not text:
        raise ArgumentError(f"timezone needs a zone; {values.ZONE_FORM}")
    return ct.SetTeamZone(convert(values.parse_zone, text))


def _choice(args: ArgReader, setting: str, choices: tuple[str, ...]) -> str:
    text = args.rest_words().lower()
    if text not in choices:
        given = f", not {shown(text)}" if text else ""
        raise ArgumentError(f"{setting} takes {' or '.join(choices)}{given}")
    return text


def _mode(args: ArgReader, word: str) -> ct.ConfigSetting:
    return ct.SetMode("local" if _choice(args, "mode", ("local", "team")) == "local" else "team")


def _style(args: ArgReader, word: str) -> ct.ConfigSetting:
    choice = _choice(args, "style", ("living", "digest", "live"))
    return ct.SetStyle(
        "living" if choice == "living" else "digest" if choice == "digest" else "live"
    )


def _mentions(args: ArgReader, word: str) -> ct.ConfigSetting:
    policy = _choice(args, "mentions", ("silent", "notify"))
    return ct.SetMentions("silent" if policy == "silent" else "notify")


def _holidays(args: ArgReader, word: str) -> ct.ConfigSetting:
    text = args.rest_words()
    if not text:
        raise ArgumentError(f"holidays needs a calendar; {values.REGION_FORM}")
    return ct.SetTeamHolidays(convert(values.parse_holiday_region, text))


def _date(args: ArgReader, word: str) -> dt.date:
    text = args.rest_words()
    if not text:
        raise ArgumentError(f"{word} needs a date; {values.DATE_FORM}")
    day = convert(lambda t: values.parse_date(t, args.today), text)
    if day < args.today:
        raise ArgumentError(f"{day.isoformat()} is in the past; give today or a later date")
    return day


def _skip(args: ArgReader, word: str) -> ct.ConfigSetting:
    return ct.SkipDate(_date(args, "skip"))


def _unskip(args: ArgReader, word: str) -> ct.ConfigSetting:
    return ct.UnskipDate(_date(args, "unskip"))


def _switch(kind: Callable[[bool], ct.ConfigSetting], name: str) -> _Parser:
    def parse(args: ArgReader, word: str) -> ct.ConfigSetting:
        return kind(parse_switch(args.rest_words(), name))

    return parse


def _question_text(text: str, label: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise ArgumentError(f"{label} is empty")
    if len(cleaned) > MAX_QUESTION_CHARS:
        message = f"{label} is {len(cleaned)} characters; at most {MAX_QUESTION_CHARS} are allowed"
        raise ArgumentError(message)
    return cleaned


def _questions(args: ArgReader, word: str) -> ct.ConfigSetting:
    action = args.require("what to do: set, add, remove, move, reset or blocker").lower
    if action == "set":
        text = args.rest_text()
        parts = text.split("|") if "|" in text else text.splitlines()
        if not text:
            raise ArgumentError("no questions given; separate them with |")
        if len(parts) > MAX_QUESTIONS:
            raise ArgumentError(f"at most {MAX_QUESTIONS} questions, got {len(parts)}")
        labels = [f"question {n}" for n in range(1, len(parts) + 1)]
        return ct.SetQuestions(tuple(map(_question_text, parts, labels)))
    if action == "add":
        return ct.AddQuestion(_question_text(args.rest_text(), "the question"))
    if action in {"remove", "delete"}:
        number = parse_number(
            args.require("the question number").text, "question", 1, MAX_QUESTIONS
        )
        args.expect_end()
        return ct.RemoveQuestion(number)
    if action == "move":
        first = parse_number(args.require("the question number").text, "question", 1, MAX_QUESTIONS)
        args.take_if("to")
        target = parse_number(args.require("the new position").text, "position", 1, MAX_QUESTIONS)
        args.expect_end()
        return ct.MoveQuestion(first, target)
    if action == "reset":
        args.expect_end()
        return ct.ResetQuestions()
    if action == "blocker":
        token = args.require("the blocker question number, or none")
        args.expect_end()
        if token.lower in {"none", "off", "0"}:
            return ct.SetBlockerQuestion(None)
        return ct.SetBlockerQuestion(parse_number(token.text, "question", 1, MAX_QUESTIONS))
    raise ArgumentError(f"unknown questions action {shown(action)}")


def _topic(args: ArgReader, word: str) -> ct.ConfigSetting:
    return ct.SetTopic(convert(values.parse_topic_template, args.rest_text()))


def _managers(args: ArgReader, word: str) -> ct.ConfigSetting:
    action = args.require("add or remove").lower
    if action not in {"add", "remove"}:
        raise ArgumentError(f"managers takes add or remove, not {shown(action)}")
    users = parse_users(args.remaining())
    args.rest_words()
    return ct.ChangeManagers("add" if action == "add" else "remove", users)


def _webhook_url(args: ArgReader) -> str:
    try:
        return parse_target(args.rest_text()).url
    except BadWebhookUrl as exc:
        raise ArgumentError(str(exc)) from None


def _webhook_id(token: str) -> int | None:
    return int(token) if token.isdigit() and len(token) < 10 else None


def _webhook(args: ArgReader, word: str) -> ct.ConfigSetting:
    action = (args.peek_lower() or "list").lower()
    if action not in {"add", "remove", "delete", "list", "log"}:
        raise ArgumentError(f"webhook takes add, remove, list or log, not {shown(action)}")
    args.take_if(action)
    if action == "add":
        return cs.AddWebhook(_webhook_url(args))
    if action in {"remove", "delete"}:
        token = args.require("the webhook's id or URL (`config webhook list` shows them)")
        if args.at_end() and (found := _webhook_id(token.text)) is not None:
            return cs.RemoveWebhook(webhook_id=found)
        args.position -= 1
        return cs.RemoveWebhook(url=_webhook_url(args))
    if action == "log":
        given = args.peek()
        if given is None:
            return cs.WebhookLog()
        found = _webhook_id(given.text)
        if found is None:
            raise ArgumentError(f"{shown(given.text)} is not a webhook id; ids are numbers")
        args.pop()
        args.expect_end()
        return cs.WebhookLog(found)
    args.expect_end()
    return cs.ListWebhooks()


_Parser = Callable[[ArgReader, str], ct.ConfigSetting]
_PARSERS: dict[str, _Parser] = {
    "prompt": _prompt,
    "reminders": _reminders,
    "cutoff": _cutoff,
    "days": _days,
    "frequency": _frequency,
    "timezone": _timezone,
    "mode": _mode,
    "holidays": _holidays,
    "skip": _skip,
    "unskip": _unskip,
    "away-status": _switch(ct.SetAwayStatus, "away-status"),
    "questions": _questions,
    "topic": _topic,
    "style": _style,
    "mentions": _mentions,
    "ai": _switch(ct.SetAi, "ai"),
    "rollup": _switch(ct.SetRollup, "rollup"),
    "managers": _managers,
    "sync": _switch(ct.SetSync, "sync"),
    "scheduled-messages": _switch(ct.SetScheduledMessages, "scheduled-messages"),
    "webhook": _webhook,
}

assert set(_PARSERS) == {spec.name for spec in SETTINGS}, "every setting needs a parser"
