"""JSON shapes of users, channels, subscriptions and messages as Zulip 9.0 sends them."""

from __future__ import annotations

from typing import Any

from localzulip.models import JSON, ROLE_ADMIN, ROLE_GUEST, ROLE_OWNER, Message, Stream, User
from localzulip.realm import Realm, gravatar_url
from localzulip.render import render


def user_dict(
    user: User,
    *,
    avatar: bool = False,
    is_active: bool = True,
    profile_data: bool = False,
) -> JSON:
    """A user object (GET /users, /users/{id}, /users/me, register realm_users)."""
    out: JSON = {
        "email": user.email,
        "user_id": user.user_id,
        "avatar_version": 1,
        "is_admin": user.role in (ROLE_OWNER, ROLE_ADMIN),
        "is_owner": user.role == ROLE_OWNER,
        "is_guest": user.role == ROLE_GUEST,
        "is_billing_admin": False,
        "role": user.role,
        "is_bot": user.is_bot,
        "full_name": user.full_name,
        "timezone": user.timezone,
    }
    if is_active:
        out["is_active"] = user.is_active
    out["date_joined"] = user.date_joined
    out["delivery_email"] = user.email
    out["avatar_url"] = gravatar_url(user.email) if avatar else None
    if user.is_bot:
        out["bot_type"] = user.bot_type
        if user.is_system_bot:
            out["is_system_bot"] = True
        out["bot_owner_id"] = user.bot_owner_id
    elif profile_data:
        out["profile_data"] = dict(user.profile_data)
    return out


def stream_dict(stream: Stream, *, subscribers: bool = False) -> JSON:
    """A channel object (GET /streams, /streams/{id}, never_subscribed)."""
    out: JSON = {
        "can_remove_subscribers_group": 11,
        "date_created": stream.date_created,
        "description": stream.description,
        "first_message_id": stream.first_message_id,
        "history_public_to_subscribers": stream.history_public_to_subscribers,
        "invite_only": stream.invite_only,
        "is_web_public": stream.is_web_public,
        "message_retention_days": None,
        "name": stream.name,
        "rendered_description": stream.rendered_description
        if stream.rendered_description is not None
        else render(stream.description),
        "stream_id": stream.stream_id,
        "stream_post_policy": stream.stream_post_policy,
        "is_announcement_only": stream.stream_post_policy == 2,
        "stream_weekly_traffic": None,
    }
    if subscribers:
        out["subscribers"] = sorted(stream.subscribers)
    return out


def subscription_dict(
    stream: Stream, *, notifications: bool | None = None, subscribers: bool = False
) -> JSON:
    """A subscription object; ``notifications`` is None (GET) or False (register)."""
    out = stream_dict(stream)
    out.update(
        {
            "audible_notifications": notifications,
            "color": stream.color,
            "desktop_notifications": notifications,
            "email_notifications": notifications,
            "in_home_view": True,
            "is_muted": False,
            "pin_to_top": False,
            "push_notifications": notifications,
            "wildcard_mentions_notify": None,
        }
    )
    if subscribers:
        out["subscribers"] = sorted(stream.subscribers)
    return dict(sorted(out.items()))


def display_recipient(realm: Realm, message: Message) -> Any:
    if message.type == "stream":
        stream = realm.streams.get(message.stream_id or -1)
        return stream.name if stream else ""
    users = [u for u in (realm.user(uid) for uid in message.dm_user_ids) if u is not None]
    if len(users) <= 2:
        users.sort(key=lambda u: u.email.lower())
    else:
        users.sort(key=lambda u: u.user_id)
    return [
        {"id": u.user_id, "email": u.email, "full_name": u.full_name, "is_mirror_dummy": False}
        for u in users
    ]


def reaction_dict(realm: Realm, reaction: Any) -> JSON:
    user = realm.user(reaction.user_id)
    return {
        "emoji_name": reaction.emoji_name,
        "emoji_code": reaction.emoji_code,
        "reaction_type": reaction.reaction_type,
        "user_id": reaction.user_id,
        "user": {
            "id": reaction.user_id,
            "email": user.email if user else "",
            "full_name": user.full_name if user else "",
            "is_mirror_dummy": False,
        },
    }


def message_dict(
    realm: Realm,
    message: Message,
    *,
    apply_markdown: bool,
    flags: list[str] | None = None,
    history: bool = False,
    client_gravatar: bool = True,
) -> JSON:
    """A message object as in GET /messages (with ``flags``) or a message event."""
    sender = realm.user(message.sender_id)
    content = render(message.content, _lookup(realm)) if apply_markdown else message.content
    out: JSON = {
        "id": message.id,
        "sender_id": message.sender_id,
        "content": content,
        "recipient_id": message.recipient_id,
        "timestamp": message.timestamp,
        "client": message.client,
        "subject": message.topic,
        "topic_links": [],
    }
    if history and message.edit_history:
        out["last_edit_timestamp"] = message.last_edit_timestamp
        out["edit_history"] = [_edit_entry(e) for e in reversed(message.edit_history)]
    out["is_me_message"] = message.content.startswith("/me ")
    out["reactions"] = [reaction_dict(realm, r) for r in message.reactions]
    out["submessages"] = []
    if flags is not None:
        out["flags"] = flags
    out["sender_full_name"] = sender.full_name if sender else ""
    out["sender_email"] = sender.email if sender else ""
    out["sender_realm_str"] = (
        "zulipinternal" if sender and sender.is_system_bot else realm.settings.string_id
    )
    out["display_recipient"] = display_recipient(realm, message)
    out["type"] = message.type
    if message.type == "stream":
        out["stream_id"] = message.stream_id
    out["avatar_url"] = None if client_gravatar or sender is None else gravatar_url(sender.email)
    out["content_type"] = "text/html" if apply_markdown else "text/x-markdown"
    return out


def _edit_entry(entry: Any) -> JSON:
    out: JSON = {"user_id": entry.user_id, "timestamp": entry.timestamp}
    if entry.prev_content is not None:
        out["prev_content"] = entry.prev_content
        out["prev_rendered_content"] = entry.prev_rendered_content
        out["prev_rendered_content_version"] = 1
    if entry.prev_topic is not None:
        out["prev_topic"] = entry.prev_topic
    return out


def _lookup(realm: Realm) -> Any:
    def lookup(name: str, uid: int | None) -> User | None:
        if uid is not None:
            return realm.user(uid)
        for user in realm.users.values():
            if user.full_name == name:
                return user
        return None

    return lookup


mention_lookup = _lookup
