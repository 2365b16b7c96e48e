"""The scenario driver: walks simulated time through a standup day, kills the bot process
at aimed moments, restarts it, and checks what people saw against what the database holds.

Only real failures: SIGKILL of the bot's process group, ``pg_terminate_backend`` of its
PostgreSQL sessions, and localzulip's fault injection. Every wait is for a condition
(``settled``, a message in localzulip's log, ``/readyz``) with a real-time bound.

The day's times and marks are in ``day``, what the bot still owes in ``settling``, the
end-of-day checks in ``invariants``.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import make_url, select, text
from sqlalchemy.exc import DBAPIError

from localzulip import LocalZulip
from localzulip.models import Message
from zulip_standup.storage.crypto import AnswerCipher
from zulip_standup.storage.engine import make_engine
from zulip_standup.storage.runs import RunStore
from zulip_standup.storage.tables import jobs, realms

from .clock import write_clock
from .day import (
    CUTOFF,
    END,
    LAST_KILL,
    MIN_KILLS,
    PROMPT_LOCAL,
    PROMPT_MARK,
    REMINDER_LOCAL,
    REMINDER_MARK,
    SETUP,
    START,
    STEP,
    STEP_BOUND_S,
    utc_at,
)
from .invariants import Counts, InvariantChecks
from .people import CHANNEL, OWNER_ZONE, ZONES, Person, edit_some, play
from .runner import BotRunner
from .settling import Outstanding, settled


class Chaos(InvariantChecks):
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
