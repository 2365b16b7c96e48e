"""One team-mode day accounted for the same way everywhere (issue 11, case 6), on the twin.

#team runs in team mode on Berlin time, prompt 08:30, weekly roll-up on. On Monday 30
November Ann answers (with a blocker), Lena skips, Ravi has the day off, and Noa works
from Los Angeles (`timezone America/Los_Angeles`), where the prompt falls on Sunday 29
November, a public holiday of her region BR-SC (Saint Catherine's Day); Ben (London) is
asked and answers only after the cutoff. `status`, the digest, `stats`, `blockers` and the
roll-up must agree. Fixed on branch i11-states.
"""

from __future__ import annotations

import datetime as dt
import re

from service.harness import MONDAY, Team, utc

SUNDAY_EVENING = utc(dt.date(2026, 11, 29), 18)
PROMPT = utc(MONDAY, 7, 30)  # 08:30 in Berlin
AFTER_CUTOFF = utc(MONDAY, 11, 50)  # 12:50 in Berlin
FRIDAY_AFTER_CUTOFF = utc(dt.date(2026, 12, 4), 11, 50)
BLOCKER = "Waiting for the staging database"


async def team_of_five() -> Team:
    team = Team(SUNDAY_EVENING)
    await team.sets_up(team.lena)
    assert (await team.asks(team.lena, "config timezone Europe/Berlin")).startswith("Updated")
    for command, shown in (
        ("config mode team", "mode team"),
        ("config prompt 08:30", "08:30"),
        ("config rollup on", "weekly roll-up on"),
    ):
        assert shown in await team.asks(team.lena, command), command
    (off,) = await team.says(team.ravi, "away 2026-11-30")
    assert "You are off on Monday 30 November" in off, off
    (zone,) = await team.says(team.noa, "timezone America/Los_Angeles")
    assert "America/Los_Angeles" in zone, zone
    (region,) = await team.says(team.noa, "holidays BR-SC")
    assert "public holidays of **BR-SC**" in region, region
    return team


async def morning(team: Team) -> None:
    """08:30 Berlin: Ann, Lena and Ben are asked; Ann answers, Lena skips."""
    await team.at(PROMPT)
    for person in (team.ann, team.lena, team.ben):
        assert "Time for **standup**" in team.dms(person)[-1], person.full_name
    for person in (team.noa, team.ravi):
        assert not any("Time for" in text for text in team.dms(person)), person.full_name
    await team.answers(team.ann, ["Wrote the migration", "Review it with Ben", BLOCKER])
    (skipped,) = await team.says(team.lena, "skip")
    assert skipped.startswith("OK, you are skipping **standup** on Monday 30 Nov.")


def day_line(status: str) -> str:
    line = next((li for li in status.splitlines() if li.startswith("- **Mon 30 Nov**")), None)
    assert line is not None, status
    return line


async def test_status_names_each_persons_state_and_only_ben_is_waiting() -> None:
    """After the prompt and before the cutoff, Ravi's `status` shows Ann answered, Lena
    skipped, Ravi and Noa away with their reason, and only Ben waiting."""
    team = await team_of_five()
    await morning(team)
    (status,) = await team.says(team.ravi, "status")
    line = day_line(status)
    assert "answered: Ann Archer" in line, line
    assert "skipped: Lena Lead" in line, line
    assert "Ravi Rao (time off)" in line, line
    assert "Noa Novak (on holiday)" in line, line
    assert line.endswith("waiting: Ben Baker"), line


async def test_the_digest_names_skipped_and_absent_people_and_not_as_missing() -> None:
    """At the cutoff: 1 of 2 answered, Lena skipped, Ravi on time off, Noa on holiday, and
    only Ben missing."""
    team = await team_of_five()
    await morning(team)
    await team.at(AFTER_CUTOFF)
    (digest,) = [m.content for m in team.channel(team.team_channel) if "📋" in m.content]
    assert "✅ 1 of 2 answered (50%)" in digest, digest
    assert "**Skipped (1):** @_**Lena Lead|10**" in digest, digest
    assert "**Time off (1):** @_**Ravi Rao|13**" in digest, digest
    assert "**On holiday (1):** @_**Noa Novak|14**" in digest, digest
    assert "**Missing (1):** @_**Ben Baker|12**" in digest, digest


def stats_row(text: str, day: dt.date) -> str:
    found = re.search(rf"^\| {day.isoformat()} \| (\d+/\d+) \|", text, re.MULTILINE)
    assert found is not None, text
    return found[1]


def open_blockers(text: str) -> str:
    found = re.search(r"open blockers (\d+)", text)
    assert found is not None, text
    return found[1]


async def test_stats_rollup_and_blockers_agree_on_the_day() -> None:
    """Ben answers late; the digest is corrected in place to 2 of 2. The Friday roll-up and
    `stats` both count Monday 2/2, and the roll-up's open blockers are what `blockers` lists."""
    team = await team_of_five()
    await morning(team)
    await team.at(AFTER_CUTOFF)
    (digest,) = [m for m in team.channel(team.team_channel) if "📋" in m.content]
    await team.answers(team.ben, ["Fixed the flaky test", "Pair with Ravi", "none"])
    assert "✅ 2 of 2 answered (100%)" in digest.content, digest.content

    await team.at(FRIDAY_AFTER_CUTOFF)
    (rollup,) = team.channel(team.team_channel, "standup week 2026-W49")
    stats = await team.asks(team.lena, "stats 7 days")
    blockers = await team.asks(team.lena, "blockers")
    assert stats_row(stats, MONDAY) == "2/2", stats
    assert stats_row(rollup.content, MONDAY) == "2/2", rollup.content
    assert blockers.count(BLOCKER) == 1, blockers
    assert open_blockers(rollup.content) == "1", rollup.content
    assert open_blockers(stats) == "1", stats
