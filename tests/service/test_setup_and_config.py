"""Setting a standup up and changing it, on the twin: setup, config changes taking effect on
the schedule, names and rename (issue 11, case 3) and setup's times and zone (case 9)."""

from __future__ import annotations

import datetime as dt

from service.harness import MONDAY, Team, utc
from zulip_standup.domain.commands import reply_texts


async def test_setup_lists_the_schedule_and_everyone_in_the_channel(team: Team) -> None:
    """Lena's setup reply shows the times, the questions and each participant's next prompt
    in their own zone; Gus, a guest outside #team, is not a participant."""
    reply = await team.sets_up(team.lena)
    assert "- **Times** (UTC, mode local): prompt 09:30, reminders 11:45, report 12:45" in reply
    assert "- **Participants** (5), next prompt:" in reply
    assert "  - @_**Ann Archer|11**: <time:2026-11-30T09:30:00+01:00>" in reply
    assert "  - @_**Noa Novak|14**: <time:2026-11-30T09:30:00-05:00>" in reply
    assert "  - @_**Ravi Rao|13**: <time:2026-12-01T09:30:00+05:30>" in reply  # 09:30 IST passed
    assert "Gus Guest" not in reply


async def test_a_config_change_moves_the_next_prompt(team: Team) -> None:
    """Lena moves the prompt to 09:00: Ann is asked at 09:00 Berlin the next day, not 09:30."""
    await team.sets_up(team.lena)
    changed = await team.asks(team.lena, "config prompt 09:00")
    assert changed.startswith("Updated **standup**: prompt"), changed
    tuesday = dt.date(2026, 12, 1)
    await team.at(utc(tuesday, 7, 59))
    before = team.dms(team.ann)
    await team.at(utc(tuesday, 8, 0))  # 09:00 in Berlin
    (new,) = team.dms(team.ann)[len(before) :]
    assert new.startswith("Hi! Time for **standup** in #**team** on Tuesday 1 Dec")


async def test_only_admins_change_the_standup(team: Team) -> None:
    """Ann, a plain member, may not change the schedule; nothing changes."""
    await team.sets_up(team.lena)
    refused = await team.asks(team.ann, "config prompt 07:00")
    assert refused.startswith("Only organisation owners and administrators"), refused
    assert "prompt 09:30" in await team.asks(team.lena, "status")


async def test_removing_a_participant_stops_their_prompts(team: Team) -> None:
    """Lena removes Ben; at 09:30 London he is not asked."""
    await team.sets_up(team.lena)
    reply = await team.asks(team.lena, "participants remove @**Ben Baker**")
    assert "Ben Baker" in reply, reply
    await team.at(utc(MONDAY, 9, 31))
    assert team.dms(team.ben) == []


async def test_the_default_standup_is_named_and_renamed(team: Team) -> None:
    """Case 3: with a retro beside it, `status` alone asks which one and suggests
    `status standup`, which works, as does every command that takes a name. Lena renames
    `standup` to `morning`; Ann, a plain member, may not rename."""
    await team.sets_up(team.lena)
    await team.sets_up(team.lena, "setup retro prompt 15:00 reminder 16:00 cutoff 17:00")

    which = await team.asks(team.lena, "status")
    assert which == reply_texts.several_standups("#**team**", ["standup", "retro"])
    assert "`status standup`" in which
    status = await team.asks(team.lena, "status standup")
    assert status.startswith("**standup** in #**team**"), status
    for command in (
        "config standup prompt 09:00",
        "participants standup",
        "pause standup",
        "resume standup",
        "history standup",
        "stats standup",
        "blockers standup",
    ):
        reply = await team.asks(team.lena, command)
        assert "Unexpected" not in reply, (command, reply)
        assert "no standup called" not in reply, (command, reply)

    refused = await team.asks(team.ann, "rename standup sneaky")
    assert refused.startswith("Only organisation owners and administrators"), refused
    taken = await team.asks(team.lena, "rename standup retro")
    assert taken.startswith("#**team** already has a standup called `retro`"), taken
    assert await team.asks(team.lena, "rename standup morning") == (
        "Renamed **standup** in #**team** to **morning**. Address it by its new name, "
        "e.g. `status morning`; from now on its reports go to topics like "
        "`morning 2026-11-30`."
    )
    assert (await team.asks(team.lena, "status morning")).startswith("**morning** in #**team**")
    gone = await team.asks(team.lena, "status standup")
    assert gone.startswith("There is no standup called `standup` in #**team**"), gone


