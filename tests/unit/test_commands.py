"""The command grammar: every command's accepted forms, addressing and the standup-name rule."""

from __future__ import annotations

import datetime as dt

import pytest

from zulip_standup.domain.commands import config_settings as cs
from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.commands.grammar import parse_command, strip_address
from zulip_standup.domain.values import ChannelRef, DateRange, HolidayRegion, UserRef

TODAY = dt.date(2026, 4, 15)  # a Wednesday
ADA = UserRef("Ada Lovelace", 12)
BOB = UserRef("Bob")


def parse(text: str, *, in_dm: bool = True) -> ct.ParsedCommand:
    result = parse_command(text, today=TODAY, in_dm=in_dm)
    assert isinstance(result, ct.ParsedCommand), result
    return result


def cmd(text: str, *, in_dm: bool = True) -> ct.Command:
    return parse(text, in_dm=in_dm).command


COMMAND_TABLE: list[tuple[str, ct.Command]] = [
    ("help", ct.Help()),
    ("HELP config", ct.Help("config")),
    ("help config reminder", ct.Help("config reminders")),
    ("help my data", ct.Help("my data")),
    ("help tz", ct.Help("timezone")),
    ("setup", ct.Setup()),
    ("setup retro", ct.Setup("retro")),
    ("setup prompt 9:00 reminder 11:00 cutoff 12:30",
     ct.Setup(None, dt.time(9), dt.time(11), dt.time(12, 30))),
    ("setup Team-A cutoff 5pm", ct.Setup("team-a", cutoff=dt.time(17))),
    ("setup retro prompt 15:00 timezone europe/berlin",
     ct.Setup("retro", dt.time(15), timezone="Europe/Berlin")),
    ("setup standup", ct.Setup("standup")),
    ("rename morning", ct.Rename("morning")),
    ("rename standup morning", ct.Rename("morning", "standup")),
    ("status", ct.Status()),
    ("config prompt 9:00", ct.Config(ct.SetPrompt(dt.time(9)))),
    ("status retro", ct.Status("retro")),
    ("status standup", ct.Status("standup")),
    ("pause", ct.Pause()),
    ("pause until 2026-05-01", ct.Pause(None, dt.date(2026, 5, 1))),
    ("pause retro until fri", ct.Pause("retro", dt.date(2026, 4, 17))),
    ("resume", ct.Resume()),
    ("resume retro", ct.Resume("retro")),
    ("delete", ct.Delete()),
    ("delete confirm", ct.Delete(None, confirmed=True)),
    ("delete retro confirm", ct.Delete("retro", confirmed=True)),
    ("participants", ct.Participants()),
    ("participants list", ct.Participants("list")),
    ("participants add @**Ada Lovelace|12** @**Bob**", ct.Participants("add", (ADA, BOB))),
    ("participants retro remove @**Bob**", ct.Participants("remove", (BOB,), "retro")),
    ("participants add ada@example.com",
     ct.Participants("add", (UserRef(None, None, "ada@example.com"),))),
    ("participants sync", ct.Participants("sync")),
    ("test", ct.Test()),
    ("test retro", ct.Test("retro")),
    ("timezone", ct.Timezone()),
    ("timezone asia/kolkata", ct.Timezone("Asia/Kolkata")),
    ("tz default", ct.Timezone(reset=True)),
    ("holidays", ct.Holidays(show=True)),
    ("holidays gb-sct", ct.Holidays(HolidayRegion("GB", "SCT"))),
    ("holidays none", ct.Holidays(None)),
    ("away tomorrow", ct.Away(dt.date(2026, 4, 16), dt.date(2026, 4, 16))),
    ("away 2026-12-24 2027-01-02", ct.Away(dt.date(2026, 12, 24), dt.date(2027, 1, 2))),
    ("away mon to fri", ct.Away(dt.date(2026, 4, 20), dt.date(2026, 4, 24))),
    ("away 24 dec 2 jan", ct.Away(dt.date(2026, 12, 24), dt.date(2027, 1, 2))),
    ("away 3 days", ct.Away(TODAY, dt.date(2026, 4, 17))),
    ("back", ct.Back()),
    ("skip", ct.Skip(TODAY)),
    ("skip today", ct.Skip(TODAY)),
    ("skip 2026-05-01", ct.Skip(dt.date(2026, 5, 1))),
    ("restart", ct.Restart()),
    ("restart retro", ct.Restart("retro")),
    ("answer", ct.Answer()),
    ("answer retro", ct.Answer("retro")),
    ("change 2 Reviewed **the** PR", ct.Change(2, "Reviewed **the** PR")),
    ("change 1 line one\nline two", ct.Change(1, "line one\nline two")),
    ("my data", ct.MyData()),
    ("My Data", ct.MyData()),
    ("forget me", ct.ForgetMe()),
    ("forget me confirm", ct.ForgetMe(confirmed=True)),
    ("dashboard", ct.Dashboard()),
    ("web", ct.Dashboard()),
    ("sessions revoke", ct.Sessions()),
    ("Sessions REVOKE", ct.Sessions()),
    ("token new", ct.TokenNew("api")),
    ("token new ci-reports", ct.TokenNew("ci-reports")),
    ("tokens list", ct.TokenList()),
    ("token revoke ci-reports", ct.TokenRevoke("ci-reports")),
    ("blockers", ct.Blockers()),
    ("blockers retro", ct.Blockers("retro")),
    ("history", ct.History()),
    ("history 7 days", ct.History(None, DateRange(dt.date(2026, 4, 9), TODAY))),
    ("history retro yesterday @**Ada Lovelace|12**",
     ct.History("retro", DateRange(dt.date(2026, 4, 14), dt.date(2026, 4, 14)), ADA)),
    ("history 2026-03-01..2026-03-31",
     ct.History(None, DateRange(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))),
    ("search flaky tests", ct.Search("flaky tests")),
    ("stats", ct.Stats()),
    ("stats 90 days", ct.Stats(None, 90)),
    ("stats retro 4 weeks", ct.Stats("retro", 28)),
    ("chart 30", ct.Chart(None, 30)),
    ("export csv", ct.Export("csv")),
    ("export retro json 30 days",
     ct.Export("json", "retro", DateRange(dt.date(2026, 3, 17), TODAY))),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), COMMAND_TABLE)
