"""Posting to the channel: each person's answers in the run's topic, edits, and the cutoff digest.

Edits happen in place while the realm's edit window allows (read from the
register response); after it a short update is posted instead. Long content
is split by the renderers, never truncated by Zulip.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from zulip_standup.domain.limits import BLOCKER_LOOKBACK_DAYS
from zulip_standup.domain.records import AnswerRecord, ConversationRecord, RunRecord
from zulip_standup.domain.reports.attendance import Standing
from zulip_standup.domain.reports.blockers import Blocker, aged
from zulip_standup.domain.reports.blockers import open_blockers as find_open_blockers
from zulip_standup.domain.reports.report import (
    AnswerSet,
    DigestInput,
    Excused,
    ExcuseKind,
    PersonRef,
    render_digest,
    render_edit_update,
    render_late_update,
    render_person_report,
    sanitizer_for,
)
from zulip_standup.domain.reports.summary import SummaryDay
from zulip_standup.domain.reports.topic import run_topic
from zulip_standup.domain.scheduling.schedule import run_dates
from zulip_standup.domain.standup import ReportStyle, Standup
from zulip_standup.ports import ChatRefused
from zulip_standup.services.attendance import day_of_run
from zulip_standup.services.people import own_zone, zones_in
from zulip_standup.services.runtime import Runtime
from zulip_standup.services.webhook_events import answers_reported

log = logging.getLogger(__name__)

EDIT_SAFETY_S = 30  # do not start an edit this close to the end of the window


@dataclass(frozen=True)
class RunPicture:
    """Who answered what in one run, and who did not and why."""

    answered: tuple[AnswerSet, ...]
    excused: tuple[Excused, ...]
    missing: tuple[PersonRef, ...]


async def open_blockers(rt: Runtime, standup: Standup, today: dt.date) -> list[Blocker]:
    """The standup's open blockers on ``today`` (the rule is ``domain.blockers.open_blockers``),
    as the digest, ``blockers``, ``stats`` and the weekly roll-up show them."""
    index = standup.settings.blocker_index
    if index is None:
        return []
    start = today - dt.timedelta(days=BLOCKER_LOOKBACK_DAYS)
    rows = await rt.db(rt.runs.answers_in_range, standup.id, start, today)
    latest = find_open_blockers(
        (run_date, answer.user_id, answer.text)
        for run_date, answer in rows
        if answer.question_index == index
    )
    dates = run_dates(standup.settings.to_schedule(standup.id), start, today + dt.timedelta(days=1))
    return [
        aged(Blocker(user_id, rt.directory.name_of(user_id), text, since), today, dates)
        for user_id, (since, text) in sorted(latest.items())
    ]


class Reporter:
    """Writes a standup's reports into its channel."""

    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime

    # -- helpers ------------------------------------------------------------
    def topic(self, standup: Standup, run: RunRecord) -> str:
        return run_topic(standup.settings, run.run_date, self.rt.server.max_topic_length)

    def _can_edit(self, posted_at: dt.datetime | None) -> bool:
        limit = self.rt.server.edit_limit_seconds
        if posted_at is None:
            return False
        if limit is None or limit == 0:
            return True  # no limit configured on the realm
        return (self.rt.now() - posted_at).total_seconds() < limit - EDIT_SAFETY_S

    async def _answer_set(
        self,
        standup: Standup,
        run: RunRecord,
        conversation: ConversationRecord,
        answers: Sequence[AnswerRecord],
        zone: ZoneInfo | None = None,
    ) -> AnswerSet:
        by_index = {a.question_index: a for a in answers}
        count = len(standup.settings.questions)
        name = self.rt.directory.name_of(conversation.user_id)
        if zone is None:
            team = standup.settings.to_schedule(standup.id).zone
            zone = await own_zone(self.rt, conversation.user_id, team)
        return AnswerSet(
            participant=PersonRef(conversation.user_id, name),
            run_date=run.run_date,
            answers=tuple(by_index[i].text if i in by_index else "" for i in range(count)),
            answered_at=conversation.completed_at or self.rt.now(),
            timezone=zone.key,
            late=conversation.late,
            edited=any(a.edited for a in answers),
        )

    async def picture(self, standup: Standup, run: RunRecord) -> RunPicture:
        """Who answered, who is excused (and why), who was never asked, who is missing."""
        rt = self.rt
        all_answers = await rt.db(rt.runs.answers_of, run.id)
        records = {c.user_id: c for c in await rt.db(rt.runs.conversations_of_run, run.id)}
        zones = await zones_in(rt, standup, run.run_date)
        answered: list[AnswerSet] = []
        excused: list[Excused] = []
        missing: list[PersonRef] = []
        for day in await day_of_run(rt, standup, run):
            place, conversation = day.standing, records.get(day.user_id)
            if place.answered and conversation is not None:
                # People who answered and then left the standup still count for the day.
                mine = [a for a in all_answers if a.user_id == day.user_id]
                zone = zones.get(day.user_id)
                answered.append(await self._answer_set(standup, run, conversation, mine, zone))
            elif not day.member:
                continue
            elif place in {Standing.WAITING, Standing.MISSED}:
                missing.append(PersonRef(day.user_id, day.name))
            else:
                excused.append(Excused(PersonRef(day.user_id, day.name), ExcuseKind(place.value)))
        answered.sort(key=lambda a: a.answered_at)
        return RunPicture(tuple(answered), tuple(excused), tuple(missing))

    # -- a person's report ----------------------------------------------------
    async def person_finished(
        self,
        standup: Standup,
        run: RunRecord,
        user_id: int,
        update: bool,
        changed: Sequence[int] = (),
    ) -> None:
        """Webhook events first; post (or update) one person's answers; keep a digest right."""
        rt = self.rt
        await answers_reported(rt, standup, run, user_id, update, changed)
        style = standup.settings.report_style
        fresh = await rt.db(rt.runs.get_run, run.id)
        run = fresh if fresh is not None else run
        conversation = await rt.db(rt.runs.conversation, run.id, user_id)
        if conversation is None:
            return
        if style is not ReportStyle.DIGEST:
            await self._post_person(standup, run, conversation, update, changed)
        if run.digest_posted_at is None or style is ReportStyle.LIVE or not run.digest_message_ids:
            return  # no digest to keep right (none yet, or the style has none)
        if not update:
            await self._digest_late_answer(standup, run, conversation)
        elif style is ReportStyle.DIGEST:
            await self._digest_answer_edited(standup, run, conversation, changed)
        elif standup.settings.blocker_index in changed and self._can_edit(run.digest_posted_at):
            # The digest gathers blockers: keep its list right while it can be edited.
            parts = await self._render_digest(standup, run)
            if await self._edit_in_place(run.digest_message_ids, parts):
                log.info("digest_edited", extra={"standup_id": standup.id})

    async def repost_missing(self, standup: Standup, run: RunRecord, user_id: int) -> None:
        """After a crash: its event (same id), and a finished person's report unless posted."""
        await answers_reported(self.rt, standup, run, user_id, False, ())
        if standup.settings.report_style is ReportStyle.DIGEST:
            return
        conversation = await self.rt.db(self.rt.runs.conversation, run.id, user_id)
        if conversation is not None and conversation.report_posted_at is None:
            await self._post_person(standup, run, conversation, False, (), reconcile=True)

    async def _post_person(
        self,
        standup: Standup,
        run: RunRecord,
        conversation: ConversationRecord,
        update: bool,
        changed: Sequence[int],
        *,
        reconcile: bool = False,
    ) -> None:
        rt = self.rt
        policy = standup.settings.mention_policy
        sanitize = sanitizer_for(policy)
        answers = await rt.db(rt.runs.answers_of, run.id, conversation.user_id)
        answer_set = await self._answer_set(standup, run, conversation, answers)
        parts = render_person_report(
            answer_set,
            standup.settings.questions,
            sanitize=sanitize,
            policy=policy,
            limit=rt.server.max_message_length,
        )
        topic = self.topic(standup, run)
        existing = conversation.report_message_ids
        if update and existing:
            if self._can_edit(conversation.report_posted_at) and await self._edit_in_place(
                existing, parts
            ):
                log.info(
                    "report_edited",
                    extra={"standup_id": standup.id, "user_id": conversation.user_id},
                )
                return
            await self._post_edit_updates(standup, topic, answer_set, changed)
            log.info(
                "report_update_posted",
                extra={"standup_id": standup.id, "user_id": conversation.user_id},
            )
            return
        ids = []
        for content in parts:
            found = None
            if reconcile:
                found = await rt.chat.find_sent_in_topic(standup.stream_id, topic, content)
            if found is None:
                found = await rt.chat.send_stream(standup.stream_id, topic, content)
            ids.append(found)
        await rt.db(
            rt.runs.save_conversation,
            conversation.id,
            rt.now(),
            report_message_ids=ids,
            report_posted_at=rt.now(),
        )
        log.info("report_posted", extra={"standup_id": standup.id, "user_id": conversation.user_id})

    async def _edit_in_place(self, message_ids: Sequence[int], parts: Sequence[str]) -> bool:
        """Edit posted messages to ``parts``; False when that cannot be done in place.

        It cannot when the content now needs a different number of messages,
        or when Zulip refuses the edit (its window closed first by its clock,
        or the realm turned editing off): the caller then posts an update.
        """
        if len(parts) != len(message_ids):
            return False
        try:
            for message_id, content in zip(message_ids, parts, strict=True):
                await self.rt.chat.edit_message(message_id, content)
        except ChatRefused as exc:
            if self.rt.is_transient(exc):
                raise
            log.warning("edit_refused", extra={"status": exc.status, "code": exc.code})
            return False
        return True

    async def _post_edit_updates(
        self, standup: Standup, topic: str, answer_set: AnswerSet, changed: Sequence[int]
    ) -> None:
        """One short update message per changed answer, under the report."""
        policy = standup.settings.mention_policy
        questions = standup.settings.questions
        for index in changed or range(len(questions)):
            if index >= len(answer_set.answers):
                continue
            for content in render_edit_update(
                answer_set.participant,
                index,
                questions,
                answer_set.answers[index],
                sanitize=sanitizer_for(policy),
                policy=policy,
                limit=self.rt.server.max_message_length,
            ):
                await self.rt.chat.send_stream(standup.stream_id, topic, content)

    # -- the digest -------------------------------------------------------------
    async def open_blockers(self, standup: Standup, today: dt.date) -> list[Blocker]:
        """Each person's latest real blocker, if they have not answered "none" since."""
        return await open_blockers(self.rt, standup, today)

    async def digest(self, standup: Standup, run_date: dt.date, *, attempt: int = 1) -> None:
        """Post the cutoff digest once (styles living and digest); later calls do nothing."""
        rt = self.rt
        run = await rt.db(rt.runs.run_for, standup.id, run_date, rt.now())
        if run.digest_posted_at is not None or standup.settings.report_style is ReportStyle.LIVE:
            if run.digest_posted_at is None:
                await rt.db(rt.runs.update_run, run.id, digest_posted_at=rt.now())
            return
        parts = await self._render_digest(standup, run)
        topic = self.topic(standup, run)
        ids: list[int] = []
        for content in parts:
            found = None
            if attempt > 1:
                found = await rt.chat.find_sent_in_topic(standup.stream_id, topic, content)
            ids.append(
                found
                if found is not None
                else await rt.chat.send_stream(standup.stream_id, topic, content)
            )
        await rt.db(
            rt.runs.update_run,
            run.id,
            digest_message_ids=ids,
            digest_posted_at=rt.now(),
            topic=topic,
        )
        log.info("digest_posted", extra={"standup_id": standup.id, "run_date": str(run_date)})

    async def _render_digest(self, standup: Standup, run: RunRecord) -> list[str]:
        rt = self.rt
        policy = standup.settings.mention_policy
        sanitize = sanitizer_for(policy)
        picture = await self.picture(standup, run)
        blockers = await self.open_blockers(standup, run.run_date)
        day = SummaryDay(
            standup_name=standup.name,
            run_date=run.run_date,
            questions=standup.settings.questions,
            answer_sets=picture.answered,
            expected=len(picture.answered) + len(picture.missing),
            blocker_count=len(blockers),
            known_people=rt.directory.known_people(),
        )
        summary = await self.rt.summariser.summarise(
            day, use_ai=standup.settings.ai_summary, sanitize=sanitize, policy=policy
        )
        digest = DigestInput(
            standup_name=standup.name,
            run_date=run.run_date,
            questions=standup.settings.questions,
            answered=picture.answered,
            excused=picture.excused,
            missing=picture.missing,
            blockers=tuple(blockers),
            summary=summary.text,
            summary_is_ai=summary.source == "ai",
            include_answers=standup.settings.report_style is ReportStyle.DIGEST,
        )
        return render_digest(
            digest, sanitize=sanitize, policy=policy, limit=rt.server.max_message_length
        )

    async def _digest_late_answer(
        self, standup: Standup, run: RunRecord, conversation: ConversationRecord
    ) -> None:
        """A late answer after the digest: edit the digest while allowed, else post under it.

        In the ``digest`` style the digest is the only place answers appear, so
        when it cannot be edited the late person's answers are posted too.
        """
        rt = self.rt
        parts = await self._render_digest(standup, run)
        topic = self.topic(standup, run)
        if self._can_edit(run.digest_posted_at) and await self._edit_in_place(
            run.digest_message_ids, parts
        ):
            log.info("digest_edited", extra={"standup_id": standup.id})
            return
        if standup.settings.report_style is ReportStyle.DIGEST:
            await self._post_person(standup, run, conversation, False, ())
        picture = await self.picture(standup, run)
        person = PersonRef(conversation.user_id, rt.directory.name_of(conversation.user_id))
        line = render_late_update(
            person,
            len(picture.answered),
            len(picture.answered) + len(picture.missing),
            standup.settings.mention_policy,
        )
        await rt.chat.send_stream(standup.stream_id, topic, line)
        log.info("digest_update_posted", extra={"standup_id": standup.id})

    async def _digest_answer_edited(
        self,
        standup: Standup,
        run: RunRecord,
        conversation: ConversationRecord,
        changed: Sequence[int],
    ) -> None:
        """``digest`` style: an answer changed after the digest; edit it, else post an update."""
        rt = self.rt
        parts = await self._render_digest(standup, run)
        if self._can_edit(run.digest_posted_at) and await self._edit_in_place(
            run.digest_message_ids, parts
        ):
            log.info("digest_edited", extra={"standup_id": standup.id})
            return
        if conversation.report_message_ids:
            # Posted on its own after the digest closed: that message is the one to keep right.
            await self._post_person(standup, run, conversation, True, changed)
            return
        answers = await rt.db(rt.runs.answers_of, run.id, conversation.user_id)
        answer_set = await self._answer_set(standup, run, conversation, answers)
        await self._post_edit_updates(standup, self.topic(standup, run), answer_set, changed)
        log.info("digest_update_posted", extra={"standup_id": standup.id})
