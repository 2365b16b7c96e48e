"""Tokens and an argument reader shared by the command parsers.

Mentions (``@**Full Name**``) and channel links (``#**channel**``) contain
spaces, so they are single tokens; every token keeps its position so free
text (a question, a search) can be taken verbatim from the original message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from zulip_standup.domain import values
from zulip_standup.domain.commands.registry import RESERVED_WORDS
from zulip_standup.domain.limits import MAX_RANGE_DAYS

T = TypeVar("T")

_TOKEN_RE = re.compile(r"@_?\*\*[^*\n]*\*\*|#\*\*[^*\n]*\*\*|[^\s,]+")
NAME_RE = re.compile(r"[a-z][a-z0-9-]{0,31}")
NAME_FORM = "a standup name is a lowercase letter then letters, digits or dashes (at most 32)"
_ON_WORDS = frozenset({"on", "yes", "true", "enable", "enabled"})
_OFF_WORDS = frozenset({"off", "no", "false", "disable", "disabled"})


class ArgumentError(ValueError):
    """A command's arguments are wrong; ``usage`` overrides the command's usage when set."""

    def __init__(self, message: str, usage: tuple[str, ...] | None = None) -> None:
        super().__init__(message)
        self.usage = usage


@dataclass(frozen=True, slots=True)
class Token:
    """One word, mention or channel link, with its place in the text."""

    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        """The token in lower case, for keyword comparison."""
        return self.text.lower()

    @property
    def is_channel(self) -> bool:
        """True for a ``#**channel**`` link."""
        return self.text.startswith("#**") and self.text.endswith("**") and len(self.text) > 4


