"""Where a participant stands in a run: the one rule the digest, `status`, `stats` and the
weekly roll-up share."""

from __future__ import annotations

import pytest

from zulip_standup.domain.conversation.state import Absence, Phase
from zulip_standup.domain.reports.attendance import RunFacts, Standing, standing
from zulip_standup.domain.scheduling.jobs import JobStatus

DONE, ASKING, PENDING = Phase.DONE, Phase.ASKING, Phase.PENDING


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (RunFacts(phase=DONE), Standing.ANSWERED),
        (RunFacts(phase=DONE, late=True), Standing.LATE),
        (RunFacts(phase=Phase.SKIPPED), Standing.SKIPPED),
        (RunFacts(phase=Phase.ABSENT, absence=Absence.HOLIDAY), Standing.HOLIDAY),
        (RunFacts(phase=Phase.ABSENT, absence=Absence.TIME_OFF), Standing.TIME_OFF),
        (RunFacts(phase=Phase.ABSENT), Standing.AWAY),
        (RunFacts(phase=ASKING, prompt_job=JobStatus.DONE), Standing.WAITING),
        (
            RunFacts(phase=ASKING, prompt_job=JobStatus.DONE, deadline_passed=True),
            Standing.MISSED,
        ),
        (RunFacts(phase=Phase.MISSED), Standing.MISSED),
        (RunFacts(phase=ASKING), Standing.WAITING),
        (RunFacts(phase=ASKING, prompt_job=JobStatus.FAILED), Standing.NOT_ASKED),
        (
            RunFacts(phase=ASKING, prompt_job=JobStatus.FAILED, answered_any=True),
            Standing.WAITING,
        ),
        (RunFacts(phase=PENDING, prompt_message_id=7), Standing.WAITING),
        (RunFacts(absent_now=Absence.TIME_OFF, prompt_job=JobStatus.DROPPED), Standing.TIME_OFF),
        (RunFacts(absent_now=Absence.HOLIDAY), Standing.HOLIDAY),
        (RunFacts(prompt_due=False, prompt_job=JobStatus.PENDING), Standing.LATER),
        (RunFacts(prompt_job=JobStatus.PENDING), Standing.NOT_ASKED),
        (RunFacts(prompt_job=JobStatus.CLAIMED), Standing.NOT_ASKED),
        (RunFacts(phase=PENDING, prompt_job=JobStatus.FAILED), Standing.NOT_ASKED),
        (RunFacts(prompt_job=JobStatus.DROPPED), Standing.NOT_ASKED),
        (RunFacts(prompt_job=JobStatus.DONE, deadline_passed=True), Standing.MISSED),
        (RunFacts(), Standing.WAITING),
    ],
)
def test_standing(facts: RunFacts, expected: Standing) -> None:
    """Finished (late or not), skipped, absent with its reason, not asked yet, and asked but
    silent (waiting until the deadline, missed after it) keep their places; a person whose
    prompt was due but whose prompt job never completed is "not asked", never missing."""
    assert standing(facts) is expected


def test_only_people_who_were_asked_are_expected() -> None:
    """Participation counts answered, late, waiting and missed people; skipped, absent, not
    asked and not-asked-yet people are neither expected nor answered."""
    expected = {s for s in Standing if s.expected}
    assert expected == {Standing.ANSWERED, Standing.LATE, Standing.WAITING, Standing.MISSED}
    assert {s for s in Standing if s.answered} == {Standing.ANSWERED, Standing.LATE}
