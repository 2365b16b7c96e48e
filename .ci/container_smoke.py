"""CI's container smoke check: wait for a bot's /readyz 200, then DM it `help` as a localzulip
user and wait for its reply; prints the figures the container stage must show.

    python .ci/container_smoke.py --url http://127.0.0.1:PORT --zuliprc-dir DIR [--label L]
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import zulip


def wait_ready(url: str, deadline: float) -> None:
    """Poll GET {url}/readyz until it answers 200, or exit 1 at the deadline."""
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    print(f"== /readyz: {response.status} {response.read().decode()[:200]}")
                    return
                last = str(response.status)
        except urllib.error.HTTPError as exc:
            last = f"{exc.code} {exc.read().decode()[:200]}"
        except OSError as exc:
            last = repr(exc)
        time.sleep(1)
    sys.exit(f"== /readyz never answered 200 (last: {last})")


def dm_help(zuliprc_dir: Path, user: str, deadline: float) -> str:
    """Send `help` to the bot as `user`; return the bot's first reply after it."""
    bot = zulip.Client(config_file=str(zuliprc_dir / "bot.zuliprc"))
    human = zulip.Client(config_file=str(zuliprc_dir / f"{user}.zuliprc"))
    bot_id = bot.get_profile()["user_id"]
    sent = human.send_message({"type": "private", "to": [bot_id], "content": "help"})
    if sent.get("result") != "success":
        sys.exit(f"== sending the DM failed: {sent}")
    while time.monotonic() < deadline:
        found = human.get_messages(
            {
                "anchor": sent["id"],
                "num_before": 0,
                "num_after": 20,
                "apply_markdown": False,
            }
        )
        for message in found.get("messages", []):
            if message["sender_id"] == bot_id and message["id"] > sent["id"]:
                return str(message["content"])
        time.sleep(1)
    sys.exit("== the bot never replied to the DM `help`")


def main() -> None:
    """Parse the options, run both checks, print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--zuliprc-dir", type=Path, required=True)
    parser.add_argument("--user", default="carol")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    started = time.monotonic()
    wait_ready(args.url, started + args.timeout)
    print(f"== ready after {time.monotonic() - started:.1f} s")
    reply = dm_help(args.zuliprc_dir, args.user, time.monotonic() + 60)
    first = reply.strip().splitlines()[0] if reply.strip() else "(empty)"
    print(f"== DM reply to `help` (first line): {first}")


if __name__ == "__main__":
    main()
