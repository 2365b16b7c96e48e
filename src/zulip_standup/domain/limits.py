"""Every limit of the product, once: Zulip's own and the ones we choose, with why."""

from __future__ import annotations

import datetime as dt

MAX_MESSAGE_CHARS = 10_000  # Zulip's message length limit: an answer, a report part
MAX_TOPIC_CHARS = 60  # Zulip's topic length limit
MAX_COMMAND_CHARS = 2_000  # a command longer than this is not a command someone typed
MAX_QUESTIONS = 10  # questions of one standup
MAX_QUESTION_CHARS = 300  # one question's text
MAX_REMINDERS = 4  # reminders a day
MAX_AWAY_DAYS = 366  # one time-off period
MAX_RANGE_DAYS = 3_660  # a history, stats or export range (about ten years)
DEFAULT_HISTORY_DAYS = 7  # `history` with no range: the last week
DEFAULT_STATS_DAYS = 30  # `stats`, `chart` and `export` with no range: the last month
SEARCH_DAYS = 365  # how far back `search` looks: a year of answers
MAX_SEARCH_CHARS = 500  # the words of one API search: a few words, not a document
MAX_SEARCH_RESULTS = 20  # hits one `search` reply lists; the rest are counted
BLOCKER_LOOKBACK_DAYS = 60  # how far back an open blocker is looked for: two months
MAX_HISTORY_ANSWERS = 200  # answers one `history` reply lists; the rest are counted
# People (with their time off) the serving process keeps in memory, least recently used
# dropped first (services/standup_cache.py). Far above what the worker has claimed at once
# (a batch of 100, at most 32 running), so a batch read ahead of its jobs is still kept when
# they run; a realm's usual working set fits, so prompts and answers rarely re-read; and a
# fan-out to 100,000 people holds about 10 MB (about 500 bytes a person, measured) instead
# of growing with the realm (SECURITY.md promise 15).
MAX_KEPT_PEOPLE = 20_000
LOGIN_LINK_MINUTES = 15  # a `dashboard` link works once, this long: long enough to click
DASHBOARD_IDLE_HOURS = 12  # a dashboard session unused this long ends (a working day)
DASHBOARD_SESSION_DAYS = 7  # and every session ends a week after its login, used or not
DASHBOARD_CHART_DAYS = (30, 90)  # the periods the dashboard's charts offer
MAX_API_TOKENS = 10  # personal API tokens one person may hold: one per tool is plenty
API_BURST = 60  # API requests a token may make at once,
API_REFILL_S = 1.0  # and one more each second after that
# The days the API takes: wider than any standup's life, and far enough from date.min and
# date.max that a day's look-backs (blockers, a default range) and its next day exist.
API_FIRST_DAY = dt.date(1900, 1, 1)
API_LAST_DAY = dt.date(9998, 12, 31)
MAX_STATS_DAYS = 366  # the longest period the API's stats cover: a year
MAX_WEBHOOKS = 5  # webhooks of one standup: a few tools, not a fan-out service
MAX_WEBHOOK_URL_CHARS = 500  # one webhook URL
WEBHOOK_LOG_ENTRIES = 20  # deliveries `config webhook log` lists
