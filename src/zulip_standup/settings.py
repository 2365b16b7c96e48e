"""The one frozen settings object, from the environment and a zuliprc file, validated at start.

Reading the zuliprc file and checking the site URL are in ``zuliprc``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import platformdirs
from cryptography.fernet import Fernet
from pydantic import (
    AliasChoices,
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from zulip_standup.domain import values
from zulip_standup.domain.limits import MAX_QUESTIONS
from zulip_standup.storage.engine import (
    DatabaseConfigError,
    redacted_url,
    url_password,
    validate_database_url,
)
from zulip_standup.zuliprc import is_loopback_host, read_zuliprc, validate_site

DEFAULT_QUESTIONS = (
    "What did you do since the last standup?",
    "What will you do today?",
    "Is anything blocking you?",
)
_API_KEY_RE = re.compile(r"^[A-Za-z0-9]{16,64}$")

# Per setting: the environment variable that sets it and an example of a good value.
EXAMPLES: dict[str, tuple[str, str]] = {
    "zulip_email": ("ZULIP_EMAIL", "standup-bot@chat.example.com"),
    "zulip_api_key": ("ZULIP_API_KEY", "a 32-character key from the bot's zuliprc"),
    "zulip_site": ("ZULIP_SITE", "https://chat.example.com"),
    "zuliprc": ("ZULIP_CONFIG", "/etc/zulip-standup/zuliprc"),
    "database_url": (
        "DATABASE_URL",
        "postgresql://standup@db.example.com/standup?sslmode=verify-full",
    ),
    "default_timezone": ("STANDUP_DEFAULT_TIMEZONE", "Europe/Berlin"),
    "default_prompt_time": ("STANDUP_DEFAULT_PROMPT_TIME", "09:30"),
    "default_reminder_time": ("STANDUP_DEFAULT_REMINDER_TIME", "11:45"),
    "default_cutoff_time": ("STANDUP_DEFAULT_CUTOFF_TIME", "12:45"),
    "default_holiday_country": ("STANDUP_DEFAULT_HOLIDAY_COUNTRY", "DE-BY"),
    "default_questions": ("STANDUP_DEFAULT_QUESTIONS", "What did you do?|What next?|Blockers?"),
    "llm_base_url": ("STANDUP_LLM_BASE_URL", "https://api.openai.com/v1"),
    "llm_model": ("STANDUP_LLM_MODEL", "gpt-4o-mini"),
    "llm_api_key": ("STANDUP_LLM_API_KEY", "sk-..."),
    "llm_timeout_seconds": ("STANDUP_LLM_TIMEOUT_SECONDS", "20 (1 to 120)"),
    "encryption_keys": ("STANDUP_ENCRYPTION_KEYS", "NEWKEY,OLDKEY (Fernet keys, newest first)"),
    "retention_days": ("STANDUP_RETENTION_DAYS", "365 (0 keeps answers forever)"),
    "http_bind": ("STANDUP_HTTP_BIND", "127.0.0.1:9191 (empty to disable; port 0: any free port)"),
    "public_url": ("STANDUP_PUBLIC_URL", "https://standup.example.com (the dashboard's address)"),
    "instance_id": ("STANDUP_INSTANCE_ID", "standup-1 (unique per running process)"),
    "lease_ttl_seconds": ("STANDUP_LEASE_TTL_SECONDS", "30 (5 to 300)"),
    "log_level": ("STANDUP_LOG_LEVEL", "INFO"),
    "log_format": ("STANDUP_LOG_FORMAT", "json"),
    "zulip_insecure": ("ZULIP_ALLOW_INSECURE", "false"),
    "webhook_allow_private": ("STANDUP_WEBHOOK_ALLOW_PRIVATE", "false (true only for tests)"),
    "webhook_ca_file": ("STANDUP_WEBHOOK_CA_FILE", "/etc/zulip-standup/webhook-ca.pem"),
}


class SettingsError(Exception):
    """Start-up configuration is invalid; ``problems`` holds one line per bad value."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def _split_questions(value: Any) -> Any:
    if isinstance(value, str):
        return [item.strip() for item in value.split("|") if item.strip()]
    return value


def default_database_url() -> str:
    """An SQLite file under the user's data directory."""
    return f"sqlite:///{Path(platformdirs.user_data_dir('zulip-standup')) / 'standup.db'}"


