"""The bot's own use cases on the in-memory storage twin and the fake chat: a lead sets up a
standup, a member is prompted at 09:30 and answers, and the channel gets the report. No
database, no HTTP: this is what the service tier builds on."""

from __future__ import annotations

import datetime as dt

from service.harness import MONDAY, Team, utc


async def test_setup_prompt_answer_and_report_on_the_twin(team: Team) -> None:
    """Lena (admin) types `@**Standup** setup` in #team; at 09:30 Berlin Ann gets the first
    question, answers all three at once, gets her recap, and #team shows her answers; the
    twin holds exactly what she typed."""
    setup_reply = await team.asks(team.lena, "setup")
    assert "is set up in #**team**" in setup_reply
    assert "Ann Archer" in setup_reply
    (standup,) = team.storage.standups.in_channel(team.realm_id, team.team_channel.stream_id)

    await team.at(utc(MONDAY, 8, 29))
    assert team.dms(team.ann) == []
    await team.at(utc(MONDAY, 8, 30))
    (prompt,) = team.dms(team.ann)
    assert "Question 1 of 3" in prompt

    (recap,) = await team.says(team.ann, "1. wrote the twin\n2. the contract suite\n3. nothing")
    assert recap.startswith("Thanks! Your **standup** answers")
    run = team.storage.runs.find_run(standup.id, dt.date(2026, 11, 30))
    assert run is not None
    assert [a.text for a in team.storage.runs.answers_of(run.id, team.ann.user_id)] == [
        "wrote the twin",
        "the contract suite",
        "nothing",
    ]
    posted = team.channel_text(team.team_channel)
    assert "wrote the twin" in posted
    assert "the contract suite" in posted
