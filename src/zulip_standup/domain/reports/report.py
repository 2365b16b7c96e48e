"""Channel reports as Zulip Markdown: a person's answers, edit updates, the day's topic, the digest.

Everything here returns message *contents* (lists of strings, already split to
the server's length limit); posting, editing and deciding between an edit and
an update line is the reporting service's job. Text that people typed
(answers, skip reasons, blocker texts, summaries, question wording, names) is
passed through the ``sanitize`` callable the caller supplies, so a report can
never carry a wildcard or group mention; mentions the bot writes itself are
built here, silent unless the standup's mention policy says to notify.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from zulip_standup.domain.limits import MAX_MESSAGE_CHARS
from zulip_standup.domain.reports import sanitize as sanitizing
from zulip_standup.domain.reports import texts
from zulip_standup.domain.reports.blockers import (
    DEFAULT_CALLOUT_RUN_DAYS,
    Blocker,
    blocker_from_answer,
    needs_callout,
    sorted_for_report,
)
from zulip_standup.domain.reports.split import Block, Group, pack
from zulip_standup.domain.scheduling.zones import valid_zone
from zulip_standup.domain.standup import MentionPolicy, Question

Sanitizer = Callable[[str], str]


@dataclass(frozen=True)
class PersonRef:
    """A person as reports name them."""

    user_id: int
    name: str


@dataclass(frozen=True)
class AnswerSet:
    """One person's answers for one run, aligned with the standup's questions."""

    participant: PersonRef
    run_date: dt.date
    answers: tuple[str, ...]
    answered_at: dt.datetime
    timezone: str = "UTC"
    late: bool = False
    edited: bool = False


class ExcuseKind(StrEnum):
    """Why a participant is not expected to answer today (values match ``planning.Absence``)."""

    AWAY = "away"
    TIME_OFF = "time_off"
    HOLIDAY = "holiday"
    SKIPPED = "skipped"
    LATER = "later"  # their prompt time has not come yet (a zone behind the team's)
    NOT_ASKED = "not_asked"  # their prompt was due but never went out (the bot was down)


@dataclass(frozen=True)
class Excused:
    """A participant excused today, with the reason they gave (if any)."""

    participant: PersonRef
    kind: ExcuseKind
    reason: str = ""


@dataclass(frozen=True)
class DigestInput:
    """Everything the cutoff digest shows for one standup run."""

    standup_name: str
    run_date: dt.date
    questions: tuple[Question, ...]
    answered: tuple[AnswerSet, ...]
    excused: tuple[Excused, ...] = ()
    missing: tuple[PersonRef, ...] = ()
    blockers: tuple[Blocker, ...] = ()
    summary: str = ""
    summary_is_ai: bool = False
    include_answers: bool = False
    callout_run_days: int = DEFAULT_CALLOUT_RUN_DAYS

    @property
    def expected(self) -> int:
        """People who should have answered: those who did plus those still missing."""
        return len(self.answered) + len(self.missing)


def sanitizer_for(policy: MentionPolicy) -> Sanitizer:
    """The mention sanitiser matching a standup's mention policy."""
    return functools.partial(sanitizing.sanitize, notify=policy is MentionPolicy.NOTIFY)


def mention(person: PersonRef, policy: MentionPolicy = MentionPolicy.SILENT) -> str:
    """``@_**Name|id**`` (or ``@**Name|id**`` under the notify policy); odd names become ``|id``."""
    if policy is MentionPolicy.NOTIFY:
        return sanitizing.mention(person.name, person.user_id)
    return sanitizing.silent_mention(person.name, person.user_id)


def global_time(instant: dt.datetime, zone: str) -> str:
    """Zulip global time syntax at the person's UTC offset, e.g. ``<time:…T09:30:00+01:00>``."""
    local = instant.astimezone(valid_zone(zone) or dt.UTC).replace(microsecond=0)
    return f"<time:{local.isoformat()}>"


def _question_text(questions: Sequence[Question], index: int) -> str:
    return questions[index].text if index < len(questions) else f"Question {index + 1}"


def _answer_block(
    questions: Sequence[Question], index: int, answer: str, sanitize: Sanitizer
) -> Block:
    question = sanitize(_question_text(questions, index))
    heading = texts.QUESTION_HEADING.format(number=index + 1, question=question)
    body = sanitize(answer.strip()) if answer.strip() else texts.NO_ANSWER
    marker = texts.ANSWER_CONTINUED.format(number=index + 1, question=question)
    return Block(f"{heading}\n{body}", continued=marker)


