"""The operator's settings as the use cases and adapters take them."""

from __future__ import annotations

from zulip_standup.llm.openai_compat import AIConfig
from zulip_standup.services.runtime import Defaults
from zulip_standup.settings import Settings


def standup_defaults(settings: Settings) -> Defaults:
    """What a new standup starts with."""
    return Defaults(
        timezone=settings.default_timezone,
        prompt_time=settings.default_prompt_time,
        reminder_time=settings.default_reminder_time,
        cutoff_time=settings.default_cutoff_time,
        holiday_country=settings.default_holiday_country,
        questions=tuple(settings.default_questions),
    )


def ai_config(settings: Settings) -> AIConfig | None:
    """The digest summary's endpoint, or None when the operator configured none."""
    if not settings.llm_base_url:
        return None
    return AIConfig(
        base_url=settings.llm_base_url,
        model=settings.llm_model or "gpt-4o-mini",
        api_key=settings.llm_api_key,
        timeout_seconds=settings.llm_timeout_seconds,
    )
