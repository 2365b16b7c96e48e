"""Logging in to the dashboard from chat: one-time links, sessions, and ending them.

Tokens are random (128 bits for a link, 256 for a session) and stored only as their
SHA-256 digest, so a copy of the database opens no session.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.commands import web_texts as texts
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.limits import (
    DASHBOARD_IDLE_HOURS,
    DASHBOARD_SESSION_DAYS,
    LOGIN_LINK_MINUTES,
    MAX_API_TOKENS,
)
from zulip_standup.domain.records import WebUser
from zulip_standup.ports import Clock, WebAccess
from zulip_standup.services.access import Asker
from zulip_standup.services.runtime import Runtime

LOGIN_PATH = "/login/"
API_PATH = "/api/v1/"
# Recognisable in logs and by secret scanners.
TOKEN_PREFIX = "sut_"  # noqa: S105 (a prefix, not a secret)
LINK_BYTES = 16
SESSION_BYTES = 32


def digest(token: str) -> str:
    """What is stored of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


async def dashboard(rt: Runtime, asker: Asker, _cmd: ct.Dashboard) -> str:
    """A one-time login link for the asker, valid for ``LOGIN_LINK_MINUTES``."""
    if not rt.public_url:
        raise UserFacingError(texts.dashboard_off())
    token = secrets.token_urlsafe(LINK_BYTES)
    now = rt.now()
    expires = now + dt.timedelta(minutes=LOGIN_LINK_MINUTES)
    await rt.db(rt.web.add_login, rt.realm_id, asker.person.user_id, digest(token), now, expires)
    return texts.dashboard_link(f"{rt.public_url}{LOGIN_PATH}{token}")


async def revoke_sessions(rt: Runtime, asker: Asker, _cmd: ct.Sessions) -> str:
    """End every dashboard session of the asker, and their unused links."""
    ended = await rt.db(rt.web.end_sessions_of, rt.realm_id, asker.person.user_id, rt.now())
    return texts.sessions_revoked(ended)


@dataclass(frozen=True)
class Sessions:
    """The web side of logging in, shared by every realm the process serves."""

    store: WebAccess
    clock: Clock

    async def log_in(self, link_token: str) -> tuple[str, WebUser] | None:
        """Spend a link: a new session token and its user, or None for a bad link."""
        now = self.clock.now()
        user = await asyncio.to_thread(self.store.use_login, digest(link_token), now)
        if user is None:
            return None
        session = secrets.token_urlsafe(SESSION_BYTES)
        expires = now + dt.timedelta(days=DASHBOARD_SESSION_DAYS)
        await asyncio.to_thread(
            self.store.add_session, user.realm_id, user.user_id, digest(session), now, expires
        )
        return session, user

    async def user(self, session: str) -> WebUser | None:
        """Who a session cookie belongs to, while it lives."""
        idle = dt.timedelta(hours=DASHBOARD_IDLE_HOURS)
        return await asyncio.to_thread(self.store.session, digest(session), self.clock.now(), idle)

    async def log_out(self, session: str) -> None:
        await asyncio.to_thread(self.store.end_session, digest(session), self.clock.now())

    async def token_user(self, token: str) -> WebUser | None:
        """Who an API token belongs to, while it exists."""
        return await asyncio.to_thread(self.store.api_token, digest(token), self.clock.now())


async def new_token(rt: Runtime, asker: Asker, cmd: ct.TokenNew) -> str:
    """A personal API token, shown once; stored as its digest."""
    if not rt.public_url:
        raise UserFacingError(texts.dashboard_off())
    user_id = asker.person.user_id
    held = await rt.db(rt.web.api_tokens_of, rt.realm_id, user_id)
    if len(held) >= MAX_API_TOKENS:
        raise UserFacingError(texts.too_many_tokens(MAX_API_TOKENS))
    token = TOKEN_PREFIX + secrets.token_urlsafe(SESSION_BYTES)
    made = await rt.db(
        rt.web.add_api_token, rt.realm_id, user_id, cmd.name, digest(token), rt.now()
    )
    if made is None:
        raise UserFacingError(texts.token_name_taken(cmd.name))
    return texts.token_created(cmd.name, token, f"{rt.public_url}{API_PATH}")


async def list_tokens(rt: Runtime, asker: Asker, _cmd: ct.TokenList) -> str:
    held = await rt.db(rt.web.api_tokens_of, rt.realm_id, asker.person.user_id)
    rows = [
        (
            t.name,
            f"{t.created_at:%d %b %Y}",
            f"last used {t.last_used_at:%d %b %Y %H:%M} UTC" if t.last_used_at else "never used",
        )
        for t in held
    ]
    return texts.tokens_listed(rows)


async def revoke_token(rt: Runtime, asker: Asker, cmd: ct.TokenRevoke) -> str:
    user_id = asker.person.user_id
    if await rt.db(rt.web.revoke_api_token, rt.realm_id, user_id, cmd.name):
        return texts.token_revoked(cmd.name)
    held = await rt.db(rt.web.api_tokens_of, rt.realm_id, user_id)
    raise UserFacingError(texts.no_such_token(cmd.name, [t.name for t in held]))
