"""What people read back, on the twin: history, export, stats and chart, and the AI summary
that never sees a name (issue 11, case 10)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from integration.fake_openai import FakeOpenAI, Reply
from service.harness import MONDAY, Team, utc
from zulip_standup.llm.openai_compat import AIConfig

ANN = ["Reviewed the payments PR", "Ship the 2.4 release", "none"]


async def ann_answered(team: Team) -> None:
    await team.sets_up(team.lena)
    await team.at(utc(MONDAY, 8, 30))
    await team.answers(team.ann, ANN)
    await team.at(utc(MONDAY, 9, 0))


async def test_history_shows_ones_own_answers(team: Team) -> None:
    """Ann's `history` after answering: the week up to today with what she typed."""
    await ann_answered(team)
    (history,) = await team.says(team.ann, "history")
    assert history.startswith("**Answers of Ann Archer**, 24 Nov 2026 to 30 Nov 2026:"), history
    for text in ANN[:2]:
        assert text in history


async def test_a_teammate_reads_ann_s_history_a_guest_outside_the_channel_does_not(
    team: Team,
) -> None:
    """Ben, in #team, may read what Ann posted there; Gus, a guest not in #team, may not."""
    await ann_answered(team)
    (allowed,) = await team.says(team.ben, "history @**Ann Archer**")
    assert "Reviewed the payments PR" in allowed
    (refused,) = await team.says(team.gus, "history @**Ann Archer**")
    assert "Reviewed the payments PR" not in refused


async def test_export_uploads_a_csv_of_ones_answers(team: Team) -> None:
    """Ann's `export csv` links an upload holding her three answers, one row each."""
    await ann_answered(team)
    (reply,) = await team.says(team.ann, "export csv")
    assert reply.startswith(
        "Here is the export of your answers for 01 Nov 2026 to 30 Nov 2026 (3 rows):"
    ), reply
    ((url, data),) = team.chat.uploads.items()
    assert url in reply
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert [r["answer"] for r in rows] == ANN


async def test_stats_count_the_day(team: Team) -> None:
    """After the cutoff, `stats` counts Monday as 1 answered of 4 asked (Noa's 09:30 in New
    York has passed by 15:00 UTC, Ravi's first prompt is on Tuesday)."""
    await ann_answered(team)
    await team.at(utc(MONDAY, 15, 0))
    stats = await team.asks(team.lena, "stats")
    assert "| 2026-11-30 | 1/4 | 25% |" in stats, stats
    assert "| Ann Archer | 1/1 | 100% |" in stats, stats
    assert "Ravi Rao" not in stats, stats


async def test_chart_uploads_a_participation_chart(team: Team) -> None:
    """Ann's `chart` replies with a picture of participation, uploaded."""
    await ann_answered(team)
    (reply,) = await team.says(team.ann, "chart")
    assert reply.startswith("Participation in **standup**"), reply
    ((url, data),) = team.chat.uploads.items()
    assert url in reply
    assert data.startswith(b"\x89PNG")


def sent_to_the_ai(llm: FakeOpenAI) -> str:
    (request,) = llm.requests
    return "\n".join(str(m["content"]) for m in request.body["messages"])


async def test_the_ai_request_has_no_names_and_the_summary_shows_the_people() -> None:
    """Case 10: Ann and Ben write each other's and Gus's names as plain text (no mentions);
    none of the names reaches the AI service, and the posted summary shows the people again
    as silent mentions."""
    summary = "- Person 1 paired with Person 2; Person 6 is blocked."
    async with FakeOpenAI(default=Reply(summary)) as llm:
        ai = AIConfig(base_url=llm.base_url, model="local-model", api_key="sk-local")
        team = Team(utc(MONDAY, 8), ai=ai)
        await team.sets_up(team.lena)
        assert (await team.asks(team.lena, "config timezone Europe/London")).startswith("Updated")
        assert (await team.asks(team.lena, "config ai on")).startswith("Updated")
        await team.at(utc(MONDAY, 9, 30))
        await team.answers(team.ann, ["Paired with Ben Baker; Gus is blocked", "Docs", "none"])
        await team.answers(team.ben, ["Helped ann archer", "Reviews for Gus Guest", "none"])
        await team.at(utc(MONDAY, 12, 45))

        sent = sent_to_the_ai(llm)
        for name in ("Ann", "Archer", "Ben", "Baker", "Gus", "Guest"):
            assert not re.search(rf"\b{name}\b", sent, re.IGNORECASE), f"{name!r} was sent"
        assert "Paired with Person 2; Person 6 is blocked" in sent
        (digest,) = [m.content for m in team.channel(team.team_channel) if "📋" in m.content]
        assert "@_**Ann Archer|11** paired with @_**Ben Baker|12**" in digest
        assert "@_**Gus Guest|15** is blocked" in digest


