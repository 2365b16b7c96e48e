"""The AI summary, end to end, against a local OpenAI-compatible server.

The bot is configured like an operator would (``llm_base_url``,
``llm_model``, ``llm_api_key`` settings, ``config ai on`` in the channel).
The local server records every request, so the test can read exactly what
would have left the organisation; its scripted replies cover a good
summary, a timeout, HTTP 500s and a reply that tries ``@**all**``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging

import pytest

from integration.fake_openai import FakeOpenAI, Reply
from localzulip import LocalZulip
from localzulip.models import Message
from zulip_standup.app import BotProcess
from zulip_standup.llm.openai_compat import AISummariser

from .harness import running_bot
from .report_helpers import (
    GROUP_TEXT,
    WILDCARD_TEXT,
    Member,
    answer,
    bot_channel_messages,
    eventually,
    notifying_flags,
    setup_standup,
    step_to,
    team_realm,
    team_server,
)

MONDAY = dt.date(2026, 11, 30)
TUESDAY = dt.date(2026, 12, 1)
TEAM = (
    Member("ann", "Ann Archer"),
    Member("ben", "Ben Baker"),
    Member("cat", "Cat Carter"),
    Member("dan", "Dan Dixon"),
)
REAL_NAMES = ("Ann", "Archer", "Ben", "Baker", "Cat", "Carter", "Dan", "Dixon")
KEY = "sk-local-test-key-123"


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


def ai_settings(server: FakeOpenAI) -> dict[str, object]:
    return {"llm_base_url": server.base_url, "llm_model": "local-model", "llm_api_key": KEY}


def quick_ai(bot: BotProcess) -> None:
    """Shorten the AI client's timeout and backoff (there is no setting for them) for speed."""
    assert bot.bot is not None
    summariser = bot.bot.runtime.summariser
    assert isinstance(summariser, AISummariser)
    assert summariser.config is not None
    summariser.config = dataclasses.replace(
        summariser.config, timeout_seconds=0.5, backoff_seconds=0.01
    )


def digests(server: LocalZulip, channel: str, day: dt.date) -> list[Message]:
    topic = f"standup {day.isoformat()}"
    return [m for m in bot_channel_messages(server, channel, topic) if m.content.startswith("📋")]


def user_prompt(request_body: dict[str, object]) -> str:
    messages = request_body["messages"]
    assert isinstance(messages, list)
    return "\n".join(str(m["content"]) for m in messages)


