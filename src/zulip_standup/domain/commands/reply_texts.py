"""Every reply a command gives, in one place, so wording is reviewed and tested together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from zulip_standup.domain.commands.standup_texts import ZoneSource, team_zone_line
from zulip_standup.domain.reports.sanitize import plain_name, silent_mention
from zulip_standup.domain.scheduling.schedule import format_weekdays
from zulip_standup.domain.standup import Standup, StandupSettings


def global_time(instant: dt.datetime) -> str:
    """Zulip's global time syntax: every reader sees it in their own zone."""
    return f"<time:{instant.isoformat(timespec='seconds')}>"


def _names(names: Iterable[str]) -> str:
    listed = [plain_name(n) for n in names]
    if not listed:
        return "nobody"
    if len(listed) == 1:
        return listed[0]
    return ", ".join(listed[:-1]) + " and " + listed[-1]


# -- access -------------------------------------------------------------------
def channel_not_found(name: str) -> str:
    return (
        f"I can't find a channel named **{plain_name(name)}** that you can see. "
        "Check the name, e.g. `status #**team**`."
    )


def not_allowed(standup: Standup, names: Sequence[str]) -> str:
    return (
        f"Only organisation owners and administrators, the creator of **{standup.name}** "
        f"and its managers ({_names(names)}) may change it."
    )


def no_standup_named(name: str, where: str, existing: Sequence[str]) -> str:
    known = ", ".join(f"`{n}`" for n in existing) or "none yet"
    return f"There is no standup called `{name}` in {where} (standups there: {known})."


def no_standup_here(where: str) -> str:
    return f"There is no standup in {where} yet. `setup` creates one, e.g. `@**Standup** setup`."


def several_standups(where: str, names: Sequence[str]) -> str:
    listed = ", ".join(f"`{n}`" for n in names)
    return f"{where} has several standups ({listed}); name one, e.g. `status {names[0]}`."


def channel_needed(command: str) -> str:
    return (
        f"`{command}` needs a channel: send it in the channel (`@**Standup** {command}`) "
        f"or name one in a DM (`{command} #**team**`)."
    )


def bot_not_in_channel(name: str, command: str) -> str:
    return (
        f"I can't see #**{plain_name(name)}**: it is a private channel I am not subscribed to. "
        f"Add me to its subscribers first, then send `@**Standup** {command}` again."
    )


def not_a_participant(command: str) -> str:
    return (
        "You don't take part in any standup yet, so I don't know which one you mean. "
        f"Name the channel: `{command} #**team**`."
    )


def several_of_yours(command: str, where: Sequence[str]) -> str:
    listed = ", ".join(where)
    return f"You take part in several standups ({listed}); name the channel: `{command} #**team**`."


# -- setup and status ------------------------------------------------------------
def settings_lines(settings: StandupSettings) -> list[str]:
    reminders = ", ".join(settings.reminder_times) or "none"
    questions = "\n".join(
        f"  {i}. {q.text}{' *(blockers)*' if q.blocker else ''}"
        for i, q in enumerate(settings.questions, start=1)
    )
    frequency = settings.frequency.value
    if settings.frequency.value == "weekly" and settings.interval_weeks > 1:
        frequency = f"every {settings.interval_weeks} weeks"
    topic = settings.topic_template.replace("{name}", settings.name)  # as it will be posted
    paused = "no"
    if settings.paused:
        paused = f"until {settings.paused_until}" if settings.paused_until else "yes"
    return [
        f"- **Times** ({settings.team_timezone}, mode {settings.delivery_mode.value}): prompt "
        f"{settings.prompt_time}, reminders {reminders}, report {settings.cutoff_time}",
        f"- **Days**: {format_weekdays(settings.weekdays)}, {frequency}; holidays: "
        f"{settings.holiday_country or 'none'}",
        f"- **Report**: style {settings.report_style.value}, topic `{topic}`, "
        f"mentions {settings.mention_policy.value}, "
        f"AI summary {'on' if settings.ai_summary else 'off'}, "
        f"weekly roll-up {'on' if settings.weekly_rollup else 'off'}",
        f"- **Paused**: {paused}; honour Zulip away status: "
        f"{'yes' if settings.honour_away else 'no'}",
        f"- **Questions**:\n{questions}",
    ]


