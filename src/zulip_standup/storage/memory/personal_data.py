"""``forget me`` in the in-memory twin: one person's rows in one realm go, and the audit log
keeps the action without naming them (as ``storage/personal_data.py`` does on SQL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zulip_standup.domain.forgetting import FORGOTTEN_USER_ID, without_person
from zulip_standup.storage.memory.state import MemoryState, utc


def forget_person(
    state: MemoryState, realm_id: int, user_id: int, now: dt.datetime
) -> dict[str, int]:
    """Delete one person's rows in one realm, scrub them from its audit log, and log the
    deletion itself without naming them; return counts per kind."""
    with state.lock:
        standups = state.standup_ids_of_realm(realm_id)
        runs = state.run_ids_of_realm(realm_id)

        def drop(table: dict[Any, dict[str, Any]], keep: Any) -> int:
            gone = [k for k, row in table.items() if row["user_id"] == user_id and keep(row)]
            for key in gone:
                del table[key]
            return len(gone)

        counts = {
            "answers": drop(state.answers, lambda r: r["run_id"] in runs),
            "conversations": drop(state.conversations, lambda r: r["run_id"] in runs),
            "blockers": 0,  # nothing stores blocker rows yet; the SQL table stays empty
            "jobs": drop(state.jobs, lambda r: r["standup_id"] in standups),
            "memberships": drop(state.participants, lambda r: r["standup_id"] in standups),
            "time_off": drop(state.time_off, lambda r: r["realm_id"] == realm_id),
            "profile": drop(state.people, lambda r: r["realm_id"] == realm_id),
            "web_logins": drop(state.web_logins, lambda r: r["realm_id"] == realm_id),
            "web_sessions": drop(state.web_sessions, lambda r: r["realm_id"] == realm_id),
            "api_tokens": drop(state.api_tokens, lambda r: r["realm_id"] == realm_id),
        }
        # Events about them go (their deliveries then find nothing to send); webhooks they
        # added stay, without their name.
        drop(state.webhook_events, lambda r: r["standup_id"] in standups)
        for row in state.webhooks.values():
            if row["created_by"] == user_id and row["standup_id"] in standups:
                row["created_by"] = None
        scrubbed = 0
        for entry in state.audit_log.values():
            if entry["realm_id"] != realm_id:
                continue
            actor = (
                FORGOTTEN_USER_ID if entry["actor_user_id"] == user_id else entry["actor_user_id"]
            )
            detail = without_person(entry["detail"], user_id)
            if actor != entry["actor_user_id"] or detail != entry["detail"]:
                entry.update(actor_user_id=actor, detail=detail)
                scrubbed += 1
        counts["audit_entries"] = scrubbed
        entry_id = state.next_id("audit_log")
        state.audit_log[entry_id] = {
            "id": entry_id,
            "realm_id": realm_id,
            "standup_id": None,
            "actor_user_id": FORGOTTEN_USER_ID,
            "action": "forget_me",
            "detail": dict(counts),
            "at": utc(now),
        }
    return counts
