"""Parsers of the commands every member uses: personal settings in a DM, history and reports."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from zulip_standup.domain import values
from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.commands.args import (
    NAME_FORM,
    ArgReader,
    ArgumentError,
    convert,
    future_date,
    parse_day_count,
    parse_number,
    shown,
    standup_name,
)
from zulip_standup.domain.commands.registry import RESERVED_WORDS
from zulip_standup.domain.limits import MAX_AWAY_DAYS, MAX_MESSAGE_CHARS, MAX_QUESTIONS
from zulip_standup.domain.scheduling.schedule import DAY_WORDS


def timezone(args: ArgReader) -> ct.Command:
    text = args.rest_words()
    if not text:
        return ct.Timezone()
    if text.lower() in {"default", "reset", "auto", "zulip"}:
        return ct.Timezone(reset=True)
    return ct.Timezone(convert(values.parse_zone, text))


def holidays(args: ArgReader) -> ct.Command:
    text = args.rest_words()
    if not text:
        return ct.Holidays(show=True)
    return ct.Holidays(convert(values.parse_holiday_region, text))


def away(args: ArgReader) -> ct.Command:
    words = [token.text for token in args.remaining()]
    args.rest_words()
    if not words:
        raise ArgumentError(f"missing the first day off; {values.DATE_FORM}")
    joined = " ".join(words)
    count = re.fullmatch(r"(?i)(\d{1,3})\s*(days?|d)", joined)
    if count is not None:
        number = int(count[1])
        if not 1 <= number <= MAX_AWAY_DAYS:
            raise ArgumentError(f"away for 1 to {MAX_AWAY_DAYS} days, not {number}")
        return ct.Away(args.today, args.today + dt.timedelta(days=number - 1))
    start, end = _date_pair(args, words)
    if end < start:
        raise ArgumentError(f"the last day {end} is before the first day {start}")
    if (end - start).days >= MAX_AWAY_DAYS:
        raise ArgumentError(f"away for at most {MAX_AWAY_DAYS} days at a time")
    return ct.Away(start, end)


def _date_pair(args: ArgReader, words: list[str]) -> tuple[dt.date, dt.date]:
    """One date, or two split at ``to``/``until``/``-``/``..`` or wherever both halves parse."""
    joined = " ".join(words)
    for separator in ("..", " to ", " until ", " till ", " - "):
        if separator in joined:
            first, _, second = joined.partition(separator)
            start = future_date(args, first, "the first day")
            return start, _end_date(args, second, start)
    try:
        day = future_date(args, joined, "the first day")
    except ArgumentError as single_error:
        for cut in range(1, len(words)):
            try:
                first_day = values.parse_date(" ".join(words[:cut]), args.today)
                second_day = values.parse_date(" ".join(words[cut:]), args.today)
            except ValueError:
                continue
            start = future_date(args, first_day.isoformat(), "the first day")
            return start, _end_date(args, " ".join(words[cut:]), start, second_day)
        raise single_error from None
    return day, day


def _end_date(args: ArgReader, text: str, start: dt.date, end: dt.date | None = None) -> dt.date:
    """The last day; a weekday name means the first such day on or after ``start``."""
    end = end or future_date(args, text, "the last day")
    if text.strip().lower() in DAY_WORDS:
        while end < start:
            end += dt.timedelta(days=7)
    return end


def skip(args: ArgReader) -> ct.Command:
    text = args.rest_words()
    return ct.Skip(future_date(args, text, "the date") if text else args.today)


def answer(args: ArgReader) -> ct.Command:
    token = args.peek()
    name = standup_name(args)
    if token is not None and name is None:
        raise ArgumentError(f"{shown(token.text)} is not a standup name; {NAME_FORM}")
    args.expect_end()
    return ct.Answer(name)


def change(args: ArgReader) -> ct.Command:
    token = args.require("the question number, as in change 2 <new answer>")
    number = parse_number(token.text, "the question number", 1, MAX_QUESTIONS)
    text = args.rest_text()
    if not text:
        raise ArgumentError(f"missing the new answer for question {number}")
    if len(text) > MAX_MESSAGE_CHARS:
        raise ArgumentError(
            f"the answer is {len(text):,} characters; at most {MAX_MESSAGE_CHARS:,}"
        )
    return ct.Change(number, text)


def forget_me(args: ArgReader) -> ct.Command:
    confirmed = args.take_if("confirm")
    args.expect_end()
    return ct.ForgetMe(confirmed)


def sessions(args: ArgReader) -> ct.Command:
    if not args.take_if("revoke"):
        raise ArgumentError("say what to do with your dashboard sessions: `revoke` ends them all")
    args.expect_end()
    return ct.Sessions()


TOKEN_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
TOKEN_NAME_FORM = "a name is 1 to 32 lowercase letters, digits, - or _, e.g. ci-reports"  # noqa: S105
DEFAULT_TOKEN_NAME = "api"  # noqa: S105 (a label, not a secret)


def token(args: ArgReader) -> ct.Command:
    action = args.peek_lower()
    if action not in {"new", "list", "revoke"}:
        shown_action = "nothing" if action is None else shown(args.pop().text)
        raise ArgumentError(f"new, list or revoke, not {shown_action}")
    args.pop()
    if action == "list":
        args.expect_end()
        return ct.TokenList()
    if action == "new" and args.at_end():
        return ct.TokenNew(DEFAULT_TOKEN_NAME)
    name = args.require("the token's name").text
    args.expect_end()
    if not TOKEN_NAME.fullmatch(name):
        raise ArgumentError(f"{shown(name)} is not a token name; {TOKEN_NAME_FORM}")
    return ct.TokenNew(name) if action == "new" else ct.TokenRevoke(name)


def history(args: ArgReader) -> ct.Command:
    name = standup_name(args)
    rest = args.remaining()
    args.rest_words()
    people = [token for token in rest if values.looks_like_user_ref(token.text)]
    if len(people) > 1:
        raise ArgumentError("name one person at a time")
    user = convert(values.parse_user_ref, people[0].text) if people else None
    range_text = " ".join(token.text for token in rest if token not in people)
    dates = (
        convert(lambda t: values.parse_date_range(t, args.today), range_text)
        if range_text
        else None
    )
    return ct.History(name, dates, user)


def search(args: ArgReader) -> ct.Command:
    words = args.rest_text()
    if not words:
        raise ArgumentError("missing the words to search for")
    if len(words) > 200:
        raise ArgumentError(f"search for at most 200 characters, not {len(words)}")
    return ct.Search(words)


def days_command(
    kind: Callable[[str | None, int | None], ct.Command],
) -> Callable[[ArgReader], ct.Command]:
    def parse(args: ArgReader) -> ct.Command:
        name = standup_name(args)
        return kind(name, parse_day_count(args.rest_words()))

    return parse


def export(args: ArgReader) -> ct.Command:
    name = args.optional_name(RESERVED_WORDS, frozenset({"csv", "json"}), alone=False)
    token = args.require("the format: csv or json")
    if token.lower not in {"csv", "json"}:
        raise ArgumentError(f"export as csv or json, not {shown(token.text)}")
    range_text = args.rest_words()
    dates = (
        convert(lambda t: values.parse_date_range(t, args.today), range_text)
        if range_text
        else None
    )
    return ct.Export("csv" if token.lower == "csv" else "json", name, dates)
