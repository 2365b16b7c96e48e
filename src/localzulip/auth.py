"""HTTP Basic authentication with Zulip's exact failure bodies."""

from __future__ import annotations

import base64
import binascii

from localzulip.errors import ApiError, unauthorized
from localzulip.models import BOT_INCOMING_WEBHOOK, User
from localzulip.realm import Realm


def authenticate(realm: Realm, header: str | None, path: str = "") -> User:
    """The user behind an ``Authorization`` header, or the ApiError Zulip answers."""
    if not header:
        raise unauthorized("Not logged in: API authentication or user session required")
    scheme, _, payload = header.strip().partition(" ")
    if scheme.lower() != "basic":
        raise ApiError("This endpoint requires HTTP basic authentication.")
    try:
        decoded = base64.b64decode(payload.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise unauthorized("Invalid authorization header for basic auth") from None
    email, sep, key = decoded.partition(":")
    if not sep:
        raise unauthorized("Invalid authorization header for basic auth")
    user = realm.user_by_key(key)
    if user is None or user.email.lower() != email.lower() or user.is_system_bot:
        raise unauthorized("Invalid API key")
    if not user.is_active:
        raise unauthorized("Account is deactivated")
    if user.bot_type == BOT_INCOMING_WEBHOOK and not path.endswith("/messages"):
        raise unauthorized("This API is not available to incoming webhook bots.")
    return user
