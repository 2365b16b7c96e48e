"""Channel and subscription endpoints."""

from __future__ import annotations

from typing import Any

from localzulip.app import API, Ctx, route
from localzulip.errors import ApiError
from localzulip.handlers.users import target_user
from localzulip.models import JSON, Stream, User
from localzulip.payloads import stream_dict, subscription_dict


def can_see(user: User, stream: Stream) -> bool:
    if stream.invite_only:
        return user.user_id in stream.subscribers or user.is_admin
    return not user.is_guest or user.user_id in stream.subscribers or stream.is_web_public


def stream_by_id(ctx: Ctx, raw: Any) -> Stream:
    try:
        sid = int(raw)
    except (TypeError, ValueError):
        raise ApiError("Invalid stream ID") from None
    stream = ctx.core.realm.streams.get(sid)
    if stream is None or not can_see(ctx.me, stream):
        raise ApiError("Invalid stream ID")
    return stream


@route("GET", f"{API}/streams", "get-streams")
async def get_streams(ctx: Ctx) -> JSON:
    p = ctx.params
    include_public = p.bool("include_public", True)
    include_subscribed = p.bool("include_subscribed", True)
    include_all = p.bool("include_all_active", False)
    p.mark("include_default", "include_owner_subscribed", "include_web_public")
    if include_all and not ctx.me.is_admin:
        raise ApiError("User not authorized for this query")
    me = ctx.me
    out = []
    for stream in sorted(ctx.core.realm.streams.values(), key=lambda s: s.name):
        subscribed = me.user_id in stream.subscribers
        if (
            include_all
            or (include_public and not stream.invite_only and not me.is_guest)
            or (include_subscribed and subscribed)
        ):
            out.append(stream_dict(stream))
    return {"streams": out}


@route("GET", f"{API}/get_stream_id", "get-stream-id")
async def get_stream_id(ctx: Ctx) -> JSON:
    name = ctx.params.str("stream")
    stream = ctx.core.realm.stream_by_name(name)
    if stream is None or not can_see(ctx.me, stream):
        raise ApiError(f"Invalid stream name '{name}'")
    return {"stream_id": stream.stream_id}


@route("GET", API + r"/streams/{stream_id:\d+}", "get-stream-by-id")
async def get_stream(ctx: Ctx) -> JSON:
    return {"stream": stream_dict(stream_by_id(ctx, ctx.params.path["stream_id"]))}


@route("GET", API + r"/streams/{stream_id:\d+}/members", "get-subscribers")
async def get_subscribers(ctx: Ctx) -> JSON:
    stream = stream_by_id(ctx, ctx.params.path["stream_id"])
    return {"subscribers": sorted(stream.subscribers)}


@route("GET", f"{API}/users/me/subscriptions", "get-subscriptions")
async def get_subscriptions(ctx: Ctx) -> JSON:
    with_subs = ctx.params.bool("include_subscribers", False)
    streams = [s for s in ctx.core.realm.streams.values() if ctx.me.user_id in s.subscribers]
    streams.sort(key=lambda s: s.name)
    return {"subscriptions": [subscription_dict(s, subscribers=with_subs) for s in streams]}


def _principals(ctx: Ctx) -> list[User]:
    raw = ctx.params.json("principals", None)
    if raw is None:
        return [ctx.me]
    if not isinstance(raw, list):
        raise ApiError("principals is not a list")
    users = []
    for item in raw:
        user = (
            ctx.core.realm.users.get(item)
            if isinstance(item, int)
            else ctx.core.realm.user_by_email(str(item))
        )
        if user is None:
            raise ApiError(f"No such user: {item}" if isinstance(item, str) else "No such user")
        users.append(user)
    return users


@route("POST", f"{API}/users/me/subscriptions", "subscribe")
async def subscribe(ctx: Ctx) -> JSON:
    raw = ctx.params.json("subscriptions")
    if not isinstance(raw, list) or not all(isinstance(x, dict) and "name" in x for x in raw):
        raise ApiError("subscriptions is not a list of objects with a name")
    invite_only = ctx.params.bool("invite_only", False)
    ctx.params.mark("announce", "authorization_errors_fatal", "history_public_to_subscribers")
    realm = ctx.core.realm
    principals = _principals(ctx)
    streams: list[Stream] = []
    for item in raw:
        name = str(item["name"]).strip()
        if not name:
            raise ApiError("Stream name can't be empty!")
        stream = realm.stream_by_name(name)
        if stream is None:
            stream = realm.add_stream(
                name,
                description=str(item.get("description", "")),
                invite_only=invite_only,
                date_created=int(ctx.core.clock.now()),
            )
        elif stream.invite_only and not can_see(ctx.me, stream):
            raise ApiError(f"Unable to access stream ({stream.name}).")
        streams.append(stream)
    subscribed: dict[str, list[str]] = {}
    already: dict[str, list[str]] = {}
    for user in principals:
        for stream in streams:
            target = subscribed if ctx.core.membership.subscribe(user, stream) else already
            target.setdefault(user.email, []).append(stream.name)
    return {"subscribed": subscribed, "already_subscribed": already}


@route("DELETE", f"{API}/users/me/subscriptions", "unsubscribe")
async def unsubscribe(ctx: Ctx) -> JSON:
    raw = ctx.params.json("subscriptions")
    if not isinstance(raw, list):
        raise ApiError("subscriptions is not a list")
    realm = ctx.core.realm
    streams = []
    missing = []
    for name in raw:
        stream = realm.stream_by_name(str(name))
        if stream is None:
            missing.append(str(name))
        else:
            streams.append(stream)
    if missing:
        raise ApiError(f"Stream(s) ({', '.join(missing)}) do not exist")
    removed: list[str] = []
    not_removed: list[str] = []
    for user in _principals(ctx):
        for stream in streams:
            done = ctx.core.membership.unsubscribe(user, stream)
            (removed if done else not_removed).append(stream.name)
    return {"removed": removed, "not_removed": not_removed}


@route(
    "GET",
    API + r"/users/{user_id:\d+}/subscriptions/{stream_id:\d+}",
    "get-subscription-status",
)
async def subscription_status(ctx: Ctx) -> JSON:
    user = target_user(ctx, ctx.params.path["user_id"])
    stream = stream_by_id(ctx, ctx.params.path["stream_id"])
    return {"is_subscribed": user.user_id in stream.subscribers}
