"""Input safety through the running bot: arbitrary text, injection payloads, a failing
handler and a burst of commands."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from localzulip import LocalZulip
from localzulip.models import Message
from zulip_standup.app import BotProcess
from zulip_standup.domain.commands.registry import COMMAND_BY_WORD
from zulip_standup.services.rate_limit import DEFAULT_BURST, DEFAULT_REFILL_S

from .harness import COMPLETION_BOUND_S, SteppedClock, running_bot, settle
from .people import bot_dms_to, bot_replies_after, dm, in_channel, the_bot

START = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)  # Monday, 08:30 in Kolkata
KOLKATA_0930 = dt.datetime(2026, 11, 30, 4, 0, tzinfo=dt.UTC)
REPLY_TIMEOUT_S = COMPLETION_BOUND_S

# Words that make arbitrary text reach every command parser, and the conversation words.
LEADS = sorted({*COMMAND_BY_WORD, "skip", "back", "restart", "change 2", "1.", "/standup"})
texts = st.one_of(
    st.text(max_size=200),
    st.builds(lambda lead, rest: f"{lead} {rest}", st.sampled_from(LEADS), st.text(max_size=80)),
).filter(lambda s: s.strip() != "" and "\x00" not in s)


def processed(process: BotProcess, message: Message) -> bool:
    rt = the_bot(process).runtime
    return rt.inbox.is_finished(rt.realm_id, message.id)


def wait_processed(process: BotProcess, message: Message) -> None:
    """Block (in a test thread) until the bot has finished with ``message``."""
    deadline = time.monotonic() + REPLY_TIMEOUT_S
    while not processed(process, message):
        assert time.monotonic() < deadline, f"message not handled: {message.content[:80]!r}"
        time.sleep(0.01)


def failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.getMessage() in {"event_failed", "reply_failed"}
    ]


async def test_arbitrary_text_always_gets_a_reply(
    zulip: LocalZulip, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Any text (also command words followed by anything, and conversation words while
    answering) sent as a DM or as a channel mention gets at least one non-empty reply (or,
    for ``change N text`` during a conversation, a reaction on it), and no handler fails
    (no ``event_failed`` in the log)."""
    zulip.core.ratelimiter.configure(enabled=False)  # pacing has a test of its own below
    clock = SteppedClock(START)
    async with running_bot(zulip, database_url, clock, limiter_burst=100_000) as process:
        await in_channel(zulip, "alice", "standup", "t", "@**Standup** setup")
        clock.set(KOLKATA_0930)  # Carol is prompted: her DMs are answers until she is done
        await settle(process)
        await bot_replies_after(zulip, "carol", zulip.messages()[0], 1)
        bot_id = zulip.bot.user_id
        stream_id = zulip.realm.stream_by_name("standup").stream_id  # type: ignore[union-attr]
        dave_id = zulip.user("dave").user_id

        @settings(
            max_examples=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        @given(content=texts, in_dm=st.booleans())
        def property_(content: str, in_dm: bool) -> None:
            if in_dm:
                sent = zulip.human("carol").dm_bot(content)
            else:
                sent = zulip.human("dave").send_stream("standup", "fuzz", f"@**Standup** {content}")
            wait_processed(process, sent)

            def answered() -> tuple[list[Message], bool]:
                found = [
                    m
                    for m in zulip.messages()
                    if m.id > sent.id
                    and m.sender_id == bot_id
                    and (
                        (in_dm and zulip.user("carol").user_id in m.dm_user_ids)
                        or (not in_dm and (m.stream_id == stream_id or dave_id in m.dm_user_ids))
                    )
                ]
                # ``change N text`` is acknowledged with a reaction on the message instead.
                reacted = any(r.user_id == bot_id for r in zulip.realm.messages[sent.id].reactions)
                return found, reacted

            # An answer is committed (and marked handled) before its reply goes out.
            deadline = time.monotonic() + REPLY_TIMEOUT_S
            replies, reacted = answered()
            while not (replies or reacted) and time.monotonic() < deadline:
                time.sleep(0.01)
                replies, reacted = answered()
            time.sleep(0.05)  # a reply may come in several messages
            replies, reacted = answered()
            assert replies or reacted, f"no reply to {content!r}"
            assert all(m.content.strip() for m in replies)
            assert not failures(caplog), content

        await asyncio.to_thread(property_)
    assert not failures(caplog)


PAYLOADS = [
    "Robert'); DROP TABLE answers;-- and ' OR '1'='1",
    "**bold** _it_ [x](javascript:alert(1)) <script>alert(1)</script> ```\ncode\n``` $$\\sum$$",
    "@**all** @**everyone** @**channel** @*Standup* @_**Alice Owner** #**leads** {date} %s {0}",
]
UNICODE = (
    "Zoë \U0001f9d1\u200d\U0001f4bb \u202ereversed\u202c e\u0301 \u200b 漢字 \U0001d518 \U0001f600"
)


async def test_injection_payloads_are_stored_verbatim(zulip: LocalZulip, database_url: str) -> None:
    """SQL, Markdown, HTML, template placeholders, wildcard mentions and unusual Unicode in
    answers are stored exactly as typed, the tables are intact, and no report the bot posts
    notifies anyone through a wildcard mention."""
    clock = SteppedClock(START)
    async with running_bot(zulip, database_url, clock, limiter_burst=500) as process:
        await in_channel(zulip, "alice", "standup", "t", "@**Standup** setup")
        clock.set(KOLKATA_0930)
        await settle(process)
        await bot_replies_after(zulip, "carol", zulip.messages()[0], 1)
        answers = [PAYLOADS[0], PAYLOADS[1] + "\n" + UNICODE, PAYLOADS[2]]
        for answer in answers[:-1]:
            await dm(zulip, "carol", answer)
        (recap,) = await dm(zulip, "carol", answers[-1])
        assert recap.startswith("Thanks! Your **standup** answers")
        rt = the_bot(process).runtime
        (standup,) = await rt.db(rt.standups.in_realm, rt.realm_id)
        run = await rt.db(rt.runs.find_run, standup.id, dt.date(2026, 11, 30))
        assert run is not None
        stored = await rt.db(rt.runs.answers_of, run.id, zulip.user("carol").user_id)
        assert [a.text for a in stored] == answers
        with process.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM answers")).scalar_one() == 3
        await settle(process)
        for message in zulip.messages():
            if message.sender_id == zulip.bot.user_id and message.stream_id is not None:
                for flags in message.flags.values():
                    assert "wildcard_mentioned" not in flags, message.content


async def test_a_failing_handler_apologises_with_an_incident_id(
    zulip: LocalZulip, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """While a table the command needs is unavailable, ``my data`` fails for good (not a
    transient error): the person is told truthfully that it was not recorded and to send it
    again, with an incident id (the one in the log) and no traceback or internals; once the
    table is back the same command works and the bot never stopped."""
    clock = SteppedClock(START)
    async with running_bot(zulip, database_url, clock, limiter_burst=500) as process:
        with process.engine.begin() as conn:
            conn.execute(text("ALTER TABLE people RENAME TO people_away"))
        try:
            (apology,) = await dm(zulip, "carol", "my data")
        finally:
            with process.engine.begin() as conn:
                conn.execute(text("ALTER TABLE people_away RENAME TO people"))
        match = re.fullmatch(
            r"Sorry, I could not handle your message because of a problem on my side "
            r"\(incident `([0-9a-f]{8})`\), and it was \*\*not\*\* recorded\. Please send it "
            r"again; the operator can look the incident up\.",
            apology,
        )
        assert match is not None, apology
        logged = [r for r in caplog.records if r.getMessage() == "message_failed"]
        assert [getattr(r, "incident", None) for r in logged] == [match[1]]
        (data,) = await dm(zulip, "carol", "my data")
        assert data.startswith("This is everything I store about you, Carol Member:")


@pytest.mark.slow
async def test_a_burst_is_slowed_down_once_and_never_hits_zulips_limit(
    zulip: LocalZulip, database_url: str
) -> None:
    """100 commands sent by one person at once get at most the limiter's burst plus what
    refilled meanwhile as replies, plus exactly one slow-down notice; the bot's own sends,
    paced under localzulip's (lowered) limit of 10 requests per 2 s, never get a 429."""
    zulip.core.ratelimiter.configure(limit=10, window=2.0)
    clock = SteppedClock(START)
    async with running_bot(zulip, database_url, clock) as process:
        rt = the_bot(process).runtime
        started = time.monotonic()
        sent = [zulip.human("carol").dm_bot(f"timezone {i}") for i in range(100)]
        sent_s = time.monotonic() - started
        deadline = time.monotonic() + 60
        while not all(
            await asyncio.gather(
                *(rt.db(rt.inbox.is_finished, rt.realm_id, m.id) for m in sent[-5:])
            )
        ):
            assert time.monotonic() < deadline, (
                "the burst was not handled within 60 s",
                len(bot_dms_to(zulip, "carol")),
                dict(zulip.stats.by_status),
                dict(zulip.stats.by_operation),
            )
            await asyncio.sleep(0.05)
        for message in sent:
            while not await rt.db(rt.inbox.is_finished, rt.realm_id, message.id):
                assert time.monotonic() < deadline
                await asyncio.sleep(0.05)
        handled_s = time.monotonic() - started
        replies = bot_dms_to(zulip, "carol", sent[0].id - 1)
        notices = [r for r in replies if r.startswith("You're sending commands faster")]
        answered = [r for r in replies if not r.startswith("You're sending commands faster")]
        assert len(notices) == 1, notices
        allowed = DEFAULT_BURST + int(handled_s / DEFAULT_REFILL_S) + 1
        assert DEFAULT_BURST <= len(answered) <= allowed, (len(answered), handled_s, sent_s)
        assert all(r.startswith("Unknown time zone") for r in answered)
        assert process.rest.pacer.waits > 0  # the pacer did hold sends back
        assert zulip.stats.rate_limited == 0
        assert zulip.stats.by_status[429] == 0
