"""Help texts are generated from the registry: every command and every setting appears."""

from __future__ import annotations

import pytest

from zulip_standup.domain.commands.help_texts import (
    command_help_text,
    help_text,
    help_topic_text,
    question_number_text,
    too_many_questions_text,
)
from zulip_standup.domain.commands.registry import COMMAND_BY_WORD, COMMANDS, CommandSpec
from zulip_standup.domain.commands.setting_registry import SETTINGS, SettingSpec


def test_help_lists_every_command() -> None:
    """`help` shows each registered command's usage and summary."""
    text = help_text()
    for spec in COMMANDS:
        assert f"`{spec.usage[0]}`: {spec.summary}" in text


def test_help_marks_admin_commands_and_explains_channel_addressing() -> None:
    """Admin-only commands are marked; in a channel, help says to mention the bot."""
    text = help_text(in_dm=False)
    assert (
        "`pause [name] [until DATE]`: stop prompting until resumed or until a date (admins" in text
    )
    assert "mention of me" in text
    assert "`restart`" in text  # the conversation words are explained too


def test_help_config_shows_every_setting() -> None:
    """`help config` lists each setting with its usage."""
    text = help_topic_text("config")
    for spec in SETTINGS:
        assert f"`{spec.usage[0]}`: {spec.summary}" in text


@pytest.mark.parametrize("spec", COMMANDS, ids=lambda spec: spec.name)
def test_help_for_each_command(spec: CommandSpec) -> None:
    """`help <command>` shows the usage lines and examples of that command."""
    assert spec in COMMAND_BY_WORD.values()
    text = help_topic_text(spec.name)
    assert text == command_help_text(spec)
    for line in spec.usage:
        assert f"`{line}`" in text
    for example in spec.examples:
        assert f"`{example}`" in text


@pytest.mark.parametrize("spec", SETTINGS, ids=lambda spec: spec.name)
def test_help_for_each_setting(spec: SettingSpec) -> None:
    """`help config <setting>` shows that setting's usage and who may change it."""
    text = help_topic_text(f"config {spec.name}")
    for line in spec.usage:
        assert f"config {line}" in text
    assert "admins" in text


def test_help_aliases_resolve() -> None:
    """An alias shows its command's help."""
    assert help_topic_text("tz") == help_topic_text("timezone")
    assert help_topic_text("config reminder") == help_topic_text("config reminders")


def test_limit_texts() -> None:
    """Refusals for a full question list and a missing question number state the limits."""
    assert "10" in too_many_questions_text(10)
    assert "questions remove" in too_many_questions_text(10)
    assert "1 to 3" in question_number_text(5, 3)
