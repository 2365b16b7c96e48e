"""The simulated organisation and how its people answer the bot."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from localzulip import LocalZulip, Realm
from localzulip.models import ROLE_MEMBER, ROLE_OWNER, Message

# Four zones one hour apart on the run date (late November: London is UTC+0), and how many
# people live in each. Berlin's fan-out is larger than the worker's concurrency (8), so a
# kill mid fan-out leaves prompts that never reached Zulip.
ZONES = ("Europe/Moscow", "Europe/Athens", "Europe/Berlin", "Europe/London")
PER_ZONE = (5, 5, 12, 6)
OWNER_ZONE = "Europe/London"
CHANNEL = "standup"
QUESTION = re.compile(r"Question (\d+) of (\d+)")
STYLES = ("one_by_one", "all_at_once", "editor", "one_by_one", "silent", "all_at_once")


@dataclass
class Person:
    short: str
    zone: str
    style: str
    user_id: int = 0
    seen: int = 0  # the newest bot DM this person has read
    answered: set[int] = field(default_factory=set)  # question numbers answered
    # question number -> (message id, the text as last sent or edited)
    sent: dict[int, tuple[int, str]] = field(default_factory=dict)
    edited: bool = False

    def answer_text(self, number: int, seed: int) -> str:
        return f"{self.short} answer {number}: item {seed}-{number * 7}"


def build_realm(rng: random.Random) -> tuple[Realm, list[Person]]:
    """PER_ZONE people per zone, all in #standup; the first Londoner owns the organisation
    (and sets the standup up, so the team zone, hence the cutoff, is London's)."""
    realm = Realm()
    people: list[Person] = []
    ids: list[int] = []
    for z, zone in enumerate(ZONES):
        styles = list(STYLES)
        rng.shuffle(styles)
        for i in range(PER_ZONE[z]):
            short = f"p{z}{i:02d}"
            user = realm.add_user(
                f"{short}@example.com",
                f"Person {z}{i:02d}",
                role=ROLE_OWNER if zone == OWNER_ZONE and i == 0 else ROLE_MEMBER,
                timezone=zone,
                short_name=short,
            )
            ids.append(user.user_id)
            people.append(Person(short, zone, styles[i % len(styles)], user.user_id))
    owner = next(p for p in people if p.zone == OWNER_ZONE)
    bot = realm.add_bot(
        "standup-bot@example.com", "Standup", owner_id=owner.user_id, short_name="bot"
    )
    realm.add_stream(CHANNEL, description="Daily standup", subscribers=[*ids, bot.user_id])
    realm.add_stream("general", subscribers=[*ids, bot.user_id])
    return realm, people


def new_bot_dms(server: LocalZulip, person: Person) -> list[Message]:
    """Bot DMs to ``person`` newer than the last one they read; marks them read."""
    bot_id = server.bot.user_id
    new = [
        m for m in server.dms(person.short, "bot") if m.sender_id == bot_id and m.id > person.seen
    ]
    if new:
        person.seen = new[-1].id
    return new


def play(server: LocalZulip, people: list[Person], seed: int, rng: random.Random) -> list[int]:
    """Everyone reads their new DMs from the bot and answers what they were asked.

    Returns the ids of the messages sent (for the settle check).
    """
    sent: list[int] = []
    for person in people:
        if person.style == "silent":
            new_bot_dms(server, person)
            continue
        asked: list[tuple[int, int]] = []
        for message in new_bot_dms(server, person):
            if "reminder" in message.content.lower():
                found = QUESTION.findall(message.content)
                if found:
                    asked.append((int(found[-1][0]), int(found[-1][1])))
                continue
            for number, total in QUESTION.findall(message.content):
                asked.append((int(number), int(total)))
        if not asked:
            continue
        human = server.human(person.short)
        if person.style == "all_at_once":
            total = asked[-1][1]
            numbers = range(1, total + 1)
        else:
            numbers = range(asked[-1][0], asked[-1][0] + 1)
        for number in numbers:
            if number in person.answered:
                continue
            person.answered.add(number)
            text = person.answer_text(number, seed)
            message = human.dm_bot(text)
            person.sent[number] = (message.id, text)
            sent.append(message.id)
    return sent


def edit_some(server: LocalZulip, people: list[Person], rng: random.Random) -> dict[int, str]:
    """Editors fix their first answer once it has been taken (the bot asked the next question)."""
    edits: dict[int, str] = {}
    for person in people:
        if person.style != "editor" or person.edited or 2 not in person.answered:
            continue
        if rng.random() < 0.5:
            continue
        message_id, text = person.sent[1]
        new_text = f"{text} (edited: and the load-test plan)"
        server.human(person.short).edit(message_id, new_text)
        person.sent[1] = (message_id, new_text)
        person.edited = True
        edits[message_id] = new_text
    return edits
