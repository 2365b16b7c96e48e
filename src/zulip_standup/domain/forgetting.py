"""What `forget me` leaves of a person in the audit log: the action, never who they were."""

from __future__ import annotations

from typing import Any

# Stands for "a person who asked to be forgotten" where a user id is required.
FORGOTTEN_USER_ID = 0

# Audit detail keys whose value is a list of user ids (participant and manager changes).
_PERSON_LISTS = frozenset({"added", "removed", "participants", "managers", "user_ids"})


def without_person(detail: Any, user_id: int) -> Any:
    """``detail`` (audit JSON) with ``user_id`` dropped from lists of people and replaced
    by ``FORGOTTEN_USER_ID`` in ``*user_id`` fields, at any depth; other values unchanged."""
    if isinstance(detail, list):
        return [without_person(item, user_id) for item in detail]
    if not isinstance(detail, dict):
        return detail
    scrubbed: dict[str, Any] = {}
    for key, value in detail.items():
        if key in _PERSON_LISTS and isinstance(value, list):
            scrubbed[key] = [v for v in value if v != user_id]
        elif key.endswith("user_id") and value == user_id:
            scrubbed[key] = FORGOTTEN_USER_ID
        else:
            scrubbed[key] = without_person(value, user_id)
    return scrubbed
