"""The webhook events of what happens in a standup: a person's answers submitted or edited,
a blocker opened or resolved, the digest posted.

Each event is recorded (with its delivery jobs, in one transaction) right after the change
it reports is committed and before the channel hears of it; its id is derived from what it
reports, so recording it again (a report re-posted after a restart, a digest job run twice)
queues nothing new. A standup without webhooks is recognised without a statement.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from zulip_standup.domain.limits import BLOCKER_LOOKBACK_DAYS
from zulip_standup.domain.records import RunRecord
from zulip_standup.domain.reports.blockers import open_blockers
from zulip_standup.domain.standup import Standup
from zulip_standup.domain.webhooks import events as ev
from zulip_standup.services.runtime import Runtime, Webhooks

log = logging.getLogger(__name__)


def _wired(rt: Runtime, standup: Standup) -> Webhooks | None:
    hooks = rt.webhooks
    return hooks if hooks is not None and standup.id in hooks.standups else None


def _ref(standup: Standup) -> ev.StandupRef:
    return ev.StandupRef(standup.id, standup.name, standup.stream_name)


async def _record(rt: Runtime, hooks: Webhooks, events: Sequence[ev.WebhookEvent]) -> None:
    queued = 0
    for event in events:
        queued += await rt.db(hooks.store.record_event, event, rt.now())
    if queued:
        hooks.wake()
        log.info("webhook_events_recorded", extra={"events": len(events), "deliveries": queued})


async def answers_reported(
    rt: Runtime,
    standup: Standup,
    run: RunRecord,
    user_id: int,
    update: bool,
    changed: Sequence[int],
) -> None:
    """A person finished (``answers.submitted``) or changed (``answers.edited``) their
    answers; with a blocker question, ``blocker.opened`` or ``blocker.resolved`` when their
    open blocker came or went."""
    hooks = _wired(rt, standup)
    if hooks is None:
        return
    conversation = await rt.db(rt.runs.conversation, run.id, user_id)
    answers = await rt.db(rt.runs.answers_of, run.id, user_id)
    if conversation is None or not answers:
        return
    by_index = {a.question_index: a for a in answers}
    questions = standup.settings.questions
    pairs = [(q.text, by_index[i].text if i in by_index else "") for i, q in enumerate(questions)]
    name = rt.directory.name_of(user_id)
    now = rt.now()
    facts: tuple[object, ...]
    if update:
        # Each edit stores a new edit time: the same edit reported twice has one id, two
        # edits (even back to an earlier text) have two.
        latest = max(a.edited_at or a.created_at for a in answers).isoformat()
        content = hashlib.sha256("\x1f".join(a for _, a in pairs).encode()).hexdigest()
        kind, facts = ev.ANSWERS_EDITED, (run.run_date, user_id, latest, content)
    else:
        kind, facts = ev.ANSWERS_SUBMITTED, (run.run_date, user_id)
    data = ev.answers_data(
        user_id,
        name,
        pairs,
        late=conversation.late,
        changed=[i + 1 for i in changed] if update else (),
    )
    found = [
        ev.new_event(
            kind,
            ev.event_id(kind, standup.id, *facts),
            _ref(standup),
            run.run_date,
            now,
            data,
            user_id,
        )
    ]
    index = standup.settings.blocker_index
    if index is not None and (not update or not changed or index in changed):
        found.extend(await _blocker_events(rt, standup, run.run_date, user_id, index, name))
    await _record(rt, hooks, found)


async def _blocker_events(
    rt: Runtime, standup: Standup, run_date: dt.date, user_id: int, index: int, name: str
) -> list[ev.WebhookEvent]:
    """The one blocker rule (``reports.blockers.open_blockers``) without and with this run's
    answer: a blocker opened when none was open, resolved when the open one is gone."""
    start = run_date - dt.timedelta(days=BLOCKER_LOOKBACK_DAYS)
    rows = await rt.db(rt.runs.answers_in_range, standup.id, start, run_date, user_id)
    mine = [(day, a.user_id, a.text) for day, a in rows if a.question_index == index]
    before = open_blockers(row for row in mine if row[0] < run_date).get(user_id)
    after = open_blockers(mine).get(user_id)
    change = ev.blocker_change(before, after)
    if change is None:
        return []
    kind, since, text = change
    event_uuid = ev.event_id(kind, standup.id, user_id, since, run_date)
    data = ev.blocker_data(user_id, name, text, since)
    return [ev.new_event(kind, event_uuid, _ref(standup), run_date, rt.now(), data, user_id)]


# What a posted digest shows: (answered, expected, open blockers).
DigestCounts = Callable[[Standup, RunRecord], Awaitable[tuple[int, int, int]]]


async def digest_posted(
    rt: Runtime, standup: Standup, run_date: dt.date, counts: DigestCounts
) -> None:
    """The digest of a run is in the channel (``digest.posted``): its messages and the
    counts it shows. Called after every run of the digest job, also one that found the
    digest posted by an attempt that died before recording this."""
    hooks = _wired(rt, standup)
    if hooks is None:
        return
    run = await rt.db(rt.runs.find_run, standup.id, run_date)
    if run is None or not run.digest_message_ids:
        return  # no digest message (the live style posts none)
    answered, expected, blockers = await counts(standup, run)
    data = ev.digest_data(run.digest_message_ids, answered, expected, blockers)
    event_uuid = ev.event_id(ev.DIGEST_POSTED, standup.id, run_date)
    event = ev.new_event(ev.DIGEST_POSTED, event_uuid, _ref(standup), run_date, rt.now(), data)
    await _record(rt, hooks, [event])
