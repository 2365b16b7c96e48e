"""How each ``config`` setting changes a standup's settings; pure, so every rule is unit-tested."""

from __future__ import annotations

from dataclasses import dataclass

from zulip_standup.domain.commands import config_settings as cs
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.limits import MAX_QUESTIONS
from zulip_standup.domain.scheduling.schedule import DeliveryMode, Frequency, format_weekdays
from zulip_standup.domain.standup import (
    DEFAULT_QUESTIONS,
    MentionPolicy,
    Question,
    ReportStyle,
    StandupSettings,
)


@dataclass(frozen=True)
class Change:
    """The new settings, a human description of the change, and whether jobs must be re-planned."""

    settings: StandupSettings
    description: str
    replan: bool


def _hhmm(value: object) -> str:
    return value.strftime("%H:%M")  # type: ignore[attr-defined, no-any-return]


def _questions_change(
    settings: StandupSettings, questions: tuple[Question, ...], description: str
) -> Change:
    if not questions:
        msg = (
            "a standup needs at least one question; `config questions reset` restores the defaults"
        )
        raise UserFacingError(msg)
    if len(questions) > MAX_QUESTIONS:
        msg = (
            f"that would make {len(questions)} questions; a standup has at most {MAX_QUESTIONS}. "
            "Remove one first with `config questions remove N`."
        )
        raise UserFacingError(msg)
    return Change(settings.with_changes(questions=questions), description, replan=False)


def _number(number: int, questions: tuple[Question, ...]) -> int:
    if not 1 <= number <= len(questions):
        msg = f"there is no question {number}; the questions are numbered 1 to {len(questions)}"
        raise UserFacingError(msg)
    return number - 1


