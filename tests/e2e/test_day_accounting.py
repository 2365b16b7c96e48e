"""One team-mode day of five people, accounted for the same way everywhere.

The team is prompted at 08:30 Berlin, which is 23:30 on Sunday for Dave in Los
Angeles. Alice answers on time (with a blocker), Erin answers after the cutoff, Bob
skips, Carol has declared Monday off and Dave's own day of the prompt, Sunday 29 Nov, is
a public holiday of his region (Saint Catherine's Day, BR-SC), so he is not prompted.
What `status`, the digest, `stats`, `blockers` and the weekly roll-up say about that
Monday must agree with each other.
"""

from __future__ import annotations

import datetime as dt
import re

from localzulip import LocalZulip
from zulip_standup.domain.conversation import texts as ctexts

from .harness import SteppedClock, running_bot, settle, wait_for
from .people import bot_replies_after, dm, eventually, in_channel

MONDAY = dt.date(2026, 11, 30)
SUNDAY_EVENING = dt.datetime(2026, 11, 29, 18, 0, tzinfo=dt.UTC)
MONDAY_0800_BERLIN = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC)  # before the 08:30 prompt
MONDAY_PROMPT = dt.datetime(2026, 11, 30, 7, 30, tzinfo=dt.UTC)  # 08:30 Berlin
MONDAY_AFTER_CUTOFF = dt.datetime(2026, 11, 30, 11, 50, tzinfo=dt.UTC)  # 12:50 Berlin
FRIDAY_AFTER_CUTOFF = dt.datetime(2026, 12, 4, 11, 50, tzinfo=dt.UTC)
ALICE_ANSWERS = "1. Wrote the migration\n2. Review it with Bob\n3. Waiting for the staging database"


async def _set_up_team_of_five(zulip: LocalZulip, clock: SteppedClock) -> None:
    """Alice sets up #standup (team zone Berlin, team mode, prompt 08:30, roll-up on) for
    herself, Bob, Carol, Dave and Erin; Carol takes Monday off and Dave sets his holiday
    region to BR-SC."""
    zulip.human("erin").subscribe("standup")
    reply = await in_channel(zulip, "alice", "standup", "setup", "@**Standup** setup")
    assert reply.startswith("Standup **standup** is set up in #**standup**."), reply
    for name in ("Alice Owner", "Bob Admin", "Carol Member", "Dave Member", "Erin Guest"):
        assert name in reply
    reply = await in_channel(
        zulip, "alice", "standup", "setup", "@**Standup** config timezone Europe/Berlin"
    )
    assert "Europe/Berlin" in reply, reply
    reply = await in_channel(zulip, "alice", "standup", "setup", "@**Standup** config mode team")
    assert "mode team" in reply, reply
    reply = await in_channel(zulip, "alice", "standup", "setup", "@**Standup** config prompt 08:30")
    assert "08:30" in reply, reply
    reply = await in_channel(zulip, "alice", "standup", "setup", "@**Standup** config rollup on")
    assert "weekly roll-up on" in reply, reply
    (off,) = await dm(zulip, "carol", "away 2026-11-30")
    assert "You are off on Monday 30 November" in off, off
    (region,) = await dm(zulip, "dave", "holidays BR-SC")
    assert "public holidays of **BR-SC**" in region, region
    del clock


async def _morning(zulip: LocalZulip, clock: SteppedClock, process: object) -> None:
    """08:30 Berlin: the three people at work are prompted; Alice answers, Bob skips."""
    clock.set(MONDAY_PROMPT)
    await settle(process)  # type: ignore[arg-type]
    first = zulip.messages()[0]
    for who in ("alice", "bob", "erin"):
        await bot_replies_after(zulip, who, first, 1)
    await dm(zulip, "alice", ALICE_ANSWERS)
    assert await dm(zulip, "bob", "skip") == [ctexts.skip_confirmation_text("standup", MONDAY)]


def _day_line(status: str) -> str:
    line = next((li for li in status.splitlines() if li.startswith("- **Mon 30 Nov**")), None)
    assert line is not None, status
    return line


