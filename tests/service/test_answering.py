"""A member's day on the twin: the prompt, each answer step, the reminder, the report and
the digest at the cutoff, editing an answer, `change` (issue 11, case 8), what counts as a
blocker (case 12) and answers that cannot change the report's layout (case 13).

The team's standup is set up in #team at 08:00 UTC on Monday 30 November 2026 with the
defaults: team zone UTC, mode local (prompt 09:30 and reminder 11:45 in each person's own
zone), report at 12:45 UTC. Ann and Lena are in Berlin, so their 09:30 is 08:30 UTC.
"""

from __future__ import annotations

import re

from service.harness import MONDAY, Team, utc
from zulip_standup.domain.conversation import texts
from zulip_standup.domain.reports import texts as report_texts
from zulip_standup.domain.standup import DEFAULT_QUESTIONS

Q = [q.text for q in DEFAULT_QUESTIONS]
TOPIC = "standup 2026-11-30"


def prompt() -> str:
    return texts.prompt_text(
        standup="standup", channel="team", day=MONDAY, first_question=Q[0], question_count=3
    )


def recap(answers: list[str]) -> str:
    return texts.recap_text(standup="standup", day=MONDAY, questions=Q, answers=answers)


async def ann_prompted(team: Team) -> None:
    await team.sets_up(team.lena)
    await team.at(utc(MONDAY, 8, 30))  # 09:30 in Berlin
    (asked,) = team.dms(team.ann)
    assert f"**Question 1 of 3:** {Q[0]}" in asked


async def test_a_prompt_at_the_persons_0930_then_one_question_at_a_time(team: Team) -> None:
    """Ann is asked at 09:30 Berlin, not a minute before; each answer brings the next question,
    the last one her recap, and her report goes to today's topic in #team."""
    await team.sets_up(team.lena)
    await team.at(utc(MONDAY, 8, 29))
    assert team.dms(team.ann) == []
    await team.at(utc(MONDAY, 8, 30))
    assert team.dms(team.ann) == [prompt()]

    assert await team.says(team.ann, "Reviewed the payments PR") == [
        texts.question_text(2, 3, Q[1])
    ]
    assert await team.says(team.ann, "Ship the 2.4 release") == [texts.question_text(3, 3, Q[2])]
    answers = ["Reviewed the payments PR", "Ship the 2.4 release", "none"]
    assert await team.says(team.ann, "none") == [recap(answers)]

    (report,) = team.channel(team.team_channel, TOPIC)
    assert report.content.startswith("@_**Ann Archer|11**")
    for text in answers[:2]:
        assert text in report.content
    assert team.transcript(team.ann) == [
        ("bot", prompt()),
        ("me", "Reviewed the payments PR"),
        ("bot", texts.question_text(2, 3, Q[1])),
        ("me", "Ship the 2.4 release"),
        ("bot", texts.question_text(3, 3, Q[2])),
        ("me", "none"),
        ("bot", recap(answers)),
    ]


async def test_the_reminder_repeats_the_open_question_and_spares_who_finished(team: Team) -> None:
    """At 11:45 Berlin Ann, stuck on question 2, is reminded of it; Lena, done, hears nothing."""
    await ann_prompted(team)
    await team.says(team.ann, "Reviewed the payments PR")
    await team.answers(team.lena, ["Planning", "Hiring", "none"])
    lena_before = team.dms(team.lena)

    await team.at(utc(MONDAY, 10, 45))  # 11:45 in Berlin
    assert team.dms(team.ann)[-1] == texts.reminder_text("standup", 2, 3, Q[1], channel="team")
    assert team.dms(team.lena) == lena_before


