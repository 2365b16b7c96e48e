"""`zulip-standup backup` and `restore` as an operator runs them: what they print, their exit
statuses, one line and no traceback for every refusal."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
from pathlib import Path

from zulip_standup.clock import SystemClock
from zulip_standup.storage import migrate
from zulip_standup.storage.engine import make_engine
from zulip_standup.storage.leases import LeaseStore


def _run(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zulip_standup", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": url},
        timeout=60,
        check=False,
    )


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.stderr == "", result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    return lines[0]


def test_backup_then_restore_into_a_fresh_path(tmp_path: Path) -> None:
    """`backup` prints the file, its size and revision, writes it 0600 and will not overwrite
    it without --force; `restore` into a new database path says where it put it."""
    url = f"sqlite:///{tmp_path / 'live' / 'standup.db'}"
    assert _run("migrate", url=url).returncode == 0
    target = tmp_path / "standup-backup.db"
    result = _run("backup", str(target), url=url)
    assert result.returncode == 0
    head = migrate.head_revision()
    size = target.stat().st_size
    assert _one_line(result) == (f"backup: wrote {target} ({size:,} bytes, schema revision {head})")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    again = _run("backup", str(target), url=url)
    assert again.returncode == 1
    assert _one_line(again) == f"backup: refused: {target} exists; give --force to overwrite it"
    assert _run("backup", "--force", str(target), url=url).returncode == 0

    fresh = tmp_path / "fresh" / "standup.db"
    restored = _run("restore", str(target), url=f"sqlite:///{fresh}")
    assert restored.returncode == 0
    assert _one_line(restored) == (
        f"restore: {fresh} restored from {target} (schema revision {head}, the newest)"
    )


def test_restore_refusals_are_one_line_with_a_nonzero_status(tmp_path: Path) -> None:
    """A missing file, a file that is not a database, and a bot holding the lease: each
    refused in one line, exit 1, nothing replaced."""
    url = f"sqlite:///{tmp_path / 'live' / 'standup.db'}"
    assert _run("migrate", url=url).returncode == 0
    backup = tmp_path / "b.db"
    assert _run("backup", str(backup), url=url).returncode == 0

    missing = _run("restore", str(tmp_path / "nope.db"), url=url)
    assert (missing.returncode, _one_line(missing)) == (
        1,
        f"restore: refused: {tmp_path / 'nope.db'} does not exist",
    )
    notes = tmp_path / "notes.txt"
    notes.write_text("standup notes, not a database\n" * 100)
    foreign = _run("restore", str(notes), url=url)
    assert foreign.returncode == 1
    assert _one_line(foreign).startswith(f"restore: refused: {notes} is not an SQLite database")

    engine = make_engine(url)
    leases = LeaseStore(engine)
    now = SystemClock().now()
    realm = leases.realm("https://chat.example.org", "bot@example.org", now)
    assert leases.acquire(realm, "host-a:4242", now, dt.timedelta(hours=1)) is not None
    engine.dispose()
    served = _run("restore", str(backup), url=url)
    assert served.returncode == 1
    line = _one_line(served)
    assert line.startswith(
        "restore: refused: the database is in use: host-a:4242 serves bot@example.org"
    )
    assert line.endswith("stop that process first")


def test_postgres_is_pointed_to_pg_dump(tmp_path: Path) -> None:
    """On PostgreSQL both commands say they are for SQLite, name the pg_dump route, exit 2."""
    url = "postgresql://standup@db.example.org/standup"
    for command in ("backup", "restore"):
        result = _run(command, str(tmp_path / "x.dump"), url=url)
        assert result.returncode == 2
        assert _one_line(result) == (
            f"{command}: this command is for SQLite; back up PostgreSQL with `pg_dump -Fc`, "
            "restore with `pg_restore` into an empty database, then run "
            "`zulip-standup migrate` (docs/backup.md)"
        )
