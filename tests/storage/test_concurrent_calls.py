"""Storage calls from several threads at once (services call storage through
``asyncio.to_thread``), on memory, SQLite and PostgreSQL: exactly-once rules hold."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from typing import TypeVar

from storage.store_set import StoreSet
from zulip_standup.domain.conversation.state import ConversationState, Phase
from zulip_standup.domain.scheduling.jobs import JobKind
from zulip_standup.domain.scheduling.planning import Occurrence
from zulip_standup.domain.standup import StandupSettings

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 11, 30)
THREADS = 4
T = TypeVar("T")


def at_once(call: Callable[[int], T]) -> list[T]:
    """Run ``call(n)`` on THREADS threads released together; re-raise the first failure."""
    start = threading.Barrier(THREADS)
    results: list[T] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        start.wait()
        try:
            value = call(n)
        except BaseException as exc:  # collected and re-raised below
            with lock:
                errors.append(exc)
            return
        with lock:
            results.append(value)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def test_one_run_one_conversation_one_prompt_claim(stores: StoreSet) -> None:
    """Racing prompt jobs for the same person find one run and one conversation, and only one
    of them may send the prompt."""
    realm = stores.realm()
    standup = stores.standups.create(realm, 3, "dev", 10, StandupSettings(), NOW)
    runs = stores.runs
    run_ids = at_once(lambda _: runs.run_for(standup.id, DAY, NOW).id)
    assert len(set(run_ids)) == 1
    started = at_once(lambda _: runs.start_conversation(run_ids[0], 1, NOW))
    assert len({conversation.id for conversation, _ in started}) == 1
    assert sum(created for _, created in started) == 1
    claims = at_once(lambda _: runs.claim_prompt(started[0][0].id, NOW))
    assert sorted(claims) == [False] * (THREADS - 1) + [True]


def test_workers_claiming_together_take_each_job_once(stores: StoreSet) -> None:
    """Workers claiming in small batches at the same moment never get the same job."""
    realm = stores.realm()
    sid = stores.standups.create(realm, 3, "dev", 10, StandupSettings(), NOW).id
    jobs = stores.jobs
    jobs.insert([Occurrence(sid, JobKind.PROMPT, DAY, u, NOW, None) for u in range(1, 41)])

    def drain(n: int) -> list[int]:
        mine: list[int] = []
        while batch := jobs.claim_due(NOW, 3, f"w{n}"):
            mine.extend(job.id for job in batch)
        return mine

    claimed = Counter(job_id for ids in at_once(drain) for job_id in ids)
    assert len(claimed) == 40
    assert set(claimed.values()) == {1}


def test_a_message_delivered_twice_at_once_is_handled_once(stores: StoreSet) -> None:
    """Two deliveries of the same message committing their step together: one wins."""
    realm = stores.realm()
    standup = stores.standups.create(realm, 3, "dev", 10, StandupSettings(), NOW)
    runs = stores.runs
    run = runs.run_for(standup.id, DAY, NOW)
    conversation, _ = runs.start_conversation(run.id, 1, NOW)

    asking = ConversationState(3, Phase.ASKING)

    def step(_: int) -> bool:
        return bool(runs.commit_step(conversation.id, NOW, asking, [], processed=(realm, 77)))

    assert sorted(at_once(step)) == [False] * (THREADS - 1) + [True]
