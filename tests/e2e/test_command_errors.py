"""Every command's error path through the running bot: the reply names the problem and shows
the correct form, and a refused command changes nothing."""

from __future__ import annotations

import datetime as dt

from localzulip import LocalZulip

from .harness import SteppedClock, running_bot, settle
from .people import bot_replies_after, dm, in_channel, rows, the_bot

START = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)  # Monday, 08:30 in Kolkata
SETUP_USAGE = "Usage: `setup [name] [prompt HH:MM] [reminder HH:MM] [cutoff HH:MM] [timezone Zone]`"
DATE_FORMS = "write a date like 2026-03-14, today, tomorrow, fri or 14 Mar."
ZONE_FORMS = "use an IANA zone name like Europe/Berlin, America/New_York or UTC."
COUNTRY_FORMS = "use a country code like US, DE or NG, a subdivision like DE-BY or GB-SCT, or none."

# (command in #standup, the exact reply)
CHANNEL_ERRORS = [
    (
        "setup prompt 9:75",
        f"Bad time '9:75'; write a time like 09:30, 9:30, 9am or 5:30pm.\n{SETUP_USAGE}",
    ),
    (
        "setup prompt 10:00 cutoff 09:00",
        f"The cutoff (09:00) must come after the prompt (10:00).\n{SETUP_USAGE}",
    ),
    (
        "config timezone Mars/Olympus",
        f"Unknown time zone 'Mars/Olympus'; {ZONE_FORMS}\nUsage: `config [name] timezone <Zone>`",
    ),
    (
        "config holidays XX",
        f"Unknown holiday country 'XX'; {COUNTRY_FORMS}\nUsage:\n"
        "- `config [name] holidays <country[-region]>`\n- `config [name] holidays none`",
    ),
    (
        "config skip 2026-02-30",
        f"'2026-02-30' is not a real date; {DATE_FORMS}\nUsage: `config [name] skip DATE`",
    ),
    (
        "pause until someday",
        f"Bad date 'someday'; {DATE_FORMS}\nUsage: `pause [name] [until DATE]`",
    ),
    (
        "participants add @**Nobody Here**",
        "I can't find an active person called Nobody Here. Use a mention from the "
        "autocomplete, e.g. `participants add @**Ann Lee**`.",
    ),
    (
        "config managers add @**Ghost**",
        "I can't find an active person called Ghost. Use a mention from the "
        "autocomplete, e.g. `config managers add @**Ann Lee**`.",
    ),
    (
        "config promt 10:00",
        "Unknown setting 'promt' (did you mean prompt?); see help config.\n"
        "Usage: `config [name] <setting> <value>`",
    ),
    (
        "config questions remove 7",
        "There is no question 7; the questions are numbered 1 to 3.\nUsage:\n"
        "- `config questions set <q1> | <q2> | ...`\n- `config questions add <text>`\n"
        "- `config questions remove N`\n- `config questions move N M`\n"
        "- `config questions reset`\n- `config questions blocker N|none`",
    ),
    (
        "statsu",
        "I don't know the command `statsu`. Did you mean `stats`? Send `help` for the list.",
    ),
    (
        "partcipants",
        "I don't know the command `partcipants`. Did you mean `participants`? "
        "Send `help` for the list.",
    ),
]

# (DM command, the exact reply)
DM_ERRORS = [
    (
        "timezone Europe/Berln",
        f"Unknown time zone 'Europe/Berln' (did you mean Europe/Berlin?); {ZONE_FORMS}\n"
        "Usage:\n- `timezone`\n- `timezone <Zone>`\n- `timezone default`",
    ),
    (
        "holidays ZZ",
        f"Unknown holiday country 'ZZ'; {COUNTRY_FORMS}\n"
        "Usage:\n- `holidays`\n- `holidays <country[-region]>`\n- `holidays none`",
    ),
    (
        "away 2026-02-30",
        f"'2026-02-30' is not a real date; {DATE_FORMS}\nUsage: `away <from> [to]`",
    ),
    (
        "away tomorrow yesterday",
        "The last day 2026-11-29 is before the first day 2026-12-01.\nUsage: `away <from> [to]`",
    ),
    (
        "skip 31/02/2026",
        f"Bad date '31/02/2026'; {DATE_FORMS}\nUsage: `skip [today|DATE]`",
    ),
    (
        "history @**Nobody**",
        "I can't find an active person called Nobody. Use a mention from the autocomplete, "
        "e.g. `@**Ann Lee**`.",
    ),
    (
        "histroy",
        "I don't know the command `histroy`. Did you mean `history`? Send `help` for the list.",
    ),
    (
        "status #**nowhere**",
        "I can't find a channel named **nowhere** that you can see. "
        "Check the name, e.g. `status #**team**`.",
    ),
]


