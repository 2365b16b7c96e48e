"""Where a participant stands in a run: the one rule the digest and ``status`` share."""

from __future__ import annotations

import pytest

from zulip_standup.domain.attendance import RunFacts, Standing, standing
from zulip_standup.domain.jobs import JobStatus


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (RunFacts(state="done"), Standing.ANSWERED),
        (RunFacts(state="skipped"), Standing.SKIPPED),
        (RunFacts(state="away", away_reason="holiday"), Standing.HOLIDAY),
        (RunFacts(state="away", away_reason="nonsense"), Standing.AWAY),
        (RunFacts(state="asking", prompt_job=JobStatus.DONE), Standing.MISSING),
        (RunFacts(state="missed"), Standing.MISSING),
        (RunFacts(state="asking"), Standing.MISSING),
        (RunFacts(state="asking", prompt_job=JobStatus.FAILED), Standing.NOT_ASKED),
        (
            RunFacts(state="asking", prompt_job=JobStatus.FAILED, answered_any=True),
            Standing.MISSING,
        ),
        (RunFacts(state="pending", prompt_message_id=7), Standing.MISSING),
        (RunFacts(absence="time_off", prompt_job=JobStatus.DROPPED), Standing.TIME_OFF),
        (RunFacts(prompt_due=False, prompt_job=JobStatus.PENDING), Standing.LATER),
        (RunFacts(prompt_job=JobStatus.PENDING), Standing.NOT_ASKED),
        (RunFacts(prompt_job=JobStatus.CLAIMED), Standing.NOT_ASKED),
        (RunFacts(state="pending", prompt_job=JobStatus.FAILED), Standing.NOT_ASKED),
        (RunFacts(prompt_job=JobStatus.DROPPED), Standing.NOT_ASKED),
        (RunFacts(prompt_job=JobStatus.DONE), Standing.MISSING),
        (RunFacts(), Standing.MISSING),
    ],
)
def test_standing(facts: RunFacts, expected: Standing) -> None:
    """Finished, excused, later and asked-but-silent keep their places; a person whose prompt
    was due but whose prompt job never completed is "not asked", never "missing"."""
    assert standing(facts) is expected
