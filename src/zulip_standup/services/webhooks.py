"""The webhook commands of a standup: add (the secret goes to the asker by DM), remove,
list and the delivery log. The caller (``standup_admin.config``) has checked the asker
may change the standup."""

from __future__ import annotations

import secrets

from zulip_standup.domain.commands import config_settings as cs
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.limits import MAX_WEBHOOKS, WEBHOOK_LOG_ENTRIES
from zulip_standup.domain.standup import Standup
from zulip_standup.domain.webhooks import texts
from zulip_standup.domain.webhooks.targets import parse_target
from zulip_standup.services.access import Asker
from zulip_standup.services.runtime import Runtime, Webhooks

SECRET_BYTES = 32


def _wired(rt: Runtime) -> Webhooks:
    if rt.webhooks is None:
        raise UserFacingError(texts.not_available())
    return rt.webhooks


async def configure(rt: Runtime, asker: Asker, standup: Standup, setting: cs.WebhookSetting) -> str:
    """One ``config webhook`` form; a refusal says why and what to type instead."""
    hooks = _wired(rt)
    match setting:
        case cs.AddWebhook(url=url):
            return await _add(rt, hooks, asker, standup, url)
        case cs.RemoveWebhook(webhook_id=webhook_id, url=url):
            return await _remove(rt, hooks, asker, standup, webhook_id, url)
        case cs.WebhookLog(webhook_id=webhook_id):
            if webhook_id is not None:
                listings = await rt.db(hooks.store.of_standup, standup.id)
                if all(item.webhook.id != webhook_id for item in listings):
                    raise UserFacingError(texts.unknown(standup.name, str(webhook_id), listings))
            entries = await rt.db(
                hooks.store.deliveries, standup.id, webhook_id, WEBHOOK_LOG_ENTRIES
            )
            return texts.log(standup.name, webhook_id, entries)
    return texts.listing(standup.name, await rt.db(hooks.store.of_standup, standup.id))


async def _add(rt: Runtime, hooks: Webhooks, asker: Asker, standup: Standup, url: str) -> str:
    listings = await rt.db(hooks.store.of_standup, standup.id)
    same = [item.webhook.id for item in listings if item.webhook.url == url]
    if same:
        raise UserFacingError(texts.already_there(standup.name, same[0]))
    if len(listings) >= MAX_WEBHOOKS:
        raise UserFacingError(texts.too_many(standup.name))
    why = await hooks.sender.refusal(url)
    if why is not None:
        raise UserFacingError(texts.refused(url, why))
    secret = secrets.token_urlsafe(SECRET_BYTES)
    user_id = asker.person.user_id
    webhook = await rt.db(
        hooks.store.add, standup.id, url, secret, user_id, rt.now(), limit=MAX_WEBHOOKS
    )
    if webhook is None:
        raise UserFacingError(texts.changed_meanwhile())
    hooks.standups.add(standup.id)
    detail = {"webhook_id": webhook.id, "host": parse_target(url).host}
    await rt.db(
        rt.standups.audit, rt.realm_id, standup.id, user_id, "webhook_add", detail, rt.now()
    )
    await rt.chat.send_dm([user_id], texts.secret_dm(standup.name, webhook, secret))
    return texts.added(standup.name, webhook)


async def _remove(
    rt: Runtime,
    hooks: Webhooks,
    asker: Asker,
    standup: Standup,
    webhook_id: int | None,
    url: str | None,
) -> str:
    listings = await rt.db(hooks.store.of_standup, standup.id)
    found = [
        item.webhook
        for item in listings
        if item.webhook.id == webhook_id or (url is not None and item.webhook.url == url)
    ]
    if not found or not await rt.db(hooks.store.remove, standup.id, found[0].id):
        raise UserFacingError(texts.unknown(standup.name, str(url or webhook_id), listings))
    if len(listings) == 1:
        hooks.standups.discard(standup.id)
    detail = {"webhook_id": found[0].id}
    user_id = asker.person.user_id
    await rt.db(
        rt.standups.audit, rt.realm_id, standup.id, user_id, "webhook_remove", detail, rt.now()
    )
    return texts.removed(standup.name, found[0])
