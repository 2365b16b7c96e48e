"""The text of a person's prompt: standup, date, since when, last plan, open blocker, question 1."""

from __future__ import annotations

import datetime as dt

from zulip_standup.domain.conversation import texts
from zulip_standup.domain.records import RunRecord
from zulip_standup.domain.reports.blockers import is_real_blocker
from zulip_standup.domain.scheduling.schedule import previous_run_date, since_phrase
from zulip_standup.domain.standup import Standup
from zulip_standup.services.runtime import Runtime

PLAN_QUESTION_INDEX = 1  # "What will you do today?" in the default questions
PREVIOUS_RUN_LOOKBACK = dt.timedelta(days=400)


async def prompt_content(rt: Runtime, standup: Standup, run_date: dt.date, user_id: int) -> str:
    """The prompt: standup, date, since when, what they planned last time, question 1."""
    last = await rt.db(rt.runs.last_run_before, standup.id, run_date)
    previous = previous_run(standup, run_date, last)
    planned = blocker = None
    blocker_index = standup.settings.blocker_index
    if last is not None and previous == last.run_date:
        for answer in await rt.db(rt.runs.answers_of, last.id, user_id):
            if answer.question_index == PLAN_QUESTION_INDEX and blocker_index != 1:
                planned = answer.text
            if answer.question_index == blocker_index and is_real_blocker(answer.text):
                blocker = answer.text
    questions = standup.settings.questions
    return texts.prompt_text(
        standup=standup.name,
        channel=standup.stream_name,
        day=run_date,
        first_question=questions[0].text,
        question_count=len(questions),
        since=since_phrase(previous, run_date) if previous else None,
        planned=planned,
        blocker=blocker,
    )


def previous_run(standup: Standup, run_date: dt.date, last: RunRecord | None) -> dt.date | None:
    """The last run date before this one that really happened (pauses and skips included),
    given the standup's ``last`` run before ``run_date``.

    The schedule's own previous date is used when it is the last real run;
    a standup's first run (or one after more than a year without) has none, so its prompt
    says no "since".
    """
    if last is None or last.run_date < run_date - PREVIOUS_RUN_LOOKBACK:
        return None
    scheduled = previous_run_date(standup.settings.to_schedule(standup.id), run_date)
    return scheduled if scheduled is not None and scheduled >= last.run_date else last.run_date
