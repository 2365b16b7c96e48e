"""`localzulip serve --zuliprc-dir DIR` as a subprocess, used by the official client."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import zulip


def test_serve_writes_zuliprcs_and_clients_exchange_dms(tmp_path: Path) -> None:
    """The bot and a person log in from the written zuliprc files and exchange DMs."""
    rc_dir = tmp_path / "rc"
    with subprocess.Popen(
        [sys.executable, "-m", "localzulip", "serve", "--port", "0", "--zuliprc-dir", str(rc_dir)],
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        _exercise(proc, rc_dir)


def _exercise(proc: subprocess.Popen[str], rc_dir: Path) -> None:
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("localzulip ready at http://127.0.0.1:")
        names = sorted(p.name for p in rc_dir.iterdir())
        assert names == [
            "alice.zuliprc",
            "bob.zuliprc",
            "bot.zuliprc",
            "carol.zuliprc",
            "dave.zuliprc",
            "erin.zuliprc",
        ]
        assert stat.S_IMODE(os.stat(rc_dir / "bot.zuliprc").st_mode) == 0o600
        bot = zulip.Client(config_file=str(rc_dir / "bot.zuliprc"))
        carol = zulip.Client(config_file=str(rc_dir / "carol.zuliprc"))
        bot_id = bot.get_profile()["user_id"]
        carol_id = carol.get_profile()["user_id"]
        assert (
            carol.send_message({"type": "private", "to": [bot_id], "content": "hi bot"})["result"]
            == "success"
        )
        dm_narrow = [{"operator": "dm", "operand": [carol_id]}]
        got = bot.get_messages(
            {
                "anchor": "newest",
                "num_before": 1,
                "num_after": 0,
                "narrow": dm_narrow,
                "apply_markdown": False,
            }
        )
        assert got["messages"][0]["content"] == "hi bot"
        bot.send_message({"type": "private", "to": [carol_id], "content": "hi carol"})
        back = carol.get_messages(
            {
                "anchor": "newest",
                "num_before": 1,
                "num_after": 0,
                "narrow": [{"operator": "dm", "operand": [bot_id]}],
                "apply_markdown": False,
            }
        )
        assert back["messages"][0]["content"] == "hi carol"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
