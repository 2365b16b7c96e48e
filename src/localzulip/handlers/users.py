"""Server settings, users, profile settings, status and realm settings endpoints."""

from __future__ import annotations

import zoneinfo
from typing import Any

from localzulip.app import API, Ctx, route
from localzulip.core import FEATURE_LEVEL, ZULIP_VERSION
from localzulip.errors import ApiError
from localzulip.models import JSON, ROLES, User
from localzulip.payloads import user_dict


def max_message_id(ctx: Ctx, user: User) -> int:
    ids = [m.id for m in ctx.core.realm.messages.values() if user.user_id in m.flags]
    return max(ids) if ids else -1


def target_user(ctx: Ctx, raw: str) -> User:
    try:
        uid = int(raw)
    except ValueError:
        raise ApiError("No such user") from None
    user = ctx.core.realm.users.get(uid)
    if user is None:
        raise ApiError("No such user")
    return user


@route("GET", f"{API}/server_settings", "get-server-settings", auth=False, rate_limited=False)
async def server_settings(ctx: Ctx) -> JSON:
    settings = ctx.core.realm.settings
    body: JSON = {
        "authentication_methods": {
            "password": True,
            "dev": True,
            "email": True,
            "ldap": False,
            "remoteuser": False,
            "github": False,
            "azuread": False,
            "gitlab": False,
            "google": False,
            "apple": False,
            "saml": False,
            "openid connect": False,
        },
        "zulip_version": ZULIP_VERSION,
        "zulip_merge_base": "",
        "zulip_feature_level": FEATURE_LEVEL,
        "push_notifications_enabled": False,
        "is_incompatible": False,
        "email_auth_enabled": True,
        "require_email_format_usernames": True,
        "realm_uri": settings.uri,
        "realm_name": settings.name,
        "realm_icon": "https://secure.gravatar.com/avatar/?d=identicon",
        "realm_description": f"<p>{settings.name}</p>",
        "realm_web_public_access_enabled": False,
        "external_authentication_methods": [],
    }
    body.update(settings.extra.get("server_settings", {}))
    ctx.params.mark(*ctx.params.names())
    return body


@route("GET", f"{API}/users/me", "get-own-user")
async def own_user(ctx: Ctx) -> JSON:
    body = user_dict(ctx.me, avatar=True, profile_data=True)
    body["max_message_id"] = max_message_id(ctx, ctx.me)
    return body


@route("GET", f"{API}/users", "get-users")
async def get_users(ctx: Ctx) -> JSON:
    gravatar = ctx.params.bool("client_gravatar", True)
    profile = ctx.params.bool("include_custom_profile_fields", False)
    users = sorted(ctx.core.realm.users.values(), key=lambda u: u.email.lower())
    return {"members": [user_dict(u, avatar=not gravatar, profile_data=profile) for u in users]}


def _one_user(ctx: Ctx, user: User) -> JSON:
    gravatar = ctx.params.bool("client_gravatar", True)
    profile = ctx.params.bool("include_custom_profile_fields", False)
    return {"user": user_dict(user, avatar=not gravatar, profile_data=profile)}


@route("GET", API + r"/users/{user_id:\d+}", "get-user")
async def get_user(ctx: Ctx) -> JSON:
    return _one_user(ctx, target_user(ctx, ctx.params.path["user_id"]))


@route("GET", API + r"/users/{email:[^/]*@[^/]*}", "get-user-by-email")
async def get_user_by_email(ctx: Ctx) -> JSON:
    user = ctx.core.realm.user_by_email(ctx.params.path["email"])
    if user is None or user.is_system_bot:
        raise ApiError("No such user")
    return _one_user(ctx, user)


@route("PATCH", f"{API}/settings", "update-settings")
async def update_settings(ctx: Ctx) -> JSON:
    changes: dict[str, Any] = {}
    tz = ctx.params.str("timezone", None)
    if tz is not None:
        if tz and tz not in zoneinfo.available_timezones():
            raise ApiError("timezone is not a recognized time zone")
        changes["timezone"] = tz
    name = ctx.params.str("full_name", None)
    if name is not None:
        if not name.strip():
            raise ApiError("Name too short!")
        changes["full_name"] = name.strip()
    ctx.core.membership.update_user(ctx.me, **changes)
    return {}


@route("POST", f"{API}/users/me/status", "update-status")
async def update_status(ctx: Ctx) -> JSON:
    p = ctx.params
    away = p.bool("away", None)
    text = p.str("status_text", None)
    emoji_name = p.str("emoji_name", None)
    emoji_code = p.str("emoji_code", None)
    reaction_type = p.str("reaction_type", None)
    if away is None and text is None and emoji_name is None:
        raise ApiError("Client did not pass any new values.")
    if text is not None and len(text) > 60:
        raise ApiError("status_text is too long (limit: 60 characters)")
    ctx.core.membership.set_status(
        ctx.me,
        away=away,
        status_text=text,
        emoji_name=emoji_name,
        emoji_code=emoji_code,
        reaction_type=reaction_type,
    )
    return {}


def _require_admin(ctx: Ctx) -> None:
    if not ctx.me.is_admin:
        raise ApiError("Must be an organization administrator")


@route("PATCH", API + r"/users/{user_id:\d+}", "update-user")
async def update_user(ctx: Ctx) -> JSON:
    _require_admin(ctx)
    user = target_user(ctx, ctx.params.path["user_id"])
    role = ctx.params.int("role", None)
    if role is not None and role not in ROLES.values():
        raise ApiError("Invalid role")
    name = ctx.params.str("full_name", None)
    ctx.core.membership.update_user(user, full_name=name, role=role)
    return {}


@route("DELETE", API + r"/users/{user_id:\d+}", "deactivate-user")
async def deactivate_user(ctx: Ctx) -> JSON:
    _require_admin(ctx)
    user = target_user(ctx, ctx.params.path["user_id"])
    if user.is_bot:
        raise ApiError("No such user")
    ctx.core.membership.set_active(user, False)
    return {}


@route("DELETE", API + r"/bots/{bot_id:\d+}", None, name="x-deactivate-bot")
async def deactivate_bot(ctx: Ctx) -> JSON:
    bot = ctx.core.realm.users.get(int(ctx.params.path["bot_id"]))
    if bot is None or not bot.is_bot:
        raise ApiError("No such bot")
    if not ctx.me.is_admin and bot.bot_owner_id != ctx.me.user_id:
        raise ApiError("Insufficient permission")
    ctx.core.membership.set_active(bot, False)
    return {}


@route("POST", API + r"/users/{user_id:\d+}/reactivate", "reactivate-user")
async def reactivate_user(ctx: Ctx) -> JSON:
    _require_admin(ctx)
    user = target_user(ctx, ctx.params.path["user_id"])
    ctx.core.membership.set_active(user, True)
    return {}


@route("PATCH", f"{API}/realm", None, name="x-update-realm")
async def update_realm(ctx: Ctx) -> JSON:
    _require_admin(ctx)
    settings = ctx.core.realm.settings
    body: JSON = {}
    raw = ctx.params.json("message_content_edit_limit_seconds", None)
    if raw is not None:
        settings.message_content_edit_limit_seconds = None if raw == "unlimited" else int(raw)
        body["message_content_edit_limit_seconds"] = settings.message_content_edit_limit_seconds
    allow = ctx.params.bool("allow_message_editing", None)
    if allow is not None:
        settings.allow_message_editing = allow
        body["allow_message_editing"] = allow
    return body
