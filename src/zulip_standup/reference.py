"""The command reference in docs/, generated from the same registry as the bot's `help`.

``python -m zulip_standup.reference > docs/commands.md`` rewrites it; a test fails
when the file and the registry disagree.
"""

from __future__ import annotations

from zulip_standup.domain.commands.help_texts import CONVERSATION_HELP, command_help_text
from zulip_standup.domain.commands.registry import COMMANDS, GROUPS

HEADER = (
    "# Commands\n\n"
    "Generated from the command registry by `python -m zulip_standup.reference`; the bot's\n"
    "`help` and `help <command>` replies come from the same source. In a channel, start a\n"
    "command with `@**Standup**`; in a DM with the bot, just type it (`/standup` also works).\n"
)


def command_reference() -> str:
    """Every command, grouped as in ``help``, with usage, examples and settings."""
    parts = [HEADER, f"\n{CONVERSATION_HELP}\n"]
    for group in GROUPS:
        parts.append(f"\n## {group}\n")
        for spec in COMMANDS:
            if spec.group == group:
                parts.append(f"\n### {spec.name}\n\n{_markdown(command_help_text(spec))}\n")
    return "".join(parts)


def _markdown(chat_text: str) -> str:
    """Zulip breaks lines where the text does; plain Markdown needs explicit breaks."""
    lines = chat_text.splitlines()
    return "\n".join(
        line if line.startswith("- ") or not line or i == len(lines) - 1 else f"{line}  "
        for i, line in enumerate(lines)
    )


if __name__ == "__main__":
    print(command_reference(), end="")