def test_every_command_parses(text: str, expected: ct.Command) -> None:
    """Each command form gives exactly the typed command with its arguments."""
    assert cmd(text) == expected


def test_table_covers_every_registered_command() -> None:
    """The parse table above exercises every command in the registry."""
    from zulip_standup.domain.commands.registry import COMMANDS

    kinds = {type(expected).__name__ for _, expected in COMMAND_TABLE}
    # `token` is one command with three forms, each its own type.
    assert len(kinds) == len(COMMANDS) + 2
    assert {"TokenNew", "TokenList", "TokenRevoke"} <= kinds


@pytest.mark.parametrize(
    "text",
    [
        "@**Standup** status",
        "@**Standup|42** status",
        "@_**Standup** status",
        "/standup status",
        "@**Standup** /standup status",
        "  @**standup**   status  ",
    ],
)
def test_addressing_forms(text: str) -> None:
    """The bot mention (by name or id, any case) and /standup prefix are removed."""
    result = parse_command(text, today=TODAY, in_dm=False, bot_name="Standup", bot_id=42)
    assert result == ct.ParsedCommand(ct.Status())


def test_mention_of_someone_else_is_not_an_address() -> None:
    """Only the bot's own mention is stripped; another person's mention stays."""
    addressed, body = strip_address("@**Ada** status", "Standup")
    assert (addressed, body) == (False, "@**Ada** status")
    assert strip_address("@**Anything|42** help", "Standup", 42) == (True, " help")
    assert strip_address("/standupper", "Standup") == (False, "/standupper")