async def test_status_before_the_cutoff_names_each_persons_state(
    zulip: LocalZulip, database_url: str
) -> None:
    """Before anyone is prompted, a member's `status` (Carol asks in a DM) shows nobody as
    waiting: Bob, who skipped ahead, as skipped; Carol (time off) and Dave (public holiday)
    as away; the others as not asked yet. After the prompt and before the cutoff: Alice
    answered, Bob skipped, Carol and Dave away with their reason, and only Erin waiting."""
    clock = SteppedClock(SUNDAY_EVENING)
    async with running_bot(zulip, database_url, clock) as process:
        await _set_up_team_of_five(zulip, clock)
        clock.set(MONDAY_0800_BERLIN)
        await settle(process)
        assert await dm(zulip, "bob", "skip today") == [
            ctexts.skip_confirmation_text("standup", MONDAY)
        ]
        (early_status,) = await dm(zulip, "carol", "status")
        early = _day_line(early_status)
        assert "waiting" not in early, early
        assert early == (
            "- **Mon 30 Nov**: skipped: Bob Admin; "
            "away: Carol Member (time off) and Dave Member (on holiday); "
            "not asked yet: Alice Owner and Erin Guest"
        ), early

        clock.set(MONDAY_PROMPT)
        await settle(process)
        first = zulip.messages()[0]
        for who in ("alice", "erin"):
            await bot_replies_after(zulip, who, first, 1)
        await dm(zulip, "alice", ALICE_ANSWERS)
        (status,) = await dm(zulip, "carol", "status")
        line = _day_line(status)
    assert line == (
        "- **Mon 30 Nov**: answered: Alice Owner; skipped: Bob Admin; "
        "away: Carol Member (time off) and Dave Member (on holiday); waiting: Erin Guest"
    ), line


async def test_digest_names_skipped_and_absent_people_and_not_as_missing(
    zulip: LocalZulip, database_url: str
) -> None:
    """At the cutoff the digest lists Alice as answered, Bob as skipped, Carol under time
    off, Dave under holiday and only Erin (who had not answered yet) as missing."""
    clock = SteppedClock(SUNDAY_EVENING)
    async with running_bot(zulip, database_url, clock) as process:
        await _set_up_team_of_five(zulip, clock)
        await _morning(zulip, clock, process)
        clock.set(MONDAY_AFTER_CUTOFF)
        await settle(process)
        digest = await wait_for(
            zulip, lambda m: m.topic == "standup 2026-11-30" and "📋" in m.content
        )
    content = digest.content
    assert "✅ 1 of 2 answered (50%)" in content, content
    assert "**Skipped (1):** @_**Bob Admin|" in content, content
    assert "**Time off (1):** @_**Carol Member|" in content, content
    assert "**On holiday (1):** @_**Dave Member|" in content, content
    assert "**Missing (1):** @_**Erin Guest|" in content, content


def _stats_day_row(text: str, day: dt.date) -> str:
    found = re.search(rf"^\| {day.isoformat()} \| (\d+/\d+) \|", text, re.MULTILINE)
    assert found is not None, text
    return found[1]


def _open_blockers_figure(text: str) -> str:
    found = re.search(r"open blockers (\d+)", text)
    assert found is not None, text
    return found[1]


async def test_stats_rollup_and_blockers_agree_on_the_day(
    zulip: LocalZulip, database_url: str
) -> None:
    """The digest counts Monday 1 of 2 at the cutoff and 2 of 2 once Erin has answered late;
    the Friday roll-up and `stats` both count Monday 2/2 (Alice and Erin answered; Bob
    skipped, Carol and Dave were away), and the roll-up's open blockers are the blockers
    `blockers` lists (Alice's staging database)."""
    clock = SteppedClock(SUNDAY_EVENING)
    async with running_bot(zulip, database_url, clock) as process:
        await _set_up_team_of_five(zulip, clock)
        await _morning(zulip, clock, process)
        clock.set(MONDAY_AFTER_CUTOFF)
        await settle(process)
        digest = await wait_for(
            zulip, lambda m: m.topic == "standup 2026-11-30" and "📋" in m.content
        )
        assert "✅ 1 of 2 answered (50%)" in digest.content, digest.content
        await dm(zulip, "erin", "Fixed the flaky test", replies=2)  # late notice + question 2
        await dm(zulip, "erin", "Pair with Carol")
        await dm(zulip, "erin", "none")
        # Within the edit window the digest is corrected in place, to the count stats gives.
        await eventually(
            lambda: "✅ 2 of 2 answered (100%)" in zulip.realm.messages[digest.id].content,
            "the digest counts Erin's late answer: 2 of 2",
        )
        clock.set(FRIDAY_AFTER_CUTOFF)
        await settle(process)
        rollup = await wait_for(zulip, lambda m: m.topic == "standup week 2026-W49")
        stats = await in_channel(zulip, "alice", "standup", "s", "@**Standup** stats 7 days")
        blockers = await in_channel(zulip, "alice", "standup", "s", "@**Standup** blockers")
    assert _stats_day_row(stats, MONDAY) == "2/2", stats
    assert _stats_day_row(rollup.content, MONDAY) == "2/2", rollup.content
    assert "Waiting for the staging database" in blockers, blockers
    listed = blockers.count("Waiting for the staging database")
    assert _open_blockers_figure(rollup.content) == str(listed) == "1", rollup.content
    assert _open_blockers_figure(stats) == "1", stats
