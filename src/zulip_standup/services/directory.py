"""Who is who in the realm: a cache of Zulip accounts kept fresh by realm_user events.

Every account of the realm is kept (an answer may name anyone), so each is kept small:
a slotted ``Person`` whose time zone and role are objects shared with everyone else's in
the same zone and role (``zulip.wire`` decodes them so), not one copy per person.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from zulip_standup.domain.chat import Person, UserChanged
from zulip_standup.domain.reports.report import PersonRef

log = logging.getLogger(__name__)


class Directory:
    """People by id, and lookups by the names and emails chat references use."""

    def __init__(self, people: Iterable[Person] = ()) -> None:
        self._by_id: dict[int, Person] = {}
        self.replace(people)

    def replace(self, people: Iterable[Person]) -> None:
        self._by_id = {p.user_id: p for p in people}

    def add(self, person: Person) -> None:
        self._by_id[person.user_id] = person

    def known_people(self) -> tuple[PersonRef, ...]:
        """Every human the bot knows, active or not, by user id: names an answer may contain."""
        people = sorted(self._by_id.values(), key=lambda p: p.user_id)
        return tuple(PersonRef(p.user_id, p.full_name) for p in people if not p.is_bot)

    def get(self, user_id: int) -> Person | None:
        return self._by_id.get(user_id)

    def name_of(self, user_id: int) -> str:
        person = self._by_id.get(user_id)
        return person.full_name if person else f"user {user_id}"

    def find(self, *, user_id: int | None, name: str | None, email: str | None) -> list[Person]:
        """Active people matching a reference; several when a bare name is ambiguous."""
        active = [p for p in self._by_id.values() if p.is_active]
        if user_id is not None:
            person = self._by_id.get(user_id)
            return [person] if person and person.is_active else []
        if email:
            return [p for p in active if p.email.lower() == email.lower()]
        if name:
            folded = name.casefold().strip()
            return [p for p in active if p.full_name.casefold() == folded]
        return []

    def apply(self, change: UserChanged) -> Person | None:
        """Apply a realm_user event; return the updated person (None if unknown and incomplete)."""
        old = self._by_id.get(change.user_id)
        if old is None:
            if change.full_name is None:
                return None
            old = Person(change.user_id, change.full_name, "", "", 400, False, True)
        new = Person(
            user_id=old.user_id,
            full_name=change.full_name if change.full_name is not None else old.full_name,
            email=old.email,
            timezone=change.timezone if change.timezone is not None else old.timezone,
            role=change.role if change.role is not None else old.role,
            is_bot=old.is_bot,
            is_active=change.is_active if change.is_active is not None else old.is_active,
        )
        self._by_id[new.user_id] = new
        return new

    def humans(self, user_ids: Iterable[int]) -> list[Person]:
        """The active human accounts among ``user_ids``, by name."""
        found = [self._by_id.get(u) for u in user_ids]
        return sorted(
            (p for p in found if p is not None and p.is_active and not p.is_bot),
            key=lambda p: p.full_name.casefold(),
        )
