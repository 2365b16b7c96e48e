"""``python -m bench [--short] [--output FILE]``: run every benchmark, write JSON, print a table.

No figure is asserted on; the exit status is 0 when every benchmark ran.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import answers, cost, fanout, lateness, memory, scaling, timeliness
from bench.botproc import BOT_SRC_ENV, bot_src
from zulip_standup.clock import SystemClock


def machine() -> dict[str, Any]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    free = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu,
        "memory": free.strip(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


async def run_all(short: bool, only: set[str] | None) -> dict[str, Any]:
    results: dict[str, Any] = {}
    timings: dict[str, float] = {}

    async def step(name: str, coro: Any) -> None:
        if only and name not in only:
            coro.close()
            return
        start = time.perf_counter()
        load = os.getloadavg()
        print(f"-- {name} ... (load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})", flush=True)
        results[name] = await coro
        results[name]["load_average_at_start"] = load
        timings[name] = round(time.perf_counter() - start, 1)
        print(f"   {name} done in {timings[name]} s", flush=True)

    await step("lateness", lateness.run(short))
    await step("fanout", fanout.run(short))
    direct = results.get("fanout", {}).get("cases", [])
    await step("timeliness", timeliness.run(short, direct))
    await step("answers", answers.run(short))
    await step("scaling", scaling.run(short))
    await step("memory", memory.run(short))
    await step("cost", cost.run(short))
    results["seconds"] = timings
    return results


def table(results: dict[str, Any]) -> str:
    lines: list[str] = []
    add = lines.append
    for case in results.get("lateness", {}).get("cases", []):
        s = case["lateness_s"]
        add(
            f"lateness {case['prompts_delivered']}/{case['people']} prompts at one minute, "
            f"production settings: p50/p99/max {s['p50']:.3f}/{s['p99']:.3f}/{s['max']:.3f}s, "
            f"429s {case['http_429']}"
        )
        for user_id, late_s in sorted(case.get("lateness_by_person_s", [])):
            add(f"  prompt to user {user_id}: {late_s:.3f} s after its minute")
    for case in results.get("fanout", {}).get("cases", []):
        add(
            f"fan-out N={case['n']:>6} limit {case['limit']}/{case['window_s']}s: "
            f"achieved/allowed {case['achieved_over_allowed']:.3f} "
            f"(sustained {case['sustained_over_allowed']:.3f}), 429s {case['http_429']}, "
            f"last prompt {case['last_prompt_lateness_s']:.2f}s vs minimum "
            f"{case['theoretical_minimum_s']:.2f}s (x{case['last_over_minimum']:.2f}); "
            f"bot CPU {case['bot_cpu_ms_per_prompt']} ms/prompt"
        )
    for case in results.get("timeliness", {}).get("cases", []):
        s = case["scheduled"]["lateness_s"]
        d = case["direct_lateness_s"] or {}
        add(
            f"timeliness N={case['n']:>6}: scheduled p50/p99/max "
            f"{s['p50']:.3f}/{s['p99']:.3f}/{s['max']:.3f}s; direct "
            f"{d.get('p50', float('nan')):.3f}/{d.get('p99', float('nan')):.3f}/"
            f"{d.get('max', float('nan')):.3f}s; prompted twice "
            f"{case['scheduled']['people_prompted_twice']}"
        )
    for case in results.get("answers", {}).get("cases", []):
        e = case["sent_to_next_question_s"]
        st = case["sent_to_stored_s"]
        add(
            f"answers {case['db']:>8} P={case['people']}: {case['answers_per_s']} answers/s "
            f"(encrypted {case['answers_stored_encrypted']}/{case['answers']}, bot CPU "
            f"{case['bot_cpu_ms_per_answer']} ms/answer); "
            f"sent->stored p50/p99 {st['p50']:.3f}/{st['p99']:.3f}s; "
            f"sent->next question p50/p99 {e['p50']:.3f}/{e['p99']:.3f}s"
        )
    for case in results.get("scaling", {}).get("cases", []):
        add(
            f"scaling {case['db']:>8} {case['standups']:>6} standups: planner "
            f"{case['planner_ms_per_standup']} ms/standup; idle tick "
            f"{case['idle_tick_ms_median']} ms (planner {case['idle_planner_tick_ms_median']}, "
            f"worker {case['idle_worker_tick_ms_median']}), rows {case['idle_tick_rows']}, "
            f"sqlite vm steps planner/worker {case['idle_planner_tick_sqlite_vm_steps']}/"
            f"{case['idle_worker_tick_sqlite_vm_steps']}; due tick "
            f"{case['due_tick_ms_per_job']} ms/job, {case['due_tick_rows_per_job']} rows/job"
        )
    for case in results.get("memory", {}).get("cases", []):
        add(
            f"memory {case['standups']:>6} standups / {case['participants']} participants: "
            f"RSS {case['rss_mib']} MiB (peak {case['peak_rss_mib']} MiB)"
        )
    for case in results.get("cost", {}).get("cases", []):
        add(
            f"cost P={case['participants']}: bot CPU {case['bot_cpu_ms_per_participant_day']} ms "
            f"per participant-day ({case['bot_cpu_ms_per_participant_day_less_idle']} less idle), "
            f"bot RSS {case['bot_rss_mib']} MiB; {case['per_participant_per_day']} requests per "
            f"participant per day {case['bot_requests_by_operation']}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--short", action="store_true", help="small N (CI); well under 3 minutes")
    parser.add_argument("--output", type=Path, default=Path("bench/results.json"))
    parser.add_argument("--only", action="append", help="run only these benchmarks")
    parser.add_argument(
        "--bot-src",
        type=Path,
        help="the bot process imports the product from this src directory (baseline figures)",
    )
    args = parser.parse_args(argv)
    if args.bot_src:
        os.environ[BOT_SRC_ENV] = str(args.bot_src.resolve())
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    started = SystemClock().now()
    load_before = os.getloadavg()
    wall = time.perf_counter()
    results = asyncio.run(run_all(args.short, set(args.only) if args.only else None))
    document = {
        "date": started.isoformat(timespec="seconds"),
        "mode": "short" if args.short else "full",
        "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(),
        "bot_src": bot_src(),
        "load_average_before": load_before,
        "total_seconds": round(time.perf_counter() - wall, 1),
        "load_average_after": os.getloadavg(),
        "results": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, indent=2, default=str) + "\n")
    print()
    print(table(results))
    print(f"\nwrote {args.output} in {document['total_seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
