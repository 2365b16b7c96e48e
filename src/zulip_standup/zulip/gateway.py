"""The ChatPort on Zulip: sending, editing, reacting, reading people and channels, uploading.

Sends are never blindly retried: when a POST /messages fails without a clear
answer (5xx, dropped connection), the gateway looks for the message among the
bot's recent ones before sending again, so a flaky network cannot double a
prompt.
"""

from __future__ import annotations

import logging
from typing import Any

from zulip_standup.domain.chat import Channel, Person
from zulip_standup.domain.emoji import BOT_EMOJI
from zulip_standup.ports import ScheduledMessage
from zulip_standup.zulip.rest import (
    ZulipApiError,
    ZulipError,
    ZulipRest,
    ZulipUnreachableError,
    is_transient,
)
from zulip_standup.zulip.wire import person_from_wire

log = logging.getLogger(__name__)

SEND_TRIES = 4
RECONCILE_LOOKBACK = 20


class ZulipGateway:
    """High-level Zulip calls for one bot account, all paced."""

    def __init__(self, rest: ZulipRest, bot_user_id: int) -> None:
        self._rest = rest
        self.bot_user_id = bot_user_id
        self.duplicates_avoided = 0

    @property
    def rest(self) -> ZulipRest:
        return self._rest

    async def send_dm(self, user_ids: list[int], content: str) -> int:
        """Send a direct message; return its id."""
        params = {"type": "direct", "to": sorted(set(user_ids)), "content": content}
        narrow: list[dict[str, Any]] = [{"operator": "dm", "operand": sorted(set(user_ids))}]
        return await self._send(params, narrow)

    async def send_stream(self, stream_id: int, topic: str, content: str) -> int:
        """Post to a channel topic; return the message id."""
        params = {"type": "stream", "to": stream_id, "topic": topic, "content": content}
        narrow: list[dict[str, Any]] = [
            {"operator": "channel", "operand": stream_id},
            {"operator": "topic", "operand": topic},
        ]
        return await self._send(params, narrow)

    async def _send(self, params: dict[str, Any], narrow: list[dict[str, Any]]) -> int:
        last_error: ZulipError | None = None
        for attempt in range(SEND_TRIES):
            if attempt:
                found = await self._find_sent(narrow, str(params["content"]))
                if found is not None:
                    self.duplicates_avoided += 1
                    log.info("send_reconciled", extra={"message_id": found})
                    return found
                await self._rest.clock.sleep(min(8.0, 0.5 * 2**attempt))
            try:
                body = await self._rest.call("POST", "messages", params, retry_transient=False)
                return int(body["id"])
            except (ZulipApiError, ZulipUnreachableError) as exc:
                if not is_transient(exc):
                    raise
                last_error = exc
                log.warning("send_failed_transiently", extra={"attempt": attempt + 1})
        assert last_error is not None
        raise last_error

    async def _find_sent(
        self, narrow: list[dict[str, Any]], content: str, after_id: int = 0
    ) -> int | None:
        """The id of a message with this content the bot already sent there (after
        ``after_id``), if any."""
        try:
            body = await self._rest.call(
                "GET",
                "messages",
                {
                    "anchor": "newest",
                    "num_before": RECONCILE_LOOKBACK,
                    "num_after": 0,
                    "narrow": [*narrow, {"operator": "sender", "operand": self.bot_user_id}],
                    "apply_markdown": False,
                },
            )
        except ZulipError:
            return None
        for message in reversed(body.get("messages", [])):
            if int(message["id"]) <= after_id:
                continue
            if message.get("content") == content or _truncated_match(
                message.get("content"), content
            ):
                return int(message["id"])
        return None

    async def find_sent_dm(
        self, user_ids: list[int], content: str, after_id: int = 0
    ) -> int | None:
        """A DM with exactly this content the bot already sent these people, if any."""
        return await self._find_sent(
            [{"operator": "dm", "operand": sorted(set(user_ids))}], content, after_id
        )

    async def find_sent_in_topic(self, stream_id: int, topic: str, content: str) -> int | None:
        """A message with exactly this content the bot already posted in that topic, if any."""
        return await self._find_sent(
            [
                {"operator": "channel", "operand": stream_id},
                {"operator": "topic", "operand": topic},
            ],
            content,
        )

    async def has_posted_in_topic(self, stream_id: int, topic: str) -> bool:
        """Whether the bot has posted anything in that topic."""
        body = await self._rest.call(
            "GET",
            "messages",
            {
                "anchor": "newest",
                "num_before": 1,
                "num_after": 0,
                "narrow": [
                    {"operator": "channel", "operand": stream_id},
                    {"operator": "topic", "operand": topic},
                    {"operator": "sender", "operand": self.bot_user_id},
                ],
                "apply_markdown": False,
            },
        )
        return bool(body.get("messages"))

    async def edit_message(self, message_id: int, content: str) -> None:
        await self._rest.call("PATCH", f"messages/{message_id}", {"content": content})

    async def add_reaction(self, message_id: int, emoji_name: str) -> None:
        params = {"emoji_name": emoji_name}
        # The code goes with the name so that the reaction is the emoji the bot means (Zulip
        # refuses a name with another emoji's code); see domain/emoji.py.
        emoji = BOT_EMOJI.get(emoji_name)
        if emoji is not None:
            params |= {"emoji_code": emoji.code, "reaction_type": "unicode_emoji"}
        try:
            await self._rest.call("POST", f"messages/{message_id}/reactions", params)
        except ZulipApiError as exc:
            if exc.code != "REACTION_ALREADY_EXISTS":
                raise

    async def get_person(self, user_id: int) -> Person:
        body = await self._rest.call("GET", f"users/{user_id}")
        return person_from_wire(body["user"])

    async def get_people(self) -> list[Person]:
        """Every account of the realm, each made a ``Person`` as soon as it is decoded (a
        realm of 100,000 would otherwise pass through memory as 100,000 full dicts)."""
        body = await self._rest.call("GET", "users", object_hook=_person_or_object)
        return [member for member in body.get("members", []) if isinstance(member, Person)]

    async def get_channel(self, stream_id: int) -> Channel:
        body = await self._rest.call("GET", f"streams/{stream_id}")
        stream = body["stream"]
        return Channel(int(stream["stream_id"]), str(stream["name"]), bool(stream["invite_only"]))

    async def find_channel(self, name: str) -> Channel | None:
        try:
            body = await self._rest.call("GET", "get_stream_id", {"stream": name})
        except ZulipApiError as exc:
            if exc.status == 400:
                return None
            raise
        return await self.get_channel(int(body["stream_id"]))

    async def get_subscribers(self, stream_id: int) -> list[int]:
        body = await self._rest.call("GET", f"streams/{stream_id}/members")
        return [int(user_id) for user_id in body.get("subscribers", [])]

    async def upload_file(self, filename: str, data: bytes, content_type: str) -> str:
        body = await self._rest.call(
            "POST", "user_uploads", files={"file": (filename, data, content_type)}
        )
        return str(body.get("url") or body["uri"])

    async def schedule_dm(self, user_ids: list[int], content: str, deliver_at: int) -> int:
        body = await self._rest.call(
            "POST",
            "scheduled_messages",
            {
                "type": "direct",
                "to": sorted(set(user_ids)),
                "content": content,
                "scheduled_delivery_timestamp": deliver_at,
            },
        )
        return int(body["scheduled_message_id"])

    async def list_scheduled(self) -> list[ScheduledMessage]:
        """The bot's scheduled messages the server still holds (pending or failed)."""
        body = await self._rest.call("GET", "scheduled_messages")
        return [
            ScheduledMessage(
                int(item["scheduled_message_id"]),
                int(item["scheduled_delivery_timestamp"]),
                bool(item.get("failed")),
            )
            for item in body.get("scheduled_messages", [])
        ]

    async def cancel_scheduled(self, scheduled_message_id: int) -> None:
        try:
            await self._rest.call("DELETE", f"scheduled_messages/{scheduled_message_id}")
        except ZulipApiError as exc:
            if exc.status != 404:
                raise


def _truncated_match(stored: Any, content: str) -> bool:
    # Zulip truncates over-long content; a stored prefix of ours is our message.
    return (
        isinstance(stored, str)
        and stored.endswith("[message truncated]")
        and content.startswith(stored.removesuffix("\n[message truncated]"))
    )


def _person_or_object(value: dict[str, Any]) -> Any:
    """A user object of ``GET /users`` as a ``Person``; any other JSON object unchanged."""
    if "user_id" in value and "full_name" in value and "is_bot" in value:
        return person_from_wire(value)
    return value
