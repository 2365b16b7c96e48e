"""Small value parsers for command arguments: times, dates, ranges, zones, regions, days, people.

Every parser returns a value or raises ``ValueError`` whose message names the
bad input and shows the accepted form, so a command error can be shown as is.
Dates are relative to a ``today`` the caller passes in; nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import zoneinfo
from dataclasses import dataclass

from zulip_standup.domain.limits import MAX_RANGE_DAYS, MAX_TOPIC_CHARS
from zulip_standup.domain.scheduling.schedule import (
    DAY_WORDS,
    format_weekdays,
    parse_weekdays,
)

TIME_FORM = "write a time like 09:30, 9:30, 9am or 5:30pm"
DATE_FORM = "write a date like 2026-03-14, today, tomorrow, fri or 14 Mar"
RANGE_FORM = "write a range like 2026-03-01..2026-03-14, 7 days, 2 weeks or a single date"
ZONE_FORM = "use an IANA zone name like Europe/Berlin, America/New_York or UTC"
REGION_FORM = "use a country code like US, DE or NG, a subdivision like DE-BY or GB-SCT, or none"
USER_FORM = "mention a person like @**Full Name** (type @ and pick the name) or give their email"
CHANNEL_FORM = "name a channel like #**standup** (type # and pick the channel)"

MONTH_ABBREVIATIONS = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
)  # fmt: skip
NO_REGION_WORDS = frozenset({"none", "off", "no", "-"})

_MONTH_WORDS: dict[str, int] = {
    **{abbr: i + 1 for i, abbr in enumerate(MONTH_ABBREVIATIONS)},
    "sept": 9,
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
_TIME_24_RE = re.compile(r"(\d{1,2})[:.h](\d{2})")
_TIME_12_RE = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\.?")
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_MONTH_RE = re.compile(r"(\d{1,2})\s*([a-z]+)\.?|([a-z]+)\.?\s*(\d{1,2})")
_COUNT_RE = re.compile(r"(\d{1,5})\s*(d|days?|w|weeks?)")
_USER_MENTION_RE = re.compile(r"@_?\*\*([^*]+)\*\*")
_CHANNEL_RE = re.compile(r"#\*\*([^*>]+)(?:>([^*]*))?\*\*")
_EMAIL_RE = re.compile(r"[^@\s<>()\[\]*`]+@[^@\s<>()\[\]*`]+\.[^@\s<>()\[\]*`]+")
_SHOW_LIMIT = 40


def _shown(text: str) -> str:
    """The user's input, quoted and cut short, for error messages."""
    cleaned = text.strip()
    if len(cleaned) > _SHOW_LIMIT:
        cleaned = cleaned[: _SHOW_LIMIT - 1] + "…"
    return f"'{cleaned}'"


def parse_wall_time(text: str) -> dt.time:
    """Parse ``09:30``, ``9:30``, ``9am`` or ``5:30pm`` into a naive wall time."""
    cleaned = text.strip().lower()
    match = _TIME_24_RE.fullmatch(cleaned)
    if match is not None:
        hour, minute = int(match[1]), int(match[2])
        if hour <= 23 and minute <= 59:
            return dt.time(hour, minute)
    match = _TIME_12_RE.fullmatch(cleaned)
    if match is not None:
        hour, minute = int(match[1]), int(match[2] or 0)
        if 1 <= hour <= 12 and minute <= 59:
            hour = hour % 12 + (12 if match[3] == "p" else 0)
            return dt.time(hour, minute)
    msg = f"bad time {_shown(text)}; {TIME_FORM}"
    raise ValueError(msg)


def format_wall_time(value: dt.time) -> str:
    """The 24-hour form ``parse_wall_time`` reads back."""
    return value.strftime("%H:%M")


def parse_date(text: str, today: dt.date, *, past: bool = False) -> dt.date:
    """Parse a date relative to ``today``.

    ``YYYY-MM-DD``, ``today``, ``tomorrow``, ``yesterday``; a weekday name is the
    next such day after today (the latest one before today when ``past``);
    ``14 Mar`` / ``Mar 14`` is the next such date from today on (the latest up
    to today when ``past``).
    """
    cleaned = " ".join(text.strip().lower().split())
    relative = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if cleaned in relative:
        return today + dt.timedelta(days=relative[cleaned])
    if cleaned in DAY_WORDS:
        target = DAY_WORDS[cleaned]
        if past:
            back = (today.weekday() - target - 1) % 7 + 1
            return today - dt.timedelta(days=back)
        ahead = (target - today.weekday() - 1) % 7 + 1
        return today + dt.timedelta(days=ahead)
    match = _ISO_DATE_RE.fullmatch(cleaned)
    if match is not None:
        return _checked_date(int(match[1]), int(match[2]), int(match[3]), text)
    match = _DAY_MONTH_RE.fullmatch(cleaned)
    if match is not None:
        day_text, month_word = (match[1], match[2]) if match[1] else (match[4], match[3])
        month = _MONTH_WORDS.get(month_word)
        if month is not None:
            return _day_month(int(day_text), month, today, past, text)
    msg = f"bad date {_shown(text)}; {DATE_FORM}"
    raise ValueError(msg)