async def test_the_digest_at_the_cutoff_says_who_answered_who_is_missing_who_comes_later(
    team: Team,
) -> None:
    """At 12:45 UTC the digest lists Ann as answered, Noa (New York, 09:30 is still ahead) as
    later today, and the others as missing."""
    await ann_prompted(team)
    await team.answers(team.ann, ["Release notes", "Changelog", "none"])
    await team.at(utc(MONDAY, 12, 45))

    (digest,) = [m.content for m in team.channel(team.team_channel, TOPIC) if "📋" in m.content]
    assert "**Answered (1):** @_**Ann Archer|11**" in digest
    assert "**Later today, in their own time zone (1):** @_**Noa Novak|14**" in digest
    assert "**Missing (3):** @_**Ben Baker|12**, @_**Lena Lead|10**, @_**Ravi Rao|13**" in digest


async def test_editing_a_dm_answer_edits_the_report_in_place(team: Team) -> None:
    """Ann fixes a typo by editing her DM: a ✏️ on her message, the report edited, no new post."""
    await ann_prompted(team)
    await team.says(team.ann, "Reviewd the PR")
    typo = team.last_sent_by(team.ann)
    await team.says(team.ann, "Ship it")
    await team.says(team.ann, "none")
    (report,) = team.channel(team.team_channel, TOPIC)

    await team.edits(team.ann, typo, "Reviewed the PR")
    assert team.chat.messages[typo].reactions == ["pencil"]
    assert [m.id for m in team.channel(team.team_channel, TOPIC)] == [report.id]
    assert "Reviewed the PR" in report.content
    assert report.edits == 1


async def test_change_reacts_with_check_and_edits_the_report_in_place(team: Team) -> None:
    """Case 8: `change 2 …` five minutes after the report: Ann's command gets a ✅ reaction
    named `check` (Zulip's name for U+2705; the fake chat refuses names Zulip lacks) and the
    report is edited in place, as a DM edit does, with no separate update message."""
    await ann_prompted(team)
    await team.answers(team.ann, ["Shipped the export", "Review the tax rules", "none"])
    (report,) = team.channel(team.team_channel, TOPIC)

    await team.at(utc(MONDAY, 8, 35))
    assert await team.says(team.ann, "change 2 Review the tax rules with Ben") == []
    command = team.last_sent_by(team.ann)
    assert team.chat.messages[command].reactions == ["check"]
    assert [m.id for m in team.channel(team.team_channel, TOPIC)] == [report.id]
    assert "Review the tax rules with Ben" in report.content
    assert "Shipped the export" in report.content
    assert report.edits == 1


async def test_change_outside_the_edit_window_posts_an_update_like_a_dm_edit(team: Team) -> None:
    """Case 8: 49 minutes after the report Zulip would refuse the edit (10-minute window):
    the change goes out as an update message, the report stays as it was."""
    await ann_prompted(team)
    await team.answers(team.ann, ["Shipped the export", "Review the tax rules", "none"])
    (report,) = team.channel(team.team_channel, TOPIC)

    await team.at(utc(MONDAY, 9, 19))
    await team.says(team.ann, "change 2 Review the tax rules with Ben")
    assert team.chat.messages[team.last_sent_by(team.ann)].reactions == ["check"]
    first, update = team.channel(team.team_channel, TOPIC)
    assert first.id == report.id
    assert report.edits == 0
    assert "updated answer 2" in update.content
    assert "Review the tax rules with Ben" in update.content


def blocker_lines(digest: str) -> list[str]:
    lines = digest.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("**🚧 Blockers")), None)
    if start is None:
        return []
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


