"""A backup taken mid-day while the bot runs, restored into a fresh database: the bot goes on
with the day on it and nothing the backup held is lost (SQLite; `backup` and `restore` are
run as the operator runs them, as commands in processes of their own)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
from pathlib import Path

from localzulip import LocalZulip
from zulip_standup.storage import migrate

from .harness import COMPLETION_BOUND_S, SteppedClock, running_bot, settle, wait_for
from .people import bot_dms_to, dm, the_bot

MONDAY = dt.date(2026, 11, 30)


def utc(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 30, hour, minute, tzinfo=dt.UTC)


async def command(*args: str, url: str) -> str:
    """Run `zulip-standup ARGS` against ``url`` to completion; its output (exit 0 asserted)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "zulip_standup",
        *args,
        env={**os.environ, "DATABASE_URL": url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), COMPLETION_BOUND_S)
    text = out.decode()
    assert process.returncode == 0, text
    return text


def channel(zulip: LocalZulip) -> list[str]:
    """What the bot posted in channels, oldest first."""
    bot = zulip.bot.user_id
    return [m.content for m in zulip.messages() if m.type == "stream" and m.sender_id == bot]


def reports_of(zulip: LocalZulip, who: str) -> list[str]:
    """The channel posts of one person's answers (they start with the person's name)."""
    user = zulip.user(who)
    return [m for m in channel(zulip) if m.startswith(f"@_**{user.full_name}|{user.user_id}** ·")]


async def test_a_backup_taken_mid_day_restored_into_a_fresh_database(
    zulip: LocalZulip, tmp_path: Path
) -> None:
    """Carol answers the whole standup and Alice its first question; `backup` runs in a
    process of its own while the bot is up. The bot is stopped and the backup restored into
    a new database path, and the bot started on that. Alice goes on at her second question,
    Bob answers when the restarted bot prompts him, the digest counts Carol and Alice: every
    answer is stored once, each person's answers are posted once, and nobody is asked again.
    """
    first_db, fresh_db = tmp_path / "first" / "standup.db", tmp_path / "fresh" / "standup.db"
    backup = tmp_path / "midday.db"
    head = migrate.head_revision()
    clock = SteppedClock(utc(3, 0))
    async with running_bot(zulip, f"sqlite:///{first_db}", clock) as process:
        zulip.human("alice").send_stream("standup", "general", "@**Standup** setup")
        await wait_for(
            zulip, lambda m: m.sender_id == zulip.bot.user_id and "is set up" in m.content
        )
        clock.set(utc(4, 1))  # 09:31 in Kolkata: Carol is asked
        await settle(process)
        [recap] = await dm(zulip, "carol", "1. CAROL-ONE\n2. CAROL-TWO\n3. none")
        assert recap.startswith("Thanks! Your **standup** answers")
        clock.set(utc(8, 31))  # 09:31 in Berlin: Alice is asked
        await settle(process)
        [second] = await dm(zulip, "alice", "ALICE-ONE")
        assert second.startswith("**Question 2 of 3:**")
        await settle(process)
        wrote = await command("backup", str(backup), url=f"sqlite:///{first_db}")
        assert wrote.startswith(f"backup: wrote {backup} (")
        assert wrote.endswith(f"schema revision {head})\n")
    assert len(reports_of(zulip, "carol")) == 1
    asked = {who: len(bot_dms_to(zulip, who)) for who in ("alice", "carol")}

    restored = await command("restore", str(backup), url=f"sqlite:///{fresh_db}")
    assert restored == (
        f"restore: {fresh_db} restored from {backup} (schema revision {head}, the newest)\n"
    )
    async with running_bot(zulip, f"sqlite:///{fresh_db}", clock) as process:
        await settle(process)
        assert {who: len(bot_dms_to(zulip, who)) for who in asked} == asked
        [third] = await dm(zulip, "alice", "ALICE-TWO")
        assert third.startswith("**Question 3 of 3:**")
        [recap] = await dm(zulip, "alice", "none")
        assert recap.startswith("Thanks! Your **standup** answers")
        clock.set(utc(12, 50))  # past the 12:45 UTC report time: the digest
        await settle(process)
        clock.set(utc(14, 31))  # 09:31 in New York: Bob is asked by the restarted bot
        await settle(process)
        [recap] = await dm(zulip, "bob", "1. BOB-ONE\n2. BOB-TWO\n3. none")
        assert recap.startswith("Thanks! Your **standup** answers")
        await settle(process)
        rt = the_bot(process).runtime
        standup = (await rt.db(rt.standups.in_realm, rt.realm_id))[0]
        run = await rt.db(rt.runs.find_run, standup.id, MONDAY)
        assert run is not None
        stored = await rt.db(rt.runs.answers_of, run.id)

    ids = {zulip.user(who).user_id: who for who in ("alice", "bob", "carol")}
    assert sorted((ids[a.user_id], a.question_index, a.text) for a in stored) == [
        ("alice", 0, "ALICE-ONE"),
        ("alice", 1, "ALICE-TWO"),
        ("alice", 2, "none"),
        ("bob", 0, "BOB-ONE"),
        ("bob", 1, "BOB-TWO"),
        ("bob", 2, "none"),
        ("carol", 0, "CAROL-ONE"),
        ("carol", 1, "CAROL-TWO"),
        ("carol", 2, "none"),
    ]
    for who in ("carol", "alice", "bob"):
        [report] = reports_of(zulip, who)
        answers = (f"{who.upper()}-ONE", f"{who.upper()}-TWO")
        assert all(f"\n{answer}\n" in report for answer in answers), report
    [digest] = [m for m in channel(zulip) if m.startswith("📋 **standup · 2026-11-30**")]
    carol, alice = zulip.user("carol").user_id, zulip.user("alice").user_id
    assert f"**Answered (2):** @_**Carol Member|{carol}**, @_**Alice Owner|{alice}**" in digest
    assert len(bot_dms_to(zulip, "carol")) == asked["carol"]