def _checked_date(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        msg = f"{_shown(text)} is not a real date; {DATE_FORM}"
        raise ValueError(msg) from None


def _day_month(day: int, month: int, today: dt.date, past: bool, text: str) -> dt.date:
    """The nearest real ``day month`` in the wanted direction (29 Feb skips to a leap year)."""
    step = -1 if past else 1
    for offset in range(9):
        year = today.year + step * offset
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            if not 1 <= day <= 31:
                break
            continue
        if (candidate <= today) if past else (candidate >= today):
            return candidate
    msg = f"{_shown(text)} is not a real date; {DATE_FORM}"
    raise ValueError(msg)


def format_date(value: dt.date) -> str:
    """The ISO form every date parser reads back."""
    return value.isoformat()


@dataclass(frozen=True, slots=True)
class DateRange:
    """An inclusive range of calendar dates."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """How many dates the range covers."""
        return (self.end - self.start).days + 1


def parse_date_range(text: str, today: dt.date) -> DateRange:
    """Parse ``FROM..TO``, ``N days``/``N weeks`` (ending today) or one date (all in the past)."""
    cleaned = " ".join(text.strip().lower().split())
    count = _COUNT_RE.fullmatch(cleaned)
    if count is not None:
        number = int(count[1]) * (7 if count[2].startswith("w") else 1)
        if not 1 <= number <= MAX_RANGE_DAYS:
            msg = f"{_shown(text)} is out of range; use 1 to {MAX_RANGE_DAYS} days"
            raise ValueError(msg)
        return DateRange(today - dt.timedelta(days=number - 1), today)
    if ".." in cleaned:
        first, _, second = cleaned.partition("..")
        try:
            start = parse_date(first, today, past=True)
            end = parse_date(second, today, past=True) if second.strip() else today
        except ValueError as exc:
            msg = f"bad range {_shown(text)}: {exc}; {RANGE_FORM}"
            raise ValueError(msg) from None
        if end < start:
            msg = f"range {_shown(text)} ends before it starts; write the earlier date first"
            raise ValueError(msg)
        if (end - start).days >= MAX_RANGE_DAYS:
            msg = f"range {_shown(text)} is longer than {MAX_RANGE_DAYS} days"
            raise ValueError(msg)
        return DateRange(start, end)
    try:
        day = parse_date(cleaned, today, past=True)
    except ValueError:
        msg = f"bad range {_shown(text)}; {RANGE_FORM}"
        raise ValueError(msg) from None
    return DateRange(day, day)


@functools.cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def parse_zone(text: str) -> str:
    """The canonical IANA zone name for ``text``, matched case-insensitively."""
    cleaned = text.strip().replace(" ", "_")
    known = _zones_by_folded_name()
    canonical = known.get(cleaned.casefold())
    if canonical is not None:
        return canonical
    close = difflib.get_close_matches(cleaned.casefold(), list(known), n=1, cutoff=0.75)
    hint = f" (did you mean {known[close[0]]}?)" if close else ""
    msg = f"unknown time zone {_shown(text)}{hint}; {ZONE_FORM}"
    raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class HolidayRegion:
    """A public-holiday calendar the `holidays` library knows: a country and maybe a subdivision."""

    country: str
    subdivision: str | None = None

    @property
    def code(self) -> str:
        """The code as written back to people, e.g. ``DE-BY``."""
        return self.country if self.subdivision is None else f"{self.country}-{self.subdivision}"


@functools.cache
def _supported_regions() -> dict[str, tuple[str, ...]]:
    # Imported at first use, as in scheduling.holidays_calendar: most processes never ask.
    import holidays  # noqa: PLC0415

    return {code: tuple(subs) for code, subs in holidays.list_supported_countries().items()}


def parse_holiday_region(text: str) -> HolidayRegion | None:
    """Parse ``US``, ``de-by``, ``GB-SCT`` or ``none`` (None) against the `holidays` library."""
    cleaned = text.strip()
    if cleaned.lower() in NO_REGION_WORDS:
        return None
    country, _, subdivision = cleaned.partition("-")
    country = country.strip().upper()
    supported = _supported_regions()
    if country not in supported:
        msg = f"unknown holiday country {_shown(country or text)}; {REGION_FORM}"
        raise ValueError(msg)
    if not subdivision.strip():
        if "-" in cleaned:
            msg = f"{_shown(text)} has a dash but no subdivision; {REGION_FORM}"
            raise ValueError(msg)
        return HolidayRegion(country)
    subs = supported[country]
    canonical = {sub.upper(): sub for sub in subs}.get(subdivision.strip().upper())
    if canonical is None:
        sample = ", ".join(subs[:8]) + (", ..." if len(subs) > 8 else "")
        known = f"its subdivisions include {sample}" if subs else f"{country} has no subdivisions"
        msg = f"unknown subdivision {_shown(subdivision)} of {country}; {known}"
        raise ValueError(msg)
    return HolidayRegion(country, canonical)


# Weekday sets have one parser, the schedule's; these names keep the grammar's vocabulary.
parse_weekday_set = parse_weekdays
format_weekday_set = format_weekdays


@dataclass(frozen=True, slots=True)
class UserRef:
    """A person named in a command: by mention (name, maybe id) or by email."""

    name: str | None
    user_id: int | None = None
    email: str | None = None


WILDCARD_NAMES = frozenset({"all", "everyone", "channel", "stream", "topic"})


def parse_user_ref(text: str) -> UserRef:
    """Parse ``@**Full Name**``, ``@**Full Name|12**``, ``@_**Name|12**`` or an email."""
    cleaned = text.strip()
    match = _USER_MENTION_RE.fullmatch(cleaned)
    if match is not None:
        name, bar, id_text = match[1].rpartition("|") if "|" in match[1] else (match[1], "", "")
        name = name.strip()
        if name.casefold() in WILDCARD_NAMES:
            msg = f"{_shown(text)} mentions everyone, not one person; {USER_FORM}"
            raise ValueError(msg)
        if bar and not id_text.strip().isdecimal():
            msg = f"bad user id in {_shown(text)}; {USER_FORM}"
            raise ValueError(msg)
        user_id = int(id_text) if bar else None
        if not name and user_id is None:
            msg = f"empty mention {_shown(text)}; {USER_FORM}"
            raise ValueError(msg)
        return UserRef(name or None, user_id)
    if re.fullmatch(r"@_?\*[^*]+\*", cleaned):
        msg = f"{_shown(text)} is a group mention; name one person at a time. {USER_FORM}"
        raise ValueError(msg)
    if _EMAIL_RE.fullmatch(cleaned) and not cleaned.startswith("@"):
        return UserRef(None, None, cleaned.lower())
    msg = f"cannot tell who {_shown(text)} is; {USER_FORM}"
    raise ValueError(msg)


def looks_like_user_ref(text: str) -> bool:
    """True for text in one of the user reference forms (valid or not), e.g. ``@**x**``."""
    cleaned = text.strip()
    return cleaned.startswith("@") or _EMAIL_RE.fullmatch(cleaned) is not None


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A channel named by a Zulip channel link, maybe with a topic."""

    name: str
    topic: str | None = None


def parse_channel_ref(text: str) -> ChannelRef:
    """Parse ``#**channel**`` or ``#**channel>topic**``."""
    match = _CHANNEL_RE.fullmatch(text.strip())
    if match is None or not match[1].strip():
        msg = f"cannot read the channel {_shown(text)}; {CHANNEL_FORM}"
        raise ValueError(msg)
    topic = match[2] if match[2] else None
    return ChannelRef(match[1].strip(), topic)


TOPIC_PLACEHOLDERS = ("date", "weekday", "name")
_TOPIC_WORST_CASE = {"date": "2026-12-31", "weekday": "Wednesday", "name": "x" * 32}
_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


def parse_topic_template(text: str) -> str:
    """Validate a report topic template: known ``{placeholders}``, one line, ≤ 60 chars expanded.

    The length is checked with the longest values (a 32-character standup
    name, ``Wednesday``) so every expansion fits Zulip's topic limit.
    """
    template = text.strip()
    if not template:
        msg = "the topic template is empty; write it like standup {date}"
        raise ValueError(msg)
    if "\n" in template or "\r" in template:
        msg = "a topic is one line; write it like standup {date}"
        raise ValueError(msg)
    for found in _PLACEHOLDER_RE.findall(template):
        if found not in TOPIC_PLACEHOLDERS:
            known = ", ".join("{" + name + "}" for name in TOPIC_PLACEHOLDERS)
            msg = f"unknown placeholder {{{found}}} in the topic; use {known}"
            raise ValueError(msg)
    if "{" in _PLACEHOLDER_RE.sub("", template) or "}" in _PLACEHOLDER_RE.sub("", template):
        msg = "unbalanced { or } in the topic; write placeholders like {date}"
        raise ValueError(msg)
    longest = expand_topic_template(template, **_TOPIC_WORST_CASE, limit=None)
    if len(longest) > MAX_TOPIC_CHARS:
        msg = (
            f"the topic can reach {len(longest)} characters; Zulip allows {MAX_TOPIC_CHARS}, "
            "so shorten the template"
        )
        raise ValueError(msg)
    return template


def expand_topic_template(
    template: str, *, date: str, weekday: str, name: str, limit: int | None = MAX_TOPIC_CHARS
) -> str:
    """Fill in a validated template; cut to ``limit`` characters as a last resort."""
    filled = {"date": date, "weekday": weekday, "name": name}
    expanded = _PLACEHOLDER_RE.sub(lambda m: filled.get(m[1], m[0]), template)
    return expanded if limit is None or len(expanded) <= limit else expanded[: limit - 1] + "…"
