"""Public-holiday calendars by country and subdivision code, backed by the `holidays` library.

A calendar code is a country code as the `holidays` library knows it, optionally
followed by a dash and a subdivision code: ``US``, ``DE-BY``, ``NG``, ``GB-SCT``.
Observed days (a holiday moved off a weekend) count as holidays, because that is
the day people actually have off.

The library (some 4 MiB of country tables) is imported by the first calendar used,
not with this module: a realm whose standups keep no holiday calendar never loads it.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

NO_CALENDAR_WORDS = frozenset({"", "none", "off", "-"})


@functools.cache
def _supported() -> dict[str, tuple[str, ...]]:
    """Country code -> subdivision codes, as the installed `holidays` release supports them."""
    import holidays  # noqa: PLC0415 - see the module docstring

    return {code: tuple(subdivs) for code, subdivs in holidays.list_supported_countries().items()}


@functools.lru_cache(maxsize=512)
def _holiday_dates(country: str, subdiv: str | None, year: int) -> frozenset[dt.date]:
    """All holiday dates of one calendar year; cached because building them is slow."""
    import holidays  # noqa: PLC0415

    table = holidays.country_holidays(country, subdiv=subdiv, years=year)
    return frozenset(day for day in table if day.year == year)


@functools.lru_cache(maxsize=512)
def _holiday_names(country: str, subdiv: str | None, year: int) -> dict[dt.date, str]:
    import holidays  # noqa: PLC0415

    table = holidays.country_holidays(country, subdiv=subdiv, years=year)
    return {day: str(name) for day, name in table.items() if day.year == year}


@dataclass(frozen=True, slots=True)
class HolidayCalendar:
    """A validated country (and optional subdivision) whose public holidays are days off."""

    country: str
    subdivision: str | None = None

    def __post_init__(self) -> None:
        supported = _supported()
        if self.country not in supported:
            msg = (
                f"unknown holiday country {self.country!r}; use an ISO country code "
                "the holidays library supports, such as US, DE, NG or GB"
            )
            raise ValueError(msg)
        subdivs = supported[self.country]
        if self.subdivision is not None and self.subdivision not in subdivs:
            sample = ", ".join(subdivs[:8]) + (", ..." if len(subdivs) > 8 else "")
            hint = f"known subdivisions: {sample}" if subdivs else "it has no subdivisions"
            msg = f"unknown subdivision {self.subdivision!r} of {self.country}; {hint}"
            raise ValueError(msg)

    @property
    def code(self) -> str:
        """The code this calendar is written as, e.g. ``DE-BY``."""
        return self.country if self.subdivision is None else f"{self.country}-{self.subdivision}"

    def is_holiday(self, day: dt.date) -> bool:
        """True on a public (or observed) holiday of this calendar."""
        return day in _holiday_dates(self.country, self.subdivision, day.year)

    def holiday_name(self, day: dt.date) -> str | None:
        """The holiday's name, for messages such as "no standup today: Good Friday"."""
        return _holiday_names(self.country, self.subdivision, day.year).get(day)


def parse_holiday_calendar(text: str | None) -> HolidayCalendar | None:
    """Parse ``US``, ``de-by``, ``GB-SCT`` or ``none``; raise ValueError naming a bad part."""
    if text is None or text.strip().lower() in NO_CALENDAR_WORDS:
        return None
    country, _, subdivision = text.strip().partition("-")
    country = country.strip().upper()
    subdivision = subdivision.strip()
    if not country:
        msg = f"holiday calendar {text!r} has no country; write it like US, DE-BY or none"
        raise ValueError(msg)
    if not subdivision:
        return HolidayCalendar(country)
    subdivs = _supported().get(country, ())
    canonical = {s.upper(): s for s in subdivs}.get(subdivision.upper(), subdivision.upper())
    return HolidayCalendar(country, canonical)
