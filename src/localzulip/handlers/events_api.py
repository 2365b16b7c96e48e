"""Event queue endpoints: register, get-events (long-poll) and delete-queue."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from localzulip.app import API, Ctx, Reply, route
from localzulip.core import FEATURE_LEVEL, ZULIP_VERSION
from localzulip.errors import ApiError, missing
from localzulip.handlers.streams import can_see
from localzulip.handlers.users import max_message_id
from localzulip.models import JSON
from localzulip.narrow import Narrow, parse_terms
from localzulip.payloads import stream_dict, subscription_dict, user_dict
from localzulip.realm import gravatar_url
from localzulip.scheduled import scheduled_dict

ALL_TYPES = [
    "message",
    "update_message",
    "delete_message",
    "reaction",
    "realm_user",
    "subscription",
    "user_status",
    "scheduled_messages",
    "realm",
]


@cache
def realm_defaults() -> dict[str, Any]:
    text = resources.files("localzulip.data").joinpath("realm_register.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _realm_state(ctx: Ctx) -> JSON:
    settings = ctx.core.realm.settings
    state = dict(realm_defaults())
    state.update(
        {
            "realm_name": settings.name,
            "realm_uri": settings.uri,
            "realm_message_content_edit_limit_seconds": settings.message_content_edit_limit_seconds,
            "realm_message_content_delete_limit_seconds": (
                settings.message_content_delete_limit_seconds
            ),
            "realm_allow_message_editing": settings.allow_message_editing,
            "max_message_length": settings.max_message_length,
            "max_topic_length": settings.max_topic_length,
            "event_queue_longpoll_timeout_seconds": 90,
        }
    )
    state.update(settings.extra.get("register_realm", {}))
    return state


def _own_user_state(ctx: Ctx) -> JSON:
    me = ctx.me
    url = gravatar_url(me.email)
    return {
        "avatar_source": "G",
        "avatar_url_medium": url.replace("&version", "&s=500&version"),
        "avatar_url": url,
        "can_create_private_streams": not me.is_guest,
        "can_create_public_streams": not me.is_guest,
        "can_create_streams": not me.is_guest,
        "can_create_web_public_streams": me.is_admin,
        "can_subscribe_other_users": not me.is_guest,
        "can_invite_others_to_realm": not me.is_guest,
        "is_admin": me.is_admin,
        "is_owner": me.role == 100,
        "is_moderator": me.role == 300,
        "is_guest": me.is_guest,
        "is_billing_admin": False,
        "user_id": me.user_id,
        "email": me.email,
        "delivery_email": me.email,
        "full_name": me.full_name,
    }


def initial_state(ctx: Ctx, fetch: list[str], gravatar: bool, include_subs: bool) -> JSON:
    realm = ctx.core.realm
    me = ctx.me
    state: JSON = {}
    if "message" in fetch:
        state["max_message_id"] = max_message_id(ctx, me)
    if "realm_user" in fetch:
        state["cross_realm_bots"] = [
            user_dict(b, avatar=True)
            for b in sorted(realm.system_bots.values(), key=lambda u: u.user_id)
        ]
        state.update(_own_user_state(ctx))
    if "subscription" in fetch:
        streams = sorted(realm.streams.values(), key=lambda s: s.name)
        state["subscriptions"] = [
            subscription_dict(s, notifications=False, subscribers=include_subs)
            for s in streams
            if me.user_id in s.subscribers
        ]
        state["unsubscribed"] = []
        state["never_subscribed"] = [
            dict(sorted(stream_dict(s, subscribers=include_subs).items()))
            for s in streams
            if me.user_id not in s.subscribers and can_see(me, s)
        ]
    if "user_status" in fetch:
        state["user_status"] = {
            str(u.user_id): u.status.as_dict() for u in realm.users.values() if u.status.as_dict()
        }
    if "realm_user" in fetch:
        users = sorted(realm.users.values(), key=lambda u: u.user_id)
        state["realm_users"] = [
            user_dict(u, avatar=not gravatar, is_active=False, profile_data=True)
            for u in users
            if u.is_active
        ]
        state["realm_non_active_users"] = [
            user_dict(u, avatar=not gravatar, is_active=False, profile_data=True)
            for u in users
            if not u.is_active
        ]
    if "scheduled_messages" in fetch:
        state["scheduled_messages"] = [
            scheduled_dict(s) for s in ctx.core.scheduler.pending(me.user_id)
        ]
    if "realm" in fetch:
        state.update(_realm_state(ctx))
    return state


def _type_list(ctx: Ctx, name: str) -> list[str] | None:
    value = ctx.params.json(name, None)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(f"{name} is not a list")
    return value


@route("POST", f"{API}/register", "register-queue")
async def register(ctx: Ctx) -> JSON:
    p = ctx.params
    event_types = _type_list(ctx, "event_types")
    fetch_types = _type_list(ctx, "fetch_event_types")
    narrow_raw = p.json("narrow", [])
    all_public = p.bool("all_public_streams", False)
    apply_markdown = p.bool("apply_markdown", False)
    gravatar = p.bool("client_gravatar", True)
    include_subs = p.bool("include_subscribers", False)
    p.mark("slim_presence", "user_list_incomplete")
    caps = p.json("client_capabilities", {})
    if not isinstance(caps, dict):
        raise ApiError("client_capabilities is not a dict")
    lifespan = p.int("queue_lifespan_secs", 0)
    terms = parse_terms(narrow_raw)
    narrow = Narrow(ctx.core.realm, ctx.me, terms) if terms else None
    fetch = fetch_types if fetch_types is not None else (event_types or ALL_TYPES)
    queue = ctx.core.queues.register(
        ctx.me.user_id,
        event_types=set(event_types) if event_types is not None else None,
        narrow=narrow,
        all_public_streams=all_public,
        apply_markdown=apply_markdown,
        client_gravatar=gravatar,
        bulk_message_deletion=bool(caps.get("bulk_message_deletion", False)),
        lifespan=lifespan,
    )
    body: JSON = {
        "queue_id": queue.queue_id,
        "zulip_version": ZULIP_VERSION,
        "zulip_feature_level": FEATURE_LEVEL,
        "zulip_merge_base": "",
    }
    body.update(initial_state(ctx, fetch, gravatar, include_subs))
    body["last_event_id"] = -1
    return body


@route("GET", f"{API}/events", "get-events", tornado=True)
async def get_events(ctx: Ctx) -> Reply:
    p = ctx.params
    last_event_id = p.int("last_event_id", None) if "last_event_id" in p else None
    if "last_event_id" in p and last_event_id is None:
        raise missing("last_event_id")
    queue_id = p.str("queue_id", None)
    dont_block = p.bool("dont_block", False)
    p.mark("user_client", "apply_markdown", "client_gravatar", "slim_presence")
    if queue_id is None:
        raise ApiError("Missing 'queue_id' argument")
    if last_event_id is None:
        raise ApiError("Missing 'last_event_id' argument")
    queues = ctx.core.queues
    queue = queues.get(queue_id, ctx.me.user_id)
    queues.prune(queue, last_event_id)
    events, waited = await queues.poll(queue, dont_block)
    body: JSON = {"events": events}
    if waited:
        body["queue_id"] = queue.queue_id
    return Reply(body, ratelimit_headers=not waited)


@route("DELETE", f"{API}/events", "delete-queue", tornado=True)
async def delete_queue(ctx: Ctx) -> JSON:
    queue_id = ctx.params.str("queue_id")
    queue = ctx.core.queues.get(queue_id, ctx.me.user_id)
    ctx.core.queues.drop(queue.queue_id)
    return {}
