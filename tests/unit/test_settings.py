"""Start-up validation: every bad value gets its own message with the setting and an example."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from zulip_standup.settings import SettingsError, load_settings

GOOD_KEY = "A" * 32


def _problems(monkeypatch: pytest.MonkeyPatch, **env: str) -> list[str]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    return info.value.problems


def test_defaults_are_valid_and_use_the_user_data_directory(tmp_path: Path) -> None:
    """With nothing set, the settings load and the database is an SQLite file under XDG data."""
    settings = load_settings()
    url = settings.database_url.get_secret_value()
    assert url.startswith("sqlite:///")
    assert url.endswith("zulip-standup/standup.db")
    assert str(tmp_path) in url
    assert settings.default_prompt_time == "09:30"
    assert len(settings.default_questions) == 3


def test_bad_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown zone names the setting, the value and a good example."""
    (problem,) = _problems(monkeypatch, STANDUP_DEFAULT_TIMEZONE="Mars/Olympus")
    assert problem.startswith("STANDUP_DEFAULT_TIMEZONE:")
    assert "unknown time zone 'Mars/Olympus'; use an IANA zone name like Europe/Berlin" in problem


def test_malformed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """25:00 is not a time; the message shows the forms a time may take (as commands do)."""
    (problem,) = _problems(monkeypatch, STANDUP_DEFAULT_PROMPT_TIME="25:00")
    assert problem.startswith("STANDUP_DEFAULT_PROMPT_TIME:")
    assert problem.endswith("bad time '25:00'; write a time like 09:30, 9:30, 9am or 5:30pm")


def test_single_digit_hour_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    """9:30 means 09:30."""
    monkeypatch.setenv("STANDUP_DEFAULT_CUTOFF_TIME", "9:30")
    assert load_settings().default_cutoff_time == "09:30"


def test_plain_http_to_a_remote_host_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """http:// is only for loopback test servers."""
    (problem,) = _problems(monkeypatch, ZULIP_SITE="http://chat.example.com")
    assert problem.startswith("ZULIP_SITE:")
    assert "plain HTTP to a non-loopback host" in problem
    assert "for example: https://chat.example.com" in problem


@pytest.mark.parametrize(
    "site", ["http://127.0.0.1:9991", "http://127.8.9.10", "http://[::1]:9991", "http://localhost"]
)
def test_plain_http_to_loopback_is_accepted(monkeypatch: pytest.MonkeyPatch, site: str) -> None:
    """127.0.0.0/8, ::1 and localhost may use plain HTTP."""
    monkeypatch.setenv("ZULIP_SITE", site)
    assert load_settings().zulip_site == site


def _make_unwritable(directory: Path) -> Callable[[], None]:
    """Make ``directory`` unwritable even for root (immutable flag); return the undo."""
    os.chmod(directory, 0o500)
    if os.access(directory, os.W_OK) and shutil.which("chattr"):
        subprocess.run(["chattr", "+i", str(directory)], check=False, capture_output=True)

        def undo() -> None:
            subprocess.run(["chattr", "-i", str(directory)], check=False, capture_output=True)
            os.chmod(directory, 0o700)

        return undo
    return lambda: os.chmod(directory, 0o700)


