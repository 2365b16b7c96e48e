"""Channel reports: a person's message, edit updates, the digest, late updates, mention safety."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from zulip_standup.domain.reports.blockers import Blocker
from zulip_standup.domain.reports.report import (
    AnswerSet,
    DigestInput,
    Excused,
    ExcuseKind,
    PersonRef,
    blockers_from_answers,
    global_time,
    mention,
    render_digest,
    render_edit_update,
    render_late_update,
    render_person_report,
    sanitizer_for,
)
from zulip_standup.domain.standup import DEFAULT_QUESTIONS, MentionPolicy, Question

SILENT = sanitizer_for(MentionPolicy.SILENT)
DAY = dt.date(2026, 11, 30)
ALICE = PersonRef(11, "Alice Smith")
BOB = PersonRef(12, "Bob Builder")
CARL = PersonRef(13, "Carl")
DORA = PersonRef(14, "Dora")
EVE = PersonRef(15, "Eve")
FRED = PersonRef(16, "Fred")

# A mention Zulip would turn into a notification: personal/wildcard ``@**…**`` or group ``@*…*``.
NOTIFYING = re.compile(r"@\*\*|@\*(?!\*)")
WILDCARD = re.compile(r"@_?\*\*(all|everyone|channel|stream|topic)\*\*", re.IGNORECASE)


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def alice_answers(**changes: object) -> AnswerSet:
    values: dict[str, object] = {
        "participant": ALICE,
        "run_date": DAY,
        "answers": ("Shipped the login fix.", "Review PR 42.\nThen lunch.", "None"),
        "answered_at": utc("2026-11-30T08:30:00"),
        "timezone": "Europe/Berlin",
    }
    values.update(changes)
    return AnswerSet(**values)  # type: ignore[arg-type]


def test_person_report_word_for_word() -> None:
    """A finished answer set is one message: silent mention, local time, numbered headings."""
    assert render_person_report(alice_answers(), DEFAULT_QUESTIONS, sanitize=SILENT) == [
        "@_**Alice Smith|11** · <time:2026-11-30T09:30:00+01:00>\n"
        "\n"
        "**1. What did you do since the last standup?**\n"
        "Shipped the login fix.\n"
        "\n"
        "**2. What will you do today?**\n"
        "Review PR 42.\n"
        "Then lunch.\n"
        "\n"
        "**3. Is anything blocking you?**\n"
        "None"
    ]


def test_person_report_flags_late_and_edited_and_empty_answers() -> None:
    """Late and edited answer sets say so in the header; an empty answer reads "(no answer)"."""
    answers = alice_answers(answers=("Done.", "  ", "None"), late=True, edited=True)
    [message] = render_person_report(answers, DEFAULT_QUESTIONS, sanitize=SILENT)
    header, _, rest = message.partition("\n")
    assert header == "@_**Alice Smith|11** · <time:2026-11-30T09:30:00+01:00> · ⏰ late · ✏️ edited"
    assert "**2. What will you do today?**\n*(no answer)*" in rest


def test_notify_policy_mentions_the_person_but_keeps_answers_safe() -> None:
    """Under the notify policy the author is mentioned for real; their answers still are not."""
    answers = alice_answers(answers=("Paired with @**Bob Builder|12**", "@**all** read this", "-"))
    notify = sanitizer_for(MentionPolicy.NOTIFY)
    [message] = render_person_report(
        answers, DEFAULT_QUESTIONS, sanitize=notify, policy=MentionPolicy.NOTIFY
    )
    assert message.startswith("@**Alice Smith|11** · ")
    assert not WILDCARD.search(message)


def test_answers_beyond_the_questions_get_a_generic_heading() -> None:
    """Answers stored for a question removed since still show, under "Question N"."""
    answers = alice_answers(answers=("a", "b", "c", "d"))
    [message] = render_person_report(answers, DEFAULT_QUESTIONS, sanitize=SILENT)
    assert message.endswith("**4. Question 4**\nd")


def test_global_time_uses_the_persons_zone_and_survives_a_bad_zone() -> None:
    """The time is shown at the person's own offset; an unknown zone falls back to UTC."""
    instant = utc("2026-07-01T07:05:09.123456")
    assert global_time(instant, "America/New_York") == "<time:2026-07-01T03:05:09-04:00>"
    assert global_time(instant, "Mars/Olympus") == "<time:2026-07-01T07:05:09+00:00>"


