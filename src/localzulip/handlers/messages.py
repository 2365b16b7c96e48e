"""Message endpoints: send, fetch, edit, delete, react."""

from __future__ import annotations

import json
from typing import Any

from localzulip.actions import sorted_flags
from localzulip.app import API, Ctx, route
from localzulip.errors import ApiError
from localzulip.models import JSON, Message, Stream, User
from localzulip.narrow import Narrow, parse_terms
from localzulip.payloads import message_dict

LARGER_THAN_MAX_MESSAGE_ID = 10000000000000000
MAX_MESSAGES_PER_FETCH = 5000
MESSAGE_TYPES = {"direct": "private", "private": "private", "stream": "stream"}


def decode_to(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def read_topic(ctx: Ctx) -> str | None:
    topic = ctx.params.raw("topic")
    subject = ctx.params.raw("subject")
    if topic is not None and subject is not None:
        raise ApiError(
            "Can't decide between 'topic' and 'subject' arguments",
            code="REQUEST_CONFUSING_VAR",
            var_name1="topic",
            var_name2="subject",
        )
    return topic if topic is not None else subject


def check_content(content: str) -> str:
    if not content.strip():
        raise ApiError("Message must not be empty")
    if "\x00" in content:
        raise ApiError("Message must not contain null bytes")
    return content.rstrip().lstrip("\n")


def resolve_stream(ctx: Ctx, target: Any, sender: User) -> Stream:
    realm = ctx.core.realm
    if isinstance(target, list) and len(target) == 1:
        target = target[0]
    if isinstance(target, int) and not isinstance(target, bool):
        stream = realm.streams.get(target)
        if stream is None:
            ctx.core.actions.notify_owner_missing_stream(sender, None, target)
            raise ApiError(
                f"Stream with ID '{target}' does not exist",
                code="STREAM_DOES_NOT_EXIST",
                stream_id=target,
            )
    elif isinstance(target, str):
        stream = realm.stream_by_name(target)
        if stream is None:
            ctx.core.actions.notify_owner_missing_stream(sender, target, None)
            raise ApiError(
                f"Stream '{target}' does not exist", code="STREAM_DOES_NOT_EXIST", stream=target
            )
    else:
        raise ApiError("Invalid data type for stream")
    if stream.invite_only and sender.user_id not in stream.subscribers and not sender.is_admin:
        owner = realm.user(sender.bot_owner_id) if sender.bot_owner_id else None
        if owner is None or owner.user_id not in stream.subscribers:
            raise ApiError(f"Not authorized to send to stream '{stream.name}'")
    return stream


def resolve_dm(ctx: Ctx, target: Any, *, ids_only: bool = False) -> set[int]:
    realm = ctx.core.realm
    if isinstance(target, str):
        if ids_only:
            raise ApiError("Recipient list may only contain user IDs")
        target = [p.strip() for p in target.split(",") if p.strip()]
    if not isinstance(target, list):
        raise ApiError("Invalid data type for recipients")
    if not target:
        raise ApiError("Message must have recipients")
    kinds = {type(x) for x in target}
    if kinds - {int, str}:
        raise ApiError("Invalid data type for recipients")
    if len(kinds) > 1:
        raise ApiError("Recipient lists may contain emails or user IDs, but not both.")
    if str in kinds and ids_only:
        raise ApiError("Recipient list may only contain user IDs")
    ids: set[int] = set()
    for item in target:
        user = realm.user(item) if isinstance(item, int) else realm.user_by_email(item)
        if user is None:
            raise ApiError(
                f"Invalid user ID {item}" if isinstance(item, int) else f"Invalid email '{item}'"
            )
        if not user.is_active:
            raise ApiError(f"'{user.email}' is no longer using Zulip.")
        ids.add(user.user_id)
    return ids


@route("POST", f"{API}/messages", "send-message")
async def send_message(ctx: Ctx) -> JSON:
    p = ctx.params
    raw_type = p.str("type")
    raw_to = p.raw("to")
    topic = read_topic(ctx)
    content = p.str("content")
    local_id = p.str("local_id", None)
    queue_id = p.str("queue_id", None)
    read_by_sender = p.bool("read_by_sender", False)
    msg_type = MESSAGE_TYPES.get(raw_type)
    if msg_type is None:
        raise ApiError("Invalid type")
    content = check_content(content)
    sender = ctx.me
    actions = ctx.core.actions
    if msg_type == "stream":
        if raw_to is None or raw_to == "":
            raise ApiError("Missing stream")
        stream = resolve_stream(ctx, decode_to(raw_to), sender)
        if topic is None:
            raise ApiError("Missing topic")
        if not topic.strip():
            raise ApiError("Topic can't be empty!")
        new_topic = not sender.is_bot and not any(
            m.stream_id == stream.stream_id and m.topic.lower() == topic.strip().lower()
            for m in ctx.core.realm.messages.values()
        )
        message = actions.send_message(
            sender,
            stream=stream,
            topic=topic,
            content=content,
            client=ctx.client,
            local_id=local_id,
            sender_queue_id=queue_id,
            read_by_sender=read_by_sender,
        )
        body: JSON = {"id": message.id}
        if new_topic:
            body["automatic_new_visibility_policy"] = 3
        return body
    if raw_to is None:
        raise ApiError("Message must have recipients")
    ids = resolve_dm(ctx, decode_to(raw_to))
    message = actions.send_message(
        sender,
        dm_user_ids=ids,
        content=content,
        client=ctx.client,
        local_id=local_id,
        sender_queue_id=queue_id,
        read_by_sender=read_by_sender,
    )
    return {"id": message.id}


def accessible(ctx: Ctx, message: Message) -> set[str] | None:
    """The user's flags on a message, or None when they cannot see it."""
    me = ctx.me
    if me.user_id in message.flags:
        return message.flags[me.user_id]
    if message.type == "stream":
        stream = ctx.core.realm.streams.get(message.stream_id or -1)
        if stream is not None and (
            (not stream.invite_only and not me.is_guest)
            or (me.user_id in stream.subscribers and stream.history_public_to_subscribers)
        ):
            return {"read", "historical"}
    return None


def get_accessible(ctx: Ctx, raw_id: str) -> tuple[Message, set[str]]:
    message = ctx.core.realm.messages.get(int(raw_id))
    flags = accessible(ctx, message) if message is not None else None
    if message is None or flags is None:
        raise ApiError("Invalid message(s)")
    return message, flags


@route("GET", f"{API}/messages", "get-messages")
async def get_messages(ctx: Ctx) -> JSON:
    p = ctx.params
    raw_anchor = p.raw("anchor")
    use_first_unread = p.bool("use_first_unread_anchor", False)
    if raw_anchor is None and not use_first_unread:
        raise ApiError("Missing 'anchor' argument.")
    num_before = p.int("num_before")
    num_after = p.int("num_after")
    for name, value in (("num_before", num_before), ("num_after", num_after)):
        if value < 0:
            raise ApiError(f"Bad value for '{name}': {value}")
    if num_before + num_after > MAX_MESSAGES_PER_FETCH:
        raise ApiError(f"Too many messages requested (maximum {MAX_MESSAGES_PER_FETCH}).")
    include_anchor = p.bool("include_anchor", True)
    apply_markdown = p.bool("apply_markdown", True)
    gravatar = p.bool("client_gravatar", True)
    narrow = Narrow(ctx.core.realm, ctx.me, parse_terms(p.json("narrow", [])))
    realm = ctx.core.realm
    candidates: list[tuple[Message, set[str]]] = []
    for message in sorted(realm.messages.values(), key=lambda m: m.id):
        if narrow.stream is None and ctx.me.user_id not in message.flags:
            continue
        flags = accessible(ctx, message)
        if flags is not None and narrow.matches(message, flags):
            candidates.append((message, flags))
    anchor_word = "first_unread" if use_first_unread and raw_anchor is None else raw_anchor
    if anchor_word == "newest":
        anchor = LARGER_THAN_MAX_MESSAGE_ID
    elif anchor_word == "oldest":
        anchor = 0
    elif anchor_word == "first_unread":
        unread = [m.id for m, f in candidates if "read" not in f]
        anchor = unread[0] if unread else LARGER_THAN_MAX_MESSAGE_ID
    else:
        try:
            anchor = int(str(anchor_word))
        except ValueError:
            raise ApiError("Invalid anchor") from None
    before = [c for c in candidates if c[0].id < anchor]
    before = before[-num_before:] if num_before else []
    after = [c for c in candidates if c[0].id > anchor][:num_after]
    at = [c for c in candidates if c[0].id == anchor and include_anchor]
    rows = before + at + after
    return {
        "messages": [
            message_dict(
                realm,
                m,
                apply_markdown=apply_markdown,
                flags=sorted_flags(f),
                history=True,
                client_gravatar=gravatar,
            )
            for m, f in rows
        ],
        "found_anchor": bool(at),
        "found_oldest": anchor == 0 or len(before) < num_before,
        "found_newest": anchor == LARGER_THAN_MAX_MESSAGE_ID or len(after) < num_after,
        "history_limited": False,
        "anchor": anchor,
    }


@route("GET", API + r"/messages/{message_id:\d+}", "get-message")
async def get_message(ctx: Ctx) -> JSON:
    message, flags = get_accessible(ctx, ctx.params.path["message_id"])
    apply_markdown = ctx.params.bool("apply_markdown", True)
    return {
        "message": message_dict(
            ctx.core.realm,
            message,
            apply_markdown=apply_markdown,
            flags=sorted_flags(flags),
            history=True,
        ),
        "raw_content": message.content,
    }


@route("PATCH", API + r"/messages/{message_id:\d+}", "update-message")
async def update_message(ctx: Ctx) -> JSON:
    p = ctx.params
    message, _ = get_accessible(ctx, p.path["message_id"])
    content = p.str("content", None)
    topic = read_topic(ctx)
    propagate = p.str("propagate_mode", "change_one")
    p.mark("send_notification_to_old_thread", "send_notification_to_new_thread")
    stream_id = p.int("stream_id", None)
    if content is None and topic is None and stream_id is None:
        raise ApiError("Nothing to change")
    if propagate not in ("change_one", "change_later", "change_all"):
        raise ApiError("Invalid propagate_mode")
    if topic is not None and message.type == "private":
        raise ApiError("Direct messages cannot have topics.")
    if stream_id is not None and stream_id != message.stream_id:
        raise ApiError("Moving messages between channels is not supported by localzulip")
    settings = ctx.core.realm.settings
    me = ctx.me
    age = ctx.core.clock.now() - message.timestamp
    if content is not None:
        if message.sender_id != me.user_id:
            raise ApiError("You don't have permission to edit this message")
        if not settings.allow_message_editing:
            raise ApiError("Your organization has turned off message editing")
        limit = settings.message_content_edit_limit_seconds
        if limit is not None and age > limit + settings.edit_grace_seconds:
            raise ApiError("The time limit for editing this message has passed")
        content = check_content(content)
        if content == message.content:
            content = None
    if topic is not None:
        if me.is_guest and message.sender_id != me.user_id:
            raise ApiError("You don't have permission to edit this message")
        if message.sender_id != me.user_id and not me.is_admin and age > 604800:
            raise ApiError("The time limit for editing this message's topic has passed")
        if not topic.strip():
            raise ApiError("Topic can't be empty!")
        if topic.strip() == message.topic:
            topic = None
    if content is not None or topic is not None:
        ctx.core.actions.edit_message(
            me, message, content=content, topic=topic, propagate_mode=propagate
        )
    return {}


@route("DELETE", API + r"/messages/{message_id:\d+}", "delete-message")
async def delete_message(ctx: Ctx) -> JSON:
    message, _ = get_accessible(ctx, ctx.params.path["message_id"])
    me = ctx.me
    if not me.is_admin:
        if message.sender_id != me.user_id:
            raise ApiError("You don't have permission to delete this message")
        limit = ctx.core.realm.settings.message_content_delete_limit_seconds
        if limit is not None and ctx.core.clock.now() - message.timestamp > limit:
            raise ApiError("The time limit for deleting this message has passed")
    ctx.core.actions.delete_message(message)
    return {}


async def _react(ctx: Ctx, add: bool) -> JSON:
    message, _ = get_accessible(ctx, ctx.params.path["message_id"])
    name = ctx.params.str("emoji_name")
    code = ctx.params.str("emoji_code", None)
    rtype = ctx.params.str("reaction_type", None)
    ctx.core.actions.react(ctx.me, message, name, code, rtype, add=add)
    return {}


@route("POST", API + r"/messages/{message_id:\d+}/reactions", "add-reaction")
async def add_reaction(ctx: Ctx) -> JSON:
    return await _react(ctx, True)


@route("DELETE", API + r"/messages/{message_id:\d+}/reactions", "remove-reaction")
async def remove_reaction(ctx: Ctx) -> JSON:
    return await _react(ctx, False)
