"""The people port: who is who in the realm, as the use cases look people up.

A cache of the chat server's accounts kept fresh by its events; in memory in
``services/directory.py``, filled by the composition root.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from zulip_standup.domain.chat import Person, UserChanged
from zulip_standup.domain.reports.report import PersonRef


class PeopleDirectory(Protocol):
    """People by id, and lookups by the names and emails chat references use."""

    def get(self, user_id: int) -> Person | None: ...

    def add(self, person: Person) -> None:
        """Remember an account fetched from the chat server."""
        ...

    def name_of(self, user_id: int) -> str:
        """The person's full name (a placeholder naming the id when unknown)."""
        ...

    def find(self, *, user_id: int | None, name: str | None, email: str | None) -> list[Person]:
        """Active people matching a reference; several when a bare name is ambiguous."""
        ...

    def humans(self, user_ids: Iterable[int]) -> list[Person]:
        """The active human accounts among ``user_ids``, by name."""
        ...

    def known_people(self) -> tuple[PersonRef, ...]:
        """Every human known, active or not, by user id: names an answer may contain."""
        ...

    def apply(self, change: UserChanged) -> Person | None:
        """Apply a change of an account; the updated person (None if unknown and incomplete)."""
        ...
