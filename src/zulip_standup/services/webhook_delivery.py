"""One delivery attempt of a webhook job: the stored body, signed now, sent once; the
attempt logged; a failure worth another try raised as transient, so the worker retries
with the webhook schedule (``domain.webhooks.delivery.WEBHOOK_RETRY``) and the same
event id and body."""

from __future__ import annotations

import logging

from zulip_standup.domain.scheduling.jobs import DueJob
from zulip_standup.domain.webhooks.delivery import WEBHOOK_RETRY, Outcome, outcome_of, short_error
from zulip_standup.domain.webhooks.events import parse_delivery_key
from zulip_standup.domain.webhooks.records import DeliveryRecord
from zulip_standup.domain.webhooks.signing import delivery_headers, signature
from zulip_standup.services.runtime import Runtime
from zulip_standup.services.scheduler import TransientJobError

log = logging.getLogger(__name__)


class WebhookRefused(Exception):
    """The receiver refused the delivery for good (a 4xx) or its target is refused."""


async def deliver(rt: Runtime, job: DueJob) -> str:
    """Send the job's event to its webhook; what happened (for the job log)."""
    hooks = rt.webhooks
    parsed = parse_delivery_key(job.key)
    if hooks is None or parsed is None:
        return "no webhooks here"
    event_id, webhook_id = parsed
    target = await rt.db(hooks.store.target, webhook_id)
    event = await rt.db(hooks.store.event, event_id)
    if target is None or event is None:
        return "webhook removed or event forgotten"
    body = event.body.encode("utf-8")
    timestamp = int(rt.wire_now().timestamp())
    headers = delivery_headers(
        event.type, event.id, timestamp, signature(target.secret, timestamp, body)
    )
    result = await hooks.sender.send(target.url, headers, body)
    outcome = Outcome.RETRY if result.retry else Outcome.PERMANENT
    if result.status is not None:
        outcome = outcome_of(result.status)
    error = None if result.error is None else short_error(result.error)
    last = job.attempt >= WEBHOOK_RETRY.max_attempts
    if outcome is Outcome.RETRY and last:
        error = short_error(f"gave up after {job.attempt} attempts: {error or 'no answer'}")
    entry = DeliveryRecord(
        webhook_id, event.id, event.type, job.attempt, result.status, error, rt.now()
    )
    await rt.db(hooks.store.log_delivery, entry)
    context = {
        "job_key": job.key,
        "attempt": job.attempt,
        "status": result.status,
        "outcome": str(outcome),
    }
    if outcome is Outcome.DELIVERED:
        log.info("webhook_delivered", extra=context)
        return f"delivered ({result.status})"
    log.warning("webhook_delivery_failed", extra={**context, "error": error})
    if outcome is Outcome.RETRY:
        raise TransientJobError(error or f"HTTP {result.status}")
    raise WebhookRefused(error or f"HTTP {result.status}")
