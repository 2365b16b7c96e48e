"""The persisted state of one participant's answer conversation in one run.

Every state a conversation can be in is a ``Phase``: not asked yet
(``pending``), being asked (``asking``), finished (``done``), skipped by the
person (``skipped``), not asked because the person was absent that day
(``absent``, with the ``Absence`` reason) and closed unfinished when the
person's next run started (``missed``). Storage keeps ``phase.value`` in its
``state`` column; ``absent`` is stored as ``away`` as it always was.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from zulip_standup.domain.scheduling.planning import Absence

__all__ = ["Absence", "ConversationState", "Phase"]


class Phase(StrEnum):
    """Where a participant is in one run."""

    PENDING = "pending"
    ASKING = "asking"
    DONE = "done"
    SKIPPED = "skipped"
    ABSENT = "away"  # not asked: time off, public holiday or Zulip away (see ``absence``)
    MISSED = "missed"  # asked, never finished, closed when the person's next run started

    @property
    def closed(self) -> bool:
        """No more answers are taken in this phase unless the person starts over."""
        return self in {Phase.SKIPPED, Phase.ABSENT, Phase.MISSED}


@dataclass(frozen=True, slots=True)
class ConversationState:
    """Persisted per (run, participant); question indexes are 0-based.

    ``sources`` maps a Zulip message id to the question indexes it answered,
    so an edit of that message can update them; ``at_once`` holds the ids of
    messages that answered every question at once. ``reported`` says the
    person's answers were posted once, so finishing again updates instead.
    """

    question_count: int
    phase: Phase = Phase.PENDING
    current: int = 0
    answered: frozenset[int] = frozenset()
    late: bool = False
    cutoff_passed: bool = False
    reported: bool = False
    sources: tuple[tuple[int, tuple[int, ...]], ...] = ()
    at_once: frozenset[int] = frozenset()
    absence: Absence | None = None  # why, when the phase is ``absent``

    def __post_init__(self) -> None:
        if (self.phase is Phase.ABSENT) != (self.absence is not None):
            msg = (
                f"an absence reason goes with the absent phase only ({self.phase}, {self.absence})"
            )
            raise ValueError(msg)
        if self.question_count < 1:
            msg = f"a run needs at least one question, got {self.question_count}"
            raise ValueError(msg)
        if not 0 <= self.current < self.question_count:
            msg = f"current question {self.current} is outside 0..{self.question_count - 1}"
            raise ValueError(msg)
        if any(not 0 <= index < self.question_count for index in self.answered):
            msg = f"answered {sorted(self.answered)} outside 0..{self.question_count - 1}"
            raise ValueError(msg)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able form for storage."""
        return {
            "question_count": self.question_count,
            "phase": self.phase.value,
            "current": self.current,
            "answered": sorted(self.answered),
            "late": self.late,
            "cutoff_passed": self.cutoff_passed,
            "reported": self.reported,
            "sources": [[message_id, list(indexes)] for message_id, indexes in self.sources],
            "at_once": sorted(self.at_once),
            "absence": None if self.absence is None else self.absence.value,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConversationState:
        """Read back what ``as_dict`` wrote."""
        return cls(
            question_count=int(data["question_count"]),
            phase=Phase(data["phase"]),
            current=int(data["current"]),
            answered=frozenset(int(i) for i in data["answered"]),
            late=bool(data["late"]),
            cutoff_passed=bool(data["cutoff_passed"]),
            reported=bool(data["reported"]),
            sources=tuple((int(m), tuple(int(i) for i in ix)) for m, ix in data["sources"]),
            at_once=frozenset(int(m) for m in data.get("at_once", ())),
            absence=Absence(data["absence"]) if data.get("absence") else None,
        )

    def indexes_of(self, message_id: int) -> tuple[int, ...]:
        """The questions a message answered (empty when it answered none)."""
        return next((indexes for mid, indexes in self.sources if mid == message_id), ())
