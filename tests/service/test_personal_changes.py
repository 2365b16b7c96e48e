"""A person's own change is one stored unit (issue 11): a zone change committed by a process
that died before re-planning still moves the prompt, and a skip ahead stores its step with
the prompt's claim, on the twin."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from service.harness import Team, utc
from zulip_standup.domain.chat import UserChanged
from zulip_standup.domain.conversation.state import Phase
from zulip_standup.services.people import remembered

WEDNESDAY = dt.date(2026, 12, 2)


async def test_a_zone_change_stored_before_a_crash_still_moves_the_prompt() -> None:
    """Noa's profile says New York (prompt 14:30 UTC). Her `timezone Asia/Kolkata` is
    committed, then the process dies before re-planning: the next planner tick, in whichever
    process, moves her prompt to 09:30 Kolkata (04:00 UTC) all the same."""
    team = Team(utc(WEDNESDAY, 2))
    await team.sets_up(team.lena)
    await team.at(utc(WEDNESDAY, 2, 5))
    change = replace(remembered(team.runtime, team.noa), timezone_override="Asia/Kolkata")
    team.storage.standups.apply_personal_change(change)  # the commit; no re-plan after it
    await team.restart()
    await team.at(utc(WEDNESDAY, 4, 0))
    prompt = team.dms(team.noa)[-1]
    assert prompt.startswith("Hi! Time for **standup**"), prompt
    assert "on Wednesday 2 Dec" in prompt, prompt


async def test_the_same_zone_change_as_a_command_moves_the_prompt_at_once() -> None:
    """The command stores the change and re-plans right away: Noa's 04:00 UTC prompt is a
    planned job before any planner tick."""
    team = Team(utc(WEDNESDAY, 2))
    await team.sets_up(team.lena)
    (reply,) = await team.says(team.noa, "timezone Asia/Kolkata")
    assert reply.startswith("Your standups now use **Asia/Kolkata** for your prompts")
    assert team.storage.jobs.next_due_at(team.realm_id) == utc(WEDNESDAY, 4, 0)


async def test_a_skip_ahead_claims_the_prompt_with_the_step() -> None:
    """Ravi skips Wednesday before his 09:30 Kolkata prompt: his conversation is stored
    skipped with the prompt claimed, and no prompt comes."""
    team = Team(utc(WEDNESDAY, 3))
    await team.sets_up(team.lena)
    (skipped,) = await team.says(team.ravi, "skip")
    assert skipped.startswith("OK, you are skipping **standup** on Wednesday 2 Dec."), skipped
    (standup,) = team.storage.standups.of_participant(team.realm_id, team.ravi.user_id)
    run = team.storage.runs.find_run(standup.id, WEDNESDAY)
    assert run is not None
    stored = team.storage.runs.conversation(run.id, team.ravi.user_id)
    assert stored is not None
    assert (stored.state, stored.prompted_at) == (Phase.SKIPPED, utc(WEDNESDAY, 3))
    before = team.dms(team.ravi)
    await team.at(utc(WEDNESDAY, 4, 30))
    assert team.dms(team.ravi) == before


async def test_a_zone_moved_in_the_zulip_profile_is_stored_and_moves_the_prompt() -> None:
    """Noa moves her Zulip profile from New York to Kolkata (she has no override of her own):
    the bot stores the new zone and asks her at 09:30 Kolkata (04:00 UTC)."""
    team = Team(utc(WEDNESDAY, 2))
    await team.sets_up(team.lena)
    await team.bot.handle_event(UserChanged(team.noa.user_id, timezone="Asia/Kolkata"))
    stored = team.storage.standups.person(team.realm_id, team.noa.user_id)
    assert stored is not None
    assert stored.profile_timezone == "Asia/Kolkata"
    before = len(team.dms(team.noa))
    await team.at(utc(WEDNESDAY, 4, 0))
    (prompt,) = team.dms(team.noa)[before:]
    assert prompt.startswith("Hi! Time for **standup**"), prompt


async def test_a_deactivated_person_leaves_the_standup_and_gets_no_prompt() -> None:
    """Ben's account is deactivated before his 09:30 London prompt: he stops taking part in
    the standup, and no prompt is sent to him."""
    team = Team(utc(WEDNESDAY, 2))
    await team.sets_up(team.lena)
    (standup,) = team.storage.standups.of_participant(team.realm_id, team.ben.user_id)
    await team.bot.handle_event(UserChanged(team.ben.user_id, is_active=False))
    active = {p.user_id for p in team.storage.standups.participants(standup.id) if p.active}
    assert team.ben.user_id not in active
    assert team.ann.user_id in active
    before = len(team.dms(team.ben))
    await team.at(utc(WEDNESDAY, 10, 0))
    assert team.dms(team.ben)[before:] == []


async def test_what_the_bot_keeps_of_a_person_goes_with_forget_me() -> None:
    """Ann's zone setting is read (and kept in memory) by `my data`; after `forget me
    confirm` the next `my data` shows only her Zulip profile zone: nothing forgotten is
    served from what the running bot kept."""
    team = Team(utc(WEDNESDAY, 8))
    await team.sets_up(team.lena)
    await team.says(team.ann, "timezone Asia/Kolkata")
    (before,) = await team.says(team.ann, "my data")
    assert "- time zone: Asia/Kolkata (your setting: Asia/Kolkata)" in before, before
    (gone,) = await team.says(team.ann, "forget me confirm")
    (after,) = await team.says(team.ann, "my data")
    assert "- time zone: Europe/Berlin\n" in after, (gone, after)
