"""Stable placeholders ("Person 1", "Person 2", …) for real names in text sent to an AI service.

Names never leave the process. Everyone whose name could appear in an answer
gets a placeholder: today's answering participants first, numbered in
user-id order (so the same team gets the same numbers every day), then the
other people the bot knows (the standup's other members, the realm's other
humans), also in user-id order. Placeholders in the model's answer are mapped
back afterwards. What is replaced, in one pass over the text:

* **Mentions** — ``@**Name|id**``, ``@_**Name**`` — of a known person become
  their placeholder, of anyone else "someone"; group and wildcard mentions
  become "a group".
* **Full names** ("Carol Member", any case, any spacing between the words)
  become that person's placeholder.
* **First and last names** on their own ("Carol", "Member") become the
  placeholder when exactly one known person has that name part, matched as a
  whole word and with the capital the name is written with: "Will" is the
  person, "will" the verb, "Ann" does not match inside "Anna" or "annual".
  A part several people share ("Dave" for Dave Member and Dave Jones)
  becomes "someone": it is still a name, but guessing whose would put the
  wrong person in the summary. Parts shorter than three letters ("Al",
  "Jo") are left alone: too many ordinary words look like them.
* **A name that is also a modal verb** ("Will", "May") opening a sentence is
  the verb when the next word is a verb's plain form — "Will fix CI
  tomorrow", "May need help" — and the name otherwise: "Will is out",
  "Will fixed it", "Will's PR", "Will and I". Other names that are also
  words ("Grace", "Mark", the month "May" mid-sentence) are always hidden
  when capitalised: a mangled word in the request is cheaper than a name
  that left the organisation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from zulip_standup.domain.report import PersonRef

PLACEHOLDER = "Person {number}"
UNKNOWN_PERSON = "someone"
GROUP = "a group"
MIN_NAME_PART_LENGTH = 3

_PERSON_MENTION = re.compile(r"@_?\*\*(?P<body>[^*\n]+?)\*\*")
_GROUP_MENTION = re.compile(r"@_?\*(?P<body>[^*\n]+?)\*")
_PLACEHOLDER_RE = re.compile(r"\b[Pp]erson\s+(\d{1,4})\b")
_WILDCARDS = frozenset({"all", "everyone", "channel", "stream", "topic"})

# Modal verbs that are also given names; after a modal comes a verb's plain form.
_MODALS = frozenset({"will", "may", "might", "can", "shall", "must"})
_SENTENCE_START = re.compile(r"(?:[.!?;:]|(?:^|\n)\s*(?:[-*+•>]|\d{1,3}[.)])?)\s*$")
_NEXT_WORD = re.compile(r"\s+([a-z][a-z'’]*)")
# Words that follow a person but never a modal verb ("Will said", "May and I").
_AFTER_A_PERSON = frozenset(
    """
    and or nor but too was were had did said told took went made got ran wrote sent found gave
    saw came knew thought built brought paid left kept met lost led spent won caught bought fell
    felt broke chose spoke drove began became forgot understood stood asked
    """.split()
)


def _reads_as_the_verb(text: str, start: int, end: int) -> bool:
    """True when a modal-verb name at ``text[start:end]`` opens a sentence as the verb."""
    if not _SENTENCE_START.search(text, 0, start):
        return False
    following = _NEXT_WORD.match(text, end)
    if following is None:
        return False
    word = following[1].replace("’", "'")
    if word in _AFTER_A_PERSON or "'" in word:
        return False
    if word.endswith("s") and not word.endswith(("ss", "us")):
        return False  # "Will fixes", "May has": a person doing something
    return not (word.endswith("ed") and not word.endswith("eed"))  # "Will fixed" vs "will need"


@dataclass(frozen=True)
class Pseudonyms:
    """The placeholder of each known person, and the rules that apply them to text."""

    placeholders: dict[int, str]
    people: dict[str, PersonRef]
    _full_names: dict[str, str] = field(repr=False)
    _parts: dict[str, str] = field(repr=False)
    _pattern: re.Pattern[str] | None = field(repr=False)

    def placeholder(self, person: PersonRef) -> str:
        return self.placeholders[person.user_id]

    def hide(self, text: str) -> str:
        """``text`` with every known name and every mention replaced."""
        text = _PERSON_MENTION.sub(self._mention_placeholder, text)
        text = _GROUP_MENTION.sub(GROUP, text)
        if self._pattern is None:
            return text
        return self._pattern.sub(self._name_placeholder, text)

    def restore(self, text: str, render: Callable[[PersonRef], str]) -> str:
        """``text`` with each known placeholder replaced by ``render(person)``."""

        def swap(match: re.Match[str]) -> str:
            person = self.people.get(PLACEHOLDER.format(number=int(match[1])))
            return render(person) if person is not None else match[0]

        return _PLACEHOLDER_RE.sub(swap, text)

    def _name_placeholder(self, match: re.Match[str]) -> str:
        found = match[0]
        if " " in found or "\t" in found:
            return self._full_names.get(_fold(found), UNKNOWN_PERSON)
        if found.casefold() in _MODALS and _reads_as_the_verb(
            match.string, match.start(), match.end()
        ):
            return found
        return self._parts.get(found, UNKNOWN_PERSON)

    def _mention_placeholder(self, match: re.Match[str]) -> str:
        body = match["body"]
        name, _, user_id = body.rpartition("|") if "|" in body else (body, "", "")
        if user_id.isdecimal() and int(user_id) in self.placeholders:
            return self.placeholders[int(user_id)]
        if name.strip().casefold() in _WILDCARDS:
            return GROUP
        if len(name.split()) == 1:
            return self._parts.get(name.strip(), UNKNOWN_PERSON)
        return self._full_names.get(_fold(name), UNKNOWN_PERSON)


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def _spellings(part: str) -> set[str]:
    """How a name part is written in text: as in the profile, and with a capital first letter."""
    return {part, part[:1].upper() + part[1:]}


def assign(participants: Iterable[PersonRef], others: Iterable[PersonRef] = ()) -> Pseudonyms:
    """Placeholders for today's participants (by user id), then for everyone else known."""
    first = sorted({p.user_id: p for p in participants}.values(), key=lambda p: p.user_id)
    taken = {p.user_id for p in first}
    rest = sorted(
        {p.user_id: p for p in others if p.user_id not in taken}.values(), key=lambda p: p.user_id
    )
    everyone = [*first, *rest]
    placeholders = {p.user_id: PLACEHOLDER.format(number=i + 1) for i, p in enumerate(everyone)}
    people = {placeholders[p.user_id]: p for p in everyone}

    full_owners: dict[str, set[int]] = {}
    part_owners: dict[str, set[int]] = {}
    for person in everyone:
        words = person.name.split()
        if len(words) > 1:
            full_owners.setdefault(_fold(person.name), set()).add(person.user_id)
        # Every word and hyphenated piece counts as an owner, so "Lee" in "Anna Lee-Smith"
        # makes "Lee" shared with "Ann Lee"; only the first and last word are matched alone.
        for word in words:
            for piece in {word, *word.split("-")}:
                for spelling in _spellings(piece):
                    part_owners.setdefault(spelling, set()).add(person.user_id)
    full_names = {
        name: placeholders[next(iter(owners))] if len(owners) == 1 else UNKNOWN_PERSON
        for name, owners in full_owners.items()
    }
    parts: dict[str, str] = {}
    for person in everyone:
        words = person.name.split()
        for part in {words[0], words[-1]} if words else set():
            for spelling in _spellings(part):
                if len(spelling) < MIN_NAME_PART_LENGTH or not spelling[0].isupper():
                    continue
                owners = part_owners[spelling]
                parts[spelling] = (
                    placeholders[person.user_id] if owners == {person.user_id} else UNKNOWN_PERSON
                )
    alternatives = [
        *(r"(?i:" + r"\s+".join(map(re.escape, name.split())) + ")" for name in full_names),
        *map(re.escape, parts),
    ]
    # Longest first, so "Ann Lee" wins over "Ann"; one pass, so placeholders are never re-read.
    alternatives.sort(key=lambda alternative: (-len(alternative), alternative))
    pattern = (
        re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)") if alternatives else None
    )
    return Pseudonyms(placeholders, people, full_names, parts, pattern)
