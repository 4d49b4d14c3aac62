"""Run every benchmark and print JSON lines: `python -m bench` (under 5 min on 2 cores) or
`python -m bench --smoke` (tiny sizes, seconds; what CI runs — it never judges timings).

Each measurement runs in its own process (so peak RSS is per measurement and one run's heap
does not slow the next); this runner streams their lines, then adds a `summary` line per target.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from bench.common import emit, machine

ROOT = Path(__file__).resolve().parent.parent
Job = tuple[str, list[str]]  # (module, arguments)


def full_plan(profile: bool) -> Iterator[Job]:
    """The measurements behind docs/PERFORMANCE.md."""
    yield "bench.coldstart_bench", ["--runs", "5"]
    yield "bench.knowledge_bench", ["--sizes", "0", "10000", "100000", "--loads", "3"]
    for users in (100, 1000, 10000):
        yield "bench.engine_bench", ["--users", str(users), "--turns", "10000"]
        yield "bench.engine_bench", ["--users", str(users), "--turns", "9000", "--mode", "paced",
                                     "--rate", "3000", "--cap", "6"]
    if profile:
        yield "bench.engine_bench", ["--users", "10000", "--turns", "5000", "--profile"]
    yield "bench.ocr_bench", []  # the frozen 40 label photos (docs/photos.md)
    yield "bench.nlu_bench", ["--split", "test", "--compare"]  # the frozen test split (issue #11)
    for users in (100, 1000, 10000):
        for bot in ("ours", "baseline", "baseline-durable"):
            # durable PTB: one update at a time, or one update_persistence call re-pickles the
            # file for every user touched meanwhile and cannot be stopped at the cap
            inflight = "1" if bot == "baseline-durable" else "100"
            yield "bench.telegram_bench", ["--bot", bot, "--users", str(users), "--turns", "4000",
                                           "--cap", "8", "--inflight", inflight]
    yield "bench.store_bench", ["--users", "10000", "--turns", "20000", "--processes", "1", "2", "4"]


def smoke_plan() -> Iterator[Job]:
    """Every suite at toy sizes: proves the benchmarks still run and print well-formed lines."""
    yield "bench.coldstart_bench", ["--runs", "1"]
    yield "bench.knowledge_bench", ["--sizes", "0", "100", "--loads", "1"]
    yield "bench.engine_bench", ["--users", "20", "--turns", "100", "--no-pin"]
    yield "bench.engine_bench", ["--users", "20", "--turns", "100", "--mode", "paced",
                                 "--rate", "500", "--no-pin", "--profile", "--profile-top", "5"]
    for bot in ("ours", "baseline", "baseline-durable"):
        yield "bench.telegram_bench", ["--bot", bot, "--users", "10", "--turns", "30", "--no-pin",
                                       "--inflight", "4"]
    yield "bench.store_bench", ["--users", "50", "--turns", "200", "--processes", "1", "2"]
    yield "bench.ocr_bench", ["--limit", "3", "--no-pin"]
    yield "bench.nlu_bench", ["--split", "test"]


def run_job(module: str, args: list[str], timeout: float) -> list[dict[str, object]]:
    """Run one measurement process; echo and return its JSON lines (errors become lines too)."""
    command = [sys.executable, "-m", module, *args]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        emit("error", module, args=args, problem=f"timed out after {timeout:.0f} s")
        return []
    lines = []
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            print(line, flush=True)
            lines.append(json.loads(line))
    if done.returncode != 0:
        emit("error", module, args=args, exit=done.returncode, stderr=done.stderr.strip()[-800:])
    return lines


def summarise(results: list[dict[str, object]]) -> None:
    """One `summary` line per target: the figure, the target, met or not."""
    def find(suite: str, name: str, **match: object) -> dict[str, object] | None:
        return next((r for r in results if r.get("suite") == suite and r.get("name") == name
                     and all(r.get(k) == v for k, v in match.items())), None)

    def target(what: str, value: object, goal: str, met: bool | None) -> None:
        emit("summary", what, value=value, target=goal, met=met)

    users = max((int(str(r["users"])) for r in results if r.get("suite") == "engine"
                 and "users" in r), default=0)
    sat = find("engine", "saturate", users=users)
    paced = find("engine", "paced", users=users)
    if sat:
        target(f"engine turns/s at {users} live conversations (wall, one core)",
               sat["turns_per_s"], ">= 3000", float(str(sat["turns_per_s"])) >= 3000)
        target(f"engine turns per CPU-second at {users} live conversations",
               sat["turns_per_cpu_s"], ">= 3000", float(str(sat["turns_per_cpu_s"])) >= 3000)
    if paced:
        target(f"engine p99 at {paced['offered_per_s']} turns/s offered, {users} live",
               paced["p99_ms"], "< 10 ms", float(str(paced["p99_ms"])) < 10)
    tg_users = sorted({int(str(r["users"])) for r in results if r.get("suite") == "telegram"})
    for n in tg_users:
        ours = find("telegram", "ours", users=n)
        for baseline in ("baseline", "baseline-durable"):
            other = find("telegram", baseline, users=n)
            if ours and other:
                ratio = round(float(str(ours["turns_per_s"])) / max(1.0, float(str(other["turns_per_s"]))), 2)
                cpu_ratio = round(float(str(ours["turns_per_cpu_s"]))
                                  / max(1.0, float(str(other["turns_per_cpu_s"]))), 2)
                emit("telegram", "ratio", users=n, versus=baseline, throughput_ratio=ratio,
                     cpu_ratio=cpu_ratio)
                if n == 1000:
                    target(f"telegram ours / {baseline} throughput at 1000 users", ratio, ">= 2",
                           ratio >= 2)
    model = next((r for r in results if r.get("name") == "model_lookup"
                  and int(str(r.get("synthetic", 0))) >= 100000), None)
    if model:
        target("model lookup at 100,000 models (us)", model["hit_us"], "< 20",
               float(str(model["hit_us"])) < 20)
    store_side_by_side(results)
    nlu = find("nlu", "overall", split="test")
    if nlu:
        target("understanding: question type accuracy, frozen test split (%)",
               nlu["type_accuracy"], ">= 95", float(str(nlu["type_accuracy"])) >= 95)
        target("understanding: replies holding the required facts, test split (%)",
               nlu["end_to_end"], ">= 95", float(str(nlu["end_to_end"])) >= 95)
        target("understanding: safety steps first when in danger (%)", nlu["safety_first"],
               "100", float(str(nlu["safety_first"])) >= 100)
        target("understanding: replies calling a recalled model safe", nlu["unsafe_replies"],
               "0", nlu["unsafe_replies"] == 0)
        worst = min((r for r in results if r.get("suite") == "nlu" and r.get("name") == "language"
                     and r.get("split") == "test"),
                    key=lambda r: float(str(r["type_accuracy"])), default=None)
        if worst:
            target(f"understanding: worst language ({worst['lang']}) type accuracy (%)",
                   worst["type_accuracy"], ">= 90", float(str(worst["type_accuracy"])) >= 90)
    ocr = find("ocr", "rapidocr", split="test")
    if ocr and int(str(ocr["labels"])) >= 40:
        target("photo: model read exactly, frozen 40", ocr["model_exact"], ">= 0.95",
               float(str(ocr["model_exact"])) >= 0.95)
        target("photo: serial read exactly, frozen 40", ocr["serial_exact"], ">= 0.90",
               float(str(ocr["serial_exact"])) >= 0.90)
        target("photo: p95 seconds per photo (one core)", ocr["p95_s"], "< 1.5",
               float(str(ocr["p95_s"])) < 1.5)
    cold = find("coldstart", "check_A1263")
    if cold:
        target("recall-bot check A1263 wall time (s, median)", cold["median_s"], "< 0.5",
               float(str(cold["median_s"])) < 0.5)
    for name in ("imports_check", "imports_chat"):
        probe = find("coldstart", name)
        if probe:
            target(f"{name.removeprefix('imports_')} imports no platform SDK",
                   probe.get("imported_sdks"), "[]", probe.get("imported_sdks") == [])


def store_side_by_side(results: list[dict[str, object]]) -> None:
    """One line: SQLite and PostgreSQL (1, 2, 4 processes) turns/s, per core and p99."""
    runs = [r for r in results if r.get("suite") == "store" and "turns_per_s" in r]
    if not runs:
        return
    table = {f"{r['name']}_{r['processes']}p": {k: r[k] for k in (
        "users", "turns_per_s", "per_core", "turns_per_bot_cpu_s", "p50_ms", "p99_ms")}
        for r in runs}
    emit("store", "side_by_side", **table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="toy sizes, for CI")
    parser.add_argument("--only", nargs="+", metavar="SUITE",
                        choices=("coldstart", "knowledge", "engine", "telegram", "store", "ocr", "nlu"),
                        help="run only these suites")
    parser.add_argument("--no-profile", dest="profile", action="store_false",
                        help="skip the profiled engine run")
    args = parser.parse_args(argv)
    plan = list(smoke_plan() if args.smoke else full_plan(args.profile))
    if args.only:
        plan = [job for job in plan if job[0].split(".")[1].removesuffix("_bench") in args.only]
    emit("meta", "machine", smoke=args.smoke, **machine())
    started = time.perf_counter()
    results: list[dict[str, object]] = []
    errors = 0
    for module, job_args in plan:
        lines = run_job(module, job_args, timeout=60 if args.smoke else 180)
        errors += not lines
        results += lines
    summarise(results)
    emit("meta", "done", seconds=round(time.perf_counter() - started, 1), errors=errors)
    return 1 if errors else 0
