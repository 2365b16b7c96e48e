"""Where each participant stands on one run day: the one rule for the digest, ``status``,
``stats`` and the weekly roll-up.

* finished → answered (late when they finished after their deadline);
* skipped → skipped; absent (recorded on the conversation) → the absence's reason;
* closed unfinished when their next run started → missed;
* asked (a prompt went out, or they started on their own) but not finished →
  waiting until their deadline, missed after it;
* not asked: absent that day → the absence's reason; their prompt time still to
  come → not asked yet; their prompt was due but its job never completed (still
  pending or claimed, failed, or dropped as too late — the bot was down or Zulip
  failing) → not asked, which is the bot's fault and not theirs; otherwise →
  waiting, or missed after their deadline.

``expected`` says which standings count in participation figures (answered of
expected): everybody who was asked, and nobody excused or not asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from zulip_standup.domain.conversation.state import Absence, Phase
from zulip_standup.domain.scheduling.jobs import JobStatus


class Standing(StrEnum):
    """A participant's place in one run."""

    ANSWERED = "answered"
    LATE = "late"  # answered after their deadline
    SKIPPED = "skipped"
    AWAY = "away"
    TIME_OFF = "time_off"
    HOLIDAY = "holiday"
    LATER = "later"  # not asked yet: their prompt time has not come
    NOT_ASKED = "not_asked"  # their prompt was due and never went out
    WAITING = "waiting"  # asked, not finished, their deadline still to come
    MISSED = "missed"  # asked, never finished in time

    @property
    def answered(self) -> bool:
        return self in {Standing.ANSWERED, Standing.LATE}

    @property
    def expected(self) -> bool:
        """Counted in participation: asked that day (answered or not)."""
        return self in {Standing.ANSWERED, Standing.LATE, Standing.WAITING, Standing.MISSED}

    @property
    def absent(self) -> bool:
        return self in _ABSENT


_ABSENT = frozenset({Standing.AWAY, Standing.TIME_OFF, Standing.HOLIDAY})
_BY_ABSENCE = {
    Absence.AWAY: Standing.AWAY,
    Absence.TIME_OFF: Standing.TIME_OFF,
    Absence.HOLIDAY: Standing.HOLIDAY,
}
_UNFINISHED_JOB = frozenset(
    {JobStatus.PENDING, JobStatus.CLAIMED, JobStatus.FAILED, JobStatus.DROPPED}
)


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What storage knows about one participant in one run.

    ``phase`` is the conversation's phase (None: no conversation yet) and
    ``absence`` the reason stored with an absent one; ``late`` says the
    answers came after the deadline; ``prompt_message_id`` is set once the
    bot's prompt DM is known to exist; ``answered_any`` says at least one
    answer is stored; ``absent_now`` is the person's absence that day as judged
    now (for people with no conversation yet); ``prompt_due`` says their
    prompt time has passed and ``deadline_passed`` their deadline;
    ``prompt_job`` is the status of their prompt job for the run (None: none).
    """

    phase: Phase | None = None
    absence: Absence | None = None
    late: bool = False
    prompt_message_id: int | None = None
    answered_any: bool = False
    absent_now: Absence | None = None
    prompt_due: bool = True
    deadline_passed: bool = False
    prompt_job: JobStatus | None = None

    @property
    def asked(self) -> bool:
        """A prompt went out, or the person started answering on their own.

        A conversation moved to asking whose prompt job then failed (Zulip refused the
        DM), with no prompt message and no answer, was never really asked.
        """
        if self.prompt_message_id is not None or self.answered_any:
            return True
        started = self.phase not in (None, Phase.PENDING, Phase.ABSENT)
        return started and self.prompt_job not in _UNFINISHED_JOB


def standing(facts: RunFacts) -> Standing:
    """The participant's place in the run (see the module docstring for the rule)."""
    unfinished = Standing.MISSED if facts.deadline_passed else Standing.WAITING
    match facts.phase:
        case Phase.DONE:
            return Standing.LATE if facts.late else Standing.ANSWERED
        case Phase.SKIPPED:
            return Standing.SKIPPED
        case Phase.ABSENT:
            return _BY_ABSENCE[facts.absence or Absence.AWAY]
        case Phase.MISSED:
            return Standing.MISSED
        case _:
            pass
    if facts.asked:
        return unfinished
    if facts.absent_now is not None:
        return _BY_ABSENCE[facts.absent_now]
    if not facts.prompt_due:
        return Standing.LATER
    if facts.prompt_job in _UNFINISHED_JOB:
        return Standing.NOT_ASKED
    return unfinished