def apply_setting(
    settings: StandupSettings, setting: cs.ConfigSetting, manager_ids: tuple[int, ...] = ()
) -> Change:
    """Apply one ``config`` setting; ``manager_ids`` are ChangeManagers' users, resolved."""
    q = settings.questions
    match setting:
        case cs.SetPrompt(time=time):
            return Change(
                settings.with_changes(prompt_time=_hhmm(time)), f"prompt at {_hhmm(time)}", True
            )
        case cs.SetReminders(times=times):
            shown = ", ".join(_hhmm(t) for t in times) or "none"
            return Change(
                settings.with_changes(reminder_times=tuple(_hhmm(t) for t in times)),
                f"reminders at {shown}",
                True,
            )
        case cs.SetCutoff(time=time):
            return Change(
                settings.with_changes(cutoff_time=_hhmm(time)), f"report at {_hhmm(time)}", True
            )
        case cs.SetDays(days=days):
            return Change(
                settings.with_changes(weekdays=days), f"days {format_weekdays(days)}", True
            )
        case cs.SetFrequency(
            kind=kind, interval_weeks=n, anchor_date=anchor, monthly_ordinal=o, monthly_weekday=w
        ):
            if kind == "monthly":
                assert w is not None
                changed = settings.with_changes(
                    frequency=Frequency.MONTHLY, monthly_ordinal=o, weekdays=frozenset({w})
                )
                return Change(changed, "frequency monthly", True)
            frequency = Frequency.WEEKLY if kind == "weekly" else Frequency.DAILY
            changed = settings.with_changes(
                frequency=frequency, interval_weeks=n, anchor_date=anchor, monthly_ordinal=None
            )
            label = f"every {n} weeks" if n > 1 else kind
            return Change(changed, f"frequency {label}", True)
        case cs.SetTeamZone(zone=zone):
            return Change(settings.with_changes(team_timezone=zone), f"team time zone {zone}", True)
        case cs.SetMode(mode=mode):
            return Change(
                settings.with_changes(delivery_mode=DeliveryMode(mode)),
                f"delivery mode {mode}",
                True,
            )
        case cs.SetTeamHolidays(region=region):
            code = region.code if region is not None else None
            return Change(
                settings.with_changes(holiday_country=code), f"holidays {code or 'none'}", True
            )
        case cs.SkipDate(date=day):
            return Change(
                settings.with_changes(skip_dates=settings.skip_dates | {day}),
                f"no run on {day}",
                True,
            )
        case cs.UnskipDate(date=day):
            if day not in settings.skip_dates:
                msg = f"{day} is not a skipped date; `status` lists the settings"
                raise UserFacingError(msg)
            return Change(
                settings.with_changes(skip_dates=settings.skip_dates - {day}),
                f"runs again on {day}",
                True,
            )
        case cs.SetAwayStatus(enabled=enabled):
            return Change(
                settings.with_changes(honour_away=enabled),
                f"Zulip away status {'honoured' if enabled else 'ignored'}",
                True,
            )
        case cs.SetQuestions(questions=texts):
            blocker = settings.blocker_index
            new = tuple(
                Question(t, blocker=blocker == i and i < len(texts)) for i, t in enumerate(texts)
            )
            return _questions_change(settings, new, f"{len(new)} questions set")
        case cs.AddQuestion(text=text):
            return _questions_change(settings, (*q, Question(text)), f"question {len(q) + 1} added")
        case cs.RemoveQuestion(number=number):
            index = _number(number, q)
            return _questions_change(
                settings, q[:index] + q[index + 1 :], f"question {number} removed"
            )
        case cs.MoveQuestion(number=number, to_number=to_number):
            index = _number(number, q)
            target = _number(to_number, q)
            items = list(q)
            items.insert(target, items.pop(index))
            return _questions_change(
                settings, tuple(items), f"question {number} is now {to_number}"
            )
        case cs.ResetQuestions():
            return _questions_change(settings, DEFAULT_QUESTIONS, "default questions restored")
        case cs.SetBlockerQuestion(number=number):
            if number is None:
                new = tuple(Question(x.text) for x in q)
                return _questions_change(settings, new, "no blocker question")
            index = _number(number, q)
            new = tuple(Question(x.text, blocker=i == index) for i, x in enumerate(q))
            return _questions_change(settings, new, f"question {number} collects blockers")
        case cs.SetTopic(template=template):
            return Change(
                settings.with_changes(topic_template=template), f"topic `{template}`", False
            )
        case cs.SetStyle(style=style):
            return Change(
                settings.with_changes(report_style=ReportStyle(style)),
                f"report style {style}",
                False,
            )
        case cs.SetMentions(policy=policy):
            return Change(
                settings.with_changes(mention_policy=MentionPolicy(policy)),
                f"mentions {policy}",
                False,
            )
        case cs.SetAi(enabled=enabled):
            return Change(
                settings.with_changes(ai_summary=enabled),
                f"AI summary {'on' if enabled else 'off'}",
                False,
            )
        case cs.SetRollup(enabled=enabled):
            return Change(
                settings.with_changes(weekly_rollup=enabled),
                f"weekly roll-up {'on' if enabled else 'off'}",
                False,
            )
        case cs.ChangeManagers(action=action):
            if action == "add":
                managers = settings.managers | set(manager_ids)
            else:
                managers = settings.managers - set(manager_ids)
            verb = "added to" if action == "add" else "removed from"
            return Change(
                settings.with_changes(managers=frozenset(managers)),
                f"{len(manager_ids)} {verb} the managers",
                False,
            )
        case cs.SetSync(enabled=enabled):
            return Change(
                settings.with_changes(auto_sync=enabled),
                "participants kept in sync with the channel"
                if enabled
                else "participants no longer synced from the channel",
                False,
            )
        case cs.SetScheduledMessages(enabled=enabled):
            return Change(
                settings.with_changes(use_scheduled_messages=enabled),
                "prompts handed to Zulip as scheduled messages"
                if enabled
                else "prompts sent directly",
                True,
            )
    msg = "that setting is not supported"  # pragma: no cover - the match is exhaustive
    raise UserFacingError(msg)
