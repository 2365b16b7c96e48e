"""The built-in sample organisation served when no realm file is given."""

from __future__ import annotations

import hashlib

from localzulip.models import ROLE_ADMIN, ROLE_GUEST, ROLE_MEMBER, ROLE_OWNER
from localzulip.realm import Realm, RealmSettings


def sample_key(email: str) -> str:
    """A stable 32-character API key per email, so zuliprc files survive restarts."""
    return hashlib.sha256(f"localzulip:{email}".encode()).hexdigest()[:32]


def sample_realm() -> Realm:
    """Five people in different time zones and roles, two channels, and the Standup bot.

    ``alice`` owner (Europe/Berlin), ``bob`` admin (America/New_York), ``carol`` member
    (Asia/Kolkata), ``dave`` member (America/Los_Angeles), ``erin`` guest
    (Australia/Sydney); ``Standup`` (standup-bot@example.com, Generic bot owned by alice);
    public ``#general`` (everyone), public ``#standup`` (all but erin, plus the bot),
    private ``#leads`` (alice, bob).
    """
    realm = Realm(RealmSettings(name="Local Zulip"))
    people = [
        ("alice", "Alice Owner", ROLE_OWNER, "Europe/Berlin"),
        ("bob", "Bob Admin", ROLE_ADMIN, "America/New_York"),
        ("carol", "Carol Member", ROLE_MEMBER, "Asia/Kolkata"),
        ("dave", "Dave Member", ROLE_MEMBER, "America/Los_Angeles"),
        ("erin", "Erin Guest", ROLE_GUEST, "Australia/Sydney"),
    ]
    ids = {}
    for short, name, role, tz in people:
        email = f"{short}@example.com"
        user = realm.add_user(
            email, name, role=role, timezone=tz, short_name=short, api_key=sample_key(email)
        )
        ids[short] = user.user_id
    bot_email = "standup-bot@example.com"
    bot = realm.add_bot(
        bot_email,
        "Standup",
        owner_id=ids["alice"],
        short_name="standup-bot",
        api_key=sample_key(bot_email),
    )
    realm.ensure_notification_bot()
    realm.add_stream(
        "general",
        description="Everyone, everything",
        subscribers=list(ids.values()),
    )
    realm.add_stream(
        "standup",
        description="Daily standups",
        subscribers=[ids[s] for s in ("alice", "bob", "carol", "dave")] + [bot.user_id],
    )
    realm.add_stream(
        "leads",
        description="Private channel for leads",
        invite_only=True,
        subscribers=[ids["alice"], ids["bob"]],
    )
    return realm