def test_unwritable_database_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A database directory this user cannot write to is refused at start-up."""
    locked = tmp_path / "locked"
    locked.mkdir()
    undo = _make_unwritable(locked)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("cannot make a directory unwritable for this user here")
        (problem,) = _problems(monkeypatch, DATABASE_URL=f"sqlite:///{locked / 'standup.db'}")
    finally:
        undo()
    assert problem.startswith("DATABASE_URL:")
    assert "is not writable by this user" in problem


def test_database_path_under_a_file_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A database 'directory' that is a file is refused (this also holds for root)."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    (problem,) = _problems(monkeypatch, DATABASE_URL=f"sqlite:///{blocker / 'standup.db'}")
    assert problem.startswith("DATABASE_URL:")
    assert "not a directory" in problem


def test_unknown_holiday_country(monkeypatch: pytest.MonkeyPatch) -> None:
    """XX is not a country the holidays library knows; DE-ZZ is not a German state."""
    (problem,) = _problems(monkeypatch, STANDUP_DEFAULT_HOLIDAY_COUNTRY="XX")
    assert problem.startswith("STANDUP_DEFAULT_HOLIDAY_COUNTRY:")
    assert "unknown holiday country 'XX'; use a country code like US" in problem
    monkeypatch.setenv("STANDUP_DEFAULT_HOLIDAY_COUNTRY", "DE-ZZ")
    with pytest.raises(SettingsError, match="unknown subdivision 'ZZ' of DE; its subdivisions"):
        load_settings()


@pytest.mark.parametrize("code", ["US", "de-by", "NG", "GB-SCT"])
def test_known_holiday_countries(monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    """Countries and subdivisions are accepted case-insensitively."""
    monkeypatch.setenv("STANDUP_DEFAULT_HOLIDAY_COUNTRY", code)
    assert load_settings().default_holiday_country == code.upper()


def test_every_bad_value_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Several bad values give several lines, not just the first."""
    problems = _problems(
        monkeypatch,
        STANDUP_DEFAULT_TIMEZONE="Nowhere/Land",
        STANDUP_DEFAULT_REMINDER_TIME="noon",
        STANDUP_LOG_FORMAT="xml",
        STANDUP_ENCRYPTION_KEYS="not-a-fernet-key",
        STANDUP_RETENTION_DAYS="-3",
    )
    names = sorted(p.split(":", 1)[0] for p in problems)
    assert names == [
        "STANDUP_DEFAULT_REMINDER_TIME",
        "STANDUP_DEFAULT_TIMEZONE",
        "STANDUP_ENCRYPTION_KEYS",
        "STANDUP_LOG_FORMAT",
        "STANDUP_RETENTION_DAYS",
    ]
    assert all("for example:" in p or " like " in p for p in problems)  # each shows a form


