"""docs/commands.md is the generated command reference, kept in step with the registry."""

from __future__ import annotations

from pathlib import Path

from zulip_standup.domain.commands.registry import COMMANDS
from zulip_standup.domain.commands.setting_registry import SETTINGS
from zulip_standup.reference import command_reference

DOCS = Path(__file__).resolve().parents[2] / "docs" / "commands.md"


def test_docs_match_the_registry() -> None:
    """Regenerate with `python -m zulip_standup.reference > docs/commands.md` when this fails."""
    assert DOCS.read_text(encoding="utf-8") == command_reference()


def test_every_command_and_setting_is_documented() -> None:
    """Each command has a section and each config setting a line."""
    text = command_reference()
    for spec in COMMANDS:
        assert f"### {spec.name}\n" in text
    for setting in SETTINGS:
        assert f"`{setting.usage[0]}`" in text
