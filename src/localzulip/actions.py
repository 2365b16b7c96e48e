"""Message mutations (send, edit, delete, react) and the events they fan out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from localzulip.clock import Clock
from localzulip.emoji import UNICODE, check_emoji_request, emoji_data
from localzulip.errors import ApiError
from localzulip.events import EventQueue, QueueManager
from localzulip.models import BOT_GENERIC, JSON, EditRecord, Message, Reaction, Stream, User
from localzulip.payloads import mention_lookup, message_dict
from localzulip.realm import Realm
from localzulip.render import find_mentions, render

FLAG_ORDER = [
    "read",
    "starred",
    "collapsed",
    "mentioned",
    "stream_wildcard_mentioned",
    "topic_wildcard_mentioned",
    "wildcard_mentioned",
    "has_alert_word",
    "historical",
]
TRUNCATION_NOTE = "\n[message truncated]"
NOTIFY_THROTTLE_SECONDS = 300


def sorted_flags(flags: set[str]) -> list[str]:
    return [f for f in FLAG_ORDER if f in flags] + sorted(flags - set(FLAG_ORDER))


def truncate_content(content: str, limit: int = 10000) -> str:
    """Zulip keeps over-long content as its start plus a truncation note."""
    if len(content) <= limit:
        return content
    return content[: limit - len(TRUNCATION_NOTE)] + TRUNCATION_NOTE


def truncate_topic(topic: str, limit: int = 60) -> str:
    """Topics longer than the limit keep their first limit-3 code points plus '...'."""
    if len(topic) <= limit:
        return topic
    return topic[: limit - 3] + "..."


class Actions:
    """Changes to messages, applied to the realm and announced to event queues."""

    def __init__(self, realm: Realm, queues: QueueManager, clock: Clock) -> None:
        self.realm = realm
        self.queues = queues
        self.clock = clock
        self.message_listeners: list[Callable[[Message], None]] = []
        self.log: list[Message] = []
        self._last_reminder: dict[int, float] = {}

    def now(self) -> int:
        return int(self.clock.now())

    # ----- sending -----
    def send_message(
        self,
        sender: User,
        *,
        stream: Stream | None = None,
        dm_user_ids: set[int] | None = None,
        topic: str = "",
        content: str,
        client: str = "Internal",
        local_id: str | None = None,
        sender_queue_id: str | None = None,
        read_by_sender: bool = False,
    ) -> Message:
        """Store a message and deliver ``message`` events to every recipient's queues."""
        realm = self.realm
        content = truncate_content(content, realm.settings.max_message_length)
        message = Message(
            id=realm.new_message_id(),
            sender_id=sender.user_id,
            type="stream" if stream is not None else "private",
            content=content,
            timestamp=self.now(),
            recipient_id=0,
            client=client,
        )
        mentioned, stream_wild, topic_wild = find_mentions(content, mention_lookup(realm))
        if stream is not None:
            message.stream_id = stream.stream_id
            message.topic = truncate_topic(topic.strip(), realm.settings.max_topic_length)
            message.recipient_id = stream.recipient_id
            recipients = set(stream.subscribers)
            for uid in mentioned:
                user = realm.user(uid)
                if user and user.is_active and user.is_bot and user.bot_type == BOT_GENERIC:
                    recipients.add(uid)
            if stream.first_message_id is None:
                stream.first_message_id = message.id
        else:
            ids = set(dm_user_ids or ()) | {sender.user_id}
            message.dm_user_ids = tuple(sorted(ids))
            others = ids - {sender.user_id}
            if len(ids) <= 2:
                target = realm.user(next(iter(others)) if others else sender.user_id)
                message.recipient_id = target.recipient_id if target else 0
            else:
                message.recipient_id = realm.group_recipient_id(frozenset(ids))
            recipients = ids
        for uid in recipients:
            flags: set[str] = set()
            if uid in mentioned:
                flags.add("mentioned")
            if stream_wild and stream is not None:
                flags.update({"stream_wildcard_mentioned", "wildcard_mentioned"})
            if topic_wild and stream is not None:
                flags.update({"topic_wildcard_mentioned", "wildcard_mentioned"})
            if uid == sender.user_id and read_by_sender:
                flags.add("read")
            message.flags[uid] = flags
        if stream is not None and sender.user_id not in message.flags:
            message.flags[sender.user_id] = {"read"} if read_by_sender else set()
        realm.messages[message.id] = message
        self.log.append(message)
        self._fan_out_message(message, stream, local_id, sender_queue_id)
        for listener in list(self.message_listeners):
            listener(message)
        return message

    def _fan_out_message(
        self,
        message: Message,
        stream: Stream | None,
        local_id: str | None,
        sender_queue_id: str | None,
    ) -> None:
        cache: dict[tuple[bool, bool], JSON] = {}

        def payload(queue: EventQueue) -> JSON:
            key = (queue.apply_markdown, queue.client_gravatar)
            if key not in cache:
                cache[key] = message_dict(
                    self.realm, message, apply_markdown=key[0], client_gravatar=key[1]
                )
            return dict(cache[key])

        delivered: set[str] = set()
        for uid, flags in message.flags.items():
            for queue in self.queues.queues_of(uid):
                if not queue.wants("message"):
                    continue
                if queue.narrow is not None and not queue.narrow.matches(message, flags):
                    continue
                event: JSON = {"type": "message", "message": payload(queue)}
                event["flags"] = sorted_flags(flags)
                if local_id is not None and queue.queue_id == sender_queue_id:
                    event["local_message_id"] = local_id
                self.queues.push(queue, event)
                delivered.add(queue.queue_id)
        if stream is None or stream.invite_only:
            return
        for queue in list(self.queues.queues.values()):
            if queue.all_public_streams and queue.queue_id not in delivered:
                if not queue.wants("message"):
                    continue
                if queue.narrow is not None and not queue.narrow.matches(message, set()):
                    continue
                self.queues.push(queue, {"type": "message", "message": payload(queue), "flags": []})

    def notify_owner_missing_stream(self, bot: User, name: str | None, sid: int | None) -> None:
        """Zulip DMs a bot's owner (at most every 5 minutes) when it posts to a missing channel."""
        if not bot.is_bot or bot.bot_owner_id is None:
            return
        owner = self.realm.user(bot.bot_owner_id)
        if owner is None:
            return
        last = self._last_reminder.get(bot.user_id)
        if last is not None and self.clock.now() - last <= NOTIFY_THROTTLE_SECONDS:
            return
        self._last_reminder[bot.user_id] = self.clock.now()
        if name is not None:
            where = f"stream #**{name}**, but that stream does not exist"
        else:
            where = f"stream ID {sid}, but there is no stream with that ID"
        content = (
            f"Your bot `{bot.email}` tried to send a message to {where}. "
            "Click [here](#streams/new) to create it."
        )
        notifier = self.realm.ensure_notification_bot()
        self.send_message(notifier, dm_user_ids={owner.user_id}, content=content)

    # ----- editing -----
    def edit_message(
        self,
        editor: User,
        message: Message,
        *,
        content: str | None = None,
        topic: str | None = None,
        propagate_mode: str = "change_one",
    ) -> None:
        """Apply an edit (permissions already checked) and send ``update_message``."""
        realm = self.realm
        now = self.now()
        record = EditRecord(user_id=editor.user_id, timestamp=now)
        event: JSON = {
            "type": "update_message",
            "user_id": editor.user_id,
            "edit_timestamp": now,
            "message_id": message.id,
            "rendering_only": False,
        }
        stream = realm.streams.get(message.stream_id or -1)
        if stream is not None:
            event["stream_name"] = stream.name
            event["stream_id"] = stream.stream_id
        lookup = mention_lookup(realm)
        ids = [message.id]
        if content is not None:
            content = truncate_content(content, realm.settings.max_message_length)
            record.prev_content = message.content
            record.prev_rendered_content = render(message.content, lookup)
            event["orig_content"] = message.content
            event["orig_rendered_content"] = record.prev_rendered_content
            event["content"] = content
            event["rendered_content"] = render(content, lookup)
            event["prev_rendered_content_version"] = 1
            event["is_me_message"] = content.startswith("/me ")
            message.content = content
            self._refresh_mentions(message)
        if topic is not None and stream is not None:
            topic = truncate_topic(topic.strip(), realm.settings.max_topic_length)
            old = message.topic
            record.prev_topic = old
            if propagate_mode != "change_one":
                for other in realm.messages.values():
                    if (
                        other.stream_id == message.stream_id
                        and other.topic == old
                        and other.id != message.id
                        and not other.deleted
                        and (propagate_mode == "change_all" or other.id > message.id)
                    ):
                        other.topic = topic
                        ids.append(other.id)
            message.topic = topic
            event["propagate_mode"] = propagate_mode
            event["orig_subject"] = old
            event["subject"] = topic
            event["topic_links"] = []
        event["message_ids"] = sorted(ids)
        message.edit_history.append(record)
        message.last_edit_timestamp = now
        for uid, flags in message.flags.items():
            per_user = dict(event)
            per_user["flags"] = sorted_flags(flags)
            self.queues.send([uid], per_user)

    def _refresh_mentions(self, message: Message) -> None:
        mentioned, _, _ = find_mentions(message.content, mention_lookup(self.realm))
        for uid, flags in message.flags.items():
            if uid in mentioned:
                flags.add("mentioned")
            else:
                flags.discard("mentioned")

    def delete_message(self, message: Message) -> None:
        """Remove a message and send ``delete_message`` to everyone who had it."""
        message.deleted = True
        self.realm.messages.pop(message.id, None)
        for uid in message.flags:
            for queue in self.queues.queues_of(uid):
                if not queue.wants("delete_message"):
                    continue
                event: JSON = {"type": "delete_message"}
                if message.type == "stream":
                    event["stream_id"] = message.stream_id
                    event["topic"] = message.topic
                event["message_type"] = message.type
                if queue.bulk_message_deletion:
                    event["message_ids"] = [message.id]
                else:
                    event["message_id"] = message.id
                self.queues.push(queue, event)

    # ----- reactions -----
    def reaction_audience(self, message: Message) -> set[int]:
        audience = set(message.flags)
        stream = self.realm.streams.get(message.stream_id or -1)
        if stream is not None:
            audience |= stream.subscribers
        return audience

    def react(
        self,
        user: User,
        message: Message,
        emoji_name: str,
        emoji_code: str | None,
        reaction_type: str | None,
        *,
        add: bool,
    ) -> None:
        """Add or remove a reaction, with Zulip's emoji checks and duplicate/missing errors.

        As on the real server, a reaction without a code (or, when adding, without a
        type) is looked up by name; a new reaction's name must be its code's name, while
        joining a reaction someone else made takes that reaction's name.
        """
        if emoji_code is None or (add and reaction_type is None):
            emoji_code, reaction_type = emoji_data(emoji_name)
        code = emoji_code
        rtype = reaction_type or UNICODE
        same = [r for r in message.reactions if r.emoji_code == code and r.reaction_type == rtype]
        existing = [r for r in same if r.user_id == user.user_id]
        if add and existing:
            raise ApiError("Reaction already exists.", code="REACTION_ALREADY_EXISTS")
        if not add and not existing:
            raise ApiError("Reaction doesn't exist.", code="REACTION_DOES_NOT_EXIST")
        if add and same:
            emoji_name = same[0].emoji_name
        elif add:
            check_emoji_request(emoji_name, code, rtype)
        if add:
            message.reactions.append(Reaction(user.user_id, emoji_name, code, rtype))
        else:
            message.reactions.remove(existing[0])
        event: dict[str, Any] = {
            "type": "reaction",
            "op": "add" if add else "remove",
            "user_id": user.user_id,
            "user": {"user_id": user.user_id, "email": user.email, "full_name": user.full_name},
            "message_id": message.id,
            "emoji_name": emoji_name,
            "emoji_code": code,
            "reaction_type": rtype,
        }
        self.queues.send(sorted(self.reaction_audience(message)), event)
