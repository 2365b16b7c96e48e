"""The ``backup FILE`` and ``restore FILE`` commands of an SQLite database (registered by cli)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from zulip_standup.clock import SystemClock
from zulip_standup.settings import Settings
from zulip_standup.storage.backup import (
    BackupError,
    NotSQLiteError,
    backup_database,
    restore_database,
)
from zulip_standup.storage.engine import DatabaseConfigError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2
COMMANDS = frozenset({"backup", "restore"})
PG_ROUTE = (
    "back up PostgreSQL with `pg_dump -Fc`, restore with `pg_restore` into an empty database, "
    "then run `zulip-standup migrate` (docs/backup.md)"
)


def add_parsers(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Add ``backup`` and ``restore`` through the command line's ``command`` factory (which
    gives each the global options)."""
    backup = command(
        "backup",
        "copy the SQLite database to FILE, consistent while the bot runs (PostgreSQL: "
        "pg_dump, see docs/backup.md)",
    )
    backup.add_argument("file", type=Path, metavar="FILE", help="the backup file to write")
    backup.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    restore = command(
        "restore",
        "replace the SQLite database with the backup FILE and upgrade it (stop the bot first)",
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="a file written by `backup`")


def run_command(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Run ``backup`` or ``restore``; one line on stdout whatever happens."""
    command = str(args.command)
    url = settings.database_url.get_secret_value()
    try:
        if command == "backup":
            return _backup(url, args.file, out, force=args.force)
        return _restore(url, args.file, out)
    except NotSQLiteError as exc:
        print(f"{command}: {exc}; {PG_ROUTE}", file=out)
        return EXIT_CONFIG
    except DatabaseConfigError as exc:
        print(f"{command}: FAILED: {exc}", file=out)
        return EXIT_CONFIG
    except BackupError as exc:
        print(f"{command}: refused: {exc}", file=out)
        return EXIT_FAILURE
    except OSError as exc:
        print(f"{command}: FAILED: {exc.strerror or exc}", file=out)
        return EXIT_FAILURE


def _backup(url: str, target: Path, out: TextIO, *, force: bool) -> int:
    written = backup_database(url, target, force=force)
    revision = written.revision or "none (an empty database)"
    print(
        f"backup: wrote {written.path} ({_size(written.size_bytes)}, schema revision {revision})",
        file=out,
    )
    return EXIT_OK


def _restore(url: str, source: Path, out: TextIO) -> int:
    restored = restore_database(url, source, SystemClock().now())
    schema = (
        f"schema revision {restored.revision}, the newest"
        if restored.revision == restored.upgraded_to
        else f"schema revision {restored.revision}, upgraded to {restored.upgraded_to}"
    )
    print(f"restore: {restored.path} restored from {source.resolve()} ({schema})", file=out)
    return EXIT_OK


def _size(size_bytes: int) -> str:
    if size_bytes < 1024 * 1024:
        return f"{size_bytes:,} bytes"
    return f"{size_bytes / (1024 * 1024):.1f} MiB ({size_bytes:,} bytes)"
