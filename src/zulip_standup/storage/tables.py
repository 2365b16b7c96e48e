"""The database schema: one SQLAlchemy Core table per stored concept.

Alembic migrations under ``migrations/`` must produce exactly this schema;
``tests/storage/test_migrations.py`` compares the two.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from zulip_standup.storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

# A Zulip bot account and the organisation it serves. The lease columns say
# which process currently serves it: ``lease_epoch`` grows with every new
# holder, and job claims carry it, so a new holder can take back the claims
# of a dead one at once. ``last_message_id`` is the catch-up floor left by
# inbox rows that were trimmed.
realms = Table(
    "realms",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site", String(255), nullable=False),
    Column("bot_email", String(255), nullable=False),
    Column("bot_user_id", BigInteger, nullable=True),
    Column("last_message_id", BigInteger, nullable=True),
    Column("lease_owner", String(255), nullable=True),
    Column("lease_expires_at", UTCDateTime, nullable=True),
    Column("lease_epoch", Integer, nullable=False, server_default="0"),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("site", "bot_email", name="uq_realms_site_bot_email"),
)

# One standup (or retro) in one channel; several may share a channel by name.
standups = Table(
    "standups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("realm_id", Integer, ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("stream_id", BigInteger, nullable=False),
    Column("stream_name", String(255), nullable=False),
    Column("name", String(64), nullable=False),
    Column("team_timezone", String(64), nullable=False),
    Column("prompt_time", String(5), nullable=False),
    Column("reminder_times", JSON, nullable=False),
    Column("cutoff_time", String(5), nullable=False),
    Column("weekdays", JSON, nullable=False),
    Column("frequency", String(16), nullable=False),
    Column("interval_weeks", Integer, nullable=False),
    Column("anchor_date", Date, nullable=True),
    Column("monthly_ordinal", Integer, nullable=True),
    Column("holiday_country", String(16), nullable=True),
    Column("skip_dates", JSON, nullable=False),
    Column("delivery_mode", String(8), nullable=False),
    Column("honour_away", Boolean, nullable=False),
    Column("questions", JSON, nullable=False),
    Column("topic_template", String(120), nullable=False),
    Column("report_style", String(16), nullable=False),
    Column("mention_policy", String(16), nullable=False),
    Column("ai_summary", Boolean, nullable=False),
    Column("weekly_rollup", Boolean, nullable=False, server_default=false()),
    Column("auto_sync", Boolean, nullable=False),
    Column("use_scheduled_messages", Boolean, nullable=False),
    Column("paused", Boolean, nullable=False),
    Column("paused_until", Date, nullable=True),
    Column("creator_user_id", BigInteger, nullable=False),
    Column("managers", JSON, nullable=False),
    Column("schedule_version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # How far ahead the scheduler has materialised jobs; NULL = never planned.
    Column("planned_until", UTCDateTime, nullable=True),
    UniqueConstraint("realm_id", "stream_id", "name", name="uq_standups_realm_stream_name"),
    Index("ix_standups_planned_until", "planned_until"),
)

# What the bot knows about a person of a realm, shared by all their standups.
people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("realm_id", Integer, ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("display_name", String(255), nullable=False),
    Column("profile_timezone", String(64), nullable=True),
    Column("timezone_override", String(64), nullable=True),
    Column("holiday_region", String(16), nullable=True),
    Column("zulip_away", Boolean, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("realm_id", "user_id", name="uq_people_realm_user"),
)

# Membership of a person in a standup.
participants = Table(
    "participants",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("standup_id", Integer, ForeignKey("standups.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("display_name", String(255), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    UniqueConstraint("standup_id", "user_id", name="uq_participants_standup_user"),
)

# A person's declared time off (inclusive local dates), valid for all their standups.
time_off = Table(
    "time_off",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("realm_id", Integer, ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_time_off_realm_user", "realm_id", "user_id"),
)

# One occurrence of a standup on a team-local date.
runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("standup_id", Integer, ForeignKey("standups.id", ondelete="CASCADE"), nullable=False),
    Column("run_date", Date, nullable=False),
    Column("topic", String(255), nullable=True),
    Column("digest_message_ids", JSON, nullable=False),
    Column("digest_posted_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("standup_id", "run_date", name="uq_runs_standup_date"),
)

# The persisted answer conversation of one participant in one run.
conversations = Table(
    "conversations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("state", String(16), nullable=False),
    Column("question_index", Integer, nullable=False),
    Column("data", JSON, nullable=False),
    Column("prompted_at", UTCDateTime, nullable=True),
    Column("prompt_message_id", BigInteger, nullable=True),
    Column("completed_at", UTCDateTime, nullable=True),
    Column("late", Boolean, nullable=False),
    Column("report_message_ids", JSON, nullable=False),
    Column("report_posted_at", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("run_id", "user_id", name="uq_conversations_run_user"),
)

# One answer to one question; ``text`` holds ciphertext when encryption is on.
answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("question_index", Integer, nullable=False),
    Column("question_text", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("encrypted", Boolean, nullable=False),
    Column("source_message_id", BigInteger, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("edited", Boolean, nullable=False),
    Column("edited_at", UTCDateTime, nullable=True),
    UniqueConstraint("run_id", "user_id", "question_index", name="uq_answers_run_user_question"),
    Index("ix_answers_source_message", "source_message_id"),
    Index("ix_answers_created_at", "created_at"),
)

# Open and resolved blockers taken from answers to the blocker question.
blockers = Table(
    "blockers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("standup_id", Integer, ForeignKey("standups.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("run_date", Date, nullable=False),
    Column("text", Text, nullable=False),
    Column("encrypted", Boolean, nullable=False),
    Column("resolved_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_blockers_standup_open", "standup_id", "resolved_at"),
)

# Durable scheduled work. ``key`` is the natural key of the occurrence
# (standup, kind, date, participant), so planning twice inserts nothing new.
jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("standup_id", Integer, ForeignKey("standups.id", ondelete="CASCADE"), nullable=True),
    Column("kind", String(16), nullable=False),
    Column("run_date", Date, nullable=True),
    Column("user_id", BigInteger, nullable=True),
    Column("due_at", UTCDateTime, nullable=False),
    Column("deadline_at", UTCDateTime, nullable=True),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("claimed_by", String(255), nullable=True),
    Column("claimed_at", UTCDateTime, nullable=True),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("scheduled_message_id", BigInteger, nullable=True),
    # When the prompt was handed to Zulip: a settings change after it makes its text stale.
    Column("handed_off_at", UTCDateTime, nullable=True),
    Column("schedule_version", Integer, nullable=False),
    Index("ix_jobs_status_due", "status", "due_at"),
    # Stale-claim recovery looks for old claims; without this it scans every job.
    Index("ix_jobs_status_claimed_at", "status", "claimed_at"),
    Index("ix_jobs_standup_status", "standup_id", "status"),
)

# Every message the bot received and how far its handling got (received,
# done, failed_transient, failed_permanent). Catch-up resumes from the lowest
# unfinished id, because messages of different people finish out of order.
inbox = Table(
    "inbox",
    metadata,
    Column("realm_id", Integer, ForeignKey("realms.id", ondelete="CASCADE"), primary_key=True),
    Column("message_id", BigInteger, primary_key=True),
    Column("state", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("incident", String(16), nullable=True),
    Column("received_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_inbox_realm_state", "realm_id", "state"),
)

# Who changed what configuration, when.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("realm_id", Integer, ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("standup_id", Integer, nullable=True),
    Column("actor_user_id", BigInteger, nullable=False),
    Column("action", String(64), nullable=False),
    Column("detail", JSON, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_audit_log_standup", "standup_id"),
)

# The web dashboard's credentials. Each secret is kept only as the SHA-256 hex digest its
# caller computed, so a copy of the database opens no session. A login link is used once.
web_logins = Table(
    "web_logins",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("realm_id", Integer, ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
)

# A dashboard session: live until ended, past ``expires_at`` or idle for too long.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("realm_id", Integer, ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Index("ix_web_sessions_realm_user", "realm_id", "user_id"),
)

# A person's named REST API tokens (made in a DM), valid until revoked.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("realm_id", Integer, ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("name", String(64), nullable=False),
    Column("digest", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime, nullable=True),
    UniqueConstraint("realm_id", "user_id", "name", name="uq_api_tokens_realm_user_name"),
)

# A standup's webhooks: where its events are sent, signed with the secret (encrypted like
# answers when keys are configured). ``created_by`` is NULLed when that person is forgotten.
webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("standup_id", Integer, ForeignKey("standups.id", ondelete="CASCADE"), nullable=False),
    Column("url", String(500), nullable=False),
    Column("secret", Text, nullable=False),
    Column("secret_encrypted", Boolean, nullable=False),
    Column("created_by", BigInteger, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("standup_id", "url", name="uq_webhooks_standup_url"),
)

# Each event with the exact body its deliveries send (encrypted like answers: it holds
# them); ``user_id`` is the person it is about, deleted with them by `forget me`.
webhook_events = Table(
    "webhook_events",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("standup_id", Integer, ForeignKey("standups.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(32), nullable=False),
    Column("run_date", Date, nullable=False),
    Column("user_id", BigInteger, nullable=True),
    Column("body", Text, nullable=False),
    Column("body_encrypted", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_webhook_events_created_at", "created_at"),
)

# Every delivery attempt of every webhook: its HTTP status or a short error (never the body).
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("webhook_id", Integer, ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("event_type", String(32), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", String(200), nullable=True),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_webhook_deliveries_webhook", "webhook_id", "id"),
)
