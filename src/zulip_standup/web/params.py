"""Reading query and path values, once for the dashboard's pages and the API alike.

Strict on purpose: ``str.isdigit`` takes superscripts and other scripts' digits, and
``date.fromisoformat`` takes 20261130 and week dates; what is documented is ASCII digits
and YYYY-MM-DD within the days the product can compute with.
"""

from __future__ import annotations

import datetime as dt
import re

from zulip_standup.domain.limits import API_FIRST_DAY, API_LAST_DAY, MAX_RANGE_DAYS
from zulip_standup.domain.values import DateRange

_DIGITS = re.compile(r"[0-9]+")
_FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DATE_FORM = "give YYYY-MM-DD, e.g. 2026-03-31"
MAX_ID = 2**53 - 1  # ids beyond JSON's exact integers are not ids of ours


class BadParameter(ValueError):
    """A value that is not what the parameter takes; the message names it and the form."""


def whole(raw: str, low: int, high: int) -> int | None:
    """``raw`` as a number from ``low`` to ``high``, or None (also for more digits than
    ``high`` has: ``int`` refuses over 4,300)."""
    if not _DIGITS.fullmatch(raw) or len(raw) > len(str(high)):
        return None
    number = int(raw)
    return number if low <= number <= high else None


def number(name: str, raw: str, low: int, high: int) -> int:
    found = whole(raw, low, high)
    if found is None:
        msg = f"{name}={raw[:20]!r} is not a whole number from {low} to {high}"
        raise BadParameter(msg)
    return found


def day(name: str, raw: str) -> dt.date:
    """A day given as YYYY-MM-DD, within the days a look-back or a next day can reach."""
    try:
        found = dt.date.fromisoformat(raw) if _FULL_DATE.fullmatch(raw) else None
    except ValueError:
        found = None
    if found is None:
        msg = f"{name}={raw[:40]!r} is not a date; {DATE_FORM}"
        raise BadParameter(msg)
    if not API_FIRST_DAY <= found <= API_LAST_DAY:
        msg = f"{name}={found} is not a day from {API_FIRST_DAY} to {API_LAST_DAY}"
        raise BadParameter(msg)
    return found


def period(start: dt.date, end: dt.date) -> DateRange:
    """``start``..``end`` when it is a range the product reads (at most ``MAX_RANGE_DAYS``)."""
    if start > end:
        msg = f"from {start} is after to {end}"
        raise BadParameter(msg)
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        msg = f"a range spans at most {MAX_RANGE_DAYS:,} days"
        raise BadParameter(msg)
    return DateRange(start, end)


def text(name: str, raw: str, most: int) -> str:
    if len(raw) > most:
        msg = f"{name} holds at most {most} characters"
        raise BadParameter(msg)
    return raw