def test_environment_overrides_zuliprc(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Like the official client, explicit environment values win over the file."""
    rc = tmp_path / "zuliprc"
    rc.write_text(f"[api]\nemail=bot@example.com\nkey={GOOD_KEY}\nsite=https://a.example.com\n")
    monkeypatch.setenv("ZULIP_SITE", "https://b.example.com")
    settings = load_settings(rc)
    assert settings.zulip_email == "bot@example.com"
    assert settings.zulip_site == "https://b.example.com"
    assert settings.zulip_api_key is not None
    assert settings.zulip_api_key.get_secret_value() == GOOD_KEY


def test_zulip_config_and_home_zuliprc(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """$ZULIP_CONFIG is read when no --zuliprc is given; ~/.zuliprc is the fallback."""
    home_rc = Path(os.environ["HOME"]) / ".zuliprc"
    home_rc.write_text(
        f"[api]\nemail=home@example.com\nkey={GOOD_KEY}\nsite=https://h.example.com\n"
    )
    assert load_settings().zulip_email == "home@example.com"
    other = tmp_path / "other.rc"
    other.write_text(f"[api]\nemail=cfg@example.com\nkey={GOOD_KEY}\nsite=https://c.example.com\n")
    monkeypatch.setenv("ZULIP_CONFIG", str(other))
    assert load_settings().zulip_email == "cfg@example.com"


def test_missing_zuliprc_file(tmp_path: Path) -> None:
    """A named zuliprc that does not exist is one specific problem."""
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path / "nope.zuliprc")
    (problem,) = info.value.problems
    assert problem.startswith("zuliprc:")
    assert "nope.zuliprc does not exist" in problem


def test_secrets_are_not_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    """repr and the redacted view never show the key, the LLM key or the database password."""
    monkeypatch.setenv("ZULIP_API_KEY", GOOD_KEY)
    monkeypatch.setenv("STANDUP_LLM_API_KEY", "sk-verysecretvalue")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:dbpassw0rd@db.example.com/x")
    settings = load_settings()
    shown = repr(settings) + str(settings.redacted())
    for secret in (GOOD_KEY, "sk-verysecretvalue", "dbpassw0rd"):
        assert secret not in shown
    assert set(settings.secret_values()) >= {GOOD_KEY, "sk-verysecretvalue", "dbpassw0rd"}


def test_llm_timeout_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The AI call's timeout is a setting with sane bounds, shown in the redacted view."""
    (problem,) = _problems(monkeypatch, STANDUP_LLM_TIMEOUT_SECONDS="0")
    assert problem.startswith("STANDUP_LLM_TIMEOUT_SECONDS:")
    assert "for example: 20 (1 to 120)" in problem
    monkeypatch.setenv("STANDUP_LLM_TIMEOUT_SECONDS", "7.5")
    monkeypatch.setenv("STANDUP_LLM_BASE_URL", "https://llm.example.com/v1")
    settings = load_settings()
    assert settings.llm_timeout_seconds == 7.5
    assert "timeout 7.5 s" in settings.redacted()["llm"]


def test_the_dashboards_public_url_needs_https_off_loopback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """STANDUP_PUBLIC_URL: https, or http on loopback; a trailing slash is dropped."""
    (problem,) = _problems(monkeypatch, STANDUP_PUBLIC_URL="http://standup.example.com")
    assert problem.startswith("STANDUP_PUBLIC_URL:")
    assert "plain HTTP to a non-loopback host" in problem
    assert "https://standup.example.com (the dashboard's address)" in problem
    monkeypatch.setenv("STANDUP_PUBLIC_URL", "https://standup.example.com/")
    assert load_settings().public_url == "https://standup.example.com"
    monkeypatch.setenv("STANDUP_PUBLIC_URL", "http://127.0.0.1:9191")
    assert load_settings().public_url == "http://127.0.0.1:9191"


def test_a_public_url_without_an_http_server_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dashboard is served on STANDUP_HTTP_BIND: turning that off with a public URL set
    is a contradiction, said at start-up."""
    problems = _problems(
        monkeypatch, STANDUP_PUBLIC_URL="https://standup.example.com", STANDUP_HTTP_BIND=""
    )
    assert any("STANDUP_PUBLIC_URL needs STANDUP_HTTP_BIND" in p for p in problems), problems


@pytest.mark.parametrize("bind", ["127.0.0.1:0", "[::1]:0", "0.0.0.0:9191"])
def test_http_bind_takes_port_zero_for_any_free_port(
    monkeypatch: pytest.MonkeyPatch, bind: str
) -> None:
    """Port 0 is accepted (the system picks a free port, as tests and side-by-side runs need)."""
    monkeypatch.setenv("STANDUP_HTTP_BIND", bind)
    assert load_settings().http_bind == bind


@pytest.mark.parametrize("bind", ["127.0.0.1:65536", "127.0.0.1", ":9191", "127.0.0.1:-1"])
def test_http_bind_refuses_what_is_not_host_port(
    monkeypatch: pytest.MonkeyPatch, bind: str
) -> None:
    """A bind without a host, without a port or with a port out of range names the setting."""
    (problem,) = _problems(monkeypatch, STANDUP_HTTP_BIND=bind)
    assert problem.startswith("STANDUP_HTTP_BIND:")
    assert "is not HOST:PORT" in problem


def test_webhook_settings_default_to_public_targets_and_validate_the_ca_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Private webhook targets are off unless the operator says so; a CA file must exist;
    both show in the redacted configuration."""
    settings = load_settings()
    assert settings.webhook_allow_private is False
    assert settings.redacted()["webhooks"] == "public only"
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text("-----BEGIN CERTIFICATE-----\n")
    monkeypatch.setenv("STANDUP_WEBHOOK_ALLOW_PRIVATE", "true")
    monkeypatch.setenv("STANDUP_WEBHOOK_CA_FILE", str(ca_file))
    settings = load_settings()
    assert settings.webhook_allow_private is True
    assert settings.redacted()["webhooks"] == f"private targets allowed, extra CA {ca_file}"
    problems = _problems(monkeypatch, STANDUP_WEBHOOK_CA_FILE=str(tmp_path / "missing.pem"))
    assert any("STANDUP_WEBHOOK_CA_FILE" in p and "not a readable file" in p for p in problems)