def test_edit_update_line() -> None:
    """An edit after the edit window becomes a short update naming the answer that changed."""
    assert render_edit_update(ALICE, 1, DEFAULT_QUESTIONS, "Now: deploy.", sanitize=SILENT) == [
        "✏️ @_**Alice Smith|11** updated answer 2 (*What will you do today?*):\nNow: deploy."
    ]


def small_digest(**changes: object) -> DigestInput:
    bob = AnswerSet(
        BOB, DAY, ("Tests.", "More tests.", "Waiting for VPN access"), utc("2026-11-30T09:00:00")
    )
    values: dict[str, object] = {
        "standup_name": "Team standup",
        "run_date": DAY,
        "questions": DEFAULT_QUESTIONS,
        "answered": (bob, alice_answers()),
        "excused": (
            Excused(CARL, ExcuseKind.HOLIDAY),
            Excused(DORA, ExcuseKind.SKIPPED, "dentist"),
            Excused(FRED, ExcuseKind.AWAY),
        ),
        "missing": (EVE,),
        "blockers": (
            Blocker(12, "Bob Builder", "Waiting for VPN access", DAY, 1),
            Blocker(13, "Carl", "Build server down", dt.date(2026, 11, 24), 4),
        ),
        "summary": "- Participation: 2 of 3 answered (67%).",
    }
    values.update(changes)
    return DigestInput(**values)  # type: ignore[arg-type]


def test_digest_word_for_word() -> None:
    """The digest: counts, blockers first (long-running ones called out), people, then summary."""
    assert render_digest(small_digest(), sanitize=SILENT) == [
        "📋 **Team standup · 2026-11-30**\n"
        "✅ 2 of 3 answered (67%) · 1 away · 1 on holiday · 1 skipped\n"
        "\n"
        "**🚧 Blockers (2)**\n"
        "- ⚠️ @_**Carl|13** (open 4 run days): Build server down\n"
        "- @_**Bob Builder|12**: Waiting for VPN access\n"
        "⚠️ 1 blocker(s) open for 3 run days or more.\n"
        "\n"
        "**Answered (2):** @_**Alice Smith|11**, @_**Bob Builder|12**\n"
        "**Away (1):** @_**Fred|16**\n"
        "**On holiday (1):** @_**Carl|13**\n"
        "**Skipped (1):** @_**Dora|14** (dentist)\n"
        "**Missing (1):** @_**Eve|15**\n"
        "\n"
        "**📊 Summary**\n"
        "- Participation: 2 of 3 answered (67%)."
    ]


def test_digest_counts_a_late_answer_when_re_rendered() -> None:
    """Re-rendering with a late answer moves the person from missing to answered and says "late"."""
    before = small_digest()
    late = AnswerSet(EVE, DAY, ("x", "y", "no"), utc("2026-11-30T13:10:00"), late=True)
    after = small_digest(answered=(*before.answered, late), missing=())
    first_line = render_digest(after, sanitize=SILENT)[0].split("\n")[1]
    assert first_line == "✅ 3 of 3 answered (100%) · 1 late · 1 away · 1 on holiday · 1 skipped"
    assert "Missing" not in render_digest(after, sanitize=SILENT)[0]