async def test_two_standups_post_into_their_own_topics(team: Team) -> None:
    """Case 3: Ann's standup answers land in `standup 2026-11-30`, her retro answers in
    `retro 2026-11-30`; neither topic template was set."""
    await team.sets_up(team.lena)
    assert (await team.asks(team.lena, "config timezone Europe/Berlin")).startswith("Updated")
    await team.sets_up(team.lena, "setup retro prompt 15:00 reminder 16:00 cutoff 17:00")
    await team.at(utc(MONDAY, 8, 31))
    await team.answers(team.ann, ["Planned", "Build", "none"])
    await team.at(utc(MONDAY, 14, 1))  # 15:01 in Berlin
    await team.answers(team.ann, ["Shipped", "Retro notes", "none"])

    assert "Shipped" in team.channel_text(team.team_channel, "retro 2026-11-30")
    assert "Planned" in team.channel_text(team.team_channel, "standup 2026-11-30")
    assert "Shipped" not in team.channel_text(team.team_channel, "standup 2026-11-30")


async def test_the_documented_retro_example_works_verbatim(team: Team) -> None:
    """Case 9: `setup retro prompt 15:00`, as `help setup` shows it, keeps the reminder and
    report at their usual distance; a prompt at 22:00 alone is refused, saying why."""
    assert "`setup retro prompt 15:00`" in await team.asks(team.lena, "help setup")
    await team.sets_up(team.lena)
    retro = await team.sets_up(team.lena, "setup retro prompt 15:00")
    assert "prompt 15:00, reminders 17:15, report 18:15" in retro
    assert await team.asks(team.lena, "setup late prompt 22:00") == (
        "That change would make the schedule invalid: with the prompt at 22:00 the reminder "
        "would move past midnight; give the reminder time too. Nothing was changed."
    )


async def test_a_new_standup_takes_the_operator_zone_and_says_so() -> None:
    """Case 9: on a bot whose operator default is Asia/Kolkata, Lena's (Berlin) new standup
    runs on Kolkata time and says why; `timezone Europe/Berlin` given to setup wins."""
    team = Team(utc(MONDAY, 3), default_timezone="Asia/Kolkata")
    reply = await team.sets_up(team.lena)
    assert "(Asia/Kolkata, mode local)" in reply
    assert (
        "- **Team time zone**: Asia/Kolkata (the bot's default for new standups); the report "
        "time and the standup's days follow it."
    ) in reply
    given = await team.sets_up(team.lena, "setup retro timezone Europe/Berlin")
    assert "- **Team time zone**: Europe/Berlin (as given to setup)" in given
    again = await team.asks(team.lena, "setup retro prompt 10:00")
    assert again.startswith("Standup **retro** in #**team** is updated."), again
    assert "- **Team time zone**: Europe/Berlin (unchanged)" in again


async def test_monthly_last_friday_status_shows_the_next_prompt() -> None:
    """Case 9: on Wednesday 2 December, monthly on the last Friday at team time: `status`
    shows the next prompt and report on Friday 25 December, and that is when Ann is asked."""
    team = Team(utc(dt.date(2026, 12, 2), 10))
    await team.sets_up(team.lena)
    for command in ("config mode team", "config frequency monthly last fri"):
        assert (await team.asks(team.lena, command)).startswith("Updated"), command
    status = await team.asks(team.lena, "status")
    assert "- Next prompt: <time:2026-12-25T09:30:00+00:00>" in status, status
    assert "- Next report: <time:2026-12-25T12:45:00+00:00>" in status, status

    await team.at(utc(dt.date(2026, 12, 25), 9, 29))
    assert team.dms(team.ann) == []
    await team.at(utc(dt.date(2026, 12, 25), 9, 30))
    (prompt,) = team.dms(team.ann)
    assert prompt.startswith("Hi! Time for **standup** in #**team** on Friday 25 Dec")


async def test_a_guest_cannot_create_a_standup(team: Team) -> None:
    """Gus, a guest in #leads, tries `setup` there: he is told guests can't and whom to ask,
    and no standup is created."""
    team.chat.subscribers[team.leads_channel.stream_id].append(team.gus.user_id)
    reply = await team.asks(team.gus, "setup", team.leads_channel)
    assert reply == "Guests can't create standups; ask a member of the channel or an administrator."
    assert team.storage.standups.in_channel(team.realm_id, team.leads_channel.stream_id) == []
