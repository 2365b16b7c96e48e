"""Who may change a standup, and who may read one in a private channel (SECURITY.md 3-4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from localzulip import LocalZulip, ServerConfig
from localzulip.sample import sample_realm
from zulip_standup.app import BotProcess

from .harness import SteppedClock, running_bot
from .people import dm, in_channel, quiet, rows

# Monday 30 Nov 2026, 03:00 UTC: before anyone's prompt.
START = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)
REFUSAL = (
    "Only organisation owners and administrators, the creator of **standup** "
    "and its managers (Carol Member and Dave Member) may change it."
)
# Each administrative command, and the start of its reply when it is allowed.
ADMIN_COMMANDS = [
    ("setup prompt 09:00", "Standup **standup** in #**standup** is updated."),
    ("config prompt 10:00", "Updated **standup**: "),
    ("config managers add @**Alice Owner**", "Updated **standup**: "),
    ("config questions add Any risks?", "Updated **standup**: "),
    ("pause", "**standup** is paused until you say `resume`."),
    ("resume", "**standup** runs again on its schedule."),
    ("participants remove @**Frank Member**", "**standup**: removed Frank Member."),
    ("participants add @**Frank Member**", "**standup**: added Frank Member."),
    ("participants sync", "**standup**: no change."),
    ("delete", "Deleting **standup** removes its schedule"),
]


@pytest.fixture
def zulip() -> Any:
    """The sample realm plus Frank, a member in #standup who neither created nor manages it."""
    realm = sample_realm()
    frank = realm.add_user(
        "frank@example.com", "Frank Member", role="member", timezone="Europe/Lisbon"
    )
    realm.subscribe("standup", frank.user_id)
    with LocalZulip(realm=realm, config=ServerConfig(heartbeat_seconds=1.0)) as server:
        yield server


def snapshot(process: BotProcess) -> dict[str, list[dict[str, Any]]]:
    """Everything a refused command could have changed."""
    return {
        table: rows(process, table)
        for table in ("standups", "participants", "audit_log", "people", "jobs")
    }


async def ask(zulip: LocalZulip, who: str, command: str) -> str:
    return await in_channel(zulip, who, "standup", "admin", f"@**Standup** {command}")


async def create(zulip: LocalZulip) -> None:
    """Carol (a member) creates the standup and makes Dave a manager."""
    assert (await ask(zulip, "carol", "setup")).startswith("Standup **standup** is set up")
    assert (await ask(zulip, "carol", "config managers add @**Dave Member**")).startswith(
        "Updated **standup**"
    )


async def test_refused_for_members_who_neither_created_nor_manage(
    zulip: LocalZulip, database_url: str
) -> None:
    """Frank, an ordinary member of the channel, is refused every administrative command;
    the reply names who may do it, and the stored settings, participants, people,
    scheduled jobs and audit log are exactly as before. Asking in a DM with
    ``#**standup**`` is refused the same way."""
    clock = SteppedClock(START)
    async with running_bot(zulip, database_url, clock) as process:
        await create(zulip)
        before = snapshot(process)
        assert before["standups"]
        assert before["participants"]
        assert before["audit_log"]
        for command, _ in [*ADMIN_COMMANDS, ("delete confirm", "")]:
            assert await ask(zulip, "frank", command) == REFUSAL, command
        for command in ("pause #**standup**", "config #**standup** prompt 10:00"):
            assert await dm(zulip, "frank", command) == [REFUSAL], command
        await quiet(process, zulip)
        assert snapshot(process) == before


@pytest.mark.parametrize("who", ["carol", "dave", "bob"], ids=["creator", "manager", "admin"])
async def test_creator_manager_and_admin_may(
    zulip: LocalZulip, database_url: str, who: str
) -> None:
    """The creator (Carol), a listed manager (Dave) and an org admin (Bob) may run every
    administrative command, and each change is stored and audited."""
    clock = SteppedClock(START)
    async with running_bot(zulip, database_url, clock) as process:
        await create(zulip)
        audits = len(rows(process, "audit_log"))
        for command, expected in ADMIN_COMMANDS:
            reply = await ask(zulip, who, command)
            assert reply.startswith(expected), (command, reply)
        (standup,) = rows(process, "standups")
        assert standup["prompt_time"] == "10:00"
        assert len(standup["questions"]) == 4
        assert not standup["paused"]
        actions = [r["action"] for r in rows(process, "audit_log")][audits:]
        assert actions == [
            "setup_update",
            "config",
            "config",
            "config",
            "pause",
            "resume",
            "participants_remove",
            "participants_add",
            "participants_sync",
        ]
        assert {r["actor_user_id"] for r in rows(process, "audit_log")[audits:]} == {
            zulip.user(who).user_id
        }
        assert await ask(zulip, who, "delete confirm") == (
            "Standup **standup** and all its answers are deleted."
        )
        assert rows(process, "standups") == []


async def test_private_channel_is_invisible_to_non_subscribers(
    zulip: LocalZulip, database_url: str
) -> None:
    """Bob runs a standup in private #leads (once the bot is subscribed there; before, it
    says so instead of failing). Carol (not subscribed) asking for its status,
    history, participants, blockers or a change in a DM gets the same answer as for a
    channel that does not exist, so nothing reveals that a standup is there; Alice
    (subscribed) can read it."""
    clock = SteppedClock(START)
    async with running_bot(zulip, database_url, clock) as process:
        refused = await in_channel(zulip, "bob", "leads", "s", "@**Standup** setup")
        assert refused == (
            "I can't see #**leads**: it is a private channel I am not subscribed to. "
            "Add me to its subscribers first, then send `@**Standup** setup` again."
        )
        assert rows(process, "standups") == []
        zulip.human("bot").subscribe("leads")
        setup = await in_channel(zulip, "bob", "leads", "s", "@**Standup** setup")
        assert setup.startswith("Standup **standup** is set up in #**leads**.")
        before = snapshot(process)
        for command in (
            "status",
            "history",
            "participants",
            "blockers",
            "stats",
            "config prompt 10:00",
            "pause",
        ):
            (hidden,) = await dm(zulip, "carol", f"{command} #**leads**")
            (missing,) = await dm(zulip, "carol", f"{command} #**nowhere**")
            assert hidden == missing.replace("nowhere", "leads"), command
            assert hidden.startswith("I can't find a channel named **leads** that you can see.")
            assert "standup" not in hidden.lower().replace("`status #**team**`", "")
        (status,) = await dm(zulip, "alice", "status #**leads**")
        assert status.startswith("**standup** in #**leads**")
        assert snapshot(process) == before
