"""Prompts handed to Zulip as scheduled messages, as the hand-off use case sees them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zulip_standup.domain.scheduling.jobs import JobStatus


@dataclass(frozen=True, slots=True)
class HandOffCandidate:
    """A pending prompt job falling due soon, in a standup that hands prompts to Zulip."""

    job_id: int
    standup_id: int
    run_date: dt.date
    user_id: int
    due_at: dt.datetime


@dataclass(frozen=True, slots=True)
class HandedOff:
    """The job behind one scheduled message, with what decides whether it still stands."""

    job_id: int
    status: JobStatus
    due_at: dt.datetime
    use_scheduled_messages: bool
    honour_away: bool
    zulip_away: bool
    # The person's conversation claimed its prompt already (answered or skipped ahead).
    prompt_claimed: bool = False
    # The standup's settings changed after the hand-off: its text (name, questions) is stale.
    settings_changed: bool = False
