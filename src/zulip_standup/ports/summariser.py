"""The day's summary for the digest: the AI one when configured and working, else the plain one.
On an OpenAI-compatible endpoint in ``llm/openai_compat.py``."""

from __future__ import annotations

from typing import Protocol

from zulip_standup.domain.reports.report import Sanitizer
from zulip_standup.domain.reports.summary import SummaryDay, SummaryResult
from zulip_standup.domain.standup import MentionPolicy


class Summariser(Protocol):
    """Summarises one standup day; never raises, since the digest must be posted whatever
    an AI service does (``SummaryResult.error`` says why the plain summary was used)."""

    async def summarise(
        self,
        day: SummaryDay,
        *,
        use_ai: bool,
        sanitize: Sanitizer,
        policy: MentionPolicy,
    ) -> SummaryResult: ...
