"""History and insights end to end: export round-trips, history, search, stats, chart, blockers.

Three run days on a tiny team with known answers and known answer times:

* Monday: Ann (10 min after the prompt; she then edits answer 1), Ben
  (20 min, a blocker), Cat (30 min) answer.
* Tuesday: Ann answers (10 min), Ben never does, Cat skips the day.
* Wednesday: Ann (10 min) and Ben (20 min, the blocker again) answer; Cat
  does not (yet).

Answers carry Unicode, commas, quotes and line breaks. Files come back from
localzulip's upload storage over HTTP, the way a person's browser gets them.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json

import httpx

from localzulip import LocalZulip
from localzulip.models import Message
from zulip_standup.app import BotProcess

from .harness import running_bot
from .report_helpers import (
    Member,
    TwinClock,
    answer,
    eventually,
    setup_standup,
    step_to,
    team_realm,
    team_server,
    wait_dm,
)

MON, TUE, WED = dt.date(2026, 11, 30), dt.date(2026, 12, 1), dt.date(2026, 12, 2)
TEAM = (Member("ann", "Ann Archer"), Member("ben", "Ben Baker"), Member("cat", "Cat Carter"))
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ANSWERS = {
    (MON, "ann"): [
        'Zoë\'s "café" report, done — 日本語 ✓',
        "Line one, with a comma\nline two; and a tab\there",
        "none",
    ],
    (MON, "ben"): ["Billing, invoices", "More billing 🧾", "Waiting for VPN access"],
    (MON, "cat"): ["Docs", "More docs", "no"],
    (TUE, "ann"): ["Tuesday work, part 1", 'Quote "this", please', "none"],
    (WED, "ann"): ["Wednesday: ünïcödé", "Plans,\nmore plans", "none"],
    (WED, "ben"): ["VPN chase", "Billing again", "Still waiting for VPN access"],
}
EDITED_MON_ANN_1 = 'Zoë\'s "café" report, done — 日本語 ✓ (edited, again)'


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


async def ask(server: LocalZulip, who: str, command: str, expect: str = "") -> Message:
    """Send a command to the bot in a DM and return its reply (containing ``expect``)."""
    sent = server.human(who).dm_bot(command)
    return await wait_dm(server, server.user(who), expect, sent.id)


async def ask_in_channel(server: LocalZulip, who: str, command: str) -> Message:
    """Send a command in #standup; the bot says so there and sends the file link by DM."""
    sent = server.human(who).send_stream("standup", "general", f"@**Standup** {command}")
    await server.wait_for_message(
        lambda m: m.sender_id == server.bot.user_id and "direct message" in m.content,
        10,
        after_id=sent.id,
    )
    return await wait_dm(server, server.user(who), "download", sent.id)


async def fetch(server: LocalZulip, who: str, reply: Message) -> httpx.Response:
    """Download the file linked in a bot reply, authenticated as ``who``."""
    start = reply.content.index("(/user_uploads/") + 1
    path = reply.content[start : reply.content.index(")", start)]
    email, key = server.credentials(who)
    async with httpx.AsyncClient(base_url=server.url, auth=(email, key)) as client:
        response = await client.get(path)
    assert response.status_code == 200, response.text
    return response


async def run_three_days(server: LocalZulip, bot: BotProcess, clock: TwinClock) -> None:
    await setup_standup(server, "ann", "standup")
    for day in (MON, TUE, WED):
        mark = max(m.id for m in server.messages())
        await step_to(bot, clock, at(day, 9, 31))
        for minute, who in ((41, "ann"), (51, "ben"), (1, "cat")):
            texts = ANSWERS.get((day, who))
            if day == TUE and who == "cat":
                await wait_dm(server, server.user("cat"), "Time for", mark)
                await ask(server, "cat", "skip", "skipping")
            if texts is None:
                continue
            await step_to(bot, clock, at(day, 9 if minute > 30 else 10, minute))
            sent = await answer(server, who, texts, prompted_after=mark)
            if (day, who) == (MON, "ann"):
                server.human("ann").edit(sent[0], EDITED_MON_ANN_1)
                await eventually(
                    lambda: any(
                        "(edited, again)" in m.content
                        for m in server.channel_messages("standup", "standup 2026-11-30")
                    ),
                    what="the edit",
                )
        if day != WED:
            await step_to(bot, clock, at(day, 12, 45))
    await step_to(bot, clock, at(WED, 10, 30))


async def stored_rows(bot: BotProcess, start: dt.date, end: dt.date) -> list[list[str]]:
    """The stored answers of the #standup standup in the range, as export rows would show them."""
    assert bot.bot is not None
    rt = bot.bot.runtime
    (standup,) = await asyncio.to_thread(rt.standups.of_participant, rt.realm_id, 1)
    rows = await asyncio.to_thread(rt.runs.answers_in_range, standup.id, start, end)
    return [
        [
            day.isoformat(),
            standup.name,
            str(record.user_id),
            rt.directory.name_of(record.user_id),
            str(record.question_index + 1),
            record.question_text,
            record.text,
            record.created_at.astimezone(dt.UTC).isoformat(),
            "true" if record.edited else "false",
        ]
        for day, record in rows
    ]