async def test_request_has_no_names_and_only_that_days_answers_of_that_standup(
    database_url: str,
) -> None:
    """Monday's answers and another standup's answers never reach Tuesday's request; no names.

    Tuesday's request holds every answer given that day in #standup (with
    names and mentions replaced by "Person N"), none of Monday's, none of
    #ops's, and no real name in any form; the key goes in the header. The
    model's "Person N" come back as silent mentions in the posted summary.
    """
    realm = team_realm(TEAM)
    ops = realm.add_stream(
        "ops", subscribers=[realm.user_by_name("ben").user_id, realm.bot().user_id]
    )
    assert ops.stream_id
    async with FakeOpenAI(
        default=Reply("- Person 1 finished the export; Person 3 is waiting on Person 2.")
    ) as llm:
        with team_server(realm, at(MONDAY, 7, 0)) as (server, clock):
            async with running_bot(server, database_url, clock.bot, **ai_settings(llm)) as bot:
                await setup_standup(server, "ann", "standup", "config ai on")
                await setup_standup(
                    server,
                    "ben",
                    "ops",
                    "config ai on",
                    setup="setup prompt 07:30 reminder 08:00 cutoff 08:30",
                )
                await step_to(bot, clock, at(MONDAY, 9, 31))
                await answer(server, "ann", ["MONDAY-ONLY roadmap", "x", "none"])
                await step_to(bot, clock, at(MONDAY, 12, 45))
                await eventually(lambda: len(digests(server, "standup", MONDAY)) == 1)

                mark = _last_id(server)
                await step_to(bot, clock, at(TUESDAY, 7, 31))
                await answer(
                    server,
                    "ben",
                    ["OPS-ONLY pager rota", "OPS-ONLY alerts", "none"],
                    prompted_after=mark,
                )
                await step_to(bot, clock, at(TUESDAY, 8, 30))
                await eventually(lambda: len(digests(server, "ops", TUESDAY)) == 1)

                mark = _last_id(server)
                await step_to(bot, clock, at(TUESDAY, 9, 31))
                todays = {
                    "ann": ["Finished the export with Ben", "Review Carter's PR", "none"],
                    "ben": ["Billing for Ann Archer", "Invoices", "none"],
                    "cat": [
                        "Docs; asked @**Dan Dixon** and @*backend*",
                        "More docs with Baker",
                        "Waiting for Ben's VPN access",
                    ],
                }
                for who, texts in todays.items():
                    await answer(server, who, texts, prompted_after=mark)
                await step_to(bot, clock, at(TUESDAY, 12, 45))
                await eventually(lambda: len(digests(server, "standup", TUESDAY)) == 1)

                (digest,) = digests(server, "standup", TUESDAY)
                requests = llm.requests
                assert len(requests) == 3  # Monday #standup, Tuesday #ops, Tuesday #standup
                request = requests[2]
                sent = user_prompt(request.body)
                assert request.body["model"] == "local-model"
                assert request.headers["Authorization"] == f"Bearer {KEY}"
                assert KEY not in request.text
                assert "MONDAY-ONLY" not in sent
                assert "OPS-ONLY" not in sent
                assert "OPS-ONLY" in user_prompt(requests[1].body)
                for name in REAL_NAMES:
                    assert name not in sent, f"{name!r} reached the AI service"
                for email in ("ann@", "ben@", "cat@", "dan@"):
                    assert email not in json.dumps(request.body)
                for expected in ("Finished the export with Person", "Invoices", "More docs"):
                    assert expected in sent
                assert "Person 1" in sent
                assert "Person 2" in sent
                assert "Person 3" in sent
                ids = {s: server.user(s).user_id for s in ("ann", "ben", "cat")}
                assert "🤖 Summary (AI)" in digest.content
                assert f"@_**Ann Archer|{ids['ann']}** finished the export" in digest.content
                assert f"@_**Cat Carter|{ids['cat']}** is waiting on" in digest.content
                assert notifying_flags(server, [digest]) == []


def _last_id(server: LocalZulip) -> int:
    return max(m.id for m in server.messages())


FAILURES = {
    "timeout": ([Reply(delay=5.0)], "timeout"),
    "http_500": ([Reply(status=500), Reply(status=500), Reply(status=500)], "http_status"),
}


