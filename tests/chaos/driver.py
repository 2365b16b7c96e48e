"""The scenario driver: walks simulated time through a standup day, kills the bot process
at aimed moments, restarts it, and checks what people saw against what the database holds.

Only real failures: SIGKILL of the bot's process group, ``pg_terminate_backend`` of its
PostgreSQL sessions, and localzulip's fault injection. Every wait is for a condition
(``settled``, a message in localzulip's log, ``/readyz``) with a real-time bound.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, make_url, select, text
from sqlalchemy.exc import DBAPIError

from localzulip import LocalZulip
from localzulip.models import Message
from zulip_standup.domain.conversation.texts import day_label
from zulip_standup.storage.crypto import AnswerCipher
from zulip_standup.storage.engine import make_engine
from zulip_standup.storage.runs import RunStore
from zulip_standup.storage.tables import inbox, jobs, realms, runs, standups

from .clock import write_clock
from .people import CHANNEL, OWNER_ZONE, ZONES, Person, edit_some, play
from .runner import BotRunner

RUN_DATE = dt.date(2026, 11, 30)  # a Monday
START = dt.datetime(2026, 11, 30, 5, 50, tzinfo=dt.UTC)
END = dt.datetime(2026, 11, 30, 10, 2, tzinfo=dt.UTC)
LAST_KILL = dt.datetime(2026, 11, 30, 9, 50, tzinfo=dt.UTC)
STEP = dt.timedelta(minutes=1)
PROMPT_LOCAL = "09:00"
REMINDER_LOCAL = "09:20"
CUTOFF = "09:40"  # team zone (UTC)
SETUP = f"@**Standup** setup prompt {PROMPT_LOCAL} reminder {REMINDER_LOCAL} cutoff {CUTOFF}"
# A prompt or digest must appear within this much simulated time of its due time, or of
# the restart that brought the bot back if it was down (or had just crashed) then.
LEASE_TTL = dt.timedelta(seconds=30)
BOUND = LEASE_TTL + dt.timedelta(seconds=60)
STEP_BOUND_S = 10.0  # real seconds a step may take to settle before it is a stall
MIN_KILLS = 20
PROMPT_MARK = "Time for"
REMINDER_MARK = "Friendly reminder"
DIGEST_MARK = "📋 **"
MISSING_LINE = re.compile(r"^\*\*Missing \((\d+)\):\*\* (.*)$", re.MULTILINE)
MENTION = re.compile(r"@_?\*\*([^*|]+)(?:\|(\d+))?\*\*")


def utc_at(zone: str, hhmm: str) -> dt.datetime:
    from zoneinfo import ZoneInfo

    hour, minute = (int(x) for x in hhmm.split(":"))
    local = dt.datetime.combine(RUN_DATE, dt.time(hour, minute), ZoneInfo(zone))
    return local.astimezone(dt.UTC)


# -- settled: has the bot finished what is due? -------------------------------


@dataclass
class Outstanding:
    jobs: list[tuple[int, str, str, int | None]] = field(
        default_factory=list
    )  # id kind status user
    orphaned: list[tuple[int, str, int | None]] = field(default_factory=list)  # claimed by the dead
    messages: list[int] = field(default_factory=list)
    edits: list[int] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return not (self.jobs or self.messages or self.edits)

    def describe(self) -> str:
        return (
            f"jobs {self.jobs[:6]} orphaned {self.orphaned[:6]} "
            f"unhandled DMs {self.messages[:10]} edits {self.edits[:6]}"
        )


def _live_claim(claimed_by: str | None, live_tag: str | None) -> bool:
    """Whether a claim belongs to the lease the running bot holds (``holder#epoch``)."""
    return live_tag is not None and claimed_by == live_tag


def settled(
    engine: Engine,
    now: dt.datetime,
    live_pid: int | None,
    dm_ids: Collection[int],
    edits: Mapping[int, str],
    store: RunStore,
    realm_id: int | None,
) -> Outstanding:
    """What the bot still owes at simulated ``now``: due jobs not finished, people's DMs not
    handled, edits not applied. Jobs claimed by a process that is dead are *orphaned*: no
    amount of real time helps them (only the stale-claim timeout in simulated time), so
    they are reported but not waited for.

    DMs count as handled when the inbox has them finished (done, or failed for good and told).
    """
    out = Outstanding()
    with engine.connect() as conn:
        live_tag = None
        if live_pid is not None and realm_id is not None:
            lease = conn.execute(
                select(realms.c.lease_owner, realms.c.lease_epoch).where(realms.c.id == realm_id)
            ).first()
            if lease is not None and lease.lease_owner is not None:
                live_tag = f"{lease.lease_owner}#{lease.lease_epoch}"
        due = conn.execute(
            select(jobs.c.id, jobs.c.kind, jobs.c.status, jobs.c.claimed_by, jobs.c.user_id).where(
                jobs.c.status.in_(("pending", "claimed")), jobs.c.due_at <= now
            )
        ).all()
        for row in due:
            if row.status == "claimed" and not _live_claim(row.claimed_by, live_tag):
                out.orphaned.append((row.id, row.kind, row.user_id))
            else:
                out.jobs.append((row.id, row.kind, row.status, row.user_id))
        if dm_ids:
            handled = set(
                conn.execute(
                    select(inbox.c.message_id).where(
                        inbox.c.message_id.in_(list(dm_ids)),
                        inbox.c.state.in_(("done", "failed_permanent")),
                    )
                ).scalars()
            )
            out.messages = sorted(set(dm_ids) - handled)
    if realm_id is not None:
        for message_id, wanted in edits.items():
            stored = store.answers_from_message(realm_id, message_id)
            if not any(a.text == wanted for a in stored):
                out.edits.append(message_id)
    return out


# -- the run ----------------------------------------------------------------


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


class Chaos:
    """One seeded run: localzulip in this process, the bot in another, killed 20+ times."""

    def __init__(
        self,
        server: LocalZulip,
        people: list[Person],
        database_url: str,
        workdir: Path,
        seed: int,
    ) -> None:
        self.server = server
        self.people = people
        self.by_id = {p.user_id: p for p in people}
        self.database_url = database_url
        self.is_pg = database_url.startswith("postgresql")
        self.seed = seed
        self.rng = random.Random(seed)
        self.workdir = workdir
        self.clock_file = workdir / "clock"
        self.sim_now = START
        write_clock(self.clock_file, START)
        zuliprc = workdir / "bot.zuliprc"
        zuliprc.write_text(server.zuliprc("bot"))
        zuliprc.chmod(0o600)
        self.runner = BotRunner(workdir, zuliprc, self.clock_file, database_url)
        url = make_url(database_url)
        if self.is_pg:
            url = url.update_query_dict({"application_name": "chaos-test"})
        self.engine = make_engine(url)
        self.store = RunStore(self.engine, AnswerCipher([]))
        self.realm_id: int | None = None
        self.counts = Counts()
        self.violations: list[str] = []
        self.events: list[str] = []  # a readable diary of kills, restarts and stalls
        self.starts: list[dt.datetime] = []  # simulated times at which a bot became ready
        self.kill_times: list[dt.datetime] = []
        self.start_seconds: list[float] = []
        self.dm_ids: list[int] = []
        self.edits: dict[int, str] = {}
        self.ignored_messages: set[int] = set()
        self.ignored_edits: set[int] = set()
        self.ignored_jobs: set[tuple[int, str]] = set()
        self.answers_pending = False
        self.first_seen: dict[int, dt.datetime] = {}  # bot message id -> simulated time
        self._trigger: tuple[Callable[[Message], bool], int, list[int], threading.Event] | None
        self._trigger = None
        self.bot_id = server.bot.user_id
        server.call(lambda: server.core.actions.message_listeners.append(self._on_message))

    # -- observation from localzulip's loop --
    def _on_message(self, message: Message) -> None:
        if message.sender_id != self.bot_id:
            return
        self.first_seen.setdefault(message.id, self.sim_now)
        trigger = self._trigger
        if trigger is not None and trigger[0](message):
            trigger[2].append(message.id)
            if len(trigger[2]) >= trigger[1]:
                trigger[3].set()

    def note(self, what: str) -> None:
        self.events.append(f"{self.sim_now:%H:%M} {what}")

    # -- the bot process --
    def start(self) -> None:
        seconds = self.runner.start()
        self.start_seconds.append(seconds)
        self.starts.append(self.sim_now)
        if self.realm_id is None:
            with self.engine.connect() as conn:
                self.realm_id = conn.execute(select(realms.c.id)).scalar()
        self.note(f"bot up (pid {self.runner.pid}, {seconds:.1f} s)")

    def kill(self, why: str) -> None:
        self.runner.kill()
        self.server.faults.clear()
        self.counts.kills += 1
        self.kill_times.append(self.sim_now)
        self.note(f"SIGKILL {why}")

    def terminate_backends(self) -> int:
        with self.engine.connect() as conn:
            killed = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND application_name <> 'chaos-test'"
                )
            ).scalar()
            conn.commit()
        self.counts.terminations += 1
        self.note(f"pg_terminate_backend x{killed}")
        return int(killed or 0)

    def set_time(self, instant: dt.datetime) -> None:
        self.sim_now = instant
        write_clock(self.clock_file, instant)

    # -- settling --
    def settle(self) -> bool:
        """Wait (bounded) until the bot has done what is due; a timeout is a stall."""
        began = time.monotonic()
        while True:
            if not self.runner.alive:
                self.violations.append(
                    f"{self.sim_now:%H:%M} the bot exited by itself:\n{self.runner.log_tail(15)}"
                )
                self.runner.proc = None
                self.kill_times.append(self.sim_now)  # a crash of its own, then a restart
                self.start()
            out = self._outstanding()
            if out is not None and out.done:
                return True
            if time.monotonic() - began > STEP_BOUND_S:
                self.counts.stalls += 1
                detail = out.describe() if out is not None else "database unreachable"
                self.note(f"STALL {detail}")
                if out is not None:
                    self.ignored_messages.update(out.messages)
                    self.ignored_edits.update(out.edits)
                    self.ignored_jobs.update((j[0], j[2]) for j in out.jobs)
                return False
            time.sleep(0.01)  # polling a database condition

    def _outstanding(self) -> Outstanding | None:
        try:
            out = settled(
                self.engine,
                self.sim_now,
                self.runner.pid,
                [m for m in self.dm_ids if m not in self.ignored_messages],
                {k: v for k, v in self.edits.items() if k not in self.ignored_edits},
                self.store,
                self.realm_id,
            )
        except DBAPIError:
            return None
        out.jobs = [j for j in out.jobs if (j[0], j[2]) not in self.ignored_jobs]
        return out

    def people_play(self) -> list[int]:
        sent = play(self.server, self.people, self.seed, self.rng)
        self.dm_ids.extend(sent)
        return sent

    def arm(self, predicate: Callable[[Message], bool], count: int) -> threading.Event:
        event = threading.Event()
        self._trigger = (predicate, count, [], event)
        return event

    def disarm(self) -> None:
        self._trigger = None

    # -- the plan --
    def plan(self) -> dict[dt.datetime, str]:
        rng = self.rng
        plan: dict[dt.datetime, str] = {}
        for zone in ZONES:
            prompt = utc_at(zone, PROMPT_LOCAL)
            plan[prompt] = "fanout"
            burst = rng.sample(range(1, 5), 3)
            plan[prompt + burst[0] * STEP] = "answers"
            plan[prompt + burst[1] * STEP] = "terminate" if self.is_pg else "answers"
            if rng.random() < 0.5:
                plan[prompt + burst[2] * STEP] = "answers"
            plan[utc_at(zone, REMINDER_LOCAL)] = "reminder"
        plan[utc_at("UTC", CUTOFF)] = "digest"
        minutes = []
        t = utc_at(ZONES[0], PROMPT_LOCAL) - 5 * STEP
        while t <= LAST_KILL:
            if t not in plan:
                minutes.append(t)
            t += STEP
        aimed = sum(1 for a in plan.values() if a != "terminate")
        for t in rng.sample(minutes, max(0, MIN_KILLS + 4 - aimed) + rng.randint(0, 3)):
            plan[t] = "kill"
        if self.is_pg:
            for t in rng.sample([m for m in minutes if m not in plan], 6):
                plan[t] = "terminate"
        return plan

    # -- the day --
    def run(self) -> None:
        self.start()
        owner = next(p for p in self.people if p.zone == OWNER_ZONE)
        self.server.human(owner.short).send_stream(CHANNEL, "general", SETUP)
        self.server.wait_for_message_sync(
            lambda m: m.sender_id == self.bot_id and "set up" in m.content, timeout=30, after_id=0
        )
        plan = self.plan()
        deferred = 0
        down_until: dt.datetime | None = None
        t = START
        while t < END:
            t += STEP
            action = plan.get(t, "")
            if not self.runner.alive:
                self.set_time(t)
                self.people_play()  # people answer while the bot is down
                if down_until is not None and t < down_until:
                    if action not in ("", "terminate"):
                        deferred += 1
                    continue
                self.start()
                down_until = None
                if action not in ("", "terminate"):
                    deferred += 1
                    action = ""
            if not action and self.answers_pending and t <= LAST_KILL:
                action, self.answers_pending = "answers", False
            if not action and deferred and t <= LAST_KILL:
                action, deferred = "kill", deferred - 1
            if t > LAST_KILL and action != "terminate":
                action = ""
            killed = self.step(t, action)
            self.server.faults.clear()
            if killed:
                if self.rng.random() < 0.5:
                    if self.rng.random() < 0.5:
                        self.people_play()  # some send before it is back
                    self.start()
                else:
                    down_until = t + self.rng.randint(1, 3) * STEP
        self.drain()
        self.runner.stop()

    def random_faults(self) -> None:
        faults = self.server.faults
        roll = self.rng.random()
        if roll < 0.10:
            faults.add_latency(self.rng.choice((0.3, 0.8, 1.5, 3.0)), path_contains="messages")
        elif roll < 0.15:
            faults.fail_next(
                self.rng.randint(1, 4), self.rng.choice((500, 502, 503)), path_contains="messages"
            )
        elif roll < 0.18:
            faults.drop_next(1, path_contains="messages")
        elif roll < 0.21:
            count = self.server.call(self.server.core.queues.expire_now)
            self.note(f"expired {count} event queues")

    def step(self, t: dt.datetime, action: str) -> bool:
        """One simulated minute with the bot up; True when the bot was killed."""
        rng = self.rng
        faults = self.server.faults
        if action == "fanout":
            due = [p for p in self.people if utc_at(p.zone, PROMPT_LOCAL) == t]
            k = rng.randint(1, min(len(due) - 1, 8))
            ids = {p.user_id for p in due}
            fired = self.arm(
                lambda m: PROMPT_MARK in m.content and bool(set(m.dm_user_ids) & ids), k
            )
            if rng.random() < 0.8:
                faults.add_latency(rng.uniform(0.2, 0.6), path_contains="messages")
            self.set_time(t)
            ok = fired.wait(STEP_BOUND_S)
            self.kill(f"fan-out after {k} of {len(due)} prompts" + ("" if ok else " (timed out)"))
            self.disarm()
            return True
        if action == "reminder":
            fired = self.arm(lambda m: REMINDER_MARK in m.content, 1)
            faults.add_latency(rng.uniform(0.2, 1.0), path_contains="messages")
            self.set_time(t)
            ok = fired.wait(5.0)
            self.kill("during reminders" + ("" if ok else " (no reminder seen in 5 s)"))
            self.disarm()
            return True
        if action == "digest":
            faults.add_latency(rng.uniform(1.5, 3.0), path_contains="messages")
            self.set_time(t)
            claimed = self._wait_job_claimed("digest", 10.0)
            time.sleep(rng.uniform(0.05, 1.2))  # aim inside the slow send
            self.kill("digest in flight" + ("" if claimed else " (digest not claimed in 10 s)"))
            return True
        if not action:
            self.random_faults()
        self.set_time(t)
        self.settle()
        if action == "answers":
            faults.add_latency(rng.uniform(0.3, 1.5), path_contains="messages")
            sent = self.people_play()
            if not sent:  # nobody had anything to answer: aim at the next minute
                self.answers_pending = True
                self.settle()
                return False
            time.sleep(rng.choice((0.0, 0.005, 0.02, 0.05, 0.1, 0.3)))
            self.kill(f"amid {len(sent)} answers")
            return True
        sent = self.people_play()
        if action == "kill":
            time.sleep(rng.choice((0.0, 0.005, 0.02, 0.1)))
            self.kill("at random")
            return True
        if action == "terminate":
            time.sleep(rng.choice((0.0, 0.002, 0.01, 0.03)))
            self.terminate_backends()
        if sent or action:
            self.settle()
        if not action:
            self.edits.update(edit_some(self.server, self.people, rng))
            if self.edits:
                self.settle()
        return False

    def _wait_job_claimed(self, kind: str, within: float) -> bool:
        began = time.monotonic()
        while time.monotonic() - began < within:
            with self.engine.connect() as conn:
                found = conn.execute(
                    select(jobs.c.id).where(
                        jobs.c.kind == kind, jobs.c.status.in_(("claimed", "done"))
                    )
                ).first()
            if found is not None:
                return True
            time.sleep(0.005)  # polling a database condition
        return False

    def drain(self) -> None:
        """After the day: the bot up, people finish, until nothing moves (bounded)."""
        if not self.runner.alive:
            self.start()
        t = self.sim_now
        for _ in range(10):
            t += STEP
            self.set_time(t)
            self.settle()
            if not self.people_play():
                break
            self.settle()

    # -- invariants --
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