async def test_export_csv_round_trips_and_history_commands_work(database_url: str) -> None:
    """``export csv`` equals the stored answers; history, search, stats, chart, blockers answer.

    The CSV Ann (the standup's creator) downloads holds every stored answer
    of Monday..Tuesday (not Wednesday's), row for row and character for
    character, including the edit; Ben's export holds only his own rows;
    a JSON export asked in the channel arrives by DM and parses to the same
    answers. The other commands reply with the figures of this dataset.
    """
    with team_server(team_realm(TEAM), at(MON, 8, 0)) as (server, clock):
        # Many commands in a few real seconds: lift the per-person command limit.
        async with running_bot(server, database_url, clock.bot, limiter_burst=100) as bot:
            await run_three_days(server, bot, clock)
            ids = {m.short: server.user(m.short).user_id for m in TEAM}

            # -- export csv: the creator gets everyone's answers of the range.
            reply = await ask(server, "ann", "export csv 2026-11-30..2026-12-01", "download")
            assert "(12 rows)" in reply.content
            response = await fetch(server, "ann", reply)
            assert response.headers["content-type"].startswith("text/csv")
            parsed = list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))
            header, rows = parsed[0], parsed[1:]
            assert header[6] == "answer"
            assert rows == await stored_rows(bot, MON, TUE)
            typed = {
                (MON, "ann"): [EDITED_MON_ANN_1, *ANSWERS[(MON, "ann")][1:]],
                **{k: v for k, v in ANSWERS.items() if k[0] != WED and k != (MON, "ann")},
            }
            by_key: dict[tuple[dt.date, str], list[str]] = {}
            short = {str(v): k for k, v in ids.items()}
            for row in rows:
                by_key.setdefault((dt.date.fromisoformat(row[0]), short[row[2]]), []).append(row[6])
            assert by_key == typed
            edited = [r for r in rows if r[8] == "true"]
            assert [(r[0], r[2], r[4]) for r in edited] == [("2026-11-30", str(ids["ann"]), "1")]

            # -- a participant who does not manage the standup gets only their own rows.
            # (Asked in the channel: Ben's Tuesday conversation is still open, so a DM
            # from him would be taken as his late answer.)
            reply = await ask_in_channel(server, "ben", "export csv 2026-11-30..2026-12-01")
            ben_rows = list(csv.reader(io.StringIO((await fetch(server, "ben", reply)).text)))[1:]
            assert ben_rows == [r for r in rows if r[2] == str(ids["ben"])]

            # -- export json asked in the channel: the link comes by DM.
            private = await ask_in_channel(server, "ann", "export json 2026-11-30..2026-12-01")
            document = json.loads((await fetch(server, "ann", private)).text)
            assert [a["answer"] for a in document["answers"]] == [r[6] for r in rows]

            # -- history: Ann's own answers for Monday, in order, verbatim.
            reply = await ask(server, "ann", "history 2026-11-30", "Answers of")
            assert EDITED_MON_ANN_1 in reply.content
            assert "Line one, with a comma\nline two" in reply.content
            assert "Tuesday work" not in reply.content
            reply = await ask(server, "ann", f"history 3 days @**Ben Baker|{ids['ben']}**", "")
            assert "Still waiting for VPN access" in reply.content
            assert "Billing, invoices" in reply.content

            # -- search: newest first, both of Ben's VPN blockers, not other answers.
            reply = await ask(server, "ann", "search vpn access", "mention")
            assert "**2 answers**" in reply.content
            assert reply.content.index("02 Dec 2026") < reply.content.index("30 Nov 2026")

            # -- stats over the three days (see the module docstring for the figures).
            reply = await ask(server, "ann", "stats 3 days", "statistics")
            content = reply.content
            assert "Participation 75%" in content
            assert "median answer 15 min after the prompt" in content
            assert "open blockers 1" in content
            assert "| Ann Archer | 3/3 | 100% | 10 min | 3 (3) |" in content
            assert "| Ben Baker | 2/3 | 67% | 20 min | 1 (1) |" in content
            assert "| Cat Carter | 1/2 | 50% | 30 min | 0 (1) |" in content
            assert "| 2026-11-30 | 3/3 | 100% |" in content
            assert "| 2026-12-01 | 1/2 | 50% |" in content
            assert "| 2026-12-02 | 2/3 | 67% |" in content

            # -- chart: a PNG uploaded through Zulip's upload API.
            reply = await ask(server, "ann", "chart 3 days", "chart")
            png = await fetch(server, "ann", reply)
            assert png.headers["content-type"] == "image/png"
            assert png.content.startswith(PNG_MAGIC)
            assert len(png.content) > 1000

            # -- blockers: Ben's, open since Monday, three run days.
            reply = await ask(server, "ann", "blockers", "blocker")
            assert "Open blockers** (1)" in reply.content
            assert f"@_**Ben Baker|{ids['ben']}**" in reply.content
            assert "since Mon 30 Nov, 3 run days" in reply.content
            assert "Still waiting for VPN access" in reply.content