async def test_no_blockers_waiting_on_nothing_is_not_a_blocker(team: Team) -> None:
    """Case 12: of "No blockers, waiting on nothing", "Nothing blocking me, all good" and
    "waiting on Dave for review" only Ben's is a blocker: in the digest, in `blockers`, and
    in Ben's next prompt."""
    await team.sets_up(team.lena)
    assert (await team.asks(team.lena, "config timezone Europe/London")).startswith("Updated")
    await team.at(utc(MONDAY, 9, 30))  # 09:30 in London and 10:30 in Berlin: all three asked
    await team.answers(team.ann, ["Release notes", "Changelog", "No blockers, waiting on nothing"])
    await team.answers(team.ben, ["API pagination", "More", "waiting on Dave for review"])
    await team.answers(team.lena, ["Docs", "More docs", "Nothing blocking me, all good"])
    await team.at(utc(MONDAY, 12, 45))

    (digest,) = [m.content for m in team.channel(team.team_channel, TOPIC) if "📋" in m.content]
    assert blocker_lines(digest) == [
        report_texts.DIGEST_BLOCKERS.format(count=1),
        report_texts.DIGEST_BLOCKER_LINE.format(
            mention="@_**Ben Baker|12**", text="waiting on Dave for review"
        ),
    ]
    assert report_texts.SUMMARY_BLOCKERS.format(count=1) in digest
    (listed,) = await team.says(team.ann, "blockers")
    assert "**Open blockers** (1):" in listed
    assert "waiting on Dave for review" in listed
    assert "nothing" not in listed.casefold()

    await team.at(utc(MONDAY.replace(day=1, month=12), 9, 30))
    assert "Last time you were blocked by:" in team.dms(team.ben)[-1]
    assert "waiting on Dave for review" in team.dms(team.ben)[-1]
    assert "Last time you were blocked by:" not in team.dms(team.ann)[-1]


_FENCE = re.compile(r"^(`{3,}|~{3,})\s*([\w+\-.#]*)")


def code_lines(markdown: str) -> tuple[list[str], list[str]]:
    """(lines Zulip shows as code, fences left open at the end), read the way Zulip's
    fenced-code rule does: quote/spoiler fences nest, inside code nothing opens, a fence
    closes on a line that is the same fence."""
    stack: list[tuple[str, bool]] = []  # (fence, is code)
    inside: list[str] = []
    for line in markdown.splitlines():
        if stack and line.strip() == stack[-1][0]:
            stack.pop()
            continue
        opened = _FENCE.match(line)
        if opened and not (stack and stack[-1][1]):
            stack.append((opened.group(1), opened.group(2) not in {"quote", "spoiler"}))
            continue
        if stack and stack[-1][1]:
            inside.append(line)
    return inside, [fence for fence, _code in stack]


ANN_CODE = ["Fixed the parser:\n```python\ndef parse(text):\n    return text.split()", "More", "x"]
BEN = ["Paired on billing", "Billing migration", "Waiting for VPN access"]


async def test_an_unclosed_fence_stays_inside_its_answer_in_a_report(team: Team) -> None:
    """Case 13: Ann leaves a code fence open; her report shows her code as code and the
    next question and answer as text, and leaves no fence open."""
    await ann_prompted(team)
    for text in ANN_CODE:
        await team.says(team.ann, text)
    (report,) = team.channel(team.team_channel, TOPIC)
    inside, still_open = code_lines(report.content)
    assert "def parse(text):" in inside
    assert not any("What will you do today?" in line or "More" in line for line in inside)
    assert still_open == []


async def test_an_unclosed_fence_cannot_swallow_the_next_answer_in_a_digest(team: Team) -> None:
    """Case 13, digest style: Ben's answers, after Ann's open fence, are not code."""
    await team.sets_up(team.lena)
    assert (await team.asks(team.lena, "config timezone Europe/London")).startswith("Updated")
    assert (await team.asks(team.lena, "config style digest")).startswith("Updated")
    await team.at(utc(MONDAY, 9, 30))
    for text in ANN_CODE:
        await team.says(team.ann, text)
    await team.answers(team.ben, BEN)
    await team.at(utc(MONDAY, 12, 45))
    (digest,) = [m.content for m in team.channel(team.team_channel, TOPIC)]
    inside, still_open = code_lines(digest)
    assert "def parse(text):" in inside
    for text in BEN:
        assert text in digest
        assert not any(text in line for line in inside), f"{text!r} is shown as code"
    assert still_open == []
