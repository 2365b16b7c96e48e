"""Has the bot finished what is due? What it still owes at a simulated instant, read from the
database, with work claimed by a dead process told apart (no real time helps it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from zulip_standup.storage.runs import RunStore
from zulip_standup.storage.tables import inbox, jobs, realms


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
