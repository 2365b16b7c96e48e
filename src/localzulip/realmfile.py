"""Loading a realm from a TOML or JSON file."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from localzulip.models import User
from localzulip.realm import Realm, RealmSettings

SETTING_KEYS = {
    "name",
    "string_id",
    "realm_id",
    "message_content_edit_limit_seconds",
    "message_content_delete_limit_seconds",
    "allow_message_editing",
    "max_message_length",
    "max_topic_length",
}


def load_realm(path: str | Path) -> Realm:
    """Read ``.toml`` or ``.json``; see :func:`realm_from_dict` for the layout."""
    source = Path(path)
    text = source.read_text("utf-8")
    data = tomllib.loads(text) if source.suffix == ".toml" else json.loads(text)
    return realm_from_dict(data)


def realm_from_dict(data: dict[str, Any]) -> Realm:
    """Build a realm from ``{"realm": {...}, "users": [...], "bots": [...], "streams": [...]}``.

    Users: ``email``, ``full_name``, optional ``id``, ``role`` (owner/admin/moderator/
    member/guest or a code), ``timezone``, ``short_name``, ``api_key``, ``is_active``.
    Bots: the same plus ``owner`` (email or short name) and ``bot_type`` (default 1).
    Streams: ``name``, optional ``id``, ``description``, ``private``, ``subscribers``
    (emails, short names or ids).
    """
    settings = RealmSettings(
        **{k: v for k, v in data.get("realm", {}).items() if k in SETTING_KEYS}
    )
    realm = Realm(settings)
    for entry in data.get("users", []):
        realm.add_user(**_user_kwargs(entry))
    for entry in data.get("bots", []):
        kwargs = _user_kwargs(entry)
        owner = entry.get("owner")
        owner_user = _find(realm, owner) if owner is not None else None
        realm.add_bot(
            bot_type=int(entry.get("bot_type", 1)),
            owner_id=owner_user.user_id if owner_user else None,
            **kwargs,
        )
    realm.ensure_notification_bot()
    for entry in data.get("streams", []):
        subscribers = [_find(realm, s).user_id for s in entry.get("subscribers", [])]
        realm.add_stream(
            entry["name"],
            stream_id=entry.get("id"),
            description=entry.get("description", ""),
            invite_only=bool(entry.get("private", entry.get("invite_only", False))),
            subscribers=subscribers,
        )
    return realm


def _user_kwargs(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "email": entry["email"],
        "full_name": entry["full_name"],
        "user_id": entry.get("id"),
        "role": entry.get("role", "member"),
        "timezone": entry.get("timezone", ""),
        "short_name": entry.get("short_name"),
        "api_key": entry.get("api_key"),
        "is_active": entry.get("is_active", True),
    }


def _find(realm: Realm, ref: Any) -> User:
    user = realm.user(ref) if isinstance(ref, int) else realm.user_by_name(str(ref))
    if user is None:
        raise ValueError(f"unknown user {ref!r} in realm file")
    return user
