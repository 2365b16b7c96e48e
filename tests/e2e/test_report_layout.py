"""An answer cannot change the layout of the report it is re-posted in (issue 11, case 13).

Ann answers with a code fence she never closes; Ben answers normally. In the
``digest`` style both answers are in the one digest message: as Zulip renders
it for Ben, his answers are ordinary text, not part of Ann's code block, and
Ann's code is still shown as code. In the default style Ann's own report
renders its code block and nothing after it as code.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from localzulip import LocalZulip

from .harness import running_bot
from .report_helpers import (
    Member,
    answer,
    bot_channel_messages,
    eventually,
    setup_standup,
    step_to,
    team_realm,
    team_server,
)

DAY = dt.date(2026, 11, 30)  # a Monday
TOPIC = "standup 2026-11-30"
TEAM = (Member("ann", "Ann Archer"), Member("ben", "Ben Baker"))
ANN = ["Fixed the parser:\n```python\ndef parse(text):\n    return text.split()", "More", "none"]
BEN = ["Paired on billing", "Billing migration", "Waiting for VPN access"]
CODE_BLOCK = re.compile(r"<pre>.*?</pre>", re.DOTALL)


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=dt.UTC)


def rendered_topic(server: LocalZulip, who: str) -> list[str]:
    """The topic's messages as Zulip renders them for ``who`` (HTML), oldest first."""
    client: Any = server.client(who)
    narrow = [
        {"operator": "channel", "operand": "standup"},
        {"operator": "topic", "operand": TOPIC},
    ]
    found = client.get_messages(
        {"anchor": "oldest", "num_before": 0, "num_after": 50, "narrow": narrow}
    )
    return [m["content"] for m in found["messages"]]


def outside_code(html: str) -> str:
    return CODE_BLOCK.sub("", html)


def inside_code(html: str) -> str:
    return "".join(CODE_BLOCK.findall(html))


async def test_unclosed_fence_cannot_swallow_the_next_answer_in_a_digest(
    database_url: str,
) -> None:
    with team_server(team_realm(TEAM), at(8, 0)) as (server, clock):
        async with running_bot(server, database_url, clock.bot) as bot:
            await setup_standup(server, "ann", "standup", "config style digest")
            await step_to(bot, clock, at(9, 31))
            await answer(server, "ann", ANN)
            await step_to(bot, clock, at(9, 40))
            await answer(server, "ben", BEN)
            await step_to(bot, clock, at(12, 45))
            await eventually(
                lambda: len(bot_channel_messages(server, "standup", TOPIC)) == 1, what="the digest"
            )
            (digest,) = rendered_topic(server, "ben")
            assert "def parse(text):" in inside_code(digest)
            for text in BEN:
                assert text in outside_code(digest), f"{text!r} is shown as code"
                assert text not in inside_code(digest)


async def test_unclosed_fence_stays_inside_its_answer_in_a_report(database_url: str) -> None:
    with team_server(team_realm(TEAM), at(8, 0)) as (server, clock):
        async with running_bot(server, database_url, clock.bot) as bot:
            await setup_standup(server, "ann", "standup")
            await step_to(bot, clock, at(9, 31))
            await answer(server, "ann", ANN)
            await eventually(
                lambda: len(bot_channel_messages(server, "standup", TOPIC)) == 1, what="the report"
            )
            (report,) = rendered_topic(server, "ben")
            assert "def parse(text):" in inside_code(report)
            assert "More" not in inside_code(report)
            assert "What will you do today?" in outside_code(report)
