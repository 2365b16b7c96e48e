"""The simulated standup day of a chaos run: when things fall due, the bounds they must
meet, and how people's messages are told apart."""

from __future__ import annotations

import datetime as dt
import re

RUN_DATE = dt.date(2026, 11, 30)  # a Monday
START = dt.datetime(2026, 11, 30, 5, 50, tzinfo=dt.UTC)
END = dt.datetime(2026, 11, 30, 10, 2, tzinfo=dt.UTC)
LAST_KILL = dt.datetime(2026, 11, 30, 9, 50, tzinfo=dt.UTC)
STEP = dt.timedelta(minutes=1)
PROMPT_LOCAL = "09:00"
REMINDER_LOCAL = "09:20"
CUTOFF = "09:40"  # team zone (UTC)
SETUP = f"@**Standup** setup prompt {PROMPT_LOCAL} reminder {REMINDER_LOCAL} cutoff {CUTOFF}"
# A prompt or digest must appear within this much simulated time of its due time, or of
# the restart that brought the bot back if it was down (or had just crashed) then.
LEASE_TTL = dt.timedelta(seconds=30)
BOUND = LEASE_TTL + dt.timedelta(seconds=60)
STEP_BOUND_S = 10.0  # real seconds a step may take to settle before it is a stall
MIN_KILLS = 20
PROMPT_MARK = "Time for"
REMINDER_MARK = "Friendly reminder"
DIGEST_MARK = "📋 **"
MISSING_LINE = re.compile(r"^\*\*Missing \((\d+)\):\*\* (.*)$", re.MULTILINE)
MENTION = re.compile(r"@_?\*\*([^*|]+)(?:\|(\d+))?\*\*")


def utc_at(zone: str, hhmm: str) -> dt.datetime:
    from zoneinfo import ZoneInfo

    hour, minute = (int(x) for x in hhmm.split(":"))
    local = dt.datetime.combine(RUN_DATE, dt.time(hour, minute), ZoneInfo(zone))
    return local.astimezone(dt.UTC)