def tokenize(text: str) -> list[Token]:
    """Split a command into tokens; commas separate like spaces, mentions stay whole."""
    return [Token(m[0], m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def shown(text: str, limit: int = 40) -> str:
    """Quote a piece of user input for a message, cut short."""
    cleaned = " ".join(text.split())
    return f"'{cleaned[: limit - 1]}…'" if len(cleaned) > limit else f"'{cleaned}'"


class ArgReader:
    """Reads a command's arguments left to right."""

    def __init__(self, text: str, tokens: list[Token], today: dt.date) -> None:
        self.text = text
        self.tokens = tokens
        self.today = today
        self.position = 0

    def peek(self) -> Token | None:
        """The next token, not consumed."""
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def peek_lower(self) -> str | None:
        """The next token in lower case, or None at the end."""
        token = self.peek()
        return token.lower if token else None

    def pop(self) -> Token:
        """Consume the next token; callers check ``peek`` first."""
        token = self.tokens[self.position]
        self.position += 1
        return token

    def take_if(self, *words: str) -> bool:
        """Consume the next token when it is one of ``words`` (any case)."""
        if self.peek_lower() in words:
            self.position += 1
            return True
        return False

    def remaining(self) -> list[Token]:
        """The tokens not yet consumed."""
        return self.tokens[self.position :]

    def at_end(self) -> bool:
        """True when every token is consumed."""
        return self.position >= len(self.tokens)

    def rest_text(self) -> str:
        """The remaining text verbatim (stripped), and consume it all."""
        rest = self.remaining()
        self.position = len(self.tokens)
        if not rest:
            return ""
        return self.text[rest[0].start : rest[-1].end].strip()

    def rest_words(self) -> str:
        """The remaining tokens joined by single spaces, and consume them."""
        rest = self.remaining()
        self.position = len(self.tokens)
        return " ".join(token.text for token in rest)

    def require(self, what: str) -> Token:
        """Consume the next token or fail saying what was missing."""
        token = self.peek()
        if token is None:
            raise ArgumentError(f"missing {what}")
        return self.pop()

    def expect_end(self) -> None:
        """Fail when unexpected words are left over."""
        rest = self.remaining()
        if rest:
            extra = self.text[rest[0].start : rest[-1].end]
            raise ArgumentError(f"unexpected {shown(extra)}")

    def optional_name(
        self,
        reserved: frozenset[str],
        followed_by: frozenset[str] | None = None,
        *,
        alone: bool = True,
    ) -> str | None:
        """Consume a standup short name when the next token is one (see ``is_standup_name``).

        With ``followed_by``, the word counts as a name only when the token after
        it is one of those words (or there is none and ``alone`` allows it), so
        a misspelt keyword is reported as such instead of being taken for a name.
        """
        token = self.peek()
        if token is None or not is_standup_name(token.text, reserved):
            return None
        after = self.tokens[self.position + 1] if self.position + 1 < len(self.tokens) else None
        if followed_by is not None:
            if after is None and not alone:
                return None
            if after is not None and after.lower not in followed_by:
                return None
        self.position += 1
        return token.lower


def is_standup_name(word: str, reserved: frozenset[str]) -> bool:
    """The short-name rule: letter first, then letters/digits/dashes, ≤ 32, not a keyword.

    Names are case-insensitive and stored in lower case.
    """
    lowered = word.lower()
    return NAME_RE.fullmatch(lowered) is not None and lowered not in reserved


def convert(parser: Callable[[str], T], text: str, usage: tuple[str, ...] | None = None) -> T:
    """Run a value parser, turning its ValueError into an ArgumentError with the same text."""
    try:
        return parser(text)
    except ValueError as exc:
        raise ArgumentError(str(exc), usage) from None


def parse_switch(text: str, setting: str) -> bool:
    """``on``/``off`` (also yes/no, true/false, enable/disable)."""
    lowered = text.strip().lower()
    if lowered in _ON_WORDS:
        return True
    if lowered in _OFF_WORDS:
        return False
    given = f", not {shown(text)}" if lowered else ""
    raise ArgumentError(f"{setting} takes on or off{given}")


def parse_number(text: str, what: str, low: int, high: int) -> int:
    """An integer in ``low..high`` (``#2``, ``q2`` and ``2.`` are read as 2)."""
    cleaned = text.strip().lower().lstrip("#q").rstrip(".:)")
    if not cleaned.isdecimal() or not cleaned.isascii():
        raise ArgumentError(f"{what} must be a number from {low} to {high}, not {shown(text)}")
    number = int(cleaned[:6])
    if not low <= number <= high:
        raise ArgumentError(f"{what} must be from {low} to {high}, not {number}")
    return number


def parse_users(tokens: list[Token]) -> tuple[values.UserRef, ...]:
    """Every token a user reference; at least one."""
    if not tokens:
        raise ArgumentError(f"no person given; {values.USER_FORM}")
    return tuple(convert(values.parse_user_ref, token.text) for token in tokens)


def parse_day_count(text: str) -> int | None:
    """``30``, ``30 days``, ``4 weeks`` or nothing (None)."""
    cleaned = " ".join(text.lower().split())
    if not cleaned:
        return None
    match = re.fullmatch(r"(\d{1,5})\s*(d|days?|w|weeks?)?", cleaned)
    if match is None:
        raise ArgumentError(f"bad period {shown(text)}; write a number of days like 30 or 30 days")
    days = int(match[1]) * (7 if (match[2] or "d").startswith("w") else 1)
    if not 1 <= days <= MAX_RANGE_DAYS:
        raise ArgumentError(f"the period must be 1 to {MAX_RANGE_DAYS} days, not {days}")
    return days


def future_date(args: ArgReader, text: str, what: str) -> dt.date:
    """A date from today on (relative forms count from ``args.today``)."""
    day = convert(lambda t: values.parse_date(t, args.today), text)
    if day < args.today:
        raise ArgumentError(f"{what} {day.isoformat()} is in the past")
    return day


def new_standup_name(token: Token) -> str:
    """A name a person gives a standup (``setup retro``, ``rename daily``), checked; lower case."""
    if not NAME_RE.fullmatch(token.lower):
        raise ArgumentError(f"{shown(token.text)} is not a standup name; {NAME_FORM}")
    if token.lower in RESERVED_WORDS:
        raise ArgumentError(f"{shown(token.text)} is a command word; pick another name")
    return token.lower


def standup_name(args: ArgReader) -> str | None:
    """Consume an optional standup short name (not followed-by-restricted)."""
    return args.optional_name(RESERVED_WORDS)
