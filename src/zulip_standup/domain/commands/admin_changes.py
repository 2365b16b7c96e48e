"""What ``setup`` and ``config`` make of a standup's settings, with refusals worded for the
command that asked: pure rules the admin use cases (``services.standup_admin``) apply."""

from __future__ import annotations

from zulip_standup.domain.commands import config_apply as cs_apply
from zulip_standup.domain.commands import config_settings as cs
from zulip_standup.domain.commands import help_texts as command_texts
from zulip_standup.domain.commands import reply_texts as texts
from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.commands.config_apply import apply_setting
from zulip_standup.domain.commands.registry import COMMAND_BY_WORD
from zulip_standup.domain.commands.setting_registry import SETTING_BY_WORD
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.limits import MAX_QUESTIONS
from zulip_standup.domain.standup import Standup, StandupSettings


def validated(settings: StandupSettings) -> StandupSettings:
    """The settings if they hold together; else the reason, as a reply."""
    try:
        return settings.validated()
    except ValueError as exc:
        raise UserFacingError(texts.config_invalid(str(exc))) from None


def setup_settings(base: StandupSettings, cmd: ct.Setup) -> StandupSettings:
    """``base`` with the times and zone setup was given (see ``with_setup_times``)."""
    try:
        settings = base.with_setup_times(cmd.prompt, cmd.reminder, cmd.cutoff)
    except ValueError as exc:
        raise UserFacingError(texts.config_invalid(str(exc))) from None
    if cmd.timezone is None:
        return settings
    return settings.with_changes(team_timezone=cmd.timezone)


_QUESTION_SETTINGS = (
    cs.SetQuestions,
    cs.AddQuestion,
    cs.RemoveQuestion,
    cs.MoveQuestion,
    cs.ResetQuestions,
    cs.SetBlockerQuestion,
)


def config_change(
    standup: Standup, setting: cs.ConfigSetting, manager_ids: tuple[int, ...]
) -> cs_apply.Change:
    """The change a setting makes; a refusal is a sentence followed by that setting's usage."""
    questions = standup.settings.questions
    if isinstance(setting, cs.AddQuestion) and len(questions) >= MAX_QUESTIONS:
        raise UserFacingError(
            command_texts.too_many_questions_text(len(questions))
            + "\n"
            + setting_usage("questions")
        )
    try:
        return apply_setting(standup.settings, setting, manager_ids)
    except UserFacingError as refusal:
        word = "questions" if isinstance(setting, _QUESTION_SETTINGS) else None
        if isinstance(setting, cs.UnskipDate):
            word = "unskip"
        text = refusal.text[:1].upper() + refusal.text[1:]
        if not text.endswith((".", "?", "!")):
            text += "."
        raise UserFacingError(text + ("\n" + setting_usage(word) if word else "")) from None


def setting_usage(word: str) -> str:
    """The usage lines of one ``config`` setting, in the command's usage text."""
    spec = SETTING_BY_WORD[word]
    return command_texts.usage_text(
        COMMAND_BY_WORD["config"], tuple(f"config {usage}" for usage in spec.usage)
    )
