"""Scheduled message endpoints."""

from __future__ import annotations

import json
from typing import Any

from localzulip.app import API, Ctx, route
from localzulip.errors import ApiError
from localzulip.handlers.messages import MESSAGE_TYPES, check_content, read_topic, resolve_dm
from localzulip.models import JSON, ScheduledMessage
from localzulip.scheduled import scheduled_dict


def _timestamp(ctx: Ctx, required: bool) -> int | None:
    raw = ctx.params.raw("scheduled_delivery_timestamp")
    if raw is None:
        if required:
            ctx.params.str("scheduled_delivery_timestamp")
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        raise ApiError('Argument "scheduled_delivery_timestamp" is not valid JSON.') from None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError("scheduled_delivery_timestamp is not an integer")
    if value <= int(ctx.core.clock.now()):
        raise ApiError("Scheduled delivery time must be in the future.")
    return value


def _recipients(ctx: Ctx, msg_type: str, raw_to: str) -> int | list[int]:
    try:
        target: Any = json.loads(raw_to)
    except ValueError:
        target = raw_to
    if msg_type == "stream":
        if isinstance(target, list) and len(target) == 1:
            target = target[0]
        if isinstance(target, bool) or not isinstance(target, int):
            raise ApiError("Invalid data type for stream ID")
        stream = ctx.core.realm.streams.get(target)
        if stream is None:
            raise ApiError(
                f"Stream with ID '{target}' does not exist",
                code="STREAM_DOES_NOT_EXIST",
                stream_id=target,
            )
        return target
    if isinstance(target, int) and not isinstance(target, bool):
        target = [target]
    return sorted(resolve_dm(ctx, target, ids_only=True))


def _type(raw: str) -> str:
    msg_type = MESSAGE_TYPES.get(raw)
    if msg_type is None:
        raise ApiError("Invalid type")
    return msg_type


@route("GET", f"{API}/scheduled_messages", "get-scheduled-messages")
async def list_scheduled(ctx: Ctx) -> JSON:
    pending = ctx.core.scheduler.pending(ctx.me.user_id)
    return {"scheduled_messages": [scheduled_dict(s) for s in pending]}


@route("POST", f"{API}/scheduled_messages", "create-scheduled-message")
async def create_scheduled(ctx: Ctx) -> JSON:
    p = ctx.params
    msg_type = p.str("type")
    raw_to = p.str("to")
    content = p.str("content")
    topic = read_topic(ctx)
    read_by_sender = p.bool("read_by_sender", None)
    when = _timestamp(ctx, True)
    assert when is not None
    msg_type = _type(msg_type)
    to = _recipients(ctx, msg_type, raw_to)
    content = check_content(content)
    if msg_type == "stream":
        if topic is None:
            raise ApiError("Missing topic")
        if not topic.strip():
            raise ApiError("Topic can't be empty!")
    realm = ctx.core.realm
    sm = ScheduledMessage(
        scheduled_message_id=realm.new_scheduled_id(),
        sender_id=ctx.me.user_id,
        type=msg_type,
        to=to,
        content=content,
        topic=(topic or "").strip() if msg_type == "stream" else "",
        scheduled_delivery_timestamp=when,
        client=ctx.client,
        read_by_sender=read_by_sender,
    )
    ctx.core.scheduler.add(sm)
    return {"scheduled_message_id": sm.scheduled_message_id}


@route("PATCH", API + r"/scheduled_messages/{scheduled_message_id:\d+}", "update-scheduled-message")
async def update_scheduled(ctx: Ctx) -> JSON:
    p = ctx.params
    sm = ctx.core.scheduler.get(ctx.me.user_id, int(p.path["scheduled_message_id"]))
    raw_type = p.str("type", None)
    raw_to = p.str("to", None)
    content = p.str("content", None)
    topic = read_topic(ctx)
    when = _timestamp(ctx, False)
    if all(v is None for v in (raw_type, raw_to, content, topic, when)):
        raise ApiError("Nothing to change")
    msg_type = _type(raw_type) if raw_type is not None else sm.type
    if raw_to is not None:
        sm.to = _recipients(ctx, msg_type, raw_to)
    elif msg_type != sm.type:
        raise ApiError("Recipient required when updating type of scheduled message.")
    sm.type = msg_type
    if content is not None:
        sm.content = check_content(content)
    if topic is not None:
        sm.topic = topic.strip()
    if when is not None:
        sm.scheduled_delivery_timestamp = when
    ctx.core.scheduler.update(sm)
    return {}


@route(
    "DELETE", API + r"/scheduled_messages/{scheduled_message_id:\d+}", "delete-scheduled-message"
)
async def delete_scheduled(ctx: Ctx) -> JSON:
    sm = ctx.core.scheduler.get(ctx.me.user_id, int(ctx.params.path["scheduled_message_id"]))
    ctx.core.scheduler.remove(sm)
    return {}