def setup_done(
    standup: Standup,
    created: bool,
    next_prompts: Sequence[tuple[str, int, dt.datetime | None]],
    zone_source: ZoneSource = "default",
) -> str:
    head = (
        f"Standup **{standup.name}** is set up in #**{standup.stream_name}**."
        if created
        else f"Standup **{standup.name}** in #**{standup.stream_name}** is updated."
    )
    people = "\n".join(
        f"  - {silent_mention(name, uid)}: "
        + (global_time(at) if at is not None else "no prompt planned yet")
        for name, uid, at in next_prompts
    )
    return "\n".join(
        [
            head,
            *settings_lines(standup.settings),
            team_zone_line(standup.settings.team_timezone, zone_source),
            f"- **Participants** ({len(next_prompts)}), next prompt:\n{people or '  nobody yet'}",
            "Change anything with `config`, e.g. `config prompt 09:00`; `help config` lists all.",
        ]
    )


def setup_not_in_channel() -> str:
    return channel_needed("setup")


def status_text(
    standup: Standup,
    participants: Sequence[tuple[str, int]],
    progress: dict[str, list[str]],
    run_date: dt.date | None,
    next_events: Sequence[tuple[str, dt.datetime]],
    *,
    served_by: tuple[str, int] | None = None,
) -> str:
    """A standup's settings, people and today's progress; for organisation admins also which
    process serves the bot account (scale-out by lease)."""
    lines = [f"**{standup.name}** in #**{standup.stream_name}**", *settings_lines(standup.settings)]
    lines.append(
        f"- **Participants** ({len(participants)}): " + _names(name for name, _ in participants)
    )
    if run_date is not None:
        parts = [f"{label}: {_names(names)}" for label, names in progress.items() if names]
        lines.append(f"- **{run_date:%a %d %b}**: " + ("; ".join(parts) or "nothing yet"))
    for label, at in next_events:
        lines.append(f"- Next {label}: {global_time(at)}")
    if served_by is not None and served_by[0]:
        holder, epoch = served_by
        lines.append(f"- Served by process `{holder}` (lease epoch {epoch})")
    return "\n".join(lines)


# -- config ----------------------------------------------------------------------
def config_updated(standup: Standup, what: str) -> str:
    return f"Updated **{standup.name}**: {what}."


def config_invalid(problem: str) -> str:
    return f"That change would make the schedule invalid: {problem}. Nothing was changed."


def scheduled_messages_unsupported(feature_level: int) -> str:
    return (
        f"This Zulip server (API feature level {feature_level}) cannot schedule messages "
        "(level 179, Zulip 7.0, is needed), so prompts are sent directly until it is upgraded."
    )


def paused(standup: Standup, until: dt.date | None) -> str:
    if until is None:
        return f"**{standup.name}** is paused until you say `resume`."
    return f"**{standup.name}** is paused; it runs again from {until:%A %d %B %Y}."


def resumed(standup: Standup) -> str:
    return f"**{standup.name}** runs again on its schedule."


def delete_confirm(standup: Standup) -> str:
    return (
        f"Deleting **{standup.name}** removes its schedule, every answer and every report record. "
        f"This cannot be undone. To go ahead, send `delete {standup.name} confirm`."
    )


def deleted(name: str) -> str:
    return f"Standup **{name}** and all its answers are deleted."


# -- participants ------------------------------------------------------------------
def participants_list(standup: Standup, people: Sequence[tuple[str, int]]) -> str:
    listed = "\n".join(f"- {silent_mention(n, u)}" for n, u in people)
    noun = "participant" if len(people) == 1 else "participants"
    return f"**{standup.name}** has {len(people)} {noun}:\n{listed or '- nobody'}"


def participants_changed(standup: Standup, added: Sequence[str], removed: Sequence[str]) -> str:
    parts = []
    if added:
        parts.append(f"added {_names(added)}")
    if removed:
        parts.append(f"removed {_names(removed)}")
    return f"**{standup.name}**: " + ("; ".join(parts) if parts else "no change") + "."


