"""Skip, away, back and restart (issue 11, case 5), and a personal zone override that is the
person's zone for everything, not only prompts (case 4), on the twin."""

from __future__ import annotations

import datetime as dt

from service.harness import Team, utc
from zulip_standup.domain.standup import DEFAULT_QUESTIONS

Q = [q.text for q in DEFAULT_QUESTIONS]
WEDNESDAY = dt.date(2026, 12, 2)
THURSDAY = dt.date(2026, 12, 3)
PLANNED = "Sunday 20 December to Thursday 24 December"


async def ravi_prompted() -> Team:
    """Wednesday 04:00 UTC, 09:30 in Kolkata: Ravi gets his prompt."""
    team = Team(utc(WEDNESDAY, 3, 50))
    await team.sets_up(team.lena)
    await team.at(utc(WEDNESDAY, 4, 0))
    (prompt,) = team.dms(team.ravi)
    assert prompt.startswith("Hi! Time for **standup**"), prompt
    assert "on Wednesday 2 Dec" in prompt, prompt
    return team


async def test_back_while_away_keeps_planned_time_off() -> None:
    """Case 5: Ravi is off Wednesday to Friday and has Christmas planned; `back` on Wednesday
    ends this week's time off, Christmas stays, and the reply says so."""
    team = Team(utc(WEDNESDAY, 4))
    assert await team.says(team.ravi, "away today fri") == [
        "You are off from Wednesday 02 December to Friday 04 December; no prompts then."
    ]
    assert await team.says(team.ravi, "away 2026-12-20 to 2026-12-24") == [
        f"You are off from {PLANNED}; no prompts then."
    ]
    assert await team.says(team.ravi, "back") == [
        "Welcome back! Your current time off is ended and prompts resume. "
        f"Your planned time off stays: {PLANNED}."
    ]
    (mine,) = await team.says(team.ravi, "my data")
    assert "- time off: 2026-12-20..2026-12-24\n" in mine


async def test_back_when_not_away_changes_nothing() -> None:
    """Case 5: `back` with only future time off planned erases nothing."""
    team = Team(utc(WEDNESDAY, 4))
    await team.says(team.noa, "away 2026-12-20 to 2026-12-24")
    assert await team.says(team.noa, "back") == [
        "You are not on time off today, so nothing changed now. "
        f"Your planned time off stays: {PLANNED}."
    ]
    (mine,) = await team.says(team.noa, "my data")
    assert "- time off: 2026-12-20..2026-12-24\n" in mine


async def test_away_today_means_no_prompt_today() -> None:
    """Ravi is away today: no prompt at 09:30 Kolkata."""
    team = Team(utc(WEDNESDAY, 3))
    await team.sets_up(team.lena)
    await team.says(team.ravi, "away today")
    before = team.dms(team.ravi)
    await team.at(utc(WEDNESDAY, 4, 30))
    assert team.dms(team.ravi) == before


async def test_restart_after_skipping_answers_after_all() -> None:
    """Case 5: Ravi skips, changes his mind as the reply suggests (`restart` exists), answers,
    and his report goes out."""
    team = await ravi_prompted()
    (skipped,) = await team.says(team.ravi, "skip")
    assert "Changed your mind? Say `restart`" in skipped
    assert await team.says(team.ravi, "restart") == [
        "Starting over.",
        f"**Question 1 of 3:** {Q[0]}",
    ]
    (recap,) = await team.answers(team.ravi, ["Fixed the build", "Release notes", "none"])
    assert recap.startswith("Thanks! Your **standup** answers for Wednesday 2 Dec:")
    assert "Fixed the build" in team.channel_text(team.team_channel, "standup 2026-12-02")


async def test_restart_after_finishing_starts_over() -> None:
    """Case 5: the recap says "`restart` starts over"; after finishing, it does."""
    team = await ravi_prompted()
    (recap,) = await team.answers(team.ravi, ["One", "Two", "none"])
    assert "`restart` starts over." in recap
    assert await team.says(team.ravi, "restart") == [
        "Starting over.",
        f"**Question 1 of 3:** {Q[0]}",
    ]
    assert await team.says(team.ravi, "Redid one") == [f"**Question 2 of 3:** {Q[1]}"]


async def noa_answers_wednesday_from_kolkata() -> Team:
    """Noa's profile says New York; she works from Kolkata and says so. At 09:30 Wednesday in
    Kolkata (Tuesday 23:00 in New York) she is asked and answers."""
    team = Team(utc(WEDNESDAY, 2))
    await team.sets_up(team.lena)
    (zone_set,) = await team.says(team.noa, "timezone Asia/Kolkata")
    assert zone_set.startswith("Your standups now use **Asia/Kolkata** for your prompts")
    await team.at(utc(WEDNESDAY, 4, 0))
    prompt = team.dms(team.noa)[-1]
    assert prompt.startswith("Hi! Time for **standup**"), prompt
    assert "on Wednesday 2 Dec" in prompt, prompt
    (recap,) = await team.answers(team.noa, ["Kolkata office setup", "Payments review", "none"])
    assert recap.startswith("Thanks! Your **standup** answers for Wednesday 2 Dec:")
    await team.at(utc(WEDNESDAY, 4, 30))
    return team


async def test_skip_tomorrow_is_tomorrow_in_the_override_zone() -> None:
    """Case 4: `skip tomorrow` skips Thursday in Kolkata, and on Thursday at 09:30 Kolkata
    no prompt comes."""
    team = await noa_answers_wednesday_from_kolkata()
    assert await team.says(team.noa, "skip tomorrow") == [
        "OK, you are skipping **standup** on Thursday 3 Dec. "
        "Changed your mind? Say `restart` that day to answer after all."
    ]
    before = team.dms(team.noa)
    await team.at(utc(THURSDAY, 4, 30))
    assert team.dms(team.noa) == before


async def test_history_includes_the_override_zones_today() -> None:
    """Case 4: right after answering, Noa's default history ends on her Wednesday."""
    team = await noa_answers_wednesday_from_kolkata()
    (history,) = await team.says(team.noa, "history")
    assert history.startswith("**Answers of Noa Novak**, 26 Nov 2026 to 02 Dec 2026:")
    assert "Kolkata office setup" in history
    (shown,) = await team.says(team.noa, "timezone")
    assert shown.startswith("Your standup time zone is **Asia/Kolkata** (set with `timezone`).")


async def test_export_includes_the_override_zones_today() -> None:
    """Case 4: Noa's default export covers the 30 days up to her Wednesday, answers in."""
    team = await noa_answers_wednesday_from_kolkata()
    (export,) = await team.says(team.noa, "export csv")
    assert export.startswith(
        "Here is the export of your answers for 03 Nov 2026 to 02 Dec 2026 (3 rows):"
    )
    (csv,) = team.chat.uploads.values()
    assert b"Kolkata office setup" in csv


async def test_chart_includes_the_override_zones_today() -> None:
    """Case 4: Noa's default chart covers the 30 days up to her Wednesday."""
    team = await noa_answers_wednesday_from_kolkata()
    (chart,) = await team.says(team.noa, "chart")
    assert chart.startswith("Participation in **standup**, 03 Nov 2026 to 02 Dec 2026:")