BEN = ["Fixed the flaky test", "Pair with Ravi", "none"]


async def test_a_manager_exports_everyones_answers_a_member_only_their_own(team: Team) -> None:
    """Lena (an admin, so a manager) exports Ann's and Ben's answers; Ben's export of the
    same days holds his own three rows and nothing of Ann's."""
    await ann_answered(team)
    await team.at(utc(MONDAY, 9, 30))
    await team.answers(team.ben, BEN)
    (everyone,) = await team.says(team.lena, "export csv")
    assert everyone.startswith(
        "Here is the export of all participants' answers for 01 Nov 2026 to 30 Nov 2026 (6 rows):"
    ), everyone
    ((url, data),) = team.chat.uploads.items()
    assert url in everyone
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert [r["answer"] for r in rows if r["name"] == "Ann Archer"] == ANN
    assert [r["answer"] for r in rows if r["name"] == "Ben Baker"] == BEN

    (own,) = await team.says(team.ben, "export json")
    assert own.startswith("Here is the export of your answers for"), own
    assert "(3 rows):" in own, own
    (data,) = [d for u, d in team.chat.uploads.items() if u in own]
    assert b"Fixed the flaky test" in data
    assert b"Reviewed the payments PR" not in data


async def test_an_export_asked_for_in_the_channel_arrives_in_a_dm(team: Team) -> None:
    """Ann's `export csv` in #team: the channel only hears that it went to her DM, and the
    link is in her DM."""
    await ann_answered(team)
    before = team.dms(team.ann)
    reply = await team.asks(team.ann, "export csv")
    assert reply == "I sent you the export in a direct message.", reply
    (dm,) = team.dms(team.ann)[len(before) :]
    ((url, _data),) = team.chat.uploads.items()
    assert dm.startswith("Here is the export of your answers for"), dm
    assert url in dm
    assert url not in reply


async def test_search_lists_the_newest_twenty_and_counts_the_rest(team: Team) -> None:
    """Ann, Lena and Ben mention the deploy in two answers a day for four days: `search
    deploy` counts all 24, lists the newest 20, Thursday's first, and says so."""
    await team.sets_up(team.lena)
    for offset in range(4):
        day = MONDAY + dt.timedelta(days=offset)
        await team.at(utc(day, 8, 30))
        for person in (team.ann, team.lena):
            await team.answers(person, [f"deploy prep {offset}", "deploy again", "none"])
        await team.at(utc(day, 9, 30))
        await team.answers(team.ben, [f"deploy prep {offset}", "deploy again", "none"])
    (found,) = await team.says(team.ann, "search Deploy")
    lines = found.splitlines()
    assert lines[0] == "**24 answers** mention `Deploy`:", found
    listed = [line for line in lines if line.startswith("- ")]
    assert len(listed) == 20, found
    days = [line.split(",", 1)[0].removeprefix("- ") for line in listed]
    assert (
        days
        == ["03 Dec 2026"] * 6 + ["02 Dec 2026"] * 6 + ["01 Dec 2026"] * 6 + ["30 Nov 2026"] * 2
    ), days
    assert lines[-1] == "…showing the newest 20.", found


async def test_search_in_a_dm_reads_the_askers_standups(team: Team) -> None:
    """Ben's `search` in a DM finds Ann's answer in their standup; Gus, who takes part in no
    standup, is told so."""
    await ann_answered(team)
    (gus,) = await team.says(team.gus, "search payments")
    assert gus.startswith("You don't take part in any standup"), gus
    (ben,) = await team.says(team.ben, "search payments")
    assert ben.startswith("**1 answer** mention `payments`:"), ben
    assert "Ann Archer (standup): Reviewed the payments PR" in ben, ben
