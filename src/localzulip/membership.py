"""Changes to people and channel membership, and the events they fan out."""

from __future__ import annotations

from typing import Any

from localzulip.emoji import NAME_TO_CODEPOINT
from localzulip.events import QueueManager
from localzulip.models import JSON, Stream, User
from localzulip.payloads import subscription_dict, user_dict
from localzulip.realm import Realm


class Membership:
    """User profile, status and subscription changes with their events."""

    def __init__(self, realm: Realm, queues: QueueManager) -> None:
        self.realm = realm
        self.queues = queues

    def everyone(self) -> list[int]:
        return [u.user_id for u in self.realm.users.values() if u.is_active]

    # ----- users -----
    def add_user(self, user: User) -> None:
        """Announce a user added with ``realm.add_user`` (``realm_user`` op add)."""
        person = user_dict(user, profile_data=True)
        self.queues.send(self.everyone(), {"type": "realm_user", "op": "add", "person": person})

    def update_user(self, user: User, **changes: Any) -> None:
        """Change timezone / full_name / role and send one ``realm_user`` update per field."""
        for name, value in changes.items():
            if value is None:
                continue
            setattr(user, name, value)
            person: JSON = {}
            if name == "timezone":
                person["email"] = user.email
            person["user_id"] = user.user_id
            person[name] = value
            self.queues.send(
                self.everyone(), {"type": "realm_user", "op": "update", "person": person}
            )

    def set_active(self, user: User, active: bool) -> None:
        """Deactivate or reactivate; event queues of the user survive, as on Zulip."""
        if user.is_active == active:
            return
        user.is_active = active
        person = {"user_id": user.user_id, "is_active": active}
        self.queues.send(self.everyone(), {"type": "realm_user", "op": "update", "person": person})

    def set_status(
        self,
        user: User,
        *,
        away: bool | None = None,
        status_text: str | None = None,
        emoji_name: str | None = None,
        emoji_code: str | None = None,
        reaction_type: str | None = None,
    ) -> None:
        """Update a user's status and send ``user_status`` with just the given fields."""
        event: JSON = {"type": "user_status", "user_id": user.user_id}
        status = user.status
        if away is not None:
            status.away = away
            event["away"] = away
        if status_text is not None:
            status.status_text = status_text.strip()
            event["status_text"] = status.status_text
        if emoji_name is not None:
            status.emoji_name = emoji_name
            if emoji_name:
                status.emoji_code = emoji_code or NAME_TO_CODEPOINT.get(emoji_name, "")
                status.reaction_type = reaction_type or "unicode_emoji"
            else:
                status.emoji_code = ""
                status.reaction_type = ""
            event["emoji_name"] = status.emoji_name
            event["emoji_code"] = status.emoji_code
            event["reaction_type"] = status.reaction_type
        self.queues.send(self.everyone(), event)

    # ----- subscriptions -----
    def peer_audience(self, stream: Stream, exclude: set[int]) -> list[int]:
        if stream.invite_only:
            pool = set(stream.subscribers) | {
                u.user_id for u in self.realm.users.values() if u.is_admin
            }
        else:
            pool = {u.user_id for u in self.realm.users.values() if u.is_active and not u.is_guest}
        return sorted(pool - exclude)

    def subscribe(self, user: User, stream: Stream) -> bool:
        """Subscribe; False when already subscribed."""
        if user.user_id in stream.subscribers:
            return False
        stream.subscribers.add(user.user_id)
        sub = subscription_dict(stream, subscribers=True)
        self.queues.send(
            [user.user_id], {"type": "subscription", "op": "add", "subscriptions": [sub]}
        )
        peer = {
            "type": "subscription",
            "op": "peer_add",
            "stream_ids": [stream.stream_id],
            "user_ids": [user.user_id],
        }
        self.queues.send(self.peer_audience(stream, {user.user_id}), peer)
        return True

    def unsubscribe(self, user: User, stream: Stream) -> bool:
        """Unsubscribe; False when not subscribed."""
        if user.user_id not in stream.subscribers:
            return False
        stream.subscribers.discard(user.user_id)
        removed = {"name": stream.name, "stream_id": stream.stream_id}
        self.queues.send(
            [user.user_id], {"type": "subscription", "op": "remove", "subscriptions": [removed]}
        )
        peer = {
            "type": "subscription",
            "op": "peer_remove",
            "stream_ids": [stream.stream_id],
            "user_ids": [user.user_id],
        }
        self.queues.send(self.peer_audience(stream, {user.user_id}), peer)
        return True
