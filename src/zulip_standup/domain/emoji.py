"""The emoji the bot reacts with: one table of Zulip names and code points.

Zulip checks a reaction's name and code against its own emoji data (the
Google/iamcal names it ships): a name with another emoji's code is refused
with "Invalid emoji name.", an unknown code with "Invalid emoji code.". Each
pair here must be one Zulip knows; ``tests/unit/test_bot_emoji.py`` checks them
against that data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Emoji:
    """A Unicode emoji as Zulip names it: its name and its code point(s) in hex."""

    name: str
    code: str


EDITED = Emoji("pencil", "270f")  # an edited DM answer was stored
CHANGED = Emoji("check", "2705")  # `change N text` was stored
PROBLEM = Emoji("warning", "26a0")  # an edit could not be stored

BOT_EMOJI: dict[str, Emoji] = {e.name: e for e in (EDITED, CHANGED, PROBLEM)}
