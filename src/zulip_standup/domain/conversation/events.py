"""The events a conversation reacts to and the effects it asks the app to perform."""

from __future__ import annotations

from dataclasses import dataclass

from zulip_standup.domain.scheduling.planning import Absence

# --- events --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prompted:
    """The prompt is due (or the person asked to ``answer`` now)."""


@dataclass(frozen=True, slots=True)
class ReminderDue:
    """A reminder time has come."""


@dataclass(frozen=True, slots=True)
class MessageReceived:
    """A direct message from the participant routed to this conversation."""

    text: str
    message_id: int


@dataclass(frozen=True, slots=True)
class AnswerEdited:
    """The participant edited one of their messages in Zulip."""

    message_id: int
    text: str


@dataclass(frozen=True, slots=True)
class ChangeRequested:
    """``change <question_number> <text>``, sent as message ``message_id``."""

    question_number: int
    text: str
    message_id: int


@dataclass(frozen=True, slots=True)
class SkipDay:
    """The participant skips this run."""


@dataclass(frozen=True, slots=True)
class Back:
    """Re-ask the previous question."""


@dataclass(frozen=True, slots=True)
class Absent:
    """The prompt is due but the person is absent that day (time off, holiday, Zulip away)."""

    reason: Absence


@dataclass(frozen=True, slots=True)
class RunClosed:
    """The person's next run started: an unfinished conversation of this one is missed."""


@dataclass(frozen=True, slots=True)
class Restart:
    """Start over from the first question."""


@dataclass(frozen=True, slots=True)
class CutoffPassed:
    """The digest went out; what is stored from now on is late."""


Event = (
    Prompted
    | ReminderDue
    | MessageReceived
    | AnswerEdited
    | ChangeRequested
    | SkipDay
    | Back
    | Restart
    | CutoffPassed
    | Absent
    | RunClosed
)

# --- effects -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SendPrompt:
    """Send the prompt (``conversation_texts.prompt_text``), which asks question 1."""


@dataclass(frozen=True, slots=True)
class AskQuestion:
    """Send ``question_text`` for this 0-based question."""

    index: int


@dataclass(frozen=True, slots=True)
class SendReminder:
    """Send ``reminder_text`` for this 0-based question."""

    index: int


@dataclass(frozen=True, slots=True)
class StoreAnswer:
    """Store (insert or replace) the answer to a 0-based question."""

    index: int
    text: str
    source_message_id: int | None
    edited: bool = False


@dataclass(frozen=True, slots=True)
class SendRecap:
    """Send ``recap_text`` with the stored answers."""


@dataclass(frozen=True, slots=True)
class SendText:
    """Send this text to the participant."""

    text: str


@dataclass(frozen=True, slots=True)
class React:
    """Add an emoji reaction to the participant's message."""

    message_id: int
    emoji: str


@dataclass(frozen=True, slots=True)
class PostReport:
    """Post the participant's answers to the channel (flagged late when ``late``)."""

    late: bool = False


@dataclass(frozen=True, slots=True)
class UpdateReport:
    """The posted answers changed: edit the report, or post an update."""


@dataclass(frozen=True, slots=True)
class MarkSkipped:
    """Record that the participant skipped this run."""


Effect = (
    SendPrompt
    | AskQuestion
    | SendReminder
    | StoreAnswer
    | SendRecap
    | SendText
    | React
    | PostReport
    | UpdateReport
    | MarkSkipped
)