def test_people_never_asked_are_listed_apart_from_missing() -> None:
    """People whose prompt never went out are counted and listed as not asked, with the cause;
    they are not expected to have answered."""
    digest = small_digest(excused=(Excused(EVE, ExcuseKind.NOT_ASKED),), missing=())
    lines = render_digest(digest, sanitize=SILENT)[0].split("\n")
    assert lines[1] == "✅ 2 of 2 answered (100%) · 1 not asked"
    assert "**Not asked, the bot was unavailable (1):** @_**Eve|15**" in lines
    assert not any(line.startswith("**Missing") for line in lines)


def test_late_update_line() -> None:
    """Past the edit window a late answer gets an update line with the new count."""
    assert render_late_update(EVE, 3, 3) == (
        "➕ @_**Eve|15** answered after the digest: now 3 of 3 answered (100%)."
    )


def test_missing_people_are_notified_only_under_the_notify_policy() -> None:
    """Missing people are listed with silent mentions by default, real ones when asked."""
    silent = render_digest(small_digest(), sanitize=SILENT)[0]
    notify = render_digest(small_digest(), sanitize=SILENT, policy=MentionPolicy.NOTIFY)[0]
    assert "**Missing (1):** @_**Eve|15**" in silent
    assert "**Missing (1):** @**Eve|15**" in notify


def test_digest_style_includes_every_answer() -> None:
    """With ``include_answers`` (the digest-only style) all answers follow, in answering order."""
    [message] = render_digest(small_digest(include_answers=True), sanitize=SILENT)
    assert message.index("**📊 Summary**") < message.index("**Answers**")
    assert message.index("@_**Alice Smith|11** · <time:") < message.index("@_**Bob Builder|12** ·")
    assert "Review PR 42.\nThen lunch." in message


def test_blockers_from_answers_skip_none_like_answers() -> None:
    """Only real answers to the blocker question become today's blockers."""
    bob = AnswerSet(BOB, DAY, ("a", "b", "Waiting for VPN"), utc("2026-11-30T09:00:00"))
    assert blockers_from_answers([alice_answers(), bob], DEFAULT_QUESTIONS) == [
        Blocker(12, "Bob Builder", "Waiting for VPN", DAY, 1)
    ]
    no_blocker_question = (Question("Done?"), Question("Next?"))
    assert blockers_from_answers([bob], no_blocker_question) == []


HOSTILE = (
    "@**all** @**everyone** @**channel** @**stream** @**topic** @_**all** "
    "@*backend-team* @_*frontend* @**Bob Builder|12** @**Bob Builder**"
)


@pytest.mark.parametrize("policy", list(MentionPolicy))
def test_reports_with_hostile_answers_notify_nobody(policy: MentionPolicy) -> None:
    """Wildcards and groups never survive into any report; personal mentions only silent.

    Under the notify policy only the bot's own mentions of participants may notify.
    """
    hostile = alice_answers(answers=(HOSTILE, HOSTILE, HOSTILE))
    digest = small_digest(
        answered=(hostile,),
        excused=(Excused(DORA, ExcuseKind.SKIPPED, HOSTILE),),
        blockers=(Blocker(11, "Alice Smith", HOSTILE, DAY),),
        summary=HOSTILE,
        include_answers=True,
        missing=(),
    )
    content = "\n".join(
        render_person_report(hostile, DEFAULT_QUESTIONS, sanitize=SILENT, policy=policy)
        + render_edit_update(ALICE, 0, DEFAULT_QUESTIONS, HOSTILE, sanitize=SILENT, policy=policy)
        + render_digest(digest, sanitize=SILENT, policy=policy)
    )
    own = re.escape(mention(ALICE, policy))
    without_own = re.sub(own, "", content) if policy is MentionPolicy.NOTIFY else content
    assert not NOTIFYING.search(without_own)
    assert not WILDCARD.search(content)
    assert content.count("@_**Bob Builder|12**") >= 4


def test_names_that_look_like_markup_cannot_form_other_mentions() -> None:
    """A display name with mention syntax in it is shown as an id-only silent mention."""
    odd = PersonRef(99, "x** @**all")
    assert mention(odd) == "@_**|99**"