def unknown_user(reference: str, command: str | None = None) -> str:
    """``command`` (e.g. ``participants add``) is the form the mention is used in."""
    example = f"{command} @**Ann Lee**" if command else "@**Ann Lee**"
    return (
        f"I can't find an active person called {plain_name(reference)}. "
        f"Use a mention from the autocomplete, e.g. `{example}`."
    )


def ambiguous_user(reference: str) -> str:
    return (
        f"Several people are called {plain_name(reference)}; pick one from the mention "
        "autocomplete so it includes their id, e.g. `@**Ann Lee|42**`."
    )


# -- personal ------------------------------------------------------------------
def my_data(
    person_name: str,
    zone: str,
    override: str | None,
    region: str | None,
    time_off: Sequence[tuple[dt.date, dt.date]],
    standups: Sequence[str],
    answers: int,
) -> str:
    periods = ", ".join(f"{s}..{e}" for s, e in time_off) or "none"
    return "\n".join(
        [
            f"This is everything I store about you, {plain_name(person_name)}:",
            "- your Zulip user id and display name",
            f"- time zone: {zone}" + (f" (your setting: {override})" if override else ""),
            f"- personal holiday region: {region or 'none'}",
            f"- time off: {periods}",
            f"- standups you take part in: {', '.join(standups) or 'none'}",
            f"- answers stored: {answers}",
            "`forget me` deletes all of it; `export csv` gives you your answers.",
        ]
    )


def forget_confirm() -> str:
    return (
        "This deletes your answers, settings and time off in every standup, and your "
        "dashboard sessions and API tokens, for good. "
        "Reports already posted in channels stay there: I do not delete Zulip messages. "
        "Send `forget me confirm` to go ahead."
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def forgotten(counts: dict[str, int]) -> str:
    answers, jobs = counts.get("answers", 0), counts.get("jobs", 0)
    return (
        f"Done: I deleted {_count(answers, 'answer')}, {_count(jobs, 'prompt and reminder job')}, "
        "your time zone, holidays, time off and conversations, "
        f"{_count(counts.get('api_tokens', 0), 'API token')} and your dashboard sessions, "
        "removed you from every standup, and took your user id out of the audit log.\n"
        "I do not delete Zulip messages: the reports already posted in channels and our direct "
        "messages stay. You can delete your own messages; for the reports I posted, ask an "
        "administrator of your organisation."
    )


def test_sent() -> str:
    return "I sent you a test prompt; it is not recorded as a real standup."


def test_prompt(standup: str, first_question: str) -> str:
    return (
        f"**Test of {standup}** (nothing you answer here is recorded)\n\n"
        f"This is how your prompt will look. The first question is:\n> {first_question}"
    )


def answer_started(name: str) -> str:
    return f"Starting **{name}** now."


def answer_nothing_open(name: str) -> str:
    return f"**{name}** has no run today or in the coming week to answer; `status` shows its days."


# -- central error path ------------------------------------------------------------------
def unknown_command(word: str, suggestion: str | None) -> str:
    # Inside a code span Markdown escapes show literally: only backticks need care.
    shown = " ".join(word.replace("`", "'").split())[:40]
    hint = f" Did you mean `{suggestion}`?" if suggestion else ""
    return f"I don't know the command `{shown}`.{hint} Send `help` for the list."


def answer_truncated(limit: int) -> str:
    return (
        f"Zulip cut that message off at {limit:,} characters, so I did not store it. "
        f"Please shorten it to at most {limit:,} characters and send it again."
    )


def slow_down(seconds: int) -> str:
    return f"You're sending commands faster than I can take them; please wait {seconds} s."


def message_not_recorded(incident: str) -> str:
    """A message given up on: say plainly that it was not taken, and what to do."""
    return (
        f"Sorry, I could not handle your message because of a problem on my side "
        f"(incident `{incident}`), and it was **not** recorded. Please send it again; "
        "the operator can look the incident up."
    )


def message_delayed(incident: str) -> str:
    """A message waiting for a retry after a temporary failure (database or Zulip)."""
    return (
        f"I could not handle your message just now because of a temporary problem on my "
        f"side (incident `{incident}`). I kept it and will try it again by myself; "
        "you don't need to send it again."
    )


def feature_unavailable(what: str) -> str:
    return f"{what} is not available on this server."
