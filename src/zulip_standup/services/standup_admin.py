"""The use cases of a standup's lifecycle after setup: status, config, pause, resume,
delete, participants, rename and test (``setup`` is in ``standup_setup``).

Each one that writes builds one ``StandupChange`` (its settings, people, participants and
audit row) and stores it in one transaction; a re-plan it needs is asked for durably in
that transaction and then done at once by the planner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from zulip_standup.domain.chat import Person
from zulip_standup.domain.commands import reply_texts as texts
from zulip_standup.domain.commands import standup_texts
from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.commands.admin_changes import config_change, validated
from zulip_standup.domain.commands.config_settings import (
    WEBHOOK_SETTINGS,
    ChangeManagers,
    SetScheduledMessages,
)
from zulip_standup.domain.commands.status_texts import status_progress
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.records import Audited, StandupChange, StandupChanged
from zulip_standup.domain.reports.topic import run_topic
from zulip_standup.domain.scheduling.jobs import JobKind
from zulip_standup.domain.scheduling.planning import upcoming_occurrences
from zulip_standup.domain.standup import Standup, StandupSettings
from zulip_standup.services.access import Asker, standup_meant
from zulip_standup.services.attendance import day_of_run
from zulip_standup.services.people import people_named, profiles, team_today
from zulip_standup.services.runtime import Runtime
from zulip_standup.services.scheduled_prompts import MIN_FEATURE_LEVEL
from zulip_standup.services.webhooks import configure as configure_webhooks


async def status(rt: Runtime, asker: Asker, cmd: ct.Status) -> str:
    """Settings, participants, today's progress and what happens next."""
    standup = await standup_meant(rt, asker, cmd.standup, "status", manage=False)
    members = await rt.db(rt.standups.participants, standup.id)
    schedule = standup.settings.to_schedule(standup.id)
    today = team_today(standup, rt.now())
    run = await rt.db(rt.runs.find_run, standup.id, today)
    progress: dict[str, list[str]] = {}
    if run is not None:
        day = await day_of_run(rt, standup, run)
        progress = status_progress([(p.name, p.standing) for p in day if p.member])
    plan = await rt.db(rt.schedules.load, standup.id, today)
    events: list[tuple[str, dt.datetime]] = []
    if plan is not None:
        upcoming = upcoming_occurrences(plan.schedule, plan.participants, rt.now())
        for kind, label in ((JobKind.PROMPT, "prompt"), (JobKind.DIGEST, "report")):
            found = next((o for o in upcoming if o.kind is kind), None)
            if found is not None:
                events.append((label, found.due_at.astimezone(schedule.zone)))
    return texts.status_text(
        standup,
        [(m.display_name, m.user_id) for m in members],
        progress,
        today if run is not None else None,
        events,
        served_by=rt.served_by if asker.person.is_admin else None,
    )


async def config(rt: Runtime, asker: Asker, cmd: ct.Config) -> str:
    """Change one setting; a schedule change re-plans the jobs."""
    standup = await standup_meant(rt, asker, cmd.standup, "config", manage=True)
    if isinstance(cmd.setting, WEBHOOK_SETTINGS):
        return await configure_webhooks(rt, asker, standup, cmd.setting)
    manager_ids: tuple[int, ...] = ()
    if isinstance(cmd.setting, ChangeManagers):
        users = people_named(rt, cmd.setting.users, f"config managers {cmd.setting.action}")
        manager_ids = tuple(p.user_id for p in users)
    change = config_change(standup, cmd.setting, manager_ids)
    detail = {"setting": type(cmd.setting).__name__, "change": change.description}
    updated = await _new_settings(
        rt, asker, standup, validated(change.settings), "config", detail, replan=change.replan
    )
    reply = texts.config_updated(updated, change.description)
    level = rt.server.feature_level
    wants_scheduling = isinstance(cmd.setting, SetScheduledMessages) and cmd.setting.enabled
    if wants_scheduling and level < MIN_FEATURE_LEVEL:
        reply += "\n" + texts.scheduled_messages_unsupported(level)
    return reply


async def pause(rt: Runtime, asker: Asker, cmd: ct.Pause) -> str:
    standup = await standup_meant(rt, asker, cmd.standup, "pause", manage=True)
    settings = standup.settings.with_changes(paused=True, paused_until=cmd.until)
    detail = {"until": str(cmd.until)}
    updated = await _new_settings(rt, asker, standup, settings, "pause", detail, replan=True)
    return texts.paused(updated, cmd.until)


async def resume(rt: Runtime, asker: Asker, cmd: ct.Resume) -> str:
    standup = await standup_meant(rt, asker, cmd.standup, "resume", manage=True)
    settings = standup.settings.with_changes(paused=False, paused_until=None)
    updated = await _new_settings(rt, asker, standup, settings, "resume", {}, replan=True)
    return texts.resumed(updated)


