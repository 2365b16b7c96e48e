"""`forget me` from the person's side: what the bot deletes, and what it says stays in Zulip."""

from __future__ import annotations

import datetime as dt

from localzulip import LocalZulip
from zulip_standup.domain.commands import reply_texts as texts
from zulip_standup.domain.forgetting import FORGOTTEN_USER_ID

from .harness import SteppedClock, running_bot, wait_for
from .people import dm, rows

MONDAY_0300 = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)  # 08:30 in Kolkata


async def test_forget_me_deletes_jobs_and_audit_traces_and_says_reports_stay(
    zulip: LocalZulip, database_url: str
) -> None:
    """Promise 8: Carol sets up a standup, answers a day, then sends `forget me confirm`.
    Afterwards no job row and no audit entry holds her user id (her setup is logged as by
    a forgotten person), and the reply says her posted report is not deleted by the bot."""
    bot_id = zulip.bot.user_id
    carol_id = zulip.user("carol").user_id
    clock = SteppedClock(MONDAY_0300)
    async with running_bot(zulip, database_url, clock) as process:
        zulip.human("carol").send_stream("standup", "general", "@**Standup** setup")
        await wait_for(zulip, lambda m: m.sender_id == bot_id and "is set up" in m.content)
        clock.set(dt.datetime(2026, 11, 30, 4, 1, tzinfo=dt.UTC))
        await wait_for(zulip, lambda m: m.sender_id == bot_id and "Question 1 of 3" in m.content)
        await dm(zulip, "carol", "1. CAROL-DID\n2. CAROL-WILL\n3. none")
        report = await wait_for(
            zulip, lambda m: m.stream_id is not None and "CAROL-DID" in m.content
        )
        assert rows(process, "jobs", user_id=carol_id), "her next prompts are planned"
        assert [r["actor_user_id"] for r in rows(process, "audit_log")] == [carol_id]

        (reply,) = await dm(zulip, "carol", "forget me confirm")

        assert rows(process, "jobs", user_id=carol_id) == []
        audit = rows(process, "audit_log")
        assert [(r["action"], r["actor_user_id"]) for r in audit] == [
            ("setup", FORGOTTEN_USER_ID),
            ("forget_me", FORGOTTEN_USER_ID),
        ]
        assert rows(process, "answers", user_id=carol_id) == []
        assert rows(process, "participants", user_id=carol_id) == []
    forget_counts = audit[1]["detail"]
    assert forget_counts["answers"] == 3
    assert reply == texts.forgotten(forget_counts)
    assert "reports already posted in channels" in reply
    assert not zulip.realm.messages[report.id].deleted  # truthfully: the report stays
