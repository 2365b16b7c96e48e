"""The command line as an operator meets it: help, migrate, and check's failure lines."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

SECRET_KEY = "Q7wErTy9uIoP1aSdFgHjKlZxCvBnM123"


def _run(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "zulip_standup", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_help_lists_the_commands() -> None:
    """``--help`` exits 0 and names run, migrate and check."""
    result = _run("--help")
    assert result.returncode == 0
    for command in ("run", "migrate", "check"):
        assert command in result.stdout


def test_migrate_creates_a_private_wal_database(tmp_path: Path) -> None:
    """``migrate`` on a fresh machine creates the SQLite file 0600 and reports the revision."""
    db = tmp_path / "state" / "standup.db"
    result = _run("migrate", env_extra={"DATABASE_URL": f"sqlite:///{db}"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "migrated from empty to" in result.stdout
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    again = _run("migrate", env_extra={"DATABASE_URL": f"sqlite:///{db}"})
    assert "already at revision" in again.stdout


def test_check_missing_zuliprc(tmp_path: Path) -> None:
    """A zuliprc that does not exist: one line naming the file, exit 2."""
    result = _run("--zuliprc", str(tmp_path / "missing.zuliprc"), "check")
    assert result.returncode == 2
    assert f"zuliprc: zuliprc file {tmp_path / 'missing.zuliprc'} does not exist" in result.stdout


def test_check_bad_site_url(tmp_path: Path) -> None:
    """A site over plain HTTP to a remote host: ZULIP_SITE named, exit 2, key never printed."""
    rc = tmp_path / "bot.zuliprc"
    rc.write_text(f"[api]\nemail=bot@example.com\nkey={SECRET_KEY}\nsite=http://chat.example.com\n")
    result = _run("--zuliprc", str(rc), "check")
    assert result.returncode == 2
    assert "ZULIP_SITE: 'http://chat.example.com' uses plain HTTP" in result.stdout
    assert SECRET_KEY not in result.stdout + result.stderr


def test_check_malformed_key(tmp_path: Path) -> None:
    """A key with characters no Zulip key has is refused before any network call."""
    rc = tmp_path / "bot.zuliprc"
    bad = "not a key; " + SECRET_KEY
    rc.write_text(f"[api]\nemail=bot@example.com\nkey={bad}\nsite=https://chat.example.com\n")
    result = _run("--zuliprc", str(rc), "check")
    assert result.returncode == 2
    assert "ZULIP_API_KEY: the API key is malformed" in result.stdout
    assert SECRET_KEY not in result.stdout + result.stderr


def test_check_unreachable_server(tmp_path: Path) -> None:
    """Nothing listening: the database line is ok, the Zulip line says it cannot connect."""
    rc = tmp_path / "bot.zuliprc"
    rc.write_text(f"[api]\nemail=bot@example.com\nkey={SECRET_KEY}\nsite=http://127.0.0.1:9\n")
    result = _run(
        "--zuliprc",
        str(rc),
        "check",
        env_extra={"DATABASE_URL": f"sqlite:///{tmp_path / 'db' / 's.db'}"},
    )
    assert result.returncode == 2
    assert "database: ok" in result.stdout
    assert "zulip: FAILED: cannot reach Zulip at http://127.0.0.1:9" in result.stdout
    assert "zulip_api_key: ********" in result.stdout
    assert SECRET_KEY not in result.stdout + result.stderr


def test_check_against_localzulip_good_and_bad_key(tmp_path: Path) -> None:
    """Against a loopback Zulip: a good zuliprc prints the bot and feature level (exit 0);
    a wrong key gives one specific line, exit 2, and the key never appears."""
    from localzulip import LocalZulip

    with LocalZulip() as server:
        paths = server.write_zuliprcs(tmp_path / "rc")
        db = f"sqlite:///{tmp_path / 'db' / 's.db'}"
        good = _run("--zuliprc", str(paths["bot"]), "check", env_extra={"DATABASE_URL": db})
        assert good.returncode == 0, good.stdout
        bot = server.bot
        assert f"zulip: ok, bot {bot.full_name!r} (id {bot.user_id})" in good.stdout
        assert "feature level 247" in good.stdout
        email, key = server.credentials("bot")
        assert key not in good.stdout + good.stderr

        wrong_key = "WrongKey" + "x" * 24
        bad_rc = tmp_path / "bad.zuliprc"
        bad_rc.write_text(f"[api]\nemail={email}\nkey={wrong_key}\nsite={server.url}\n")
        bad = _run("--zuliprc", str(bad_rc), "check", env_extra={"DATABASE_URL": db})
    assert bad.returncode == 2
    assert f"zulip: FAILED: {server.url} rejected the credentials of {email} (Invalid API key)" in (
        bad.stdout
    )
    assert wrong_key not in bad.stdout + bad.stderr


def test_rotate_keys_re_encrypts_under_the_new_key(tmp_path: Path) -> None:
    """`rotate-keys` with NEW,OLD rewrites every answer so that NEW alone can read it."""
    import datetime as dt

    from cryptography.fernet import Fernet

    from zulip_standup.domain.standup import StandupSettings
    from zulip_standup.storage import migrate
    from zulip_standup.storage.crypto import AnswerCipher
    from zulip_standup.storage.engine import make_engine
    from zulip_standup.storage.runs import RunStore
    from zulip_standup.storage.standups import StandupStore

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    url = f"sqlite:///{tmp_path / 'db' / 's.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    now = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    store = StandupStore(engine)
    realm = store.realm_id("https://z.example.com", "bot@z.example.com", 1, now)
    standup = store.create(realm, 1, "dev", 2, StandupSettings(), now)
    runs = RunStore(engine, AnswerCipher([old]))
    run = runs.run_for(standup.id, now.date(), now)
    for index in range(3):
        runs.save_answer(run.id, 2, index, f"Q{index}", f"answer {index}", None, now)
    engine.dispose()

    missing = _run("rotate-keys", env_extra={"DATABASE_URL": url})
    assert missing.returncode == 2
    assert "STANDUP_ENCRYPTION_KEYS is empty" in missing.stdout
    result = _run(
        "rotate-keys", env_extra={"DATABASE_URL": url, "STANDUP_ENCRYPTION_KEYS": f"{new},{old}"}
    )
    assert result.returncode == 0, result.stdout
    assert "3 answers now encrypted with the first key" in result.stdout
    assert new not in result.stdout + result.stderr
    engine = make_engine(url)
    texts = [a.text for a in RunStore(engine, AnswerCipher([new])).answers_of(run.id)]
    engine.dispose()
    assert texts == ["answer 0", "answer 1", "answer 2"]


def test_run_takes_zuliprc_after_the_command_and_names_a_bad_one(tmp_path: Path) -> None:
    """``run --zuliprc FILE`` is accepted after the command (as other CLIs do), and a missing
    file or an empty directory is named in the configuration error, exit 2."""
    missing = tmp_path / "nope.zuliprc"
    result = _run("run", "--zuliprc", str(missing))
    assert result.returncode == 2
    assert f"zuliprc file {missing} does not exist" in result.stdout
    empty = tmp_path / "bots"
    empty.mkdir()
    result = _run("run", "--zuliprc", str(empty))
    assert result.returncode == 2
    assert f"directory {empty} holds no *.zuliprc file" in result.stdout


def test_check_refuses_several_zuliprc_files(tmp_path: Path) -> None:
    """Only ``run`` serves several accounts; ``check`` says so instead of picking one."""
    first, second = tmp_path / "a.zuliprc", tmp_path / "b.zuliprc"
    for path, name in ((first, "a"), (second, "b")):
        path.write_text(
            f"[api]\nemail={name}-bot@example.com\nkey={SECRET_KEY}\nsite=https://z.example.com\n"
        )
    result = _run("--zuliprc", str(first), "--zuliprc", str(second), "check")
    assert result.returncode == 2
    assert "`check` takes one zuliprc; `run` serves several" in result.stdout
