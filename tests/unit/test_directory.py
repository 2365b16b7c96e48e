"""People are kept compactly: decoded from Zulip's JSON with shared zone names and role
codes, slotted, a few hundred bytes each in the directory."""

from __future__ import annotations

import json
import tracemalloc

from zulip_standup.domain.chat import UserChanged
from zulip_standup.services.directory import Directory
from zulip_standup.zulip.wire import person_from_wire, translate_event

ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kolkata")


def _users_json(n: int) -> str:
    """A ``GET /users`` body of ``n`` members."""
    members = [
        {
            "user_id": 1000 + i,
            "full_name": f"Person {i:05d}",
            "email": f"p{i:05d}@example.com",
            "timezone": ZONES[i % len(ZONES)],
            "role": 400,
            "is_bot": False,
            "is_active": True,
            "date_joined": "2026-11-29T21:31:05.982019+00:00",
        }
        for i in range(n)
    ]
    return json.dumps({"result": "success", "members": members})


def test_people_in_one_zone_and_role_share_its_name_and_code() -> None:
    members = json.loads(_users_json(30))["members"]
    assert members[0]["timezone"] is not members[3]["timezone"]  # one copy each, as decoded
    people = [person_from_wire(m) for m in members]
    assert len({id(p.timezone) for p in people}) == len(ZONES)
    assert len({id(p.role) for p in people}) == 1
    assert [p.timezone for p in people] == [m["timezone"] for m in members]
    assert {p.role for p in people} == {400}


def test_a_zone_change_from_an_event_shares_the_zone_too() -> None:
    directory = Directory(person_from_wire(m) for m in json.loads(_users_json(3))["members"])
    raw = json.loads(
        json.dumps(
            {
                "type": "realm_user",
                "op": "update",
                "person": {"user_id": 1001, "timezone": "Europe/Berlin"},
            }
        )
    )
    change = translate_event(raw, own_user_id=1)
    assert change == UserChanged(user_id=1001, timezone="Europe/Berlin")
    assert isinstance(change, UserChanged)
    moved = directory.apply(change)
    berlin = directory.get(1000)
    assert moved is not None
    assert berlin is not None
    assert moved.timezone is berlin.timezone


def test_a_person_costs_under_320_bytes_in_the_directory() -> None:
    """What stays allocated after decoding 5,000 people and keeping them, per person,
    measured with tracemalloc (some 420 bytes with unslotted, unshared people)."""
    body = _users_json(5000)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        members = json.loads(body)["members"]
        directory = Directory(person_from_wire(m) for m in members)
        del members
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert directory.name_of(1000) == "Person 00000"
    assert held / 5000 < 320