@pytest.mark.parametrize("failure", sorted(FAILURES))
async def test_failing_ai_falls_back_to_the_plain_summary(
    database_url: str, failure: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A timeout or HTTP 500s (after the bounded retries) still post the digest, plainly.

    The digest carries the deterministic plain summary instead of an AI one,
    the failure is logged by kind, and the digest notifies nobody.
    """
    script, kind = FAILURES[failure]
    realm = team_realm(TEAM[:2])
    async with FakeOpenAI(script=list(script)) as llm:
        with team_server(realm, at(MONDAY, 8, 0)) as (server, clock):
            async with running_bot(server, database_url, clock.bot, **ai_settings(llm)) as bot:
                quick_ai(bot)
                await setup_standup(server, "ann", "standup", "config ai on")
                await step_to(bot, clock, at(MONDAY, 9, 31))
                await answer(
                    server, "ann", ["Export @**all**", "Import", "Waiting on @**Ben Baker**"]
                )
                with caplog.at_level(logging.WARNING):
                    await step_to(bot, clock, at(MONDAY, 12, 45))
                    await eventually(
                        lambda: len(digests(server, "standup", MONDAY)) == 1, within=15
                    )
                (digest,) = digests(server, "standup", MONDAY)
                assert "📊 Summary" in digest.content
                assert "Summary (AI)" not in digest.content
                assert "Participation: 1 of 2 answered" in digest.content
                assert len(llm.requests) == len(script)
                failed = [r for r in caplog.records if r.getMessage() == "ai_summary_failed"]
                assert [getattr(r, "error_kind", None) for r in failed] == [kind]
                assert notifying_flags(server, [digest]) == []
                assert not WILDCARD_TEXT.search(digest.content)


async def test_ai_reply_with_mentions_is_posted_sanitised(database_url: str) -> None:
    """A model reply with ``@**all**``, a group and a loud mention is posted defused."""
    realm = team_realm(TEAM[:2])
    reply = "@**all** Person 1 shipped it, @*backend* and @**everyone** take note, @**Person 1**."
    async with FakeOpenAI(default=Reply(reply)) as llm:
        with team_server(realm, at(MONDAY, 8, 0)) as (server, clock):
            async with running_bot(server, database_url, clock.bot, **ai_settings(llm)) as bot:
                await setup_standup(server, "ann", "standup", "config ai on")
                await step_to(bot, clock, at(MONDAY, 9, 31))
                await answer(server, "ann", ["Export", "Import", "none"])
                await step_to(bot, clock, at(MONDAY, 12, 45))
                await eventually(lambda: len(digests(server, "standup", MONDAY)) == 1)
                (digest,) = digests(server, "standup", MONDAY)
                ann_id = server.user("ann").user_id
                assert "🤖 Summary (AI)" in digest.content
                assert f"@_**Ann Archer|{ann_id}** shipped it" in digest.content
                assert not WILDCARD_TEXT.search(digest.content)
                assert not GROUP_TEXT.search(digest.content)
                assert "@**" not in digest.content.replace("@\u200b**", "")
                assert notifying_flags(server, [digest]) == []
                assert len(llm.requests) == 1


async def test_names_typed_as_plain_text_are_hidden_and_come_back_in_the_summary(
    database_url: str,
) -> None:
    """People write each other's names without mentions; none of them reaches the AI service.

    Ann, Ben and Cat answer. Dan is in the standup but does not answer today; Erin
    works in the organisation but not in #standup. Their full names, first names
    and a mention all become placeholders in the request (a name and a mention of
    the same person the same one), and the posted summary shows the people again.
    """
    realm = team_realm(TEAM)
    erin = realm.add_user("erin@example.com", "Erin Example", short_name="erin")
    async with FakeOpenAI(
        default=Reply("- Person 1 paired with Person 4; Person 5 is blocked.\n- Person 2 helps.")
    ) as llm:
        with team_server(realm, at(MONDAY, 8, 0)) as (server, clock):
            async with running_bot(server, database_url, clock.bot, **ai_settings(llm)) as bot:
                await setup_standup(server, "ann", "standup", "config ai on")
                await step_to(bot, clock, at(MONDAY, 9, 31))
                todays = {
                    "ann": [
                        "Paired with Dan Dixon on the release; Erin is blocked",
                        "Release notes with Dan",
                        "none",
                    ],
                    "ben": ["Reviewed erin example's doc", "Help Dixon", "Waiting on Erin"],
                    "cat": ["Docs for @**Erin Example**", "Ask Ann and Ben", "none"],
                }
                for who, texts in todays.items():
                    await answer(server, who, texts)
                await step_to(bot, clock, at(MONDAY, 12, 45))
                await eventually(lambda: len(digests(server, "standup", MONDAY)) == 1)

                [request] = llm.requests
                sent = user_prompt(request.body)
                for name in (*REAL_NAMES, "Erin", "erin", "Example", "example"):
                    assert name not in sent, f"{name!r} reached the AI service"
                assert "Paired with Person 4 on the release; Person 5 is blocked" in sent
                assert "Reviewed Person 5's doc" in sent
                assert "Docs for Person 5" in sent
                assert "Ask Person 1 and Person 2" in sent

                (digest,) = digests(server, "standup", MONDAY)
                ids = {s: server.user(s).user_id for s in ("ann", "ben", "dan")}
                assert (
                    f"@_**Ann Archer|{ids['ann']}** paired with @_**Dan Dixon|{ids['dan']}**"
                    in (digest.content)
                )
                assert f"@_**Erin Example|{erin.user_id}** is blocked" in digest.content
                assert f"@_**Ben Baker|{ids['ben']}** helps" in digest.content
                assert notifying_flags(server, [digest]) == []
