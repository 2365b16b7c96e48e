"""The operator's settings as the use cases and adapters take them."""

from __future__ import annotations

import asyncio

from zulip_standup.llm.openai_compat import AIConfig
from zulip_standup.ports import WebhookStore
from zulip_standup.services.runtime import Defaults, Webhooks
from zulip_standup.settings import Settings
from zulip_standup.storage.errors import is_transient_db_error
from zulip_standup.webhooks.sender import HttpsWebhookSender
from zulip_standup.zulip.rest import is_transient


def is_transient_failure(exc: BaseException) -> bool:
    """Worth another try: Zulip 5xx/429/no answer, or a database connection or lock wait."""
    if isinstance(exc, Exception) and is_transient(exc):
        return True
    return is_transient_db_error(exc)


async def webhooks_for(settings: Settings, store: WebhookStore, realm_id: int) -> Webhooks:
    """The realm's webhooks: the store, the guarded sender, and which standups have any."""
    sender = HttpsWebhookSender(
        allow_private=settings.webhook_allow_private, ca_file=settings.webhook_ca_file
    )
    found = await asyncio.to_thread(store.standups_with_webhooks, realm_id)
    return Webhooks(store, sender, found)


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
