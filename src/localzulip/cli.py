"""Command line: ``localzulip serve --port 9991 [--realm FILE] [--zuliprc-dir DIR]``."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from localzulip.core import ServerConfig
from localzulip.ratelimit import RateLimitConfig
from localzulip.realmfile import load_realm
from localzulip.sample import sample_realm
from localzulip.server import LocalZulip


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="localzulip", description="A local Zulip API server.")
    sub = top.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the API until SIGINT/SIGTERM")
    serve.add_argument("--port", type=int, default=9991)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--realm", help="realm file (.toml or .json); default: the sample realm")
    serve.add_argument("--zuliprc-dir", help="write one zuliprc per account into this directory")
    serve.add_argument("--heartbeat", type=float, default=50.0, help="long-poll heartbeat (s)")
    serve.add_argument("--queue-timeout", type=float, default=600.0, help="idle queue expiry (s)")
    serve.add_argument("--no-rate-limit", action="store_true", help="turn rate limiting off")
    serve.add_argument("--rate-limit", type=int, default=200, help="requests per window")
    serve.add_argument("--rate-window", type=float, default=60.0, help="window in seconds")
    serve.add_argument("--admin", action="store_true", help="enable /localzulip/admin/...")
    return top


async def serve(args: argparse.Namespace) -> None:
    realm = load_realm(args.realm) if args.realm else sample_realm()
    config = ServerConfig(
        heartbeat_seconds=args.heartbeat,
        queue_timeout_seconds=args.queue_timeout,
        rate_limit=RateLimitConfig(
            enabled=not args.no_rate_limit, limit=args.rate_limit, window=args.rate_window
        ),
        admin_enabled=args.admin,
    )
    server = LocalZulip(realm, config=config, host=args.host, port=args.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    url = await server.start()
    if args.zuliprc_dir:
        server.write_zuliprcs(args.zuliprc_dir)
    print(f"localzulip ready at {url}", flush=True)
    try:
        await stop.wait()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "serve":
        asyncio.run(serve(args))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
