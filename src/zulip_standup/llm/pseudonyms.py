"""Stable placeholders ("Person 1", "Person 2", …) for real names in text sent to an AI service.

Names never leave the process: participants are numbered in user-id order
(so the same team gets the same numbers every day), their full names, unique
first and last names and Zulip mentions of them are replaced before the request, and
the placeholders in the answer are mapped back afterwards. Mentions of anyone
else become "someone", group and wildcard mentions "a group".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from zulip_standup.domain.report import PersonRef

PLACEHOLDER = "Person {number}"
UNKNOWN_PERSON = "someone"
GROUP = "a group"
MIN_FIRST_NAME_LENGTH = 3

_PERSON_MENTION = re.compile(r"@_?\*\*(?P<body>[^*\n]+?)\*\*")
_GROUP_MENTION = re.compile(r"@_?\*(?P<body>[^*\n]+?)\*")
_PLACEHOLDER_RE = re.compile(r"\b[Pp]erson\s+(\d{1,4})\b")
_WILDCARDS = frozenset({"all", "everyone", "channel", "stream", "topic"})


@dataclass(frozen=True)
class Pseudonyms:
    """The placeholder of each participant, and the rules that apply them to text."""

    placeholders: dict[int, str]
    people: dict[str, PersonRef]
    _names: tuple[tuple[re.Pattern[str], str], ...] = field(repr=False)

    def placeholder(self, person: PersonRef) -> str:
        return self.placeholders[person.user_id]

    def hide(self, text: str) -> str:
        """``text`` with every known name and every mention replaced."""
        text = _PERSON_MENTION.sub(self._mention_placeholder, text)
        text = _GROUP_MENTION.sub(GROUP, text)
        for pattern, placeholder in self._names:
            text = pattern.sub(placeholder, text)
        return text

    def restore(self, text: str, render: Callable[[PersonRef], str]) -> str:
        """``text`` with each known placeholder replaced by ``render(person)``."""

        def swap(match: re.Match[str]) -> str:
            person = self.people.get(PLACEHOLDER.format(number=int(match[1])))
            return render(person) if person is not None else match[0]

        return _PLACEHOLDER_RE.sub(swap, text)

    def _mention_placeholder(self, match: re.Match[str]) -> str:
        body = match["body"]
        name, _, user_id = body.rpartition("|") if "|" in body else (body, "", "")
        if user_id.isdecimal() and int(user_id) in self.placeholders:
            return self.placeholders[int(user_id)]
        if name.strip().casefold() in _WILDCARDS:
            return GROUP
        for placeholder, person in self.people.items():
            if person.name.casefold() == name.strip().casefold():
                return placeholder
        return UNKNOWN_PERSON


def _name_pattern(name: str, ignore_case: bool) -> re.Pattern[str]:
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", flags)


def assign(participants: Iterable[PersonRef]) -> Pseudonyms:
    """Number the participants by user id and prepare the name replacements."""
    unique = sorted({p.user_id: p for p in participants}.values(), key=lambda p: p.user_id)
    placeholders = {p.user_id: PLACEHOLDER.format(number=i + 1) for i, p in enumerate(unique)}
    people = {placeholders[p.user_id]: p for p in unique}
    rules: list[tuple[str, str, bool]] = [
        (p.name.strip(), placeholders[p.user_id], True) for p in unique if p.name.strip()
    ]
    # Unique first and last names on their own ("Ann", "Archer") are names too; a part
    # that occurs in two people's names (even as "Lee" in "Lee-Smith") is left alone.
    part_owners: dict[str, set[int]] = {}
    for person in unique:
        for word in person.name.split():
            for part in {word, *word.split("-")}:
                part_owners.setdefault(part, set()).add(person.user_id)
    full_names = {rule[0].casefold() for rule in rules}
    single_parts: set[str] = set()
    for person in unique:
        parts = person.name.split()
        if len(parts) < 2:
            continue
        for part in (parts[0], parts[-1]):
            if (
                len(part) >= MIN_FIRST_NAME_LENGTH
                and part_owners.get(part) == {person.user_id}
                and part.casefold() not in full_names
                and part not in single_parts
            ):
                single_parts.add(part)
                # Case-sensitive, so "Will" the person does not swallow "will" the verb.
                rules.append((part, placeholders[person.user_id], False))
    rules.sort(key=lambda rule: (-len(rule[0]), rule[0]))  # longest first: "Ann Lee" before "Ann"
    patterns = tuple((_name_pattern(name, fold), holder) for name, holder, fold in rules)
    return Pseudonyms(placeholders, people, patterns)
