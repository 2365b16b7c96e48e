"""Deleting everything stored about one person (`forget me`), in one transaction: their
answers, conversations, jobs, memberships, time off and profile, their web dashboard
login links, sessions and API tokens, and the webhook events about them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine, and_, delete, insert, select, update

from zulip_standup.domain.forgetting import FORGOTTEN_USER_ID, without_person
from zulip_standup.storage.tables import (
    answers,
    api_tokens,
    audit_log,
    blockers,
    conversations,
    jobs,
    participants,
    people,
    runs,
    standups,
    time_off,
    web_logins,
    web_sessions,
    webhook_events,
    webhooks,
)


def forget_person(engine: Engine, realm_id: int, user_id: int, now: dt.datetime) -> dict[str, int]:
    """Delete one person's rows in one realm, scrub them from its audit log, and log the
    deletion itself without naming them; return counts per kind. All or nothing."""
    in_realm = select(standups.c.id).where(standups.c.realm_id == realm_id)
    runs_in_realm = select(runs.c.id).where(runs.c.standup_id.in_(in_realm))
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        for name, statement in (
            (
                "answers",
                delete(answers).where(
                    answers.c.user_id == user_id, answers.c.run_id.in_(runs_in_realm)
                ),
            ),
            (
                "conversations",
                delete(conversations).where(
                    conversations.c.user_id == user_id,
                    conversations.c.run_id.in_(runs_in_realm),
                ),
            ),
            (
                "blockers",
                delete(blockers).where(
                    blockers.c.user_id == user_id, blockers.c.standup_id.in_(in_realm)
                ),
            ),
            (
                "jobs",
                delete(jobs).where(jobs.c.user_id == user_id, jobs.c.standup_id.in_(in_realm)),
            ),
            (
                "memberships",
                delete(participants).where(
                    participants.c.user_id == user_id,
                    participants.c.standup_id.in_(in_realm),
                ),
            ),
            (
                "time_off",
                delete(time_off).where(
                    and_(time_off.c.realm_id == realm_id, time_off.c.user_id == user_id)
                ),
            ),
            (
                "profile",
                delete(people).where(
                    and_(people.c.realm_id == realm_id, people.c.user_id == user_id)
                ),
            ),
            *(
                (
                    table.name,
                    delete(table).where(table.c.realm_id == realm_id, table.c.user_id == user_id),
                )
                for table in (web_logins, web_sessions, api_tokens)
            ),
        ):
            counts[name] = int(conn.execute(statement).rowcount or 0)
        # Events about them go (their deliveries then find nothing to send); webhooks they
        # added stay, without their name.
        conn.execute(
            delete(webhook_events).where(
                webhook_events.c.user_id == user_id, webhook_events.c.standup_id.in_(in_realm)
            )
        )
        conn.execute(
            update(webhooks)
            .where(webhooks.c.created_by == user_id, webhooks.c.standup_id.in_(in_realm))
            .values(created_by=None)
        )
        counts["audit_entries"] = _scrub_audit_log(conn, realm_id, user_id)
        conn.execute(
            insert(audit_log).values(
                realm_id=realm_id,
                standup_id=None,
                actor_user_id=FORGOTTEN_USER_ID,
                action="forget_me",
                detail=dict(counts),
                at=now,
            )
        )
    return counts


def _scrub_audit_log(conn: Connection, realm_id: int, user_id: int) -> int:
    """Replace the person as actor and drop them from details; return entries changed."""
    changed = 0
    rows = conn.execute(
        select(audit_log.c.id, audit_log.c.actor_user_id, audit_log.c.detail).where(
            audit_log.c.realm_id == realm_id
        )
    ).all()
    for row in rows:
        actor = FORGOTTEN_USER_ID if row.actor_user_id == user_id else int(row.actor_user_id)
        detail = without_person(row.detail, user_id)
        if actor != row.actor_user_id or detail != row.detail:
            conn.execute(
                update(audit_log)
                .where(audit_log.c.id == row.id)
                .values(actor_user_id=actor, detail=detail)
            )
            changed += 1
    return changed