async def rename(rt: Runtime, asker: Asker, cmd: ct.Rename) -> str:
    """A new name; the default report topic follows it."""
    standup = await standup_meant(rt, asker, cmd.standup, "rename", manage=True)
    if cmd.new_name == standup.name:
        return standup_texts.already_named(standup)
    neighbours = await rt.db(rt.standups.in_channel, rt.realm_id, standup.stream_id)
    if any(s.name == cmd.new_name for s in neighbours if s.id != standup.id):
        raise UserFacingError(standup_texts.name_taken(standup, cmd.new_name))
    settings = standup.settings.with_changes(name=cmd.new_name)
    detail = {"from": standup.name, "to": cmd.new_name}
    updated = await _new_settings(rt, asker, standup, settings, "rename", detail, replan=False)
    topic = run_topic(updated.settings, team_today(updated, rt.now()), rt.server.max_topic_length)
    return standup_texts.renamed(standup.name, updated, topic)


async def _new_settings(
    rt: Runtime,
    asker: Asker,
    standup: Standup,
    settings: StandupSettings,
    action: str,
    detail: dict[str, Any],
    *,
    replan: bool,
) -> Standup:
    """Store new settings with their audit row; re-plan at once when the schedule changed."""
    change = StandupChange(
        rt.realm_id,
        rt.now(),
        standup_id=standup.id,
        settings=settings,
        replan=replan,
        audit=Audited(asker.person.user_id, action, detail),
    )
    return (await store_change(rt, change)).standup


async def store_change(rt: Runtime, change: StandupChange) -> StandupChanged:
    """Store one change in one transaction, then re-plan at once when it asked for it (the
    request is also stored with the change, for the planner's next tick should this stop)."""
    done: StandupChanged = await rt.db(rt.standups.apply_change, change)
    if change.asks_replan:
        await rt.planner.replan(done.standup.id)
    return done


async def delete(rt: Runtime, asker: Asker, cmd: ct.Delete) -> str:
    """Delete the standup with everything of it, once confirmed."""
    standup = await standup_meant(rt, asker, cmd.standup, "delete", manage=True)
    if not cmd.confirmed:
        return texts.delete_confirm(standup)
    detail = {"standup": standup.name, "stream_id": standup.stream_id}
    change = StandupChange(
        rt.realm_id,
        rt.now(),
        standup_id=standup.id,
        delete=True,
        audit=Audited(asker.person.user_id, "delete", detail),
    )
    await store_change(rt, change)
    return texts.deleted(standup.name)


async def participants(rt: Runtime, asker: Asker, cmd: ct.Participants) -> str:
    """List who takes part, or sync with the channel, add or remove people."""
    if cmd.action == "list":
        standup = await standup_meant(rt, asker, cmd.standup, "participants", manage=False)
        listed = await rt.db(rt.standups.participants, standup.id)
        return texts.participants_list(standup, [(m.display_name, m.user_id) for m in listed])
    standup = await standup_meant(rt, asker, cmd.standup, "participants", manage=True)
    change = StandupChange(
        rt.realm_id,
        rt.now(),
        standup_id=standup.id,
        audit=Audited(asker.person.user_id, f"participants_{cmd.action}", {}),
    )
    if cmd.action == "sync":
        members = rt.directory.humans(await rt.chat.get_subscribers(standup.stream_id))
        change = joining(change, members, exact=True)
    elif cmd.action == "add":
        people = [p for p in people_named(rt, cmd.users, "participants add") if not p.is_bot]
        change = joining(change, people, exact=False)
    else:
        people = people_named(rt, cmd.users, "participants remove")
        change = replace(change, leaving=tuple(p.user_id for p in people))
    done = await store_change(rt, change)
    name = rt.directory.name_of
    return texts.participants_changed(
        standup, [name(u) for u in done.added], [name(u) for u in done.removed]
    )


def joining(change: StandupChange, people: Sequence[Person], *, exact: bool) -> StandupChange:
    """``change`` with these people remembered and taking part (the only ones, if exact)."""
    joining = tuple((p.user_id, p.full_name) for p in people)
    return replace(change, people=profiles(people), joining=joining, exact=exact)


async def test(rt: Runtime, asker: Asker, cmd: ct.Test) -> str:
    """Send the asker the standup's first question, to see how a prompt looks."""
    standup = await standup_meant(rt, asker, cmd.standup, "test", manage=False)
    first = standup.settings.questions[0].text
    await rt.chat.send_dm([asker.person.user_id], texts.test_prompt(standup.name, first))
    return texts.test_sent()
