"""The ``zulip-standup`` command line: run, demo, migrate, check, rotate-keys, mcp, backup,
restore, help."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

from zulip_standup import cli_backup
from zulip_standup.app import RunOptions
from zulip_standup.logs import configure_logging
from zulip_standup.serving import Service
from zulip_standup.settings import Settings, SettingsError, load_settings
from zulip_standup.storage import migrate as migrations
from zulip_standup.storage.crypto import AnswerCipher, UnreadableAnswerError
from zulip_standup.storage.engine import DatabaseConfigError, make_engine
from zulip_standup.storage.key_rotation import RotationIncompleteError
from zulip_standup.storage.runs import RunStore
from zulip_standup.storage.webhooks import WebhookStoreSQL
from zulip_standup.zulip.events import FatalZulipError
from zulip_standup.zulip.rest import ZulipAuthError, ZulipError, ZulipRest

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2


# Options that mean the same whichever command runs: accepted before the command
# (`zulip-standup --zuliprc F run`) and after it (`zulip-standup run --zuliprc F`), as people
# type them. After the command they land on a dest of their own and `parse_args` merges them.
_IN_COMMAND = "{}_in_command"
_GLOBAL_APPEND = ("zuliprc",)


def package_version() -> str:
    """The installed distribution's version (the wheel's or the editable install's)."""
    try:
        return metadata.version("zulip-standup")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


def _add_global_options(parser: argparse.ArgumentParser, *, in_command: bool) -> None:
    parser.add_argument(
        "--zuliprc",
        type=Path,
        action="append",
        dest=_IN_COMMAND.format("zuliprc") if in_command else "zuliprc",
        default=argparse.SUPPRESS if in_command else None,
        metavar="ZULIPRC",
        help="the bot's zuliprc file (default: $ZULIP_CONFIG, else ~/.zuliprc, "
        "else ZULIP_EMAIL/ZULIP_API_KEY/ZULIP_SITE); `run` takes it more than once, or a "
        "directory of *.zuliprc files, to serve several bot accounts",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"zulip-standup {package_version()}",
        help="print the version and exit",
    )


def build_parser() -> argparse.ArgumentParser:
    return _build_parsers()[0]


def _build_parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The program's parser and each command's (for `help COMMAND`)."""
    parser = argparse.ArgumentParser(
        prog="zulip-standup",
        description="An asynchronous standup bot for Zulip.",
    )
    _add_global_options(parser, in_command=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands: dict[str, argparse.ArgumentParser] = {}

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        child = sub.add_parser(name, help=help_text, description=help_text)
        _add_global_options(child, in_command=True)
        commands[name] = child
        return child

    command("check", "print the effective configuration and check the database and Zulip")
    command("migrate", "bring the database schema up to date")
    command(
        "rotate-keys",
        "re-encrypt every stored answer with the first key of STANDUP_ENCRYPTION_KEYS",
    )
    demo = command(
        "demo",
        "simulate a whole standup day against a bundled local Zulip (no server needed)",
    )
    demo.add_argument("--days", type=int, default=1, help="how many standup days (default 1)")
    demo.add_argument("--json", type=Path, help="also write the counts to this JSON file")
    command(
        "mcp",
        "serve read-only MCP tools on stdin/stdout for an LLM client, through the bot's "
        "REST API (STANDUP_API_URL) with a personal token (STANDUP_API_TOKEN)",
    )
    cli_backup.add_parsers(command)
    run = command("run", "run the bot against the configured Zulip server")
    run.add_argument(
        "--no-migrate",
        action="store_true",
        help="do not migrate the database on start (fail if it is not up to date)",
    )
    helper = sub.add_parser(
        "help",
        help="show this help, or a command's (`help run`), and exit",
        description="show this help, or a command's, and exit",
    )
    helper.add_argument("topic", nargs="?", choices=sorted(commands), metavar="COMMAND")
    return parser, commands


def parse_args(
    argv: Sequence[str] | None = None, parser: argparse.ArgumentParser | None = None
) -> argparse.Namespace:
    """Parse the command line, global options from either side of the command merged: a
    repeatable option's values add up in the order typed, the others' last value wins."""
    args = (parser or build_parser()).parse_args(argv)
    for name in _GLOBAL_APPEND:
        after = vars(args).pop(_IN_COMMAND.format(name), None) or []
        setattr(args, name, [*(getattr(args, name) or []), *after])
    return args


def main(argv: Sequence[str] | None = None) -> None:
    sys.exit(run_cli(argv))


def run_cli(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Parse ``argv``, run the command and return the exit code."""
    stdout = out or sys.stdout
    parser, commands = _build_parsers()
    args = parse_args(argv, parser)
    if args.command is None:
        parser.print_help(stdout)
        return EXIT_OK
    if args.command == "help":
        shown = commands[args.topic] if args.topic else parser
        shown.print_help(stdout)
        return EXIT_OK
    if args.command == "demo":
        return run_demo_command(args.days, args.json, stdout)
    if args.command == "mcp":
        return run_mcp_command(os.environ, sys.stderr)
    try:
        paths = zuliprc_files(args.zuliprc)
        if len(paths) > 1 and args.command != "run":
            msg = f"`{args.command}` takes one zuliprc; `run` serves several"
            raise SettingsError([msg])
        accounts = [load_settings(path) for path in paths] if paths else [load_settings(None)]
    except SettingsError as exc:
        print("zulip-standup: the configuration is invalid:", file=stdout)
        for problem in exc.problems:
            print(f"  - {problem}", file=stdout)
        return EXIT_CONFIG
    settings = accounts[0]
    secrets = [value for account in accounts for value in account.secret_values()]
    configure_logging(settings.log_level, settings.log_format, secrets)
    if args.command == "check":
        return asyncio.run(check(settings, stdout))
    if args.command == "migrate":
        return migrate(settings, stdout)
    if args.command == "rotate-keys":
        return rotate_keys(settings, stdout)
    if args.command in cli_backup.COMMANDS:
        return cli_backup.run_command(args, settings, stdout)
    if args.command == "run":
        return asyncio.run(run_bot(accounts, stdout, migrate=not args.no_migrate))
    parser.error(f"unknown command {args.command}")
    return EXIT_CONFIG  # pragma: no cover - parser.error exits


