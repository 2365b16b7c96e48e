"""Every sentence the reports say, kept in one place so wording changes never touch the logic."""

from __future__ import annotations

# -- a person's report ------------------------------------------------------
PERSON_HEADER = "{mention} · {time}"
LATE_FLAG = " · ⏰ late"
EDITED_FLAG = " · ✏️ edited"
QUESTION_HEADING = "**{number}. {question}**"
NO_ANSWER = "*(no answer)*"
PERSON_CONTINUED = "{mention} (continued)"
ANSWER_CONTINUED = "**{number}. {question}** (continued)"
TEXT_CONTINUED = "*(continued)*"
EDIT_UPDATE = "✏️ {mention} updated answer {number} (*{question}*):"

# -- the digest -------------------------------------------------------------
DIGEST_TITLE = "📋 **{name} · {date}**"
DIGEST_COUNTS = "✅ {answered} of {expected} answered ({rate})"
DIGEST_LATE_COUNT = " · {late} late"
DIGEST_ABSENT_COUNT = " · {count} {label}"
DIGEST_BLOCKERS = "**🚧 Blockers ({count})**"
DIGEST_BLOCKER_LINE = "- {mention}: {text}"
DIGEST_BLOCKER_LONG = "- ⚠️ {mention} (open {days} run days): {text}"
DIGEST_LONG_CALLOUT = "⚠️ {count} blocker(s) open for {threshold} run days or more."
DIGEST_ANSWERED = "**Answered ({count}):** {people}"
DIGEST_AWAY = "**Away ({count}):** {people}"
DIGEST_TIME_OFF = "**Time off ({count}):** {people}"
DIGEST_HOLIDAY = "**On holiday ({count}):** {people}"
DIGEST_SKIPPED = "**Skipped ({count}):** {people}"
DIGEST_LATER = "**Later today, in their own time zone ({count}):** {people}"
DIGEST_NOT_ASKED = "**Not asked, the bot was unavailable ({count}):** {people}"
DIGEST_MISSING = "**Missing ({count}):** {people}"
DIGEST_PERSON_REASON = "{mention} ({reason})"
DIGEST_SUMMARY_AI = "**🤖 Summary (AI)**"
DIGEST_SUMMARY_PLAIN = "**📊 Summary**"
DIGEST_ANSWERS = "**Answers**"
DIGEST_NOBODY = "nobody"
DIGEST_LATE_UPDATE = (
    "➕ {mention} answered after the digest: now {answered} of {expected} answered ({rate})."
)
ABSENT_AWAY = "away"
ABSENT_TIME_OFF = "time off"
ABSENT_HOLIDAY = "on holiday"
ABSENT_SKIPPED = "skipped"
ABSENT_LATER = "later today"
ABSENT_NOT_ASKED = "not asked"

# -- the plain summary ------------------------------------------------------
SUMMARY_PARTICIPATION = "- Participation: {answered} of {expected} answered ({rate})."
SUMMARY_BLOCKERS_NONE = "- Blockers: none reported."
SUMMARY_BLOCKERS = "- Blockers: {count} reported."
SUMMARY_THEMES = "- Most mentioned: {themes}."
SUMMARY_THEME = "{word} ({count}×)"
SUMMARY_NO_THEMES = "- No recurring themes."

# -- stats ------------------------------------------------------------------
STATS_TITLE = "📈 **Standup statistics, {start} to {end}** ({days} run days)"
STATS_OVERALL = (
    "Participation {rate} · median answer {median} after the prompt · open blockers {blockers}"
)
STATS_PEOPLE_HEADER = (
    "| Person | Answered | Rate | Median answer time | Streak (best) |\n|---|---|---|---|---|"
)
STATS_PERSON_ROW = "| {name} | {answered}/{expected} | {rate} | {median} | {streak} ({best}) |"
STATS_DAYS_HEADER = "| Day | Answered | Rate |\n|---|---|---|"
STATS_DAY_ROW = "| {date} | {answered}/{expected} | {rate} |"
STATS_NO_DATA = "No standup runs in this period."
NOT_AVAILABLE = "—"

# -- chart ------------------------------------------------------------------
CHART_ANSWERED = "answered"
CHART_EXPECTED = "expected"
CHART_RATE = "rate"
CHART_Y_LABEL = "people"
CHART_NO_DATA = "no standup runs in this period"

# -- AI summary prompt ------------------------------------------------------
AI_SYSTEM_PROMPT = (
    "You summarise one day of a team's asynchronous standup for the team's chat channel. "
    "People are called Person 1, Person 2 and so on; always refer to them exactly that way. "
    "Write at most six short Markdown bullet points: the main themes, notable progress, "
    "and every blocker with the person it belongs to. Do not invent anything, "
    "do not address or mention anyone with @, and do not repeat the questions."
)
AI_USER_INTRO = "Standup on {date}: {answered} of {expected} people answered.\n"
AI_TRUNCATED_NOTE = (
    "Note: the input was shortened to fit; {omitted} answer(s) were left out, "
    "so do not draw conclusions about what is missing.\n"
)
AI_PERSON_ANSWER = "{person} — {question}\n{answer}\n"


def percent(part: int, whole: int) -> str:
    """A rounded percentage for display; ``0 of 0`` reads as 0%."""
    return f"{round(100 * part / whole) if whole else 0}%"


def duration(seconds: float | None) -> str:
    """A short human duration such as ``1 h 05 min`` or ``12 min``."""
    if seconds is None:
        return NOT_AVAILABLE
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"
