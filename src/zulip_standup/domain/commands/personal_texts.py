"""Replies to a person's own settings and steps: time zone, holidays, time off, skip,
restart, answer and change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence


def timezone_shown(effective: str, override: str | None, profile: str | None) -> str:
    source = (
        "set with `timezone`"
        if override
        else "from your Zulip profile"
        if profile
        else "the team's"
    )
    return (
        f"Your standup time zone is **{effective}** ({source}). "
        "Change it with `timezone Europe/Berlin`, or `timezone reset` to follow Zulip."
    )


def timezone_set(zone: str | None) -> str:
    if zone is None:
        return "Your standup time zone follows your Zulip profile again."
    return (
        f"Your standups now use **{zone}** for your prompts, and for what "
        "today and tomorrow mean in your commands."
    )


def holidays_shown(region: str | None) -> str:
    if region is None:
        return "You have no personal holiday region. Set one with `holidays DE-BY`."
    return f"Your personal holiday region is **{region}**; `holidays none` removes it."


def holidays_set(region: str | None) -> str:
    if region is None:
        return "Your personal holiday region is removed."
    return f"You won't be prompted on public holidays of **{region}**."


def away_set(start: dt.date, end: dt.date) -> str:
    if start == end:
        return f"You are off on {start:%A %d %B}; no prompts that day."
    return f"You are off from {start:%A %d %B} to {end:%A %d %B}; no prompts then."


def _days_off(start: dt.date, end: dt.date) -> str:
    return f"{start:%A %d %B}" if start == end else f"{start:%A %d %B} to {end:%A %d %B}"


def back_done(changed: int, kept: Sequence[tuple[dt.date, dt.date]] = ()) -> str:
    """Reply to ``back``: the current time off ends; planned later time off stays."""
    if changed:
        done = "Welcome back! Your current time off is ended and prompts resume."
    elif kept:
        done = "You are not on time off today, so nothing changed now."
    else:
        return "You had no time off planned, so nothing changed."
    if not kept:
        return done
    periods = "; ".join(_days_off(start, end) for start, end in kept)
    return f"{done} Your planned time off stays: {periods}."


def nothing_to_restart() -> str:
    return (
        "You have no standup today that you skipped or answered, so there is nothing "
        "to restart. `answer` starts today's standup."
    )


def restart_which(names: Sequence[str]) -> str:
    choices = " or ".join(f"`restart {name}`" for name in names)
    return f"You have more than one standup today; say which one to restart: {choices}."


def nothing_to_skip(day: dt.date) -> str:
    return f"You have no standup on {day:%A %d %B}."


def not_taking_part(standup: str, full_name: str) -> str:
    """``answer`` for a standup the person is not a participant of."""
    return (
        f"You are not a participant of **{standup}**; a manager can add you with "
        f"`participants add @**{full_name}**`."
    )


def nothing_to_change() -> str:
    return "You have no answers today to change. `answer` starts today's standup."
