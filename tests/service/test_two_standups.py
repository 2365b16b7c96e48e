"""A person in two standups on the twin: overlapping prompts (issue 11, case 2) and answering
one ahead of its prompt (case 7). Ann (Berlin) is in #team and in #leads."""

from __future__ import annotations

import datetime as dt

from service.harness import MONDAY, Team, utc
from zulip_standup.domain.conversation import texts
from zulip_standup.domain.standup import DEFAULT_QUESTIONS

TUESDAY = dt.date(2026, 12, 1)
Q = [q.text for q in DEFAULT_QUESTIONS]


def prompt(channel: str, day: dt.date) -> str:
    return texts.prompt_text(
        standup="standup", channel=channel, day=day, first_question=Q[0], question_count=3
    )


def recap(day: dt.date, answers: list[str]) -> str:
    return texts.recap_text(standup="standup", day=day, questions=Q, answers=answers)


def stored(team: Team, day: dt.date, person_id: int) -> dict[str, list[str]]:
    """A person's stored answers for ``day``, by the channel of the standup holding them."""
    found: dict[str, list[str]] = {}
    for standup in team.storage.standups.in_realm(team.realm_id):
        run = team.storage.runs.find_run(standup.id, day)
        if run is not None:
            answers = sorted(
                team.storage.runs.answers_of(run.id, person_id), key=lambda a: a.question_index
            )
            found[standup.stream_name] = [a.text for a in answers]
    return found


async def test_a_second_prompt_waits_until_the_first_standup_is_answered(team: Team) -> None:
    """Case 2: #team asks Ann at 09:30 Berlin, #leads at 09:40. The #leads prompt arrives while
    she is on question 2 of #team: she is told it waits, her next answers still go to #team,
    and once #team is done #leads is asked in full. Each report holds only its own answers."""
    await team.sets_up(team.lena)
    await team.sets_up(team.lena, "setup prompt 09:40", team.leads_channel)

    await team.at(utc(MONDAY, 8, 30))
    assert team.dms(team.ann) == [prompt("team", MONDAY)]
    assert await team.says(team.ann, "Reviewed the payments PR") == [
        texts.question_text(2, 3, Q[1])
    ]
    await team.at(utc(MONDAY, 8, 40))
    held = texts.prompt_held_text(
        standup="standup", channel="leads", day=MONDAY, busy_standup="standup", busy_channel="team"
    )
    assert team.dms(team.ann)[-1] == held

    assert await team.says(team.ann, "Ship the 2.4 release") == [texts.question_text(3, 3, Q[2])]
    team_answers = ["Reviewed the payments PR", "Ship the 2.4 release", "none"]
    assert await team.says(team.ann, "none") == [
        recap(MONDAY, team_answers),
        prompt("leads", MONDAY),
    ]
    leads_answers = ["Budget for Q1", "Hire a designer", "Waiting on finance"]
    assert await team.answers(team.ann, leads_answers) == [recap(MONDAY, leads_answers)]

    assert "Budget for Q1" in team.channel_text(team.leads_channel)
    assert "Budget for Q1" not in team.channel_text(team.team_channel)
    assert "Reviewed the payments PR" in team.channel_text(team.team_channel)
    assert "Reviewed the payments PR" not in team.channel_text(team.leads_channel)
    assert stored(team, MONDAY, team.ann.user_id) == {"team": team_answers, "leads": leads_answers}


async def test_answering_ahead_answers_todays_run_and_the_prompt_does_not_come() -> None:
    """Case 7: at 05:00 on Tuesday in Berlin (still Monday 23:00 for the New York team of
    #leads) Ann sends `answer #**leads**`: she answers Tuesday's run, on time, the report is
    posted, and at her 09:30 prompt time and her 11:45 reminder time nothing more comes."""
    team = Team(utc(TUESDAY, 4))
    await team.sets_up(team.lena, channel=team.leads_channel)
    assert (
        await team.asks(team.lena, "config timezone America/New_York", team.leads_channel)
    ).startswith("Updated")
    (asked,) = await team.says(team.ann, "answer #**leads**")
    assert asked.startswith("Hi! Time for **standup**"), asked
    assert "on Tuesday 1 Dec" in asked, asked
    answers = ["Planned the offsite", "Budget review", "none"]
    assert await team.answers(team.ann, answers) == [recap(TUESDAY, answers)]
    assert "Planned the offsite" in team.channel_text(team.leads_channel)
    assert stored(team, TUESDAY, team.ann.user_id) == {"leads": answers}
    (standup,) = team.storage.standups.in_realm(team.realm_id)
    assert team.storage.runs.find_run(standup.id, MONDAY) is None

    seen = team.dms(team.ann)
    await team.at(utc(TUESDAY, 8, 30))  # 09:30 in Berlin
    await team.at(utc(TUESDAY, 10, 45))  # 11:45 in Berlin
    assert team.dms(team.ann) == seen
    (report,) = [m for m in team.channel(team.leads_channel) if "Planned the offsite" in m.content]
    assert "late" not in report.content.casefold()
