"""The port of the web dashboard's credentials: one-time login links, sessions and personal
API tokens, each stored only as the SHA-256 hex digest (64 characters) of its secret.

The caller computes the digests; the store never sees a secret. Each method is one
transaction. Lookups that may write (``session``, ``api_token``) write at most once a
minute per row, so a page load does not always take the write lock.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from zulip_standup.domain.records import ApiTokenRecord, WebUser

# A session's last_seen_at and a token's last_used_at are written again only once older.
TOUCH_EVERY = dt.timedelta(seconds=60)


class WebAccess(Protocol):
    """Login links, sessions and API tokens of the web dashboard, by digest."""

    def add_login(
        self, realm_id: int, user_id: int, digest: str, now: dt.datetime, expires_at: dt.datetime
    ) -> None:
        """Store a one-time login link for the person, usable until ``expires_at``."""

    def use_login(self, digest: str, now: dt.datetime) -> WebUser | None:
        """Use the link once: its person when it exists, is unused and ``expires_at > now``
        (then it is marked used); otherwise None. Of concurrent uses exactly one wins."""

    def add_session(
        self, realm_id: int, user_id: int, digest: str, now: dt.datetime, expires_at: dt.datetime
    ) -> None:
        """Store a session for the person, seen ``now``, that ends at ``expires_at``."""

    def session(self, digest: str, now: dt.datetime, idle: dt.timedelta) -> WebUser | None:
        """The session's person when it was not ended, ``expires_at > now`` and it was seen
        less than ``idle`` ago; it is then seen ``now`` (written only when the last sighting
        is ``TOUCH_EVERY`` old or older). Otherwise None."""

    def end_session(self, digest: str, now: dt.datetime) -> bool:
        """End the session (log out); True when it was live (not ended, not expired)."""

    def end_sessions_of(self, realm_id: int, user_id: int, now: dt.datetime) -> int:
        """End all the person's live sessions and mark their unused login links used (a link
        sent before cannot start a new session); return the sessions ended."""

    def add_api_token(
        self, realm_id: int, user_id: int, name: str, digest: str, now: dt.datetime
    ) -> int | None:
        """Store a named API token; its id, or None when the person has one of that name."""

    def api_tokens_of(self, realm_id: int, user_id: int) -> list[ApiTokenRecord]:
        """The person's API tokens, oldest first (by ``created_at``, then id)."""

    def revoke_api_token(self, realm_id: int, user_id: int, name: str) -> bool:
        """Delete the person's token of that name; False when there was none."""

    def api_token(self, digest: str, now: dt.datetime) -> WebUser | None:
        """The token's person, or None; it is marked used ``now`` (at most one write per
        ``TOUCH_EVERY`` per token)."""

    def purge_web_access(self, before: dt.datetime) -> int:
        """Delete login links and sessions that expired before the instant, and sessions
        ended before it; return the rows deleted."""
