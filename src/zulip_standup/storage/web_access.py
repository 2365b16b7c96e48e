"""The web dashboard's credentials on SQLite or PostgreSQL: login links, sessions and API
tokens by the digest of their secret (``ports/web_access.py``).

Each call is one transaction. Lookups read on a deferred transaction (``reading``) and
decide from it when nothing is to be written; when a session or token is due to be marked
seen, one write transaction decides alone, by a conditional UPDATE that re-checks
everything the read found, so a session ended in between is not served.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, or_, select, update

from zulip_standup.domain.records import ApiTokenRecord, WebUser
from zulip_standup.ports import TOUCH_EVERY
from zulip_standup.storage.conflicts import insert_ignoring_duplicates
from zulip_standup.storage.engine import reading
from zulip_standup.storage.tables import api_tokens, web_logins, web_sessions


def session_alive(row: Mapping[str, Any], now: dt.datetime, idle: dt.timedelta) -> bool:
    """Whether a ``web_sessions`` row (or the twin's dict) is not ended, before its expiry
    and seen less than ``idle`` ago."""
    return row["ended_at"] is None and row["expires_at"] > now and row["last_seen_at"] + idle > now


def due_touch(last: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether a last sighting is old enough (or missing) to be written again."""
    return last is None or now - last >= TOUCH_EVERY


class WebAccessStore:
    """``WebAccess`` on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add_login(
        self, realm_id: int, user_id: int, digest: str, now: dt.datetime, expires_at: dt.datetime
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(web_logins).values(
                    digest=digest,
                    realm_id=realm_id,
                    user_id=user_id,
                    created_at=now,
                    expires_at=expires_at,
                )
            )

    def use_login(self, digest: str, now: dt.datetime) -> WebUser | None:
        """Mark the link used when unused and unexpired: one conditional UPDATE, so of two
        concurrent uses only one changes the row (its rowcount says which)."""
        with self.engine.begin() as conn:
            used = conn.execute(
                update(web_logins)
                .where(
                    web_logins.c.digest == digest,
                    web_logins.c.used_at.is_(None),
                    web_logins.c.expires_at > now,
                )
                .values(used_at=now)
            )
            if used.rowcount != 1:
                return None
            row = conn.execute(
                select(web_logins.c.realm_id, web_logins.c.user_id).where(
                    web_logins.c.digest == digest
                )
            ).one()
        return WebUser(int(row.realm_id), int(row.user_id))

    def add_session(
        self, realm_id: int, user_id: int, digest: str, now: dt.datetime, expires_at: dt.datetime
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(web_sessions).values(
                    digest=digest,
                    realm_id=realm_id,
                    user_id=user_id,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=expires_at,
                )
            )

    def session(self, digest: str, now: dt.datetime, idle: dt.timedelta) -> WebUser | None:
        """The live session's person; a sighting a minute old or older is written."""
        with reading(self.engine) as conn:
            row = _session_row(conn, digest)
        if row is None or not session_alive(row, now, idle):
            return None
        if not due_touch(row["last_seen_at"], now):
            return WebUser(int(row["realm_id"]), int(row["user_id"]))
        with self.engine.begin() as conn:
            conn.execute(
                update(web_sessions)
                .where(
                    web_sessions.c.digest == digest,
                    web_sessions.c.ended_at.is_(None),
                    web_sessions.c.expires_at > now,
                    web_sessions.c.last_seen_at > now - idle,
                    web_sessions.c.last_seen_at <= now - TOUCH_EVERY,
                )
                .values(last_seen_at=now)
            )
            # Touched now, or by a concurrent request, or ended meanwhile: read it again.
            row = _session_row(conn, digest)
        if row is None or not session_alive(row, now, idle):
            return None
        return WebUser(int(row["realm_id"]), int(row["user_id"]))

    def end_session(self, digest: str, now: dt.datetime) -> bool:
        with self.engine.begin() as conn:
            ended = conn.execute(
                update(web_sessions)
                .where(
                    web_sessions.c.digest == digest,
                    web_sessions.c.ended_at.is_(None),
                    web_sessions.c.expires_at > now,
                )
                .values(ended_at=now)
            )
        return bool(ended.rowcount)

    def end_sessions_of(self, realm_id: int, user_id: int, now: dt.datetime) -> int:
        """End the person's live sessions and spend their unused links, in one transaction."""
        with self.engine.begin() as conn:
            ended = conn.execute(
                update(web_sessions)
                .where(
                    web_sessions.c.realm_id == realm_id,
                    web_sessions.c.user_id == user_id,
                    web_sessions.c.ended_at.is_(None),
                    web_sessions.c.expires_at > now,
                )
                .values(ended_at=now)
            )
            conn.execute(
                update(web_logins)
                .where(
                    web_logins.c.realm_id == realm_id,
                    web_logins.c.user_id == user_id,
                    web_logins.c.used_at.is_(None),
                )
                .values(used_at=now)
            )
        return int(ended.rowcount or 0)

    def add_api_token(
        self, realm_id: int, user_id: int, name: str, digest: str, now: dt.datetime
    ) -> int | None:
        """Insert unless the person has a token of that name (race-safe: one statement)."""
        with self.engine.begin() as conn:
            token_id = conn.execute(
                insert_ignoring_duplicates(conn, api_tokens, "realm_id", "user_id", "name")
                .values(
                    realm_id=realm_id, user_id=user_id, name=name, digest=digest, created_at=now
                )
                .returning(api_tokens.c.id)
            ).scalar()
        return None if token_id is None else int(token_id)

    def api_tokens_of(self, realm_id: int, user_id: int) -> list[ApiTokenRecord]:
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(
                    api_tokens.c.id,
                    api_tokens.c.name,
                    api_tokens.c.created_at,
                    api_tokens.c.last_used_at,
                )
                .where(api_tokens.c.realm_id == realm_id, api_tokens.c.user_id == user_id)
                .order_by(api_tokens.c.created_at, api_tokens.c.id)
            ).all()
        return [ApiTokenRecord(int(r.id), r.name, r.created_at, r.last_used_at) for r in rows]

    def revoke_api_token(self, realm_id: int, user_id: int, name: str) -> bool:
        with self.engine.begin() as conn:
            gone = conn.execute(
                delete(api_tokens).where(
                    api_tokens.c.realm_id == realm_id,
                    api_tokens.c.user_id == user_id,
                    api_tokens.c.name == name,
                )
            )
        return bool(gone.rowcount)

    def api_token(self, digest: str, now: dt.datetime) -> WebUser | None:
        """The token's person; a use a minute after the last one recorded is written."""
        with reading(self.engine) as conn:
            row = _token_row(conn, digest)
        if row is None:
            return None
        if not due_touch(row["last_used_at"], now):
            return WebUser(int(row["realm_id"]), int(row["user_id"]))
        with self.engine.begin() as conn:
            conn.execute(
                update(api_tokens)
                .where(
                    api_tokens.c.digest == digest,
                    or_(
                        api_tokens.c.last_used_at.is_(None),
                        api_tokens.c.last_used_at <= now - TOUCH_EVERY,
                    ),
                )
                .values(last_used_at=now)
            )
            row = _token_row(conn, digest)  # None when revoked meanwhile
        return None if row is None else WebUser(int(row["realm_id"]), int(row["user_id"]))

    def purge_web_access(self, before: dt.datetime) -> int:
        with self.engine.begin() as conn:
            links = conn.execute(delete(web_logins).where(web_logins.c.expires_at < before))
            sessions = conn.execute(
                delete(web_sessions).where(
                    or_(web_sessions.c.expires_at < before, web_sessions.c.ended_at < before)
                )
            )
        return int(links.rowcount or 0) + int(sessions.rowcount or 0)


def _session_row(conn: Connection, digest: str) -> Any:
    return (
        conn.execute(select(web_sessions).where(web_sessions.c.digest == digest)).mappings().first()
    )


def _token_row(conn: Connection, digest: str) -> Any:
    found = select(api_tokens.c.realm_id, api_tokens.c.user_id, api_tokens.c.last_used_at)
    return conn.execute(found.where(api_tokens.c.digest == digest)).mappings().first()
