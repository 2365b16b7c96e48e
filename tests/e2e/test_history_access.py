"""Reading a private channel's standup needs its channel (SECURITY.md 3).

Answers, history, search results, stats, charts and exports of the standup in private
``#leads`` (Alice and Bob subscribed) go to subscribers only. Someone who cannot see
the channel, or who left it after answering, gets the same reply as for a channel that
does not exist, with none of the answer text and no file uploaded for them.
"""

from __future__ import annotations

import datetime as dt

import httpx

from localzulip import LocalZulip
from zulip_standup.app import BotProcess
from zulip_standup.clock import SteppedClock
from zulip_standup.domain.commands.reply_texts import channel_not_found

from .harness import running_bot, wait_for
from .people import dm

NOW = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)
SECRET = "LEADS-SECRET"
ANSWERS = {"alice": f"{SECRET} reorg plan", "bob": f"{SECRET} budget cut"}
HIDDEN = channel_not_found("leads")
# Every reading command, naming the private channel.
READS_OF_LEADS = (
    f"search {SECRET} in #**leads**",
    f"search #**leads** {SECRET}",
    "history #**leads**",
    "history #**leads** @**Alice Owner**",
    "blockers #**leads**",
    "stats #**leads**",
    "chart #**leads**",
    "export csv #**leads**",
    "export json #**leads**",
)
# The same commands in a plain DM, meaning "the standups I take part in".
PLAIN_READS = (f"search {SECRET}", "history", "export csv", "export json")
NOT_A_PARTICIPANT = (
    "You don't take part in any standup, so there is nothing to show. "
    "Name a channel to read its standup: "
)


async def leads_standup(zulip: LocalZulip, bot: BotProcess) -> None:
    """Alice sets up a standup in #leads (participants not synced); Alice and Bob answered."""
    bot_id = zulip.bot.user_id
    zulip.human("bot").subscribe("leads")
    zulip.human("alice").send_stream("leads", "t", "@**Standup** setup")
    await wait_for(zulip, lambda m: m.sender_id == bot_id and "set up" in m.content)
    zulip.human("alice").send_stream("leads", "t", "@**Standup** config sync off")
    await wait_for(zulip, lambda m: m.sender_id == bot_id and "no longer synced" in m.content)
    assert bot.bot is not None
    runtime = bot.bot.runtime
    (standup,) = runtime.standups.in_realm(runtime.realm_id)
    run = runtime.runs.run_for(standup.id, dt.date(2026, 12, 1), NOW)
    for who, text in ANSWERS.items():
        runtime.runs.save_answer(run.id, zulip.user(who).user_id, 0, "Q1", text, None, NOW)


async def download(zulip: LocalZulip, who: str, reply: str) -> str:
    """The file linked in a bot reply, fetched from localzulip as ``who``."""
    start = reply.index("(/user_uploads/") + 1
    path = reply[start : reply.index(")", start)]
    email, key = zulip.credentials(who)
    async with httpx.AsyncClient(base_url=zulip.url, auth=(email, key)) as client:
        response = await client.get(path)
    assert response.status_code == 200, response.text
    return response.text


def assert_hidden(reply: str, command: str) -> None:
    assert SECRET not in reply, (command, reply)
    assert "/user_uploads/" not in reply, (command, reply)


async def test_private_answers_search_and_export_only_for_subscribers(
    zulip: LocalZulip, database_url: str
) -> None:
    """Carol, who is not subscribed to private #leads, asks for its search results,
    history, blockers, stats, chart and CSV/JSON exports by DM: every reply is the
    "no such channel" reply, holds no answer text and no upload link, and no file is
    uploaded; her plain-DM search and export find nothing either. Alice (subscribed)
    asking the same gets both answers in search and a downloadable export holding them."""
    async with running_bot(zulip, database_url, SteppedClock(NOW), limiter_burst=40) as bot:
        await leads_standup(zulip, bot)
        uploads = len(zulip.realm.uploads)
        for command in READS_OF_LEADS:
            (reply,) = await dm(zulip, "carol", command)
            assert reply == HIDDEN, (command, reply)
            assert_hidden(reply, command)
        for command in PLAIN_READS:
            (reply,) = await dm(zulip, "carol", command)
            assert reply.startswith(NOT_A_PARTICIPANT), (command, reply)
            assert_hidden(reply, command)
        assert len(zulip.realm.uploads) == uploads

        (found,) = await dm(zulip, "alice", f"search {SECRET} in #**leads**")
        assert ANSWERS["alice"] in found
        assert ANSWERS["bob"] in found
        (mine,) = await dm(zulip, "alice", "history #**leads**")
        assert ANSWERS["alice"] in mine
        for fmt in ("csv", "json"):
            (export,) = await dm(zulip, "alice", f"export {fmt} #**leads**")
            assert "all participants' answers" in export
            data = await download(zulip, "alice", export)
            assert ANSWERS["alice"] in data
            assert ANSWERS["bob"] in data
        (chart,) = await dm(zulip, "alice", "chart #**leads**")
        assert "/user_uploads/" in chart


async def test_leaving_a_private_channel_ends_reading_its_standup(
    zulip: LocalZulip, database_url: str
) -> None:
    """Bob answered in #leads and reads his history, search hits and export while
    subscribed; after he leaves the private channel (still listed as a participant,
    since participants are not synced), every reading command, by name of the channel
    or in a plain DM, shows none of it and uploads nothing."""
    async with running_bot(zulip, database_url, SteppedClock(NOW), limiter_burst=40) as bot:
        await leads_standup(zulip, bot)
        (history,) = await dm(zulip, "bob", "history 7 days")
        assert ANSWERS["bob"] in history
        (found,) = await dm(zulip, "bob", f"search {SECRET}")
        assert ANSWERS["bob"] in found
        assert ANSWERS["alice"] in found
        (export,) = await dm(zulip, "bob", "export csv")
        assert ANSWERS["bob"] in await download(zulip, "bob", export)

        zulip.human("bob").unsubscribe("leads")
        uploads = len(zulip.realm.uploads)
        for command in READS_OF_LEADS:
            (reply,) = await dm(zulip, "bob", command)
            assert reply == HIDDEN, (command, reply)
            assert_hidden(reply, command)
        for command in (*PLAIN_READS, "history 7 days", "blockers", "stats", "chart"):
            (reply,) = await dm(zulip, "bob", command)
            assert reply == HIDDEN or reply.startswith(NOT_A_PARTICIPANT), (command, reply)
            assert_hidden(reply, command)
        assert len(zulip.realm.uploads) == uploads
