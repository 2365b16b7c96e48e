"""Replies about which standup is which: its name (``rename``) and its team time zone."""

from __future__ import annotations

from typing import Literal

from zulip_standup.domain.reports.sanitize import plain_name
from zulip_standup.domain.standup import Standup

ZoneSource = Literal["default", "given", "kept"]
_ZONE_SOURCES: dict[ZoneSource, str] = {
    "default": "the bot's default for new standups",
    "given": "as given to setup",
    "kept": "unchanged",
}


def team_zone_line(zone: str, source: ZoneSource) -> str:
    """The setup reply's line saying which team zone is used, why, and how to change it."""
    return (
        f"- **Team time zone**: {zone} ({_ZONE_SOURCES[source]}); the report time and the "
        "standup's days follow it. Change it with `config timezone <Zone>`, "
        "e.g. `config timezone Europe/Berlin`."
    )


def guests_cannot_create() -> str:
    """``setup`` by a guest where the channel has no standup yet."""
    return "Guests can't create standups; ask a member of the channel or an administrator."


def renamed(old: str, standup: Standup, topic: str) -> str:
    """``rename`` done: the new name, how to address it, and where its reports go."""
    new = standup.name
    return (
        f"Renamed **{old}** in #**{plain_name(standup.stream_name)}** to **{new}**. "
        f"Address it by its new name, e.g. `status {new}`; from now on its reports go to "
        f"topics like `{topic}`."
    )


def already_named(standup: Standup) -> str:
    """``rename`` to the name it already has."""
    return (
        f"The standup in #**{plain_name(standup.stream_name)}** is already called "
        f"**{standup.name}**; nothing was changed."
    )


def name_taken(standup: Standup, new: str) -> str:
    """``rename`` to a name another standup of the channel uses."""
    return (
        f"#**{plain_name(standup.stream_name)}** already has a standup called `{new}`; "
        f"pick a name no other standup there uses: `rename {standup.name} <new name>`."
    )
