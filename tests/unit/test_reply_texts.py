"""Every reply a command or the conversation gives, read as the person receiving it would."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Callable

import pytest

from zulip_standup.domain.commands import personal_texts as pt
from zulip_standup.domain.commands import reply_texts as rt
from zulip_standup.domain.commands import standup_texts as st
from zulip_standup.domain.conversation import texts as ct
from zulip_standup.domain.standup import Standup, StandupSettings

STANDUP = Standup(1, 1, 10, "team", 5, StandupSettings(name="daily", team_timezone="Europe/Berlin"))
DAY = dt.date(2026, 11, 30)
AT = dt.datetime(2026, 11, 30, 9, 30, tzinfo=dt.UTC)

# Each text with realistic arguments; every public text function must be listed.
SAMPLES: dict[str, Callable[[], str]] = {
    "channel_not_found": lambda: rt.channel_not_found("leads"),
    "not_allowed": lambda: rt.not_allowed(STANDUP, ["Ann Lee", "Bo Chen"]),
    "no_standup_named": lambda: rt.no_standup_named("retro", "#**team**", ["daily"]),
    "no_standup_here": lambda: rt.no_standup_here("#**team**"),
    "several_standups": lambda: rt.several_standups("#**team**", ["daily", "retro"]),
    "channel_needed": lambda: rt.channel_needed("status"),
    "bot_not_in_channel": lambda: rt.bot_not_in_channel("leads", "setup"),
    "not_a_participant": lambda: rt.not_a_participant("status"),
    "several_of_yours": lambda: rt.several_of_yours("status", ["`daily` in #**team**"]),
    "setup_done": lambda: rt.setup_done(STANDUP, True, [("Ann Lee", 7, AT), ("Bo", 8, None)]),
    "setup_not_in_channel": rt.setup_not_in_channel,
    "guests_cannot_create": st.guests_cannot_create,
    "renamed": lambda: st.renamed("standup", STANDUP, "daily 2026-11-30"),
    "already_named": lambda: st.already_named(STANDUP),
    "name_taken": lambda: st.name_taken(STANDUP, "retro"),
    "status_text": lambda: rt.status_text(
        STANDUP, [("Ann Lee", 7)], {"answered": ["Ann Lee"], "waiting": []}, DAY, [("prompt", AT)]
    ),
    "config_updated": lambda: rt.config_updated(STANDUP, "prompt at 10:00"),
    "config_invalid": lambda: rt.config_invalid("the cutoff must come after the prompt"),
    "paused": lambda: rt.paused(STANDUP, DAY),
    "scheduled_messages_unsupported": lambda: rt.scheduled_messages_unsupported(170),
    "resumed": lambda: rt.resumed(STANDUP),
    "delete_confirm": lambda: rt.delete_confirm(STANDUP),
    "deleted": lambda: rt.deleted("daily"),
    "participants_list": lambda: rt.participants_list(STANDUP, [("Ann Lee", 7)]),
    "participants_changed": lambda: rt.participants_changed(STANDUP, ["Ann Lee"], []),
    "unknown_user": lambda: rt.unknown_user("Nobody", "participants add"),
    "ambiguous_user": lambda: rt.ambiguous_user("Ann"),
    "timezone_shown": lambda: pt.timezone_shown("Asia/Kolkata", None, "Asia/Kolkata"),
    "timezone_set": lambda: pt.timezone_set("Europe/Berlin"),
    "holidays_shown": lambda: pt.holidays_shown(None),
    "holidays_set": lambda: pt.holidays_set("DE-BY"),
    "away_set": lambda: pt.away_set(DAY, DAY + dt.timedelta(days=3)),
    "back_done": lambda: pt.back_done(1, [(DAY, DAY + dt.timedelta(days=4))]),
    "nothing_to_skip": lambda: pt.nothing_to_skip(DAY),
    "nothing_to_restart": pt.nothing_to_restart,
    "restart_which": lambda: pt.restart_which(["daily", "retro"]),
    "not_taking_part": lambda: pt.not_taking_part("daily", "Ann Lee"),
    "nothing_to_change": pt.nothing_to_change,
    "my_data": lambda: rt.my_data("Ann Lee", "UTC", None, None, [], ["daily in #team"], 3),
    "forget_confirm": rt.forget_confirm,
    "forgotten": lambda: rt.forgotten({"answers": 3, "jobs": 1}),
    "test_sent": rt.test_sent,
    "test_prompt": lambda: rt.test_prompt("daily", "What did you do?"),
    "answer_started": lambda: rt.answer_started("daily"),
    "answer_nothing_open": lambda: rt.answer_nothing_open("daily"),
    "unknown_command": lambda: rt.unknown_command("statsu", "stats"),
    "answer_truncated": lambda: rt.answer_truncated(10_000),
    "slow_down": lambda: rt.slow_down(2),
    "message_not_recorded": lambda: rt.message_not_recorded("0a1b2c3d"),
    "message_delayed": lambda: rt.message_delayed("0a1b2c3d"),
    "feature_unavailable": lambda: rt.feature_unavailable("The AI summary"),
    "prompt_text": lambda: ct.prompt_text(
        standup="daily", day=DAY, first_question="What did you do?", question_count=3
    ),
    "question_text": lambda: ct.question_text(2, 3, "What will you do today?"),
    "recap_text": lambda: ct.recap_text(
        standup="daily", day=DAY, questions=["Done?", "Next?"], answers=["a", None]
    ),
    "skip_confirmation_text": lambda: ct.skip_confirmation_text("daily", DAY),
    "late_notice_text": lambda: ct.late_notice_text("daily"),
    "reminder_text": lambda: ct.reminder_text("daily", 1, 3, "What did you do?"),
    "no_open_standup_text": ct.no_open_standup_text,
    "still_waiting_text": lambda: ct.still_waiting_text("daily", 2, 3),
    "answer_too_long_text": lambda: ct.answer_too_long_text(12_000, 10_000),
    "already_done_text": lambda: ct.already_done_text("daily"),
    "already_skipped_text": lambda: ct.already_skipped_text("daily"),
    "not_started_text": lambda: ct.not_started_text("daily"),
    "first_question_text": ct.first_question_text,
    "restart_text": ct.restart_text,
    "bad_question_number_text": lambda: ct.bad_question_number_text(7, 3),
    "cannot_skip_done_text": lambda: ct.cannot_skip_done_text("daily"),
    "edit_not_understood_text": lambda: ct.edit_not_understood_text(3),
    "late_prompt_text": lambda: ct.late_prompt_text("daily"),
    "prompt_held_text": lambda: ct.prompt_held_text(
        standup="daily", channel="eng", day=DAY, busy_standup="leads", busy_channel="leads"
    ),
    "back_to_text": lambda: ct.back_to_text("daily", "eng", 2, 3, "What will you do today?"),
}
# Refusals and problems: each must show a form to use (a `code` span) to get it right.
# (``not_allowed`` names the people to ask instead; see test_exact_wording_of_key_replies.)
PROBLEMS = {
    "channel_not_found",
    "no_standup_named",
    "no_standup_here",
    "several_standups",
    "channel_needed",
    "bot_not_in_channel",
    "not_a_participant",
    "several_of_yours",
    "unknown_user",
    "ambiguous_user",
    "unknown_command",
    "not_started_text",
    "already_done_text",
    "already_skipped_text",
    "cannot_skip_done_text",
    "edit_not_understood_text",
    "no_open_standup_text",
    "answer_nothing_open",
    "name_taken",
}
# Building blocks of other texts.
TEXT_ONLY = {
    "global_time",
    "settings_lines",
    "team_zone_line",
    "day_label",
    "quoted",
    "standup_label",
}


def public_texts() -> set[str]:
    names = set()
    for module in (rt, ct, pt, st):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                names.add(name)
    return names - TEXT_ONLY


def test_every_text_is_covered() -> None:
    """A new reply text must be added here, so it is read like the others."""
    assert set(SAMPLES) == public_texts()


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_reads_as_a_finished_message(name: str) -> None:
    """Non-empty, starts like a sentence, ends with punctuation (or a list/quote), and
    shows no Python leftovers: no None, repr, unfilled braces or doubled spaces."""
    reply = SAMPLES[name]()
    assert reply.strip() == reply
    assert reply
    # A sentence may open with a name in bold or a command in a code span.
    assert reply.startswith(("**", "`", "#**")) or reply[:1].isupper(), reply
    last_line = reply.splitlines()[-1]
    assert last_line.endswith((".", "?", "!", ":", "`", "*", ">")) or last_line.startswith(
        ("- ", "  ", "**", "a", "_")
    ), reply
    for leftover in ("None", "datetime.", "{", "}", "[]", "()", "  .", " ,", "..", "\\_"):
        assert leftover not in reply.replace("{date}", ""), (leftover, reply)
    assert "Traceback" not in reply


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_problems_show_how_to_get_it_right(name: str) -> None:
    """Every refusal or problem includes a command or form in a code span."""
    assert re.search(r"`[^`]+`", SAMPLES[name]()), SAMPLES[name]()


def test_exact_wording_of_key_replies() -> None:
    """The replies people meet most, word for word."""
    assert rt.not_allowed(STANDUP, ["Ann Lee"]) == (
        "Only organisation owners and administrators, the creator of **daily** "
        "and its managers (Ann Lee) may change it."
    )
    assert rt.unknown_command("statsu", "stats") == (
        "I don't know the command `statsu`. Did you mean `stats`? Send `help` for the list."
    )
    assert rt.slow_down(4) == (
        "You're sending commands faster than I can take them; please wait 4 s."
    )
    assert rt.message_not_recorded("0a1b2c3d") == (
        "Sorry, I could not handle your message because of a problem on my side "
        "(incident `0a1b2c3d`), and it was **not** recorded. Please send it again; "
        "the operator can look the incident up."
    )
    assert rt.message_delayed("0a1b2c3d") == (
        "I could not handle your message just now because of a temporary problem on my "
        "side (incident `0a1b2c3d`). I kept it and will try it again by myself; "
        "you don't need to send it again."
    )
    assert ct.skip_confirmation_text("daily", DAY) == (
        "OK, you are skipping **daily** on Monday 30 Nov. "
        "Changed your mind? Say `restart` that day to answer after all."
    )


def test_counts_agree_with_their_nouns() -> None:
    """One participant, two participants."""
    assert "has 1 participant:" in rt.participants_list(STANDUP, [("Ann Lee", 7)])
    two = rt.participants_list(STANDUP, [("Ann Lee", 7), ("Bo Chen", 8)])
    assert "has 2 participants:" in two


def test_names_cannot_mention_or_format() -> None:
    """A display name with Markdown or a wildcard mention is shown as plain text."""
    reply = rt.not_allowed(STANDUP, ["@**all**", "*Eve*"])
    assert "@**all**" not in reply
    assert "(@" not in reply or "\\*" in reply


def test_unknown_command_shows_the_word_as_typed() -> None:
    """Inside the code span the word is shown as typed (no Markdown escapes), and a
    backtick in it cannot break the span."""
    assert "`my_cmd`" in rt.unknown_command("my_cmd", None)
    assert rt.unknown_command("a`b", None).count("`") % 2 == 0


def test_forget_me_says_what_it_deletes_and_what_stays_in_zulip() -> None:
    """`forget me` is truthful: it counts what it deleted and says that messages already
    posted in Zulip are not deleted by the bot, and who can delete them."""
    assert rt.forgotten({"answers": 3, "jobs": 1, "api_tokens": 2}) == (
        "Done: I deleted 3 answers, 1 prompt and reminder job, your time zone, holidays, "
        "time off and conversations, 2 API tokens and your dashboard sessions, removed you "
        "from every standup, and took your user id out of the audit log.\n"
        "I do not delete Zulip messages: the reports already posted in channels and our direct "
        "messages stay. You can delete your own messages; for the reports I posted, ask an "
        "administrator of your organisation."
    )
    assert "I do not delete Zulip messages" in rt.forget_confirm()
