"""Membership rows of standups: who takes part, inside the caller's transaction.

Shared by ``StandupStore``'s one-call methods and its ``apply_change``, so a participant
change is the same statements whether it is a transaction of its own or part of a larger one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from zulip_standup.storage.tables import participants


def _memberships(conn: Connection, standup_id: int) -> dict[int, bool]:
    rows = conn.execute(
        select(participants.c.user_id, participants.c.active).where(
            participants.c.standup_id == standup_id
        )
    )
    return {int(r.user_id): bool(r.active) for r in rows}


def set_participant_rows(
    conn: Connection, standup_id: int, wanted: dict[int, str], now: dt.datetime
) -> tuple[list[int], list[int]]:
    current = _memberships(conn, standup_id)
    added = [u for u in wanted if not current.get(u)]
    removed = [u for u, active in current.items() if active and u not in wanted]
    _activate(conn, standup_id, {u: wanted[u] for u in added}, current, now)
    _deactivate(conn, standup_id, removed)
    return sorted(added), sorted(removed)


def add_participant_rows(
    conn: Connection, standup_id: int, wanted: dict[int, str], now: dt.datetime
) -> list[int]:
    current = _memberships(conn, standup_id)
    added = {u: n for u, n in wanted.items() if not current.get(u)}
    _activate(conn, standup_id, added, current, now)
    return sorted(added)


def remove_participant_rows(conn: Connection, standup_id: int, user_ids: list[int]) -> list[int]:
    current = _memberships(conn, standup_id)
    active = sorted({u for u in user_ids if current.get(u)})
    _deactivate(conn, standup_id, active)
    return active


def _activate(
    conn: Connection,
    standup_id: int,
    members: dict[int, str],
    current: dict[int, bool],
    now: dt.datetime,
) -> None:
    for user_id, name in members.items():
        if user_id in current:
            conn.execute(
                update(participants)
                .where(participants.c.standup_id == standup_id, participants.c.user_id == user_id)
                .values(active=True, display_name=name)
            )
        else:
            conn.execute(
                insert(participants).values(
                    standup_id=standup_id,
                    user_id=user_id,
                    display_name=name,
                    active=True,
                    added_at=now,
                )
            )


def _deactivate(conn: Connection, standup_id: int, user_ids: list[int]) -> None:
    if user_ids:
        conn.execute(
            update(participants)
            .where(participants.c.standup_id == standup_id)
            .where(participants.c.user_id.in_(user_ids))
            .values(active=False)
        )
