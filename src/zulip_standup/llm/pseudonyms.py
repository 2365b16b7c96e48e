"""Stable placeholders ("Person 1", "Person 2", …) for real names in text sent to an AI service.

Names never leave the process. Everyone whose name could appear in an answer
gets a placeholder: today's answering participants first, numbered in
user-id order (so the same team gets the same numbers every day), then the
other people the bot knows (the standup's other members, the realm's other
humans), also in user-id order. Placeholders in the model's answer are mapped
back afterwards. What is replaced (mentions first, then names word by word, so
a placeholder is never read again):

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

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from zulip_standup.domain.reports.report import PersonRef

PLACEHOLDER = "Person {number}"
UNKNOWN_PERSON = "someone"
GROUP = "a group"
MIN_NAME_PART_LENGTH = 3

_PERSON_MENTION = re.compile(r"@_?\*\*(?P<body>[^*\n]+?)\*\*")
_GROUP_MENTION = re.compile(r"@_?\*(?P<body>[^*\n]+?)\*")
_PLACEHOLDER_RE = re.compile(r"\b[Pp]erson\s+(\d{1,6})\b")
_WILDCARDS = frozenset({"all", "everyone", "channel", "stream", "topic"})
# A word as names are written: "Ann", "Lee-Smith", "O'Brien", "Ann's" (read as "Ann" + "'s").
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_PIECE_BREAK = re.compile(r"[-'’]")

# Modal verbs that are also given names; after a modal comes a verb's plain form.
_MODALS = frozenset({"will", "may", "might", "can", "shall", "must"})
_SENTENCE_START = re.compile(r"(?:[.!?;:]|(?:^|\n)\s*(?:[-*+•>]|\d{1,3}[.)])?)\s*$")
_NEXT_WORD = re.compile(r"\s+([a-z][a-z'’]*)")
# Words that follow a person but never a modal verb ("Will said", "May and I").
_AFTER_A_PERSON_TEXT = """
    and or nor but too was were had did said told took went made got ran wrote sent found gave
    saw came knew thought built brought paid left kept met lost led spent won caught bought fell
    felt broke chose spoke drove began became forgot understood stood asked
"""
_AFTER_A_PERSON = frozenset(_AFTER_A_PERSON_TEXT.split())


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
    _longest: int = field(repr=False)  # the most words in a full name

    def placeholder(self, person: PersonRef) -> str:
        return self.placeholders[person.user_id]

    def hide(self, text: str) -> str:
        """``text`` with every known name and every mention replaced."""
        text = _PERSON_MENTION.sub(self._mention_placeholder, text)
        text = _GROUP_MENTION.sub(GROUP, text)
        return self._hide_names(text) if self._full_names or self._parts else text

    def restore(self, text: str, render: Callable[[PersonRef], str]) -> str:
        """``text`` with each known placeholder replaced by ``render(person)``."""

        def swap(match: re.Match[str]) -> str:
            person = self.people.get(PLACEHOLDER.format(number=int(match[1])))
            return render(person) if person is not None else match[0]

        return _PLACEHOLDER_RE.sub(swap, text)

    def _hide_names(self, text: str) -> str:
        """Full names first (the most words first), then name parts, word by word."""
        words = list(_WORD.finditer(text))
        kept: list[str] = []
        done = 0  # text before this offset is already in ``kept``
        index = 0
        while index < len(words):
            start = words[index].start()
            found = self._full_name_at(text, words, index) or self._part_at(text, words[index])
            if found is None:
                index += 1
                continue
            end, placeholder, used = found
            kept.extend((text[done:start], placeholder))
            done = end
            index += used
        kept.append(text[done:])
        return "".join(kept)

    def _full_name_at(
        self, text: str, words: list[re.Match[str]], index: int
    ) -> tuple[int, str, int] | None:
        """(end, placeholder, words used) of a full name starting at ``words[index]``."""
        for count in range(min(self._longest, len(words) - index), 1, -1):
            run = words[index : index + count]
            if not all(text[a.end() : b.start()].isspace() for a, b in itertools.pairwise(run)):
                continue
            head = " ".join(word[0] for word in run[:-1])
            for last in _prefixes(run[-1][0]):  # "Carol Member's": try "Member's", "Member"
                placeholder = self._full_names.get(_fold(f"{head} {last}"))
                if placeholder is not None:
                    return run[-1].start() + len(last), placeholder, count
        return None

    def _part_at(self, text: str, word: re.Match[str]) -> tuple[int, str, int] | None:
        """(end, placeholder, 1) of a first or last name at ``word`` ("Ann" in "Ann's")."""
        for part in _prefixes(word[0]):
            placeholder = self._parts.get(part)
            if placeholder is None:
                continue
            end = word.start() + len(part)
            if part.casefold() in _MODALS and _reads_as_the_verb(text, word.start(), end):
                return None
            return end, placeholder, 1
        return None

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


def _prefixes(word: str) -> list[str]:
    """``word`` and its leading pieces at hyphens and apostrophes, longest first."""
    cuts = [m.start() for m in _PIECE_BREAK.finditer(word)]
    return [word, *(word[:cut] for cut in reversed(cuts))]


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
    longest = max((len(name.split()) for name in full_names), default=0)
    return Pseudonyms(placeholders, people, full_names, parts, longest)
