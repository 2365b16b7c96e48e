"""Every text a person sees while answering a standup, kept together for consistent wording."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

# How to answer with text that reads like a command (see ``domain.commands.message_routing``).
MARK_HINT = "To answer with text that reads like a command, start it with `>` (e.g. `> help`)."
ANSWER_HINT = (
    "Reply with your answer, or answer everything at once as a numbered list. "
    f"Say `skip` to skip today. {MARK_HINT}"
)
NONE_ANSWER = "_(no answer)_"


def day_label(day: dt.date) -> str:
    """``Tuesday 14 Apr``: the date as prompts and recaps show it."""
    return f"{day:%A} {day.day} {day:%b}"


def quoted(text: str) -> str:
    """A Zulip quote block that survives any content, also one containing ``` fences."""
    fence = "````" if "```" in text else "```"
    while fence in text:
        fence += "`"
    return f"{fence}quote\n{text}\n{fence}"


def standup_label(standup: str, channel: str | None) -> str:
    """``**standup** in #**leads**``: which standup and where (names repeat across channels)."""
    return f"**{standup}** in #**{channel}**" if channel else f"**{standup}**"


def prompt_text(
    *,
    standup: str,
    day: dt.date,
    channel: str | None = None,
    first_question: str,
    question_count: int,
    since: str | None = None,
    planned: str | None = None,
    blocker: str | None = None,
) -> str:
    """The first message of a run: standup, date, "since …", last plan, open blocker,
    first question, hint.

    ``since`` is a phrase such as ``since Friday`` (from the schedule);
    ``planned`` is what the person said they would do at the previous run;
    ``blocker`` is the blocker they reported then, if it was a real one.
    """
    period = f", {since}" if since else ""
    lines = [f"Hi! Time for {standup_label(standup, channel)} on {day_label(day)}{period}."]
    if planned:
        lines.append(f"Last time you planned:\n{quoted(planned)}")
    if blocker:
        lines.append(
            f"Last time you were blocked by:\n{quoted(blocker)}\n"
            "Is it resolved? Say so when you reach the blocker question (`none` if it is)."
        )
    lines.append(question_text(1, question_count, first_question))
    lines.append(
        ANSWER_HINT if question_count > 1 else f"Reply with your answer, or `skip`. {MARK_HINT}"
    )
    return "\n\n".join(lines)


def question_text(number: int, total: int, question: str) -> str:
    """``**Question 2 of 3:** …``."""
    return f"**Question {number} of {total}:** {question}"


def recap_text(
    *, standup: str, day: dt.date, questions: Sequence[str], answers: Sequence[str | None]
) -> str:
    """The end of the flow: every question with the stored answer, and how to change one."""
    lines = [f"Thanks! Your **{standup}** answers for {day_label(day)}:"]
    for number, (question, answer) in enumerate(zip(questions, answers, strict=False), start=1):
        lines.append(f"**{number}. {question}**\n{answer if answer else NONE_ANSWER}")
    lines.append(
        "To fix one, edit your message, or send `change <number> <new answer>`. "
        "`restart` starts over."
    )
    return "\n\n".join(lines)


def skip_confirmation_text(standup: str, day: dt.date) -> str:
    """Reply to ``skip``."""
    return (
        f"OK, you are skipping **{standup}** on {day_label(day)}. "
        "Changed your mind? Say `restart` that day to answer after all."
    )


def late_notice_text(standup: str, *, report_out: bool = True) -> str:
    """Sent once when answers arrive after the cutoff.

    ``report_out`` is False while the digest is due but not posted yet (the bot
    was down or Zulip failed at the cutoff): the answers go into it when it does.
    """
    if not report_out:
        return (
            f"The **{standup}** report is due but has not gone out yet; your answers "
            "will be in it, marked as late."
        )
    return (
        f"The **{standup}** report has already gone out; your answers will be added "
        "and marked as late."
    )


def reminder_text(
    standup: str, number: int, total: int, question: str, *, channel: str | None = None
) -> str:
    """A reminder for someone who has not finished; repeats the current question."""
    return (
        f"Friendly reminder: {standup_label(standup, channel)} is waiting for you.\n\n"
        f"{question_text(number, total, question)}"
    )


def prompt_held_text(
    *, standup: str, channel: str, day: dt.date, busy_standup: str, busy_channel: str
) -> str:
    """Said instead of a prompt that arrives while the person is answering another standup:
    their replies keep going to the one they are answering; this one is asked after it."""
    return (
        f"{standup_label(standup, channel)} for {day_label(day)} is waiting: I'll ask it as "
        f"soon as you finish {standup_label(busy_standup, busy_channel)} (or `skip` it). "
        f"Until then your replies go to {standup_label(busy_standup, busy_channel)}."
    )


def back_to_text(standup: str, channel: str, number: int, total: int, question: str) -> str:
    """Re-asks the open question of a conversation that another standup interrupted."""
    return (
        f"Back to {standup_label(standup, channel)}: your replies go there now.\n\n"
        f"{question_text(number, total, question)}"
    )


def no_open_standup_text() -> str:
    """Added to the reply to a DM that is neither an answer nor a command."""
    return "You have no standup to answer right now; send `answer` to start one early."


def still_waiting_text(standup: str, number: int, total: int) -> str:
    """Added to a command's reply while a question is open: it still waits for its answer."""
    return (
        f"**{standup}** is still waiting for your answer to question {number} of {total}. "
        + MARK_HINT
    )


def answer_too_long_text(length: int, limit: int) -> str:
    """Reply to an answer over the limit: nothing was stored."""
    return (
        f"That answer is {length:,} characters long; the limit is {limit:,}. "
        "Please shorten it or split it, and send it again."
    )


def already_done_text(standup: str) -> str:
    """A new message after the flow has ended."""
    return (
        f"You have already answered **{standup}** today. "
        "Send `change <number> <new answer>` to fix an answer, or `restart` to start over."
    )


def already_skipped_text(standup: str) -> str:
    """A message after skipping."""
    return f"You are skipping **{standup}** today. Say `restart` if you want to answer after all."


def not_started_text(standup: str) -> str:
    """``back``/``change`` before the first question was asked."""
    return f"**{standup}** has not started for you yet. Send `answer` to start now."


def first_question_text() -> str:
    """``back`` on the first question."""
    return "This is already the first question."


def restart_text() -> str:
    """Reply to ``restart`` before the first question is asked again."""
    return "Starting over."


def bad_question_number_text(number: int, total: int) -> str:
    """``change`` with a number the run does not have."""
    return f"There is no question {number}; pick a number from 1 to {total}."


def cannot_skip_done_text(standup: str) -> str:
    """``skip`` after finishing."""
    return (
        f"You have already answered **{standup}** today, so there is nothing to skip. "
        "`change <number> <new answer>` fixes an answer."
    )


def edit_not_understood_text(total: int) -> str:
    """An edited all-at-once message that no longer holds one answer per question."""
    return (
        f"I could not find {total} answers in your edited message, so I kept the old ones. "
        f"Number them `1.` to `{total}.`, or use `change <number> <new answer>`."
    )


def late_prompt_text(standup: str) -> str:
    """Said before a prompt that goes out late because the bot was down at prompt time."""
    return f"Sorry, this **{standup}** prompt comes late: I was unavailable at the usual time."
