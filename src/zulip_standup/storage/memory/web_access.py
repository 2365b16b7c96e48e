"""The in-memory twin of ``storage/web_access.py``: the web dashboard's login links,
sessions and API tokens by the digest of their secret."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zulip_standup.domain.records import ApiTokenRecord, WebUser
from zulip_standup.storage.memory.state import DuplicateKeyError, MemoryState, utc
from zulip_standup.storage.web_access import due_touch, session_alive


def _at(value: dt.datetime) -> dt.datetime:
    at = utc(value)
    assert at is not None
    return at


def _user(row: dict[str, Any]) -> WebUser:
    return WebUser(int(row["realm_id"]), int(row["user_id"]))


class MemoryWebAccess:
    """``WebAccess`` in memory."""

    def __init__(self, state: MemoryState) -> None:
        self.db = state

    def add_login(
        self, realm_id: int, user_id: int, digest: str, now: dt.datetime, expires_at: dt.datetime
    ) -> None:
        with self.db.lock:
            if digest in self.db.web_logins:
                msg = "a login link with this digest exists"
                raise DuplicateKeyError(msg)
            self.db.web_logins[digest] = {
                "digest": digest,
                "realm_id": realm_id,
                "user_id": user_id,
                "created_at": _at(now),
                "expires_at": _at(expires_at),
                "used_at": None,
            }

    def use_login(self, digest: str, now: dt.datetime) -> WebUser | None:
        at = _at(now)
        with self.db.lock:
            row = self.db.web_logins.get(digest)
            if row is None or row["used_at"] is not None or not row["expires_at"] > at:
                return None
            row["used_at"] = at
            return _user(row)

    def add_session(
        self, realm_id: int, user_id: int, digest: str, now: dt.datetime, expires_at: dt.datetime
    ) -> None:
        with self.db.lock:
            if digest in self.db.web_sessions:
                msg = "a session with this digest exists"
                raise DuplicateKeyError(msg)
            self.db.web_sessions[digest] = {
                "digest": digest,
                "realm_id": realm_id,
                "user_id": user_id,
                "created_at": _at(now),
                "last_seen_at": _at(now),
                "expires_at": _at(expires_at),
                "ended_at": None,
            }

    def session(self, digest: str, now: dt.datetime, idle: dt.timedelta) -> WebUser | None:
        at = _at(now)
        with self.db.lock:
            row = self.db.web_sessions.get(digest)
            if row is None or not session_alive(row, at, idle):
                return None
            if due_touch(row["last_seen_at"], at):
                row["last_seen_at"] = at
            return _user(row)

    def end_session(self, digest: str, now: dt.datetime) -> bool:
        at = _at(now)
        with self.db.lock:
            row = self.db.web_sessions.get(digest)
            if row is None or row["ended_at"] is not None or not row["expires_at"] > at:
                return False
            row["ended_at"] = at
            return True

    def end_sessions_of(self, realm_id: int, user_id: int, now: dt.datetime) -> int:
        at = _at(now)
        ended = 0
        with self.db.lock:
            for row in self.db.web_sessions.values():
                if (
                    (row["realm_id"], row["user_id"]) == (realm_id, user_id)
                    and row["ended_at"] is None
                    and row["expires_at"] > at
                ):
                    row["ended_at"] = at
                    ended += 1
            for row in self.db.web_logins.values():
                mine = (row["realm_id"], row["user_id"]) == (realm_id, user_id)
                if mine and row["used_at"] is None:
                    row["used_at"] = at
        return ended

    def add_api_token(
        self, realm_id: int, user_id: int, name: str, digest: str, now: dt.datetime
    ) -> int | None:
        with self.db.lock:
            rows = self.db.api_tokens.values()
            if any(
                (r["realm_id"], r["user_id"], r["name"]) == (realm_id, user_id, name) for r in rows
            ):
                return None
            if any(r["digest"] == digest for r in rows):
                msg = "an API token with this digest exists"
                raise DuplicateKeyError(msg)
            token_id = self.db.next_id("api_tokens")
            self.db.api_tokens[token_id] = {
                "id": token_id,
                "realm_id": realm_id,
                "user_id": user_id,
                "name": name,
                "digest": digest,
                "created_at": _at(now),
                "last_used_at": None,
            }
            return token_id

    def api_tokens_of(self, realm_id: int, user_id: int) -> list[ApiTokenRecord]:
        with self.db.lock:
            mine = [
                row
                for row in self.db.api_tokens.values()
                if (row["realm_id"], row["user_id"]) == (realm_id, user_id)
            ]
            mine.sort(key=lambda row: (row["created_at"], row["id"]))
            return [
                ApiTokenRecord(row["id"], row["name"], row["created_at"], row["last_used_at"])
                for row in mine
            ]

    def revoke_api_token(self, realm_id: int, user_id: int, name: str) -> bool:
        with self.db.lock:
            for token_id, row in self.db.api_tokens.items():
                if (row["realm_id"], row["user_id"], row["name"]) == (realm_id, user_id, name):
                    del self.db.api_tokens[token_id]
                    return True
        return False

    def api_token(self, digest: str, now: dt.datetime) -> WebUser | None:
        at = _at(now)
        with self.db.lock:
            for row in self.db.api_tokens.values():
                if row["digest"] == digest:
                    if due_touch(row["last_used_at"], at):
                        row["last_used_at"] = at
                    return _user(row)
        return None

    def purge_web_access(self, before: dt.datetime) -> int:
        cutoff = _at(before)
        with self.db.lock:
            links = [d for d, row in self.db.web_logins.items() if row["expires_at"] < cutoff]
            sessions = [
                d
                for d, row in self.db.web_sessions.items()
                if row["expires_at"] < cutoff
                or (row["ended_at"] is not None and row["ended_at"] < cutoff)
            ]
            for digest in links:
                del self.db.web_logins[digest]
            for digest in sessions:
                del self.db.web_sessions[digest]
        return len(links) + len(sessions)