def test_empty_command_is_help() -> None:
    """Just mentioning the bot shows the help."""
    assert cmd("@**Standup**", in_dm=False) == ct.Help()
    assert cmd("   ") == ct.Help()


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("status #**team**", ct.Status()),
        ("#**team** status", None),  # a link cannot replace the command word
        ("config #**team** prompt 9:00", ct.Config(ct.SetPrompt(dt.time(9)))),
        ("config prompt 9:00 #**team**", ct.Config(ct.SetPrompt(dt.time(9)))),
        ("participants add @**Bob** #**team**", ct.Participants("add", (BOB,))),
        ("search release in #**team**", ct.Search("release")),
        ("history #**team** 7 days", ct.History(None, DateRange(dt.date(2026, 4, 9), TODAY))),
    ],
)
def test_channel_argument_anywhere(text: str, command: ct.Command | None) -> None:
    """In a DM, a #**channel** argument names the channel wherever it stands."""
    result = parse_command(text, today=TODAY, in_dm=True)
    if command is None:
        assert isinstance(result, ct.CommandError)
        return
    assert result == ct.ParsedCommand(command, ChannelRef("team"))


def test_channel_link_inside_free_text_stays_text() -> None:
    """In question text and topics, a channel link that is not leading stays in the text."""
    result = parse("config questions add What shipped in #**release**?")
    assert result == ct.ParsedCommand(ct.Config(ct.AddQuestion("What shipped in #**release**?")))
    result = parse("config #**team** questions add Anything for #**ops**?")
    assert result.channel == ChannelRef("team")
    assert result.command == ct.Config(ct.AddQuestion("Anything for #**ops**?"))


def test_channel_with_topic() -> None:
    """A channel link with a topic keeps both parts."""
    assert parse("status #**team>daily**").channel == ChannelRef("team", "daily")


@pytest.mark.parametrize(
    ("text", "standup"),
    [
        ("status retro", "retro"),
        ("status Retro", "retro"),
        ("status team-2", "team-2"),
        ("status a", "a"),
        ("status " + "a" * 32, "a" * 32),
        ("config retro prompt 9:00", "retro"),
        ("config prompt 9:00", None),
        ("pause until fri", None),  # 'until' is a keyword, not a name
        ("history today", None),  # a date word is not a name
        ("export csv", None),
    ],
)
def test_standup_name_rule(text: str, standup: str | None) -> None:
    """A first word that is a letter+[a-z0-9-], ≤ 32 chars and no keyword names the standup."""
    command = cmd(text)
    assert getattr(command, "standup", "missing") == standup


@pytest.mark.parametrize(
    "text", ["status 2fast", "status " + "a" * 33, "status re_tro", "status retro extra"]
)
def test_not_a_standup_name(text: str) -> None:
    """Digits first, too long, underscores, or extra words are refused."""
    assert isinstance(parse_command(text, today=TODAY, in_dm=True), ct.CommandError)


def test_setup_name_must_not_be_a_keyword() -> None:
    """setup refuses a command word as a standup name, saying why."""
    result = parse_command("setup status", today=TODAY, in_dm=False)
    assert isinstance(result, ct.CommandError)
    assert "'status' is a command word" in result.message