def _person_group(
    answer_set: AnswerSet,
    questions: Sequence[Question],
    sanitize: Sanitizer,
    policy: MentionPolicy,
) -> Group:
    who = mention(answer_set.participant, policy)
    header = texts.PERSON_HEADER.format(
        mention=who, time=global_time(answer_set.answered_at, answer_set.timezone)
    )
    header += texts.LATE_FLAG if answer_set.late else ""
    header += texts.EDITED_FLAG if answer_set.edited else ""
    count = max(len(questions), len(answer_set.answers))
    answers = [
        _answer_block(
            questions,
            i,
            answer_set.answers[i] if i < len(answer_set.answers) else "",
            sanitize,
        )
        for i in range(count)
    ]
    continued = texts.PERSON_CONTINUED.format(mention=mention(answer_set.participant))
    return Group((Block(header), *answers), continued=continued)


def render_person_report(
    answer_set: AnswerSet,
    questions: Sequence[Question],
    *,
    sanitize: Sanitizer,
    policy: MentionPolicy = MentionPolicy.SILENT,
    limit: int = MAX_MESSAGE_CHARS,
) -> list[str]:
    """A person's finished answers as one channel message (several only if it exceeds ``limit``)."""
    return pack([_person_group(answer_set, questions, sanitize, policy)], limit)


def render_edit_update(
    person: PersonRef,
    question_index: int,
    questions: Sequence[Question],
    new_answer: str,
    *,
    sanitize: Sanitizer,
    policy: MentionPolicy = MentionPolicy.SILENT,
    limit: int = MAX_MESSAGE_CHARS,
) -> list[str]:
    """The short follow-up posted when an answer changes after the edit window closed."""
    line = texts.EDIT_UPDATE.format(
        mention=mention(person, policy),
        number=question_index + 1,
        question=sanitize(_question_text(questions, question_index)),
    )
    body = sanitize(new_answer.strip()) if new_answer.strip() else texts.NO_ANSWER
    return pack([Group((Block(f"{line}\n{body}"),))], limit)


def blockers_from_answers(
    answer_sets: Iterable[AnswerSet], questions: Sequence[Question]
) -> list[Blocker]:
    """Today's real blockers: answers to the blocker question that are not "none"-like."""
    index = next((i for i, q in enumerate(questions) if q.blocker), None)
    if index is None:
        return []
    found = []
    for answer_set in answer_sets:
        if index < len(answer_set.answers):
            person = answer_set.participant
            blocker = blocker_from_answer(
                person.user_id, person.name, answer_set.answers[index], answer_set.run_date
            )
            if blocker is not None:
                found.append(blocker)
    return found


def _people(persons: Iterable[str]) -> str:
    listed = ", ".join(persons)
    return listed or texts.DIGEST_NOBODY


def _counts_line(digest: DigestInput) -> str:
    line = texts.DIGEST_COUNTS.format(
        answered=len(digest.answered),
        expected=digest.expected,
        rate=texts.percent(len(digest.answered), digest.expected),
    )
    late = sum(1 for a in digest.answered if a.late)
    if late:
        line += texts.DIGEST_LATE_COUNT.format(late=late)
    for kind, label in _EXCUSE_LABELS:
        count = sum(1 for a in digest.excused if a.kind is kind)
        if count:
            line += texts.DIGEST_ABSENT_COUNT.format(count=count, label=label)
    return line


_EXCUSE_LABELS = (
    (ExcuseKind.AWAY, texts.ABSENT_AWAY),
    (ExcuseKind.TIME_OFF, texts.ABSENT_TIME_OFF),
    (ExcuseKind.HOLIDAY, texts.ABSENT_HOLIDAY),
    (ExcuseKind.SKIPPED, texts.ABSENT_SKIPPED),
    (ExcuseKind.LATER, texts.ABSENT_LATER),
    (ExcuseKind.NOT_ASKED, texts.ABSENT_NOT_ASKED),
)
_EXCUSE_HEADINGS = (
    (ExcuseKind.AWAY, texts.DIGEST_AWAY),
    (ExcuseKind.TIME_OFF, texts.DIGEST_TIME_OFF),
    (ExcuseKind.HOLIDAY, texts.DIGEST_HOLIDAY),
    (ExcuseKind.SKIPPED, texts.DIGEST_SKIPPED),
    (ExcuseKind.LATER, texts.DIGEST_LATER),
    (ExcuseKind.NOT_ASKED, texts.DIGEST_NOT_ASKED),
)