def zuliprc_files(given: Sequence[Path]) -> list[Path]:
    """The zuliprc files named, a directory standing for the ``*.zuliprc`` files in it."""
    found: list[Path] = []
    for path in given:
        if path.is_dir():
            inside = sorted(p for p in path.glob("*.zuliprc") if p.is_file())
            if not inside:
                msg = f"zuliprc: directory {path} holds no *.zuliprc file"
                raise SettingsError([msg])
            found.extend(inside)
        else:
            found.append(path)
    return found


async def run_bot(accounts: list[Settings], out: TextIO, *, migrate: bool) -> int:
    """Run the bot until SIGTERM/SIGINT; exit 2 when Zulip rejects the credentials."""
    if not all(account.has_zulip_credentials for account in accounts):
        print(
            "zulip-standup: no Zulip credentials; give --zuliprc FILE or set "
            "ZULIP_EMAIL, ZULIP_API_KEY and ZULIP_SITE",
            file=out,
        )
        return EXIT_CONFIG
    try:
        process = Service(accounts, options=RunOptions(migrate=migrate))
    except (ValueError, DatabaseConfigError) as exc:
        print(f"zulip-standup: cannot start: {exc}", file=out)
        return EXIT_CONFIG
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, process.stop)
    try:
        await process.run()
    except FatalZulipError as exc:
        print(f"zulip-standup: Zulip rejected the bot's credentials ({exc}); stopping", file=out)
        return EXIT_CONFIG
    except (ZulipError, SQLAlchemyError, DatabaseConfigError, RuntimeError) as exc:
        reason = _db_reason(exc) if isinstance(exc, SQLAlchemyError) else str(exc)
        print(f"zulip-standup: cannot start: {reason}", file=out)
        return EXIT_FAILURE
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
    print("zulip-standup: stopped", file=out)
    return EXIT_OK


def run_demo_command(days: int, json_path: Path | None, out: TextIO) -> int:
    """The demo needs no configuration: it brings its own Zulip server and database."""
    # Imported here: localzulip is needed by the demo only, never by `run`.
    from zulip_standup.demo import run_demo  # noqa: PLC0415

    if not 1 <= days <= 14:
        print("zulip-standup demo: --days must be 1 to 14, e.g. --days 3", file=out)
        return EXIT_CONFIG
    configure_logging("WARNING", "text")
    result = asyncio.run(run_demo(out, days=days, json_path=json_path))
    return EXIT_OK if result.duplicates == 0 else EXIT_FAILURE


def run_mcp_command(environ: Mapping[str, str], err: TextIO) -> int:
    """The MCP server on stdio; stdout is the protocol's, so problems go to ``err``."""
    # Imported here: the MCP SDK is for this command only, never loaded by `run`.
    from zulip_standup.assistant.api_client import ConfigError, config_from_env  # noqa: PLC0415
    from zulip_standup.assistant.server import serve  # noqa: PLC0415

    try:
        config = config_from_env(environ)
    except ConfigError as exc:
        print(f"zulip-standup mcp: {exc}", file=err)
        return EXIT_CONFIG
    configure_logging("WARNING", "text", [config.token], stream=err)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C when started by hand
        asyncio.run(serve(config))
    return EXIT_OK