class Settings(BaseSettings):
    """Everything the operator configures; frozen once validated."""

    model_config = SettingsConfigDict(
        frozen=True,
        env_prefix="STANDUP_",
        extra="ignore",
        populate_by_name=True,
        validate_default=True,
    )

    zuliprc: Path | None = None
    zulip_email: str | None = Field(
        default=None, validation_alias=AliasChoices("ZULIP_EMAIL", "zulip_email")
    )
    zulip_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("ZULIP_API_KEY", "zulip_api_key")
    )
    zulip_site: str | None = Field(
        default=None, validation_alias=AliasChoices("ZULIP_SITE", "zulip_site")
    )
    zulip_insecure: bool = Field(
        default=False, validation_alias=AliasChoices("ZULIP_ALLOW_INSECURE", "zulip_insecure")
    )
    database_url: SecretStr = Field(
        default_factory=lambda: SecretStr(default_database_url()),
        validation_alias=AliasChoices("DATABASE_URL", "database_url"),
    )
    default_timezone: str = "UTC"
    default_prompt_time: str = "09:30"
    default_reminder_time: str = "11:45"
    default_cutoff_time: str = "12:45"
    default_holiday_country: str | None = None
    default_questions: Annotated[list[str], NoDecode, BeforeValidator(_split_questions)] = Field(
        default_factory=lambda: list(DEFAULT_QUESTIONS)
    )
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = Field(default=20.0, ge=1.0, le=120.0)
    encryption_keys: Annotated[list[SecretStr], NoDecode, BeforeValidator(_split_list)] = Field(
        default_factory=list
    )
    retention_days: int = Field(default=0, ge=0, le=36500)
    http_bind: str | None = "127.0.0.1:9191"
    # Where people reach the HTTP server (behind a proxy, say); the dashboard is off without it.
    public_url: str | None = None
    # Who holds a bot account's lease. A process restarted under the same id takes its
    # accounts back at once; with the default (host and pid) it waits for the lease TTL.
    instance_id: str | None = Field(default=None, min_length=1, max_length=120)
    lease_ttl_seconds: float = Field(default=30.0, ge=5.0, le=300.0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    # Webhooks to private, loopback and link-local addresses (a receiver on this machine in
    # tests); off, a webhook inside the operator's network is refused.
    webhook_allow_private: bool = False
    # A PEM bundle trusted for webhook receivers besides certifi's roots (an internal CA).
    webhook_ca_file: Path | None = None

    @field_validator("webhook_ca_file")
    @classmethod
    def _ca_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            msg = f"{value} is not a readable file"
            raise ValueError(msg)
        return value

    @field_validator("default_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return values.parse_zone(value)

    @field_validator("default_prompt_time", "default_reminder_time", "default_cutoff_time")
    @classmethod
    def _time(cls, value: str) -> str:
        return values.format_wall_time(values.parse_wall_time(value))

    @field_validator("default_holiday_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        region = values.parse_holiday_region(value)
        return None if region is None else region.code

    @field_validator("default_questions")
    @classmethod
    def _questions(cls, value: list[str]) -> list[str]:
        if not value:
            msg = "at least one question is needed"
            raise ValueError(msg)
        if len(value) > MAX_QUESTIONS:
            msg = f"{len(value)} questions given; at most {MAX_QUESTIONS} are allowed"
            raise ValueError(msg)
        return value

    @field_validator("zulip_site")
    @classmethod
    def _site(cls, value: str | None) -> str | None:
        return None if value is None else validate_site(value)

    @field_validator("zulip_api_key")
    @classmethod
    def _key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _API_KEY_RE.match(value.get_secret_value()):
            msg = "the API key is malformed (expected 16-64 letters and digits)"
            raise ValueError(msg)
        return value

    @field_validator("llm_base_url")
    @classmethod
    def _llm_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return validate_site(value)

    @field_validator("encryption_keys")
    @classmethod
    def _fernet_keys(cls, value: list[SecretStr]) -> list[SecretStr]:
        for index, key in enumerate(value, start=1):
            try:
                Fernet(key.get_secret_value().encode())
            except (ValueError, TypeError) as exc:
                msg = f"key number {index} is not a Fernet key (32 url-safe base64-encoded bytes)"
                raise ValueError(msg) from exc
        return value

    @field_validator("http_bind")
    @classmethod
    def _bind(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        host, sep, port = value.strip().rpartition(":")
        # Port 0 asks the system for any free port (tests, side-by-side runs); the server logs
        # the one it got in `health_server_started`.
        if not sep or not host or not port.isdigit() or not 0 <= int(port) < 65536:
            msg = f"{value!r} is not HOST:PORT"
            raise ValueError(msg)
        return value.strip()

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return validate_site(value, "the dashboard")

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: SecretStr) -> SecretStr:
        try:
            validate_database_url(value.get_secret_value())
        except DatabaseConfigError as exc:
            raise ValueError(str(exc)) from exc
        return value

    @model_validator(mode="after")
    def _credentials(self) -> Settings:
        if self.zulip_insecure and self.zulip_site and urlsplit(self.zulip_site).hostname:
            host = urlsplit(self.zulip_site).hostname or ""
            if not is_loopback_host(host):
                msg = "certificate verification may be turned off only for a loopback test server"
                raise ValueError(msg)
        if self.public_url and not self.http_bind:
            msg = "STANDUP_PUBLIC_URL needs STANDUP_HTTP_BIND: the dashboard is served there"
            raise ValueError(msg)
        return self

    @property
    def has_zulip_credentials(self) -> bool:
        return bool(self.zulip_email and self.zulip_api_key and self.zulip_site)

    def redacted(self) -> dict[str, str]:
        """The effective configuration as printable text, with every secret hidden."""

        def secret(value: SecretStr | None) -> str:
            return "(not set)" if value is None else "********"

        return {
            "zuliprc": str(self.zuliprc) if self.zuliprc else "(not used)",
            "zulip_site": self.zulip_site or "(not set)",
            "zulip_email": self.zulip_email or "(not set)",
            "zulip_api_key": secret(self.zulip_api_key),
            "database_url": redacted_url(self.database_url.get_secret_value()),
            "default_timezone": self.default_timezone,
            "default_times": (
                f"prompt {self.default_prompt_time}, reminder {self.default_reminder_time}, "
                f"cutoff {self.default_cutoff_time}"
            ),
            "default_holiday_country": self.default_holiday_country or "(none)",
            "default_questions": " | ".join(self.default_questions),
            "llm": (
                f"{self.llm_base_url} model {self.llm_model or '(default)'} key "
                f"{secret(self.llm_api_key)} timeout {self.llm_timeout_seconds:g} s"
                if self.llm_base_url
                else "(off)"
            ),
            "encryption_keys": f"{len(self.encryption_keys)} configured"
            if self.encryption_keys
            else "(none: answers stored in plain text)",
            "retention_days": str(self.retention_days) if self.retention_days else "(keep forever)",
            "http_bind": self.http_bind or "(off)",
            "public_url": self.public_url or "(off)",
            "instance": (
                f"{self.instance_id or '(host:pid)'}, lease TTL {self.lease_ttl_seconds:g} s"
            ),
            "log": f"{self.log_level} {self.log_format}",
            "webhooks": (
                ("private targets allowed" if self.webhook_allow_private else "public only")
                + (f", extra CA {self.webhook_ca_file}" if self.webhook_ca_file else "")
            ),
        }

    def secret_values(self) -> list[str]:
        """Every secret's clear text, so the log filter can scrub it wherever it appears."""
        values = [k.get_secret_value() for k in self.encryption_keys]
        for secret in (self.zulip_api_key, self.llm_api_key):
            if secret is not None:
                values.append(secret.get_secret_value())
        password = url_password(self.database_url.get_secret_value())
        if password:
            values.append(password)
        return [v for v in values if v]


# Settings read by the commands' own value parsers, whose messages already show the forms.
_PARSED_BY_DOMAIN = frozenset(
    {
        "default_timezone",
        "default_prompt_time",
        "default_reminder_time",
        "default_cutoff_time",
        "default_holiday_country",
    }
)


def _describe(error: Any) -> str:
    field = str(error["loc"][0]) if error.get("loc") else "settings"
    by_env = {env: (env, example) for env, example in EXAMPLES.values()}
    env_name, example = EXAMPLES.get(field) or by_env.get(field, (field.upper(), ""))
    message = str(error["msg"])
    message = message.removeprefix("Value error, ")
    text = f"{env_name}: {message}"
    if example and field not in _PARSED_BY_DOMAIN:
        text += f" (for example: {example})"
    return text


def load_settings(zuliprc: Path | None = None) -> Settings:
    """Build the settings from the environment and a zuliprc file, or raise SettingsError.

    Precedence follows the official client: explicit values in the environment
    win over the zuliprc file. The file is ``zuliprc`` (the ``--zuliprc``
    option), else ``$ZULIP_CONFIG``, else ``~/.zuliprc`` when it exists and the
    environment does not already give all three credentials.
    """
    env = os.environ
    problems: list[str] = []
    overrides: dict[str, Any] = {}
    path: Path | None = zuliprc
    if path is None and env.get("ZULIP_CONFIG"):
        path = Path(env["ZULIP_CONFIG"]).expanduser()
    if path is None and not all(env.get(k) for k in ("ZULIP_EMAIL", "ZULIP_API_KEY", "ZULIP_SITE")):
        home_rc = Path(env.get("HOME", str(Path.home()))) / ".zuliprc"
        if home_rc.exists():
            path = home_rc
    if path is not None:
        overrides["zuliprc"] = path
        try:
            values = read_zuliprc(path)
        except ValueError as exc:
            problems.append(f"zuliprc: {exc} (for example: {EXAMPLES['zuliprc'][1]})")
        else:
            for field, value, env_name in (
                ("zulip_email", values.email, "ZULIP_EMAIL"),
                ("zulip_api_key", values.key, "ZULIP_API_KEY"),
                ("zulip_site", values.site, "ZULIP_SITE"),
            ):
                if value is not None and not env.get(env_name):
                    overrides[field] = value
            if values.insecure is not None and not env.get("ZULIP_ALLOW_INSECURE"):
                overrides["zulip_insecure"] = values.insecure
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        problems.extend(_describe(error) for error in exc.errors())
        raise SettingsError(problems) from None
    if problems:
        raise SettingsError(problems)
    return settings