def _blocker_section(digest: DigestInput, sanitize: Sanitizer) -> str:
    if not digest.blockers:
        return ""
    threshold = digest.callout_run_days
    ordered = sorted_for_report(digest.blockers, threshold)
    lines = [texts.DIGEST_BLOCKERS.format(count=len(ordered))]
    for blocker in ordered:
        who = mention(PersonRef(blocker.owner_id, blocker.owner_name))
        text = " ".join(sanitize(blocker.text).split())
        template = texts.DIGEST_BLOCKER_LONG if needs_callout(blocker, threshold) else None
        lines.append(
            (template or texts.DIGEST_BLOCKER_LINE).format(
                mention=who, text=text, days=blocker.run_days_open
            )
        )
    long_running = sum(1 for b in ordered if needs_callout(b, threshold))
    if long_running:
        lines.append(texts.DIGEST_LONG_CALLOUT.format(count=long_running, threshold=threshold))
    return "\n".join(lines)


def _people_section(digest: DigestInput, sanitize: Sanitizer, policy: MentionPolicy) -> str:
    answered = sorted(digest.answered, key=lambda a: (a.answered_at, a.participant.user_id))
    lines = [
        texts.DIGEST_ANSWERED.format(
            count=len(answered), people=_people(mention(a.participant) for a in answered)
        )
    ]
    for kind, heading in _EXCUSE_HEADINGS:
        group = [a for a in digest.excused if a.kind is kind]
        if group:
            shown = (
                texts.DIGEST_PERSON_REASON.format(
                    mention=mention(a.participant),
                    reason=" ".join(sanitize(a.reason).split()),
                )
                if a.reason.strip()
                else mention(a.participant)
                for a in group
            )
            lines.append(heading.format(count=len(group), people=_people(shown)))
    if digest.missing:
        missing = (mention(p, policy) for p in digest.missing)
        lines.append(
            texts.DIGEST_MISSING.format(count=len(digest.missing), people=_people(missing))
        )
    return "\n".join(lines)


def render_digest(
    digest: DigestInput,
    *,
    sanitize: Sanitizer,
    policy: MentionPolicy = MentionPolicy.SILENT,
    limit: int = MAX_MESSAGE_CHARS,
) -> list[str]:
    """The cutoff digest: counts, blockers first, who did what, the summary, optionally all answers.

    Re-rendering with a late answer included gives the edited digest; the
    ``include_answers`` form is the whole report of the ``digest`` style.
    """
    title = texts.DIGEST_TITLE.format(
        name=sanitizing.plain_name(digest.standup_name), date=digest.run_date.isoformat()
    )
    groups = [Group((Block(f"{title}\n{_counts_line(digest)}"),))]
    blockers = _blocker_section(digest, sanitize)
    if blockers:
        groups.append(Group((Block(blockers),)))
    groups.append(Group((Block(_people_section(digest, sanitize, policy)),)))
    if digest.summary.strip():
        heading = texts.DIGEST_SUMMARY_AI if digest.summary_is_ai else texts.DIGEST_SUMMARY_PLAIN
        groups.append(Group((Block(f"{heading}\n{sanitize(digest.summary.strip())}"),)))
    if digest.include_answers and digest.answered:
        groups.append(Group((Block(texts.DIGEST_ANSWERS),)))
        ordered = sorted(digest.answered, key=lambda a: (a.answered_at, a.participant.user_id))
        groups.extend(_person_group(a, digest.questions, sanitize, policy) for a in ordered)
    return pack(groups, limit)


def render_late_update(
    person: PersonRef,
    answered: int,
    expected: int,
    policy: MentionPolicy = MentionPolicy.SILENT,
) -> str:
    """The line posted under the digest for a late answer once the digest cannot be edited."""
    return texts.DIGEST_LATE_UPDATE.format(
        mention=mention(person, policy),
        answered=answered,
        expected=expected,
        rate=texts.percent(answered, expected),
    )
