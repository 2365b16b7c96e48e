"""A person's time zone and their "today": the one rule every caller uses.

Precedence, as a person expects it: their own ``timezone`` override, else the
time zone of their Zulip profile, else the standup's team zone, else the
operator's default (``STANDUP_DEFAULT_TIMEZONE``), else UTC. A name that is not
a valid IANA zone is skipped, so one bad value never breaks a command.

In team delivery mode a standup's prompts follow the team's wall clock, so the
zone its schedule uses for a person is the team zone; the person's own date
("today", a skipped day, a history range) still follows their own zone.
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

from zulip_standup.domain.scheduling.schedule import DeliveryMode, parse_zone

UTC_ZONE = ZoneInfo("UTC")


@functools.lru_cache(maxsize=4096)
def valid_zone(name: str | None) -> ZoneInfo | None:
    """The IANA zone named ``name``, or None when it is empty or unknown."""
    if not name:
        return None
    try:
        return parse_zone(name)
    except ValueError:
        return None


def zone_of(
    override: str | None,
    profile: str | None,
    team: ZoneInfo | str | None = None,
    default: str | None = None,
) -> ZoneInfo:
    """The person's effective zone: override > Zulip profile > team zone > operator default."""
    team_zone = team if isinstance(team, ZoneInfo) else valid_zone(team)
    return (
        valid_zone(override) or valid_zone(profile) or team_zone or valid_zone(default) or UTC_ZONE
    )


def schedule_zone(mode: DeliveryMode, team: ZoneInfo, person: ZoneInfo) -> ZoneInfo:
    """The zone whose wall clock a person's prompts follow: the team's in team mode."""
    return team if mode is DeliveryMode.TEAM else person


def today_for(zone: ZoneInfo, now: dt.datetime) -> dt.date:
    """The date in ``zone`` at the aware instant ``now``."""
    return now.astimezone(zone).date()
