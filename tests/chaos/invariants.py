"""What a chaos run checks at the end, against what people saw in localzulip: everyone
prompted once and in time, every answer stored once as sent, one digest that lists as
missing only people who were asked. Mixed into ``Chaos``, which holds what was observed."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import Engine, select

from localzulip import LocalZulip
from localzulip.models import Message
from zulip_standup.domain.conversation.texts import day_label
from zulip_standup.storage.runs import RunStore
from zulip_standup.storage.tables import jobs, runs, standups

from .day import (
    BOUND,
    CUTOFF,
    DIGEST_MARK,
    END,
    MENTION,
    MISSING_LINE,
    PROMPT_LOCAL,
    PROMPT_MARK,
    REMINDER_MARK,
    RUN_DATE,
    utc_at,
)
from .people import CHANNEL, Person


@dataclass
class Counts:
    kills: int = 0
    terminations: int = 0
    prompts: int = 0
    expected_prompts: int = 0
    answers_sent: int = 0
    answers_stored: int = 0
    digests: int = 0
    lost: int = 0
    duplicated: int = 0
    late: int = 0
    stalls: int = 0

    def line(self, db: str, seed: int) -> str:
        return (
            f"chaos {db} seed={seed}: kills {self.kills}, prompts "
            f"{self.prompts}/{self.expected_prompts}, answers sent {self.answers_sent} stored "
            f"{self.answers_stored}, digests {self.digests}, lost {self.lost}, duplicated "
            f"{self.duplicated}, late beyond bound {self.late}, stalls {self.stalls}"
            f" (pg terminations {self.terminations})"
        )


class InvariantChecks:
    """The end-of-day checks; they fill ``counts``, ``violations`` and ``events``."""

    server: LocalZulip
    bot_id: int
    engine: Engine
    store: RunStore
    people: list[Person]
    by_id: dict[int, Person]
    counts: Counts
    violations: list[str]
    events: list[str]
    first_seen: dict[int, dt.datetime]
    starts: list[dt.datetime]
    kill_times: list[dt.datetime]

    def check(self) -> None:
        msgs = self.server.messages()
        bot_dms: dict[int, list[Message]] = defaultdict(list)
        for m in msgs:
            if m.sender_id == self.bot_id and m.type == "private":
                for uid in m.dm_user_ids:
                    if uid != self.bot_id:
                        bot_dms[uid].append(m)
        with self.engine.connect() as conn:
            due_rows = conn.execute(
                select(
                    jobs.c.kind,
                    jobs.c.user_id,
                    jobs.c.due_at,
                    jobs.c.status,
                    jobs.c.attempts,
                    jobs.c.last_error,
                )
                .join(standups, standups.c.id == jobs.c.standup_id)
                .where(jobs.c.run_date == RUN_DATE)
            ).all()
            standup_id = conn.execute(select(standups.c.id)).scalar()
            run_id = conn.execute(
                select(runs.c.id).where(
                    runs.c.standup_id == standup_id, runs.c.run_date == RUN_DATE
                )
            ).scalar()
        prompt_due = {r.user_id: r for r in due_rows if r.kind == "prompt"}
        digest_due = [r for r in due_rows if r.kind == "digest"]
        label = day_label(RUN_DATE)
        c = self.counts
        c.expected_prompts = len(self.people)
        first_prompt_id: dict[int, int] = {}
        for person in self.people:
            uid = person.user_id
            prompts = [m for m in bot_dms[uid] if PROMPT_MARK in m.content and label in m.content]
            c.prompts += min(len(prompts), 1)
            row = prompt_due.get(uid)
            state = (
                f"job {row.status}, attempts {row.attempts}, {row.last_error}" if row else "no job"
            )
            if not prompts:
                c.lost += 1
                self.violations.append(
                    f"{person.short} ({person.zone}) never got a prompt ({state})"
                )
                continue
            first_prompt_id[uid] = prompts[0].id
            self.events.append(
                f"prompt {person.short}: due {row.due_at if row else None:%H:%M} seen "
                f"{self.first_seen.get(prompts[0].id, END):%H:%M} (message {prompts[0].id}), "
                f"{state}"
            )
            if len(prompts) > 1:
                c.duplicated += len(prompts) - 1
                self.violations.append(f"{person.short} got {len(prompts)} prompts")
            due = row.due_at if row is not None else utc_at(person.zone, PROMPT_LOCAL)
            seen = self.first_seen.get(prompts[0].id, END)
            lateness = self._lateness(due, seen)
            if lateness > BOUND:
                c.late += 1
                self.violations.append(
                    f"{person.short} prompted {lateness} after due {due:%H:%M}/recovery "
                    f"(seen {seen:%H:%M}; bound {BOUND})"
                )
            for m in bot_dms[uid]:
                if REMINDER_MARK in m.content and m.id < prompts[0].id:
                    self.violations.append(f"{person.short} reminded before being prompted")
        for person in self.people:
            if person.user_id not in first_prompt_id and any(
                REMINDER_MARK in m.content for m in bot_dms[person.user_id]
            ):
                self.violations.append(f"{person.short} reminded but never prompted")
        self._check_answers(run_id)
        self._check_digest(msgs, digest_due, first_prompt_id)

    def _lateness(self, due: dt.datetime, seen: dt.datetime) -> dt.timedelta:
        """How long after it was owed ``seen`` came: owed from ``due``, or, when the bot was
        down (or killed) at ``due``, from the restart that followed; a kill inside the bound
        moves it on to the next restart."""
        base = due
        while True:
            downs = [
                (k, s)
                for k, s in zip(self.kill_times, self.starts[1:], strict=False)
                if k <= base <= s or base < k <= min(base + BOUND, seen)
            ]
            if not downs or downs[0][1] <= base:
                return seen - base
            base = downs[0][1]

    def _check_answers(self, run_id: int | None) -> None:
        c = self.counts
        stored = self.store.answers_of(run_id) if run_id is not None else []
        rows: dict[tuple[int, int], list[str]] = defaultdict(list)
        for a in stored:
            rows[(a.user_id, a.question_index)].append(a.text)
        for person in self.people:
            for number, (message_id, wanted) in sorted(person.sent.items()):
                c.answers_sent += 1
                got = rows.pop((person.user_id, number - 1), [])
                if not got:
                    c.lost += 1
                    self.violations.append(
                        f"{person.short} answer {number} (message {message_id}) was lost"
                    )
                    continue
                if len(got) > 1:
                    c.duplicated += len(got) - 1
                    self.violations.append(f"{person.short} answer {number} stored {len(got)}x")
                if wanted in got:
                    c.answers_stored += 1
                else:
                    self.violations.append(
                        f"{person.short} answer {number} stored as {got[0]!r}, sent {wanted!r}"
                    )
        for (uid, index), texts in rows.items():
            who = self.by_id[uid].short if uid in self.by_id else uid
            self.violations.append(f"{who} has answer {index + 1} nobody sent: {texts!r}")

    def _check_digest(
        self,
        msgs: list[Message],
        digest_due: list[object],
        first_prompt_id: dict[int, int],
    ) -> None:
        c = self.counts
        stream = self.server.realm.stream_by_name(CHANNEL)
        assert stream is not None
        digests = [
            m
            for m in msgs
            if m.sender_id == self.bot_id
            and m.stream_id == stream.stream_id
            and m.content.startswith(DIGEST_MARK)
        ]
        titles = Counter(m.content.splitlines()[0] for m in digests)
        c.digests = len(digests)
        if len(digests) != 1:
            c.duplicated += max(0, len(digests) - 1)
            c.lost += 0 if digests else 1
            self.violations.append(f"{len(digests)} digests posted: {dict(titles)}")
        if not digests:
            return
        digest = digests[0]
        due = digest_due[0].due_at if digest_due else utc_at("UTC", CUTOFF)  # type: ignore[attr-defined]
        seen = self.first_seen.get(digest.id, END)
        self.events.append(f"digest: due {due:%H:%M} seen {seen:%H:%M} (message {digest.id})")
        lateness = self._lateness(due, seen)
        if lateness > BOUND:
            c.late += 1
            self.violations.append(
                f"digest posted {lateness} after due {due:%H:%M}/recovery (seen {seen:%H:%M})"
            )
        names = {f"Person {p.short[1:]}": p.user_id for p in self.people}
        for match in MISSING_LINE.finditer(digest.content):
            for name, uid in MENTION.findall(match.group(2)):
                user_id = int(uid) if uid else names.get(name.strip())
                asked = user_id in first_prompt_id and first_prompt_id[user_id] < digest.id
                if not asked:
                    who = self.by_id[user_id].short if user_id in self.by_id else name
                    self.violations.append(f"digest lists {who} as missing, never asked")
