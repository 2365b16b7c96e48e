"""The test-side API: act as any user without HTTP (send, reply, edit, react, set status)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from localzulip.errors import ApiError
from localzulip.models import Message, Stream, User

if TYPE_CHECKING:
    from localzulip.core import Core
    from localzulip.server import LocalZulip


class Human:
    """Acts as one user; every call runs on the server loop and sends the usual events.

    Zulip's permission rules are not applied (a test may make anyone do anything),
    except that sending keeps the same recipients, truncation and mention rules.
    """

    def __init__(self, server: LocalZulip, user: User) -> None:
        self.server = server
        self.user = user

    @property
    def core(self) -> Core:
        return self.server.core

    def _stream(self, name: str | int) -> Stream:
        realm = self.server.realm
        stream = realm.streams.get(name) if isinstance(name, int) else realm.stream_by_name(name)
        if stream is None:
            raise KeyError(name)
        return stream

    def _message(self, message: Message | int) -> Message:
        mid = message if isinstance(message, int) else message.id
        found = self.server.realm.messages.get(mid)
        if found is None:
            raise KeyError(mid)
        return found

    # ----- sending -----
    def send_dm(self, to: str | int | User | list[str | int | User], content: str) -> Message:
        """A direct message to one user or a group (default client: "website")."""
        targets = to if isinstance(to, list) else [to]
        ids = {self.server.user(t).user_id for t in targets}
        return self.server.call(
            lambda: self.core.actions.send_message(
                self.user, dm_user_ids=ids, content=content, client="website"
            )
        )

    def dm_bot(self, content: str) -> Message:
        """A direct message to the realm's bot."""
        return self.send_dm(self.server.bot, content)

    def send_stream(self, stream: str | int, topic: str, content: str) -> Message:
        """A channel message in ``stream > topic``."""
        target = self._stream(stream)
        return self.server.call(
            lambda: self.core.actions.send_message(
                self.user, stream=target, topic=topic, content=content, client="website"
            )
        )

    def reply(self, message: Message | int, content: str) -> Message:
        """Answer in the same conversation (channel topic or DM group)."""
        original = self._message(message)
        if original.type == "stream":
            assert original.stream_id is not None
            return self.send_stream(original.stream_id, original.topic, content)
        others: list[str | int | User] = [
            uid for uid in original.dm_user_ids if uid != self.user.user_id
        ]
        return self.send_dm(others or [self.user], content)

    # ----- changing messages -----
    def edit(
        self, message: Message | int, content: str | None = None, topic: str | None = None
    ) -> None:
        target = self._message(message)
        self.server.call(
            lambda: self.core.actions.edit_message(self.user, target, content=content, topic=topic)
        )

    def delete(self, message: Message | int) -> None:
        target = self._message(message)
        self.server.call(lambda: self.core.actions.delete_message(target))

    def react(self, message: Message | int, emoji_name: str) -> None:
        target = self._message(message)
        self.server.call(
            lambda: self.core.actions.react(self.user, target, emoji_name, None, None, add=True)
        )

    def unreact(self, message: Message | int, emoji_name: str) -> None:
        target = self._message(message)
        self.server.call(
            lambda: self.core.actions.react(self.user, target, emoji_name, None, None, add=False)
        )

    # ----- profile, status, membership -----
    def set_timezone(self, timezone: str) -> None:
        self.server.call(lambda: self.core.membership.update_user(self.user, timezone=timezone))

    def set_full_name(self, full_name: str) -> None:
        self.server.call(lambda: self.core.membership.update_user(self.user, full_name=full_name))

    def set_role(self, role: int) -> None:
        self.server.call(lambda: self.core.membership.update_user(self.user, role=role))

    def set_status(
        self,
        text: str | None = None,
        *,
        emoji: str | None = None,
        away: bool | None = None,
    ) -> None:
        self.server.call(
            lambda: self.core.membership.set_status(
                self.user, away=away, status_text=text, emoji_name=emoji
            )
        )

    def deactivate(self) -> None:
        self.server.call(lambda: self.core.membership.set_active(self.user, False))

    def reactivate(self) -> None:
        self.server.call(lambda: self.core.membership.set_active(self.user, True))

    def subscribe(self, stream: str) -> None:
        def run() -> None:
            target = self.server.realm.stream_by_name(stream)
            if target is None:
                target = self.server.realm.add_stream(stream)
            self.core.membership.subscribe(self.user, target)

        self.server.call(run)

    def unsubscribe(self, stream: str) -> None:
        target = self._stream(stream)
        self.server.call(lambda: self.core.membership.unsubscribe(self.user, target))

    # ----- reading -----
    def dms(self, with_user: str | int | User | None = None) -> list[Message]:
        """This user's direct messages (with one other user if given), oldest first."""
        return self.server.dms(self.user, with_user)

    def last_dm_from(self, sender: str | int | User) -> Message:
        sid = self.server.user(sender).user_id
        found = [m for m in self.dms() if m.sender_id == sid]
        if not found:
            raise ApiError(f"no direct message from {sender}")
        return found[-1]