async def test_each_error_names_the_problem_and_the_form(
    zulip: LocalZulip, database_url: str
) -> None:
    """Malformed times, unknown zones and countries, bad dates, unknown people, unknown
    commands (with the closest one suggested), misspelt settings and question numbers:
    each reply is exactly the sentence naming the problem plus the correct form, and
    nothing stored changes."""
    clock = SteppedClock(START)
    async with running_bot(zulip, database_url, clock, limiter_burst=500) as process:
        setup = await in_channel(zulip, "alice", "standup", "t", "@**Standup** setup")
        assert setup.startswith("Standup **standup** is set up")
        before = {t: rows(process, t) for t in ("standups", "participants", "people", "time_off")}
        for command, expected in CHANNEL_ERRORS:
            reply = await in_channel(zulip, "alice", "standup", "t", f"@**Standup** {command}")
            assert reply == expected, command
        for command, expected in DM_ERRORS:
            assert await dm(zulip, "carol", command) == [expected], command
        after = {t: rows(process, t) for t in ("standups", "participants", "people", "time_off")}
        # Only carol's own person record may have been refreshed by her DMs.
        assert after["standups"] == before["standups"]
        assert after["participants"] == before["participants"]
        assert after["time_off"] == before["time_off"] == []


async def test_too_many_questions(zulip: LocalZulip, database_url: str) -> None:
    """Questions can be added up to ten; the eleventh is refused with the limit and how to
    make room, and the ten stay as they were."""
    clock = SteppedClock(START)
    async with running_bot(zulip, database_url, clock, limiter_burst=500) as process:
        await in_channel(zulip, "alice", "standup", "t", "@**Standup** setup")
        for number in range(4, 11):
            reply = await in_channel(
                zulip, "alice", "standup", "t", f"@**Standup** config questions add Extra {number}?"
            )
            assert reply.startswith("Updated **standup**"), reply
        reply = await in_channel(
            zulip, "alice", "standup", "t", "@**Standup** config questions add One too many?"
        )
        assert reply.startswith(
            "This standup already has 10 questions; at most 10 are allowed. "
            "Remove one first with `config questions remove N`.\nUsage:\n"
        )
        assert "- `config questions add <text>`" in reply
        (standup,) = rows(process, "standups")
        assert len(standup["questions"]) == 10
        assert standup["questions"][-1]["text"] == "Extra 10?"


async def test_answer_length_limit(zulip: LocalZulip, database_url: str) -> None:
    """An answer of exactly 10,000 characters (Zulip's own limit) is stored whole. A longer
    one, which Zulip cuts to 10,000 with a "[message truncated]" note, is not stored as a
    stump: the person is told it was cut and at what length, and the question stays open.
    """
    clock = SteppedClock(START)
    async with running_bot(zulip, database_url, clock, limiter_burst=500) as process:
        await in_channel(zulip, "alice", "standup", "t", "@**Standup** setup")
        clock.set(dt.datetime(2026, 11, 30, 4, 0, tzinfo=dt.UTC))  # 09:30 Kolkata
        await settle(process)
        await bot_replies_after(zulip, "carol", zulip.messages()[0], 1)
        too_long = "x" * 12_000
        assert await dm(zulip, "carol", too_long) == [
            "Zulip cut that message off at 10,000 characters, so I did not store it. "
            "Please shorten it to at most 10,000 characters and send it again."
        ]
        whole = ("Line of work. " * 800)[:9_999] + "!"
        assert len(whole) == 10_000
        assert await dm(zulip, "carol", whole) == ["**Question 2 of 3:** What will you do today?"]
        rt = the_bot(process).runtime
        (standup,) = await rt.db(rt.standups.in_realm, rt.realm_id)
        run = await rt.db(rt.runs.find_run, standup.id, dt.date(2026, 11, 30))
        assert run is not None
        answers = await rt.db(rt.runs.answers_of, run.id, zulip.user("carol").user_id)
        assert [(a.question_index, a.text) for a in answers] == [(0, whole)]
