"""Webhooks on the twin: `config webhook` and its refusals, every event a day can raise, the
signed deliveries retried on the webhook schedule with the same id and body, and the log.
The receiver is a fake at the edge (``fake_webhooks``); the clock is the team's."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from typing import Any

from service.harness import MONDAY, Team, utc
from zulip_standup.domain.limits import MAX_WEBHOOKS
from zulip_standup.domain.scheduling.jobs import JobKind, JobStatus
from zulip_standup.domain.webhooks import texts

URL = "https://ci.example.com/hooks/standup"
TOPIC = "standup 2026-11-30"


def secret_from(dm: str) -> str:
    found = re.search(r"```text\n(\S+)\n```", dm)
    assert found is not None, dm
    return found.group(1)


def verified(secret: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """What a receiver does: check the signature over "<timestamp>.<body>", read the JSON."""
    signed = headers["X-Standup-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, headers["X-Standup-Signature"])
    event: dict[str, Any] = json.loads(body)
    assert headers["X-Standup-Delivery"] == event["id"]
    assert headers["X-Standup-Event"] == event["type"]
    return event


async def with_webhook(team: Team) -> str:
    """Lena sets up #team and adds the webhook; the secret she was sent by DM."""
    await team.sets_up(team.lena)
    mark = max(team.chat.messages)
    reply = await team.asks(team.lena, f"config webhook add {URL}")
    assert reply == (
        "Added webhook 1 to **standup** (to ci.example.com). "
        "Its signing secret was sent to you by direct message."
    )
    (dm,) = team.dms(team.lena, after=mark)
    assert URL in dm
    assert "HMAC-SHA256" in dm
    assert secret_from(dm) not in reply
    return secret_from(dm)


async def test_days_of_events_arrive_signed_and_retried_with_the_same_id(team: Team) -> None:
    """The receiver fails its first two deliveries (500) and takes the third: the retries
    come 30 s and 2 min later with the same id and body. Over three days every event type
    arrives (answers submitted and edited, the digest, a blocker opened and resolved), each
    once, and the log shows the two failures and the success."""
    secret = await with_webhook(team)
    team.receiver.statuses = [500, 500]
    await team.at(utc(MONDAY, 8, 30))
    await team.answers(team.ann, ["Shipped the export", "Review the tax rules", "none"])
    await team.at(utc(MONDAY, 8, 30))
    (first,) = team.receiver.received
    await team.at(utc(MONDAY, 8, 30) + dt.timedelta(seconds=29))
    assert len(team.receiver.received) == 1
    await team.at(utc(MONDAY, 8, 31))
    await team.at(utc(MONDAY, 8, 33))
    attempts = team.receiver.received
    assert [r.body for r in attempts] == [first.body] * 3
    assert {r.headers["X-Standup-Delivery"] for r in attempts} == {
        verified(secret, first.headers, first.body)["id"]
    }
    await team.says(team.ann, "change 2 Review the tax rules with Ben")
    for day, blocker in ((dt.date(2026, 12, 1), "Waiting on Dave"), (dt.date(2026, 12, 2), "none")):
        await team.at(utc(day, 8, 30))
        await team.answers(team.ann, ["Reviewed", "Release", blocker])
    await team.at(utc(dt.date(2026, 12, 2), 8, 40))

    events: dict[str, dict[str, Any]] = {}
    for got in team.receiver.received:
        event = verified(secret, got.headers, got.body)
        assert events.setdefault(event["id"], event) == event  # a repeat is the same body
    assert len(team.receiver.received) == len(events) + 2
    kinds = [(e["type"], e["run_date"][-2:]) for e in events.values()]
    assert kinds == [
        ("answers.submitted", "30"),
        ("answers.edited", "30"),
        ("digest.posted", "30"),
        ("answers.submitted", "01"),
        ("blocker.opened", "01"),
        ("digest.posted", "01"),
        ("answers.submitted", "02"),
        ("blocker.resolved", "02"),
    ]
    submitted, edited, digest, _, opened, _, _, resolved = events.values()
    assert submitted["standup"] == {"id": 1, "name": "standup", "channel": "team"}
    assert submitted["data"]["person"] == {"id": team.ann.user_id, "name": "Ann Archer"}
    assert submitted["data"]["answers"][2] == {
        "question": "Is anything blocking you?",
        "answer": "none",
    }
    assert edited["data"]["answers"][1]["answer"] == "Review the tax rules with Ben"
    assert edited["data"]["changed"] == [2]
    assert digest["data"]["answered"] == 1
    assert digest["data"]["message_ids"]
    assert opened["data"]["blocker"] == "Waiting on Dave"
    assert resolved["data"] == {**opened["data"], "since": "2026-12-01"}
    log = await team.asks(team.lena, "config webhook log 1")
    assert re.search(
        rf"answers.submitted `{submitted['id']}` attempt 3: HTTP 200\n(.|\n)*"
        rf"answers.submitted `{submitted['id']}` attempt 2: HTTP 500\n"
        rf".*answers.submitted `{submitted['id']}` attempt 1: HTTP 500",
        log,
    ), log
    listing = await team.asks(team.lena, "config webhook list")
    assert listing.startswith(f"Webhooks of **standup**:\n- 1: {URL} (last: HTTP 200")


