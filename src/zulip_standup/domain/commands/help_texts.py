"""Help, usage and limit texts of commands, generated from the command registry."""

from __future__ import annotations

from zulip_standup.domain.commands.registry import COMMAND_BY_WORD, COMMANDS, GROUPS, CommandSpec
from zulip_standup.domain.commands.setting_registry import SETTING_BY_WORD, SETTINGS, SettingSpec
from zulip_standup.domain.limits import MAX_QUESTION_CHARS, MAX_QUESTIONS

ADMIN_NOTE = "Only organisation admins, the standup's creator and its managers may do this."
CONVERSATION_HELP = (
    "**While answering:** reply to each question, or answer all at once with a numbered "
    "list (`1. ...`, `2. ...`). Say `skip` to skip today, `back` for the previous question, "
    "`restart` to start over, and `change <n> <text>` to fix an answer later. Commands "
    "work while you answer and leave the question open; to answer with text that reads "
    "like a command, start it with `>` (e.g. `> help`)."
)


def usage_text(spec: CommandSpec, lines: tuple[str, ...] | None = None) -> str:
    """``Usage: `...` `` lines for a command (or the given lines, e.g. of one setting)."""
    shown = spec.usage if lines is None else lines
    if len(shown) == 1:
        return f"Usage: `{shown[0]}`"
    return "Usage:\n" + "\n".join(f"- `{line}`" for line in shown)


def help_text(*, in_dm: bool = True) -> str:
    """The ``help`` reply: every command with its one-line summary, by group."""
    lines = ["**Standup bot commands**"]
    if not in_dm:
        lines.append("In a channel, start with a mention of me; in a DM, just type the command.")
    for group in GROUPS:
        lines.append(f"\n**{group}**")
        for spec in COMMANDS:
            if spec.group == group:
                marks = " (admins and managers)" if spec.admin_only else ""
                lines.append(f"- `{spec.usage[0]}`: {spec.summary}{marks}")
    lines.append(f"\n{CONVERSATION_HELP}")
    lines.append("\nSend `help <command>` for details, e.g. `help config`.")
    return "\n".join(lines)


def help_topic_text(topic: str) -> str:
    """The ``help <command>`` or ``help config <setting>`` reply."""
    words = topic.lower().split()
    if len(words) >= 2 and words[0] == "config" and words[1] in SETTING_BY_WORD:
        return setting_help_text(SETTING_BY_WORD[words[1]])
    spec = COMMAND_BY_WORD.get(" ".join(words[:2])) or COMMAND_BY_WORD.get(
        words[0] if words else ""
    )
    if spec is None:
        return help_text()
    return command_help_text(spec)


def command_help_text(spec: CommandSpec) -> str:
    """Everything about one command: summary, usage, examples, who may use it and where."""
    lines = [f"**{spec.name}**: {spec.summary}", usage_text(spec)]
    if spec.name == "config":
        lines.append("\n**Settings**")
        lines.extend(f"- `{s.usage[0]}`: {s.summary}" for s in SETTINGS)
        lines.append(
            f"\nAt most {MAX_QUESTIONS} questions of {MAX_QUESTION_CHARS} characters each."
        )
        lines.append("Send `help config <setting>` for one setting's details.")
    if spec.examples:
        lines.append("Examples: " + ", ".join(f"`{example}`" for example in spec.examples))
    if spec.aliases:
        lines.append("Also: " + ", ".join(f"`{alias}`" for alias in spec.aliases))
    if spec.takes_standup_name:
        lines.append("`name` picks one standup when a channel has several.")
    if spec.dm_only:
        lines.append("Works in a direct message with me.")
    else:
        lines.append("In a DM, add `#**channel**` to say which channel's standup you mean.")
    if spec.admin_only:
        lines.append(ADMIN_NOTE)
    lines.extend(spec.notes)
    return "\n".join(lines)


def setting_help_text(spec: SettingSpec) -> str:
    """Everything about one config setting."""
    lines = [f"**config {spec.name}**: {spec.summary}"]
    lines.append(usage_text(COMMAND_BY_WORD["config"], tuple(f"config {u}" for u in spec.usage)))
    if spec.examples:
        lines.append("Examples: " + ", ".join(f"`config {e}`" for e in spec.examples))
    if spec.aliases:
        lines.append("Also written: " + ", ".join(f"`{alias}`" for alias in spec.aliases))
    lines.append(ADMIN_NOTE)
    return "\n".join(lines)


def too_many_questions_text(current: int) -> str:
    """Refusal of ``questions add`` when the standup already has the maximum."""
    return (
        f"This standup already has {current} questions; at most {MAX_QUESTIONS} are allowed. "
        "Remove one first with `config questions remove N`."
    )


def question_number_text(number: int, count: int) -> str:
    """Refusal of a question number the standup does not have."""
    if count == 0:
        return "This standup has no questions yet; add one with `config questions add <text>`."
    return f"There is no question {number}; this standup has questions 1 to {count}."
