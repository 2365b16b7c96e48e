"""`zulip-standup demo` runs a whole simulated day end to end and reports honest counts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("days", [1, 2])
def test_demo_prompts_everyone_once_and_stores_every_answer(tmp_path: Path, days: int) -> None:
    """Exit 0; every participant but the absent one prompted exactly once per day; every
    simulated answer stored; no duplicate prompt or report; the transcript is printed."""
    out = tmp_path / "demo.json"
    result = subprocess.run(
        [sys.executable, "-m", "zulip_standup", "demo", "--days", str(days), "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    counts = json.loads(out.read_text())
    assert counts["participants"] == 6
    assert counts["absent"] == ["tom"]
    assert counts["prompts_per_person"] == {
        "lena": days,
        "ravi": days,
        "mia": days,
        "tom": 0,
        "sam": days,
        "ana": days,
    }
    assert counts["answers_stored"] == counts["answers_expected"] == 12 * days
    assert counts["duplicates"] == 0
    assert "=== #team ===" in result.stdout
    assert "Wrote the cache design and the load-test plan" in result.stdout  # the edit arrived
    assert "Traceback" not in result.stdout + result.stderr