async def test_a_standup_without_webhooks_sends_nothing(team: Team) -> None:
    """No webhook, no event: nothing is queued or sent, whatever happens."""
    await team.sets_up(team.lena)
    await team.at(utc(MONDAY, 8, 30))
    await team.answers(team.ann, ["a", "b", "Waiting on Dave"])
    await team.at(utc(MONDAY, 13))
    assert team.receiver.received == []
    kinds = {r["kind"] for r in team.storage.jobs.rows_for_standup(1)}
    assert JobKind.WEBHOOK.value not in kinds


async def test_a_4xx_is_permanent_and_a_5xx_is_given_up_after_about_a_day(team: Team) -> None:
    """404: one attempt, logged, the job failed. A receiver answering 503 for good gets the
    eighth and last attempt some 22 hours later, and the log says it gave up."""
    await with_webhook(team)
    team.receiver.statuses = [404] + [503] * 20
    await team.at(utc(MONDAY, 8, 30))
    await team.answers(team.ann, ["a", "b", "none"])  # answers.submitted: 404
    await team.says(team.ann, "change 1 aa")  # answers.edited: 503 ...
    await team.at(utc(MONDAY, 8, 30) + dt.timedelta(hours=23))
    log = await team.asks(team.lena, "config webhook log")
    assert "answers.submitted" in log
    assert re.search(r"answers.submitted `[^`]+` attempt 1: HTTP 404", log), log
    assert re.search(
        r"answers.edited `[^`]+` attempt 8: HTTP 503 \(gave up after 8 attempts", log
    ), log
    statuses = {r["key"]: r["status"] for r in team.storage.jobs.rows_for_standup(1)}
    assert sorted(s for k, s in statuses.items() if k.startswith("webhook:"))[:2] == [
        JobStatus.FAILED.value,
        JobStatus.FAILED.value,
    ]
    edits = [r for r in team.receiver.received if b"answers.edited" in r.body]
    assert len(edits) == 8


async def test_a_replan_neither_cancels_nor_doubles_a_pending_delivery(team: Team) -> None:
    """A delivery waiting for its retry survives `config prompt` (a re-plan) and is sent
    once more, then never again."""
    await with_webhook(team)
    team.receiver.statuses = [500]
    await team.at(utc(MONDAY, 8, 30))
    await team.answers(team.ann, ["a", "b", "none"])
    assert "Updated" in await team.asks(team.lena, "config prompt 10:00")
    await team.at(utc(MONDAY, 12))
    assert [r.headers["X-Standup-Delivery"] for r in team.receiver.received].count(
        team.receiver.received[0].headers["X-Standup-Delivery"]
    ) == 2


async def test_config_webhook_refusals_say_why_and_what_to_do(team: Team) -> None:
    """A refused target, a repeated URL, one webhook too many, an unknown id, and a member
    who may not change the standup: each its own reply, nothing stored."""
    await team.sets_up(team.lena)
    team.receiver.refused["intranet.example.com"] = "10.0.0.1 is a private address"
    reply = await team.asks(team.lena, "config webhook add https://intranet.example.com/x")
    assert reply == texts.refused("https://intranet.example.com/x", "10.0.0.1 is a private address")
    for n in range(MAX_WEBHOOKS):
        assert "Added webhook" in await team.asks(team.lena, f"config webhook add {URL}/{n}")
    assert "already sends its events there (webhook 1)" in await team.asks(
        team.lena, f"config webhook add {URL}/0"
    )
    assert await team.asks(team.lena, f"config webhook add {URL}/x") == texts.too_many("standup")
    assert "has no webhook 9; its webhooks are 1, 2, 3, 4, 5" in await team.asks(
        team.lena, "config webhook remove 9"
    )
    assert "has no webhook 9" in await team.asks(team.lena, "config webhook log 9")
    refused = await team.asks(team.ann, "config webhook list")
    assert "Webhooks of" not in refused
    assert "Removed webhook 2" in await team.asks(team.lena, f"config webhook remove {URL}/1")
    assert (await team.asks(team.lena, "config webhook")).count("\n- ") == MAX_WEBHOOKS - 1
    assert "Not https" not in await team.asks(team.lena, "config webhook add http://x.example.com")


async def test_removing_the_last_webhook_stops_events(team: Team) -> None:
    """After `config webhook remove 1` the standup queues nothing more."""
    await with_webhook(team)
    assert "Removed webhook 1" in await team.asks(team.lena, "config webhook remove 1")
    await team.at(utc(MONDAY, 8, 30))
    await team.answers(team.ann, ["a", "b", "none"])
    await team.at(utc(MONDAY, 13))
    assert team.receiver.received == []


async def test_each_edit_is_its_own_event_even_back_to_an_earlier_text(team: Team) -> None:
    """Ann changes answer 2 to B, back to A, then to B again: three `answers.edited` events
    with three ids, the last one saying B."""
    await with_webhook(team)
    await team.at(utc(MONDAY, 8, 30))
    await team.answers(team.ann, ["one", "A", "none"])
    for minute, text in ((31, "B"), (32, "A"), (33, "B")):
        await team.at(utc(MONDAY, 8, minute))
        await team.says(team.ann, f"change 2 {text}")
    await team.at(utc(MONDAY, 8, 40))
    edits = [json.loads(r.body) for r in team.receiver.received if b"answers.edited" in r.body]
    assert [e["data"]["answers"][1]["answer"] for e in edits] == ["B", "A", "B"]
    assert len({e["id"] for e in edits}) == 3