CONFIG_TABLE: list[tuple[str, ct.ConfigSetting]] = [
    ("prompt 9:30", ct.SetPrompt(dt.time(9, 30))),
    ("reminders 11:00,11:45", ct.SetReminders((dt.time(11), dt.time(11, 45)))),
    ("reminders 11:45 11:00", ct.SetReminders((dt.time(11), dt.time(11, 45)))),
    ("reminder 11:45", ct.SetReminders((dt.time(11, 45),))),
    ("reminders none", ct.SetReminders(())),
    ("cutoff 12:45", ct.SetCutoff(dt.time(12, 45))),
    ("days mon,wed,fri", ct.SetDays(frozenset({0, 2, 4}))),
    ("days mon-thu", ct.SetDays(frozenset({0, 1, 2, 3}))),
    ("days weekdays", ct.SetDays(frozenset(range(5)))),
    ("frequency daily", ct.SetFrequency("daily")),
    ("frequency weekly", ct.SetFrequency("weekly")),
    ("frequency every 2 weeks", ct.SetFrequency("weekly", 2, TODAY)),
    ("frequency every 3 weeks from 2026-05-04", ct.SetFrequency("weekly", 3, dt.date(2026, 5, 4))),
    ("frequency every other week", ct.SetFrequency("weekly", 2, TODAY)),
    ("frequency biweekly", ct.SetFrequency("weekly", 2, TODAY)),
    ("frequency monthly last fri",
     ct.SetFrequency("monthly", monthly_ordinal=-1, monthly_weekday=4)),
    ("frequency monthly first monday",
     ct.SetFrequency("monthly", monthly_ordinal=1, monthly_weekday=0)),
    ("timezone europe/berlin", ct.SetTeamZone("Europe/Berlin")),
    ("mode local", ct.SetMode("local")),
    ("mode team", ct.SetMode("team")),
    ("holidays DE-BY", ct.SetTeamHolidays(HolidayRegion("DE", "BY"))),
    ("holidays none", ct.SetTeamHolidays(None)),
    ("skip 2026-12-24", ct.SkipDate(dt.date(2026, 12, 24))),
    ("unskip 2026-12-24", ct.UnskipDate(dt.date(2026, 12, 24))),
    ("away-status on", ct.SetAwayStatus(True)),
    ("away-status off", ct.SetAwayStatus(False)),
    ("questions set Yesterday? | Today? | Blockers?",
     ct.SetQuestions(("Yesterday?", "Today?", "Blockers?"))),
    ("questions set One?\nTwo?", ct.SetQuestions(("One?", "Two?"))),
    ("questions add Any *risks*?", ct.AddQuestion("Any *risks*?")),
    ("questions remove 2", ct.RemoveQuestion(2)),
    ("questions move 3 1", ct.MoveQuestion(3, 1)),
    ("questions move 3 to 1", ct.MoveQuestion(3, 1)),
    ("questions reset", ct.ResetQuestions()),
    ("questions blocker 3", ct.SetBlockerQuestion(3)),
    ("questions blocker none", ct.SetBlockerQuestion(None)),
    ("topic standup {date}", ct.SetTopic("standup {date}")),
    ("style living", ct.SetStyle("living")),
    ("style digest", ct.SetStyle("digest")),
    ("style live", ct.SetStyle("live")),
    ("mentions silent", ct.SetMentions("silent")),
    ("mentions notify", ct.SetMentions("notify")),
    ("ai on", ct.SetAi(True)),
    ("rollup on", ct.SetRollup(True)),
    ("weekly off", ct.SetRollup(False)),
    ("ai off", ct.SetAi(False)),
    ("managers add @**Ada Lovelace|12**", ct.ChangeManagers("add", (ADA,))),
    ("managers remove @**Bob**", ct.ChangeManagers("remove", (BOB,))),
    ("sync on", ct.SetSync(True)),
    ("scheduled-messages off", ct.SetScheduledMessages(False)),
    ("webhook add https://ci.example.com/hooks/standup", cs.AddWebhook("https://ci.example.com/hooks/standup")),
    ("webhook add <https://ci.example.com/h?a=1,2>", cs.AddWebhook("https://ci.example.com/h?a=1,2")),
    ("webhooks add https://[2001:db8::1]:8443/x", cs.AddWebhook("https://[2001:db8::1]:8443/x")),
    ("webhook remove 3", cs.RemoveWebhook(webhook_id=3)),
    ("webhook remove https://ci.example.com/x", cs.RemoveWebhook(url="https://ci.example.com/x")),
    ("webhook list", cs.ListWebhooks()),
    ("webhook", cs.ListWebhooks()),
    ("webhook log", cs.WebhookLog()),
    ("webhook log 2", cs.WebhookLog(2)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CONFIG_TABLE)
def test_every_config_setting_parses(text: str, expected: ct.ConfigSetting) -> None:
    """Each config form gives the typed setting; with a name the standup is picked."""
    assert cmd(f"config {text}", in_dm=False) == ct.Config(expected)
    assert cmd(f"config retro {text}", in_dm=False) == ct.Config(expected, "retro")


def test_config_table_covers_every_setting() -> None:
    """The config table exercises every setting in the registry."""
    from zulip_standup.domain.commands.setting_registry import SETTING_BY_WORD, SETTINGS

    used = {SETTING_BY_WORD[text.split()[0]].name for text, _ in CONFIG_TABLE}
    assert used == {spec.name for spec in SETTINGS}


def test_question_text_is_kept_verbatim() -> None:
    """Unicode, Markdown and mentions in a question are stored as typed."""
    text = "Was hat dich **blockiert**? 🚧 @**all** `code`"
    assert cmd(f"config questions add {text}") == ct.Config(ct.AddQuestion(text))