def rotate_keys(settings: Settings, out: TextIO) -> int:
    """Re-encrypt answers, webhook secrets and events under the newest key; safe while the
    bot runs (in batches, each row written only if no edit changed it since it was read)."""
    if not settings.encryption_keys:
        print(
            "rotate-keys: STANDUP_ENCRYPTION_KEYS is empty; set NEWKEY,OLDKEY (newest first)",
            file=out,
        )
        return EXIT_CONFIG
    cipher = AnswerCipher([k.get_secret_value() for k in settings.encryption_keys])
    try:
        engine = make_engine(settings.database_url.get_secret_value())
        migrations.upgrade(engine)
        count = RunStore(engine, cipher).rotate_keys()
        hooks = WebhookStoreSQL(engine, cipher).rotate_keys()
    except (UnreadableAnswerError, RotationIncompleteError) as exc:
        print(f"rotate-keys: FAILED: {exc}; keep the old key in the list", file=out)
        return EXIT_FAILURE
    except (DatabaseConfigError, SQLAlchemyError) as exc:
        print(f"rotate-keys: FAILED: {_db_reason(exc)}", file=out)
        return EXIT_FAILURE
    engine.dispose()
    print(f"rotate-keys: {count} answers now encrypted with the first key", file=out)
    if hooks:
        print(f"rotate-keys: {hooks} webhook secrets and events too", file=out)
    return EXIT_OK


def migrate(settings: Settings, out: TextIO) -> int:
    try:
        engine = make_engine(settings.database_url.get_secret_value())
        before = migrations.current_revision(engine)
        migrations.upgrade(engine)
        after = migrations.current_revision(engine)
    except (DatabaseConfigError, SQLAlchemyError) as exc:
        print(f"database: migration failed: {_db_reason(exc)}", file=out)
        return EXIT_FAILURE
    engine.dispose()
    if before == after:
        print(f"database: already at revision {after}", file=out)
    else:
        print(f"database: migrated from {before or 'empty'} to {after}", file=out)
    return EXIT_OK


async def check(settings: Settings, out: TextIO) -> int:
    """Print the redacted configuration, then one line per check; exit 2 on any failure."""
    print("configuration:", file=out)
    for key, value in settings.redacted().items():
        print(f"  {key}: {value}", file=out)
    ok = _check_database(settings, out)
    ok = await _check_zulip(settings, out) and ok
    return EXIT_OK if ok else EXIT_CONFIG


def _check_database(settings: Settings, out: TextIO) -> bool:
    try:
        engine = make_engine(settings.database_url.get_secret_value())
        try:
            current = migrations.current_revision(engine)
        finally:
            engine.dispose()
    except (DatabaseConfigError, SQLAlchemyError) as exc:
        print(f"database: FAILED: cannot connect: {_db_reason(exc)}", file=out)
        return False
    head = migrations.head_revision()
    if current == head:
        print(f"database: ok, schema at revision {current} (newest)", file=out)
    elif current is None:
        print("database: ok, empty (run `zulip-standup migrate`, or `run` migrates)", file=out)
    else:
        print(f"database: ok, schema at {current}; {head} is newer (run `migrate`)", file=out)
    return True


async def _check_zulip(settings: Settings, out: TextIO) -> bool:
    if not settings.has_zulip_credentials:
        missing = [
            name
            for name, value in (
                ("email", settings.zulip_email),
                ("key", settings.zulip_api_key),
                ("site", settings.zulip_site),
            )
            if not value
        ]
        print(
            f"zulip: FAILED: no {', '.join(missing)} configured; give --zuliprc FILE or set "
            "ZULIP_EMAIL, ZULIP_API_KEY and ZULIP_SITE",
            file=out,
        )
        return False
    assert settings.zulip_site
    assert settings.zulip_email
    assert settings.zulip_api_key
    client = ZulipRest(
        settings.zulip_site,
        settings.zulip_email,
        settings.zulip_api_key.get_secret_value(),
        verify=not settings.zulip_insecure,
    )
    async with client:
        try:
            server = await client.server_settings()
            me = await client.own_user()
        except ZulipAuthError as exc:
            print(
                f"zulip: FAILED: {settings.zulip_site} rejected the credentials of "
                f"{settings.zulip_email} ({exc.msg}); check the key in the zuliprc",
                file=out,
            )
            return False
        except ZulipError as exc:
            print(f"zulip: FAILED: {exc}", file=out)
            return False
    print(
        f"zulip: ok, bot {me.get('full_name')!r} (id {me.get('user_id')}) on "
        f"{settings.zulip_site}, Zulip {server.get('zulip_version')} "
        f"feature level {server.get('zulip_feature_level')}",
        file=out,
    )
    if not me.get("is_bot"):
        print("zulip: warning: this account is not a bot; use a Generic bot's zuliprc", file=out)
    return True


def _db_reason(exc: Exception) -> str:
    if isinstance(exc, DatabaseConfigError):
        return str(exc)
    if isinstance(exc, SQLAlchemyError):
        original = getattr(exc, "orig", None)
        text = str(original or exc).strip().splitlines()[0]
        return text[:300]
    return type(exc).__name__
