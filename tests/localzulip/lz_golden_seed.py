"""A realm seeded like the recording server (users, channels, ids) from the golden files."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from localzulip import Message, Realm, RealmSettings

REPO = Path(__file__).resolve().parents[2]


def golden_dir() -> Path | None:
    env = os.environ.get("ZULIP_GOLDEN_DIR")
    path = Path(env) if env else REPO.parent / "shared" / "zulip-golden"
    return path if path.is_dir() else None


def load(name: str) -> dict[str, Any]:
    folder = golden_dir()
    assert folder is not None
    data: dict[str, Any] = json.loads((folder / name).read_text("utf-8"))
    return data


# Recipient ids observed in the recordings (personal recipients and channel recipients).
USER_RECIPIENTS = {10: 12, 11: 13, 24: 45}
STREAM_RECIPIENTS = {1: 6, 3: 21}
BOT_OWNERS = {24: 11, 21: 9}
STREAM_COLORS = {3: "#76ce90", 4: "#fae589", 6: "#a6c7e5"}
INITIAL_SUBSCRIBERS = {
    3: [6, 7, 8, 9, 12, 13, 14, 15],
    4: [7, 8, 9],
}
HUMANS = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15]


def golden_realm() -> Realm:
    """17 users, 3 system bots and the 14 public channels as the recording server had them."""
    users = load("01_users.json")
    streams = load("01_streams.json")["exchanges"][0]["response"]["body"]["streams"]
    settings_body = load("01_server_settings.json")["exchanges"][0]["response"]["body"]
    register = load("02_register.json")["exchanges"][0]["response"]["body"]
    joined = {u["user_id"]: u["date_joined"] for u in register["realm_users"]}
    realm = Realm(
        RealmSettings(
            name="Zulip Dev",
            string_id="zulip",
            realm_id=2,
            extra={
                "server_settings": {
                    k: v for k, v in settings_body.items() if k not in ("result", "msg")
                }
            },
        )
    )
    for bot in register["cross_realm_bots"]:
        realm.add_user(
            bot["email"],
            bot["full_name"],
            user_id=bot["user_id"],
            is_bot=True,
            bot_type=1,
            system_bot=True,
            date_joined=bot["date_joined"],
        )
    for entry in users["users_summary"]:
        uid = entry["user_id"]
        realm.add_user(
            entry["email"],
            entry["full_name"],
            user_id=uid,
            role=entry["role"],
            timezone=entry["timezone"],
            is_bot=entry["is_bot"],
            bot_type=entry["bot_type"],
            bot_owner_id=BOT_OWNERS.get(uid),
            short_name=entry["email"].split("@")[0].lower(),
            recipient_id=USER_RECIPIENTS.get(uid),
            date_joined=joined.get(uid),
        )
    me = users["exchanges"][1]["response"]["body"]
    realm.users[me["user_id"]].profile_data = me["profile_data"]
    for s in streams:
        sid = s["stream_id"]
        realm.add_stream(
            s["name"],
            stream_id=sid,
            description=s["description"],
            rendered_description=s["rendered_description"],
            invite_only=s["invite_only"],
            is_web_public=s["is_web_public"],
            stream_post_policy=s["stream_post_policy"],
            date_created=s["date_created"],
            first_message_id=s["first_message_id"],
            recipient_id=STREAM_RECIPIENTS.get(sid),
            subscribers=INITIAL_SUBSCRIBERS.get(sid, HUMANS),
            color=STREAM_COLORS.get(sid, "#76ce90"),
        )
    # populate_db's history: hamlet's newest message was id 100 (GET /users/me).
    realm.next_message_id = 100
    hamlet = realm.users[10]
    realm.messages[100] = Message(
        id=100,
        sender_id=10,
        type="stream",
        content="(seeded history)",
        timestamp=1795987900,
        recipient_id=1011,
        client="populate_db",
        topic="history",
        stream_id=11,
        flags={uid: {"read"} for uid in HUMANS},
    )
    assert hamlet.user_id == 10
    realm.set_recipient_counter(46)
    realm.next_message_id = 101
    realm.next_scheduled_id = 3
    return realm
