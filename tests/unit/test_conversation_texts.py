"""Conversation texts: the prompt and recap carry what a person needs, and nothing is empty."""

from __future__ import annotations

import datetime as dt

from zulip_standup.domain.conversation import texts

DAY = dt.date(2026, 4, 14)


def test_prompt_names_standup_date_since_plan_and_first_question() -> None:
    """The prompt names the standup, the date, "since …", last plan, question 1 and how to skip."""
    text = texts.prompt_text(
        standup="Backend daily",
        day=DAY,
        first_question="What did you do?",
        question_count=3,
        since="since Friday",
        planned="Ship the **API**",
    )
    assert "**Backend daily**" in text
    assert "Tuesday 14 Apr" in text
    assert "since Friday" in text
    assert "Ship the **API**" in text
    assert "**Question 1 of 3:** What did you do?" in text
    assert "`skip`" in text
    assert "numbered list" in text


def test_prompt_without_history() -> None:
    """A first-ever prompt has no since-phrase and no plan block."""
    text = texts.prompt_text(standup="s", day=DAY, first_question="Q?", question_count=1)
    assert "planned" not in text
    assert "since" not in text


def test_quoted_plan_survives_fences() -> None:
    """A plan containing ``` is quoted with a longer fence so it cannot break out."""
    block = texts.quoted("```\ncode\n```")
    assert block.startswith("````quote\n")
    assert block.endswith("\n````")


def test_recap_lists_every_answer() -> None:
    """The recap shows each question with its answer and how to change one."""
    text = texts.recap_text(
        standup="daily", day=DAY, questions=["Did?", "Will?"], answers=["a", None]
    )
    assert "**1. Did?**\na" in text
    assert f"**2. Will?**\n{texts.NONE_ANSWER}" in text
    assert "change <number>" in text


def test_hint_and_limits_texts() -> None:
    """Short helpful texts: the no-open-standup hint (added under "unknown command ... send
    `help`") points to answer; the prompt and the still-waiting note say how to answer with
    text that reads like a command; limits are shown."""
    assert "`answer`" in texts.no_open_standup_text()
    assert "start it with `>`" in texts.still_waiting_text("daily", 2, 3)
    assert "question 2 of 3" in texts.still_waiting_text("daily", 2, 3)
    for count in (1, 3):
        prompt = texts.prompt_text(
            standup="daily", day=dt.date(2026, 11, 30), first_question="Did?", question_count=count
        )
        assert "start it with `>` (e.g. `> help`)" in prompt
    assert "10,001" in texts.answer_too_long_text(10_001, 10_000)
    assert "late" in texts.late_notice_text("daily")
    assert "Question 2 of 3" in texts.reminder_text("daily", 2, 3, "Will?")


def test_prompt_and_reminder_name_the_channel() -> None:
    """Two standups can share a name: prompts and reminders say which channel they are for."""
    prompt = texts.prompt_text(
        standup="standup", channel="leads", day=DAY, first_question="Q?", question_count=3
    )
    assert prompt.startswith("Hi! Time for **standup** in #**leads** on Tuesday 14 Apr.")
    reminder = texts.reminder_text("standup", 2, 3, "Will?", channel="leads")
    assert reminder.startswith("Friendly reminder: **standup** in #**leads** is waiting")


def test_held_prompt_and_back_to_name_both_standups() -> None:
    """The notice for a held prompt names the one waiting and the one taking replies."""
    held = texts.prompt_held_text(
        standup="standup", channel="leads", day=DAY, busy_standup="daily", busy_channel="eng"
    )
    assert "**standup** in #**leads** for Tuesday 14 Apr is waiting" in held
    assert "your replies go to **daily** in #**eng**" in held
    assert "`skip`" in held
    back = texts.back_to_text("daily", "eng", 2, 3, "Will?")
    assert back.startswith("Back to **daily** in #**eng**")
    assert back.endswith("**Question 2 of 3:** Will?")
