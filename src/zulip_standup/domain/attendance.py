"""Where each participant stands in one run (answered, excused and why, not asked, missing).

One rule, used by the digest and by ``status``:

* finished → answered; skipped or away (recorded on the conversation) → excused;
* asked (a prompt went out, or they started on their own) but not finished → missing;
* not asked: absent that day → excused; their prompt time still to come → later;
  their prompt was due but its job never completed (still pending or claimed,
  failed, or dropped as too late — the bot was down or Zulip failing) → not
  asked, which is the bot's fault and not theirs; otherwise → missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from zulip_standup.domain.conversation import Phase
from zulip_standup.domain.jobs import JobStatus

AWAY_STATE = "away"  # a conversation closed because the person was absent that day


class Standing(StrEnum):
    """A participant's place in one run."""

    ANSWERED = "answered"
    SKIPPED = "skipped"
    AWAY = "away"
    TIME_OFF = "time_off"
    HOLIDAY = "holiday"
    LATER = "later"  # their prompt time has not come yet (a zone behind the team's)
    NOT_ASKED = "not_asked"  # their prompt was due and never went out
    MISSING = "missing"


_ABSENCES = frozenset({Standing.AWAY, Standing.TIME_OFF, Standing.HOLIDAY})
_UNFINISHED_JOB = frozenset(
    {JobStatus.PENDING, JobStatus.CLAIMED, JobStatus.FAILED, JobStatus.DROPPED}
)


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What storage knows about one participant in one run.

    ``state`` is the conversation's stored state (None: no conversation yet);
    ``prompt_message_id`` is set once the bot's prompt DM is known to exist;
    ``answered_any`` says at least one answer is stored;
    ``away_reason`` is the reason stored with an ``away`` conversation;
    ``absence`` is the person's absence that day as judged now (time off,
    holiday, away); ``prompt_due`` says their prompt time has passed;
    ``prompt_job`` is the status of their prompt job for the run (None: none).
    """

    state: str | None = None
    prompt_message_id: int | None = None
    answered_any: bool = False
    away_reason: str | None = None
    absence: str | None = None
    prompt_due: bool = True
    prompt_job: JobStatus | None = None

    @property
    def asked(self) -> bool:
        """A prompt went out, or the person started answering on their own.

        A conversation moved to asking whose prompt job then failed (Zulip refused the
        DM), with no prompt message and no answer, was never really asked.
        """
        if self.prompt_message_id is not None or self.answered_any:
            return True
        started = self.state not in (None, Phase.PENDING.value, AWAY_STATE)
        return started and self.prompt_job not in _UNFINISHED_JOB


def standing(facts: RunFacts) -> Standing:
    """The participant's place in the run (see the module docstring for the rule)."""
    if facts.state == Phase.DONE.value:
        return Standing.ANSWERED
    if facts.state == Phase.SKIPPED.value:
        return Standing.SKIPPED
    if facts.state == AWAY_STATE:
        return _absence(facts.away_reason) or Standing.AWAY
    if facts.asked:
        return Standing.MISSING
    absence = _absence(facts.absence)
    if absence is not None:
        return absence
    if not facts.prompt_due:
        return Standing.LATER
    if facts.prompt_job in _UNFINISHED_JOB:
        return Standing.NOT_ASKED
    return Standing.MISSING


def _absence(reason: str | None) -> Standing | None:
    if reason is None or reason not in set(Standing):
        return None
    found = Standing(reason)
    return found if found in _ABSENCES else None
