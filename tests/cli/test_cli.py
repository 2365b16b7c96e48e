"""The command line as an operator meets it: help, version, options on either side of the
command, migrate, check's failure lines, and `run` on any free port."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import IO

import httpx
import pytest

from zulip_standup.cli import parse_args

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


def test_version_prints_the_installed_version() -> None:
    """``--version`` prints the distribution's version and exits 0, before or after a command."""
    expected = f"zulip-standup {metadata.version('zulip-standup')}\n"
    for argv in (["--version"], ["run", "--version"]):
        result = _run(*argv)
        assert result.returncode == 0, result.stderr
        assert result.stdout == expected


def test_help_command_is_the_help_option() -> None:
    """``help`` prints what ``--help`` prints, exit 0; ``help run`` is ``run --help``."""
    for words, option in ((["help"], ["--help"]), (["help", "run"], ["run", "--help"])):
        by_word, by_option = _run(*words), _run(*option)
        assert by_word.returncode == by_option.returncode == 0
        assert by_word.stdout == by_option.stdout
        assert by_word.stdout.startswith("usage: zulip-standup")


@pytest.mark.parametrize(
    ("argv", "command", "zuliprcs"),
    [
        (["--zuliprc", "a", "run"], "run", ["a"]),
        (["run", "--zuliprc", "a"], "run", ["a"]),
        (["--zuliprc", "a", "run", "--zuliprc", "b", "--zuliprc", "c"], "run", ["a", "b", "c"]),
        (["--zuliprc", "a", "--zuliprc", "b", "run", "--no-migrate"], "run", ["a", "b"]),
        (["check", "--zuliprc", "a"], "check", ["a"]),
        (["--zuliprc", "a", "migrate"], "migrate", ["a"]),
        (["rotate-keys", "--zuliprc", "a"], "rotate-keys", ["a"]),
        (["check"], "check", []),
    ],
)
def test_global_options_on_either_side_of_the_command(
    argv: list[str], command: str, zuliprcs: list[str]
) -> None:
    """``--zuliprc`` is taken before and after the command; repeated, its values add up in the
    order typed (before the command first), so ``run`` gets every account."""
    args = parse_args(argv)
    assert args.command == command
    assert args.zuliprc == [Path(name) for name in zuliprcs]
    assert not any(name.endswith("_in_command") for name in vars(args))


def test_check_takes_the_zuliprc_after_the_command(tmp_path: Path) -> None:
    """``check --zuliprc FILE`` against a loopback Zulip passes exactly as ``--zuliprc FILE
    check`` does."""
    from localzulip import LocalZulip

    with LocalZulip() as server:
        paths = server.write_zuliprcs(tmp_path / "rc")
        db = f"sqlite:///{tmp_path / 'db' / 's.db'}"
        after = _run("check", "--zuliprc", str(paths["bot"]), env_extra={"DATABASE_URL": db})
        before = _run("--zuliprc", str(paths["bot"]), "check", env_extra={"DATABASE_URL": db})
    assert after.returncode == before.returncode == 0, after.stdout + before.stdout
    assert after.stdout == before.stdout
    assert f"zulip: ok, bot {server.bot.full_name!r}" in after.stdout


class _Running:
    """`zulip-standup run` as an OS process whose log is read while it runs."""

    def __init__(self, argv: list[str], env_extra: dict[str, str], log: Path) -> None:
        self.log_path = log
        self._log: IO[str] = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "zulip_standup", *argv],
            env={**os.environ, **env_extra},
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )

    def wait_for_log(self, pattern: str, count: int = 1, within: float = 30) -> list[re.Match[str]]:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            found = list(re.finditer(pattern, self.log_path.read_text()))
            if len(found) >= count:
                return found
            assert self.process.poll() is None, self.log_path.read_text()
            time.sleep(0.05)
        pytest.fail(f"no {pattern!r} x{count} in the log: {self.log_path.read_text()}")

    def stop(self) -> tuple[int, str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        out, _ = self.process.communicate(timeout=30)
        self._log.close()
        return self.process.returncode, out


@pytest.fixture
def two_bot_zulip(tmp_path: Path) -> Iterator[tuple[object, dict[str, Path]]]:
    """A loopback Zulip with the sample team and a second Generic bot, ``retro``."""
    from localzulip import LocalZulip
    from localzulip.sample import sample_realm

    realm = sample_realm()
    owner = next(u.user_id for u in realm.users.values() if u.short_name == "alice")
    realm.add_bot("retro-bot@example.com", "Retro", owner_id=owner, short_name="retro")
    with LocalZulip(realm) as server:
        yield server, server.write_zuliprcs(tmp_path / "rc")


@pytest.mark.parametrize(
    ("form", "accounts"),
    [("after", ["bot"]), ("before", ["bot"]), ("split", ["bot", "retro"])],
)
def test_run_on_any_free_port_with_the_zuliprc_on_either_side(
    two_bot_zulip: tuple[object, dict[str, Path]], tmp_path: Path, form: str, accounts: list[str]
) -> None:
    """``run --zuliprc F`` and ``--zuliprc F run`` both start the bot; ``--zuliprc A run
    --zuliprc B`` serves both accounts. With ``STANDUP_HTTP_BIND=127.0.0.1:0`` the log names
    the port the system gave, /healthz answers there and /readyz turns 200; SIGTERM stops it
    with exit 0."""
    _server, paths = two_bot_zulip
    rcs = [str(paths[name]) for name in accounts]
    argv = {
        "after": ["run", "--zuliprc", rcs[0]],
        "before": ["--zuliprc", rcs[0], "run"],
        "split": ["--zuliprc", rcs[0], "run", "--zuliprc", rcs[-1]],
    }[form]
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db' / 's.db'}",
        "STANDUP_HTTP_BIND": "127.0.0.1:0",
        "STANDUP_LOG_LEVEL": "INFO",
        "STANDUP_LOG_FORMAT": "text",
    }
    bot = _Running(argv, env, tmp_path / "run.log")
    try:
        (started,) = bot.wait_for_log(r"health_server_started bind=127\.0\.0\.1:(\d+)")
        port = int(started.group(1))
        assert port != 0
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json() == {"status": "ok"}
        leases = bot.wait_for_log(r"lease_acquired account=(\S+)", count=len(accounts))
        assert sorted(m.group(1) for m in leases) == sorted(
            f"{'standup' if name == 'bot' else name}-bot@example.com" for name in accounts
        )
        deadline = time.monotonic() + 30
        while httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code != 200:
            assert time.monotonic() < deadline, bot.log_path.read_text()
            time.sleep(0.05)
    finally:
        code, out = bot.stop()
    assert code == 0, bot.log_path.read_text()
    assert "zulip-standup: stopped" in out
