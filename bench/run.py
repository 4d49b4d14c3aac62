"""Run every benchmark and print JSON lines: `python -m bench` (under 5 min on 2 cores) or
`python -m bench --smoke` (tiny sizes, seconds; what CI runs — it never judges timings).

Each measurement runs in its own process (so peak RSS is per measurement and one run's heap
does not slow the next); this runner streams their lines, then adds a `summary` line per target.
"""

from __future__ import annotations

import argparse
import functools
import json
import operator
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.common import emit, machine

ROOT = Path(__file__).resolve().parent.parent
Job = tuple[str, list[str], dict[str, object]]  # (module, arguments, fields added to its lines)
ENGINE_USERS = 10_000
MANY_USERS = 100_000


def full_plan(profile: bool, repeat: int, baseline_tree: Path | None) -> Iterator[Job]:
    """The measurements behind docs/PERFORMANCE.md. The ones with targets run `repeat` times,
    interleaved with their baselines (ours, baseline, ours, baseline, ...), so each comparison
    is made under the same load of this shared machine; the summary takes the median."""
    yield "bench.coldstart_bench", ["--runs", "5"], {}
    yield "bench.knowledge_bench", ["--sizes", "0", "10000", "100000", "--loads", "3"], {}
    users = str(ENGINE_USERS)
    for rep in range(repeat):
        tag: dict[str, object] = {"rep": rep}
        yield "bench.engine_bench", ["--users", users, "--turns", "20000"], tag
        yield "bench.engine_bench", ["--users", users, "--turns", "20000", "--store", "memory"], tag
        if baseline_tree is not None:  # the same script on the tree before #11 and #14
            yield "bench.engine_bench", ["--users", users, "--turns", "20000"], \
                {**tag, "tree": str(baseline_tree)}
        yield "bench.engine_bench", ["--users", users, "--turns", "15000", "--mode", "paced",
                                     "--rate", "5000", "--cap", "6"], tag
        yield "bench.engine_bench", ["--users", str(MANY_USERS), "--turns", "20000"], tag
    yield "bench.engine_bench", ["--users", users, "--turns", "9000", "--mode", "paced",
                                 "--rate", "3000", "--cap", "6"], {}
    for few in (100, 1000):
        yield "bench.engine_bench", ["--users", str(few), "--turns", "10000"], {}
    if profile:
        yield "bench.engine_bench", ["--users", users, "--turns", "5000", "--profile"], {}
    yield "bench.ocr_bench", [], {}  # the frozen 40 label photos (docs/photos.md)
    yield "bench.nlu_bench", ["--split", "test", "--compare"], {}  # the frozen test split (#11)
    for rep in range(repeat):
        yield from telegram_jobs(1000, {"rep": rep})
    for users_ in (100, 10000):
        yield from telegram_jobs(users_, {})
    yield "bench.store_bench", ["--users", "10000", "--turns", "20000", "--processes", "1", "2",
                                "4"], {}


def telegram_jobs(users: int, tag: dict[str, object]) -> Iterator[Job]:
    for bot in ("ours", "baseline", "baseline-durable"):
        # durable PTB: one update at a time, or one update_persistence call re-pickles the
        # file for every user touched meanwhile and cannot be stopped at the cap
        inflight = "1" if bot == "baseline-durable" else "100"
        yield "bench.telegram_bench", ["--bot", bot, "--users", str(users), "--turns", "4000",
                                       "--cap", "8", "--inflight", inflight], tag


def smoke_plan() -> Iterator[Job]:
    """Every suite at toy sizes: proves the benchmarks still run and print well-formed lines."""
    yield "bench.coldstart_bench", ["--runs", "1"], {}
    yield "bench.knowledge_bench", ["--sizes", "0", "100", "--loads", "1"], {}
    yield "bench.engine_bench", ["--users", "20", "--turns", "100", "--no-pin"], {}
    yield "bench.engine_bench", ["--users", "20", "--turns", "100", "--no-pin", "--store",
                                 "memory"], {}
    yield "bench.engine_bench", ["--users", "20", "--turns", "100", "--mode", "paced",
                                 "--rate", "500", "--no-pin", "--profile", "--profile-top", "5"], {}
    for bot in ("ours", "baseline", "baseline-durable"):
        yield "bench.telegram_bench", ["--bot", bot, "--users", "10", "--turns", "30", "--no-pin",
                                       "--inflight", "4"], {}
    yield "bench.store_bench", ["--users", "50", "--turns", "200", "--processes", "1", "2"], {}
    yield "bench.ocr_bench", ["--limit", "3", "--no-pin"], {}
    yield "bench.nlu_bench", ["--split", "test"], {}


def run_job(module: str, args: list[str], extra: dict[str, object],
            timeout: float) -> list[dict[str, object]]:
    """Run one measurement process; echo and return its JSON lines (errors become lines too).

    `extra["tree"]` runs the module from another checkout (the baseline tree) instead."""
    command = [sys.executable, "-m", module, *args]
    cwd = Path(str(extra["tree"])) if "tree" in extra else ROOT
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                              check=False, env=env)
    except subprocess.TimeoutExpired:
        emit("error", module, args=args, problem=f"timed out after {timeout:.0f} s")
        return []
    lines = []
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            record = {**json.loads(line), **extra}
            print(json.dumps(record), flush=True)
            lines.append(record)
    if done.returncode != 0:
        emit("error", module, args=args, exit=done.returncode, stderr=done.stderr.strip()[-800:])
    return lines


def _num(record: dict[str, object], field: str) -> float:
    return float(str(record[field]))


def _spread(values: list[float]) -> dict[str, object]:
    """median, min and max of repeated measurements (the median is the one judged)."""
    def r(v: float) -> float:
        return round(v, 3 if abs(v) < 10 else 1)

    return {"value": r(statistics.median(values)), "min": r(min(values)),
            "max": r(max(values)), "runs": len(values)}


def summarise(results: list[dict[str, object]]) -> None:
    """One `summary` line per target: the median figure (min, max, runs), the target, met."""
    def find_all(suite: str, name: str, **match: object) -> list[dict[str, object]]:
        return [r for r in results if r.get("suite") == suite and r.get("name") == name
                and all(r.get(k) == v for k, v in match.items())]

    def find(suite: str, name: str, **match: object) -> dict[str, object] | None:
        found = find_all(suite, name, **match)
        return found[0] if found else None

    def target(what: str, values: list[float], goal: str, met: Callable[[float], bool],
               **more: object) -> None:
        if values:
            spread = _spread(values)
            emit("summary", what, **spread, target=goal,
                 met=met(float(str(spread["value"]))), **more)

    def context(what: str, values: list[float], **more: object) -> None:
        """A figure shown beside the targets (no target of its own)."""
        if values:
            emit("summary", what, **_spread(values), target=None, met=None, **more)

    def ours(**match: object) -> list[dict[str, object]]:
        return [r for r in find_all("engine", str(match.pop("mode", "saturate")), **match)
                if "tree" not in r and r.get("store", "sqlite") == "sqlite"
                and not r.get("profiled")]

    users = max((int(str(r["users"])) for r in results if r.get("suite") == "engine"
                 and "users" in r and "tree" not in r and int(str(r["users"])) <= ENGINE_USERS),
                default=0)
    sat = ours(users=users)
    memory = find_all("engine", "saturate", users=users, store="memory")
    base = [r for r in find_all("engine", "saturate", users=users) if "tree" in r]
    target(f"engine durable turns/s, {users} live conversations (wall, one core)",
           [_num(r, "turns_per_s") for r in sat], ">= 10000", lambda v: v >= 10000,
           in_memory_store=_spread([_num(r, "turns_per_s") for r in memory]) if memory else None)
    target(f"engine durable turns per CPU-second, {users} live", [_num(r, "turns_per_cpu_s")
                                                                    for r in sat],
           ">= 10000", lambda v: v >= 10000)
    pairs = [(a, b) for a in sat for b in memory if a.get("rep") == b.get("rep")]
    context("engine CPU per turn, durable (SQLite) / in-memory store, same rep",
            [_num(a, "cpu_us_per_turn") / _num(b, "cpu_us_per_turn") for a, b in pairs],
            durable_us=[_num(a, "cpu_us_per_turn") for a, _ in pairs],
            memory_us=[_num(b, "cpu_us_per_turn") for _, b in pairs])
    base_pairs = [(a, b) for a in sat for b in base if a.get("rep") == b.get("rep")]
    target("engine CPU per turn vs the tree before #11/#14 (#11: <= 1.5x)",
           [_num(a, "cpu_us_per_turn") / _num(b, "cpu_us_per_turn") for a, b in base_pairs],
           "<= 1.5", lambda v: v <= 1.5,
           ours_us=[_num(a, "cpu_us_per_turn") for a, _ in base_pairs],
           baseline_us=[_num(b, "cpu_us_per_turn") for _, b in base_pairs])
    for rate in (5000.0, 3000.0):
        paced = [r for r in ours(mode="paced", users=users)
                 if float(str(r.get("offered_per_s"))) == rate]
        target(f"engine p99 at {rate:.0f} turns/s offered, {users} live (ms)",
               [_num(r, "p99_ms") for r in paced], "< 10", lambda v: v < 10,
               p50_ms=[_num(r, "p50_ms") for r in paced])
    many = ours(users=MANY_USERS)
    target(f"engine durable turns/s, {MANY_USERS} live conversations",
           [_num(r, "turns_per_s") for r in many], ">= 8000", lambda v: v >= 8000)
    target(f"engine peak RSS, {MANY_USERS} live conversations (MB)",
           [_num(r, "peak_rss_mb") for r in many], "< 400", lambda v: v < 400)
    tg_users = sorted({int(str(r["users"])) for r in results if r.get("suite") == "telegram"})
    for n in tg_users:
        for baseline, goal in (("baseline", 0.5), ("baseline-durable", 10.0)):
            ratios, cpu_ratios = [], []
            for mine in find_all("telegram", "ours", users=n):
                other = next((r for r in find_all("telegram", baseline, users=n)
                              if r.get("rep") == mine.get("rep")), None)
                if other is None:
                    continue
                ratios.append(_num(mine, "turns_per_s") / max(1.0, _num(other, "turns_per_s")))
                cpu_ratios.append(_num(mine, "turns_per_cpu_s")
                                  / max(1.0, _num(other, "turns_per_cpu_s")))
                emit("telegram", "ratio", users=n, versus=baseline, rep=mine.get("rep"),
                     ours=mine["turns_per_s"], other=other["turns_per_s"],
                     throughput_ratio=round(ratios[-1], 2), cpu_ratio=round(cpu_ratios[-1], 2))
            if n == 1000:
                target(f"telegram ours / {baseline} throughput at 1000 users", ratios,
                       f">= {goal:g}", functools.partial(operator.le, goal),
                       cpu_ratio=_spread(cpu_ratios) if cpu_ratios else None)
    model = next((r for r in results if r.get("name") == "model_lookup"
                  and int(str(r.get("synthetic", 0))) >= 100000), None)
    if model:
        target("model lookup at 100,000 models (us)", [_num(model, "hit_us")], "< 20",
               lambda v: v < 20)
    store_side_by_side(results)
    nlu = find("nlu", "overall", split="test")
    if nlu:
        target("understanding: question type accuracy, frozen test split (%)",
               [_num(nlu, "type_accuracy")], ">= 95", lambda v: v >= 95)
        target("understanding: replies holding the required facts, test split (%)",
               [_num(nlu, "end_to_end")], ">= 95", lambda v: v >= 95)
        target("understanding: safety steps first when in danger (%)",
               [_num(nlu, "safety_first")], "100", lambda v: v >= 100)
        target("understanding: replies calling a recalled model safe",
               [_num(nlu, "unsafe_replies")], "0", lambda v: v == 0)
        worst = min((r for r in results if r.get("suite") == "nlu" and r.get("name") == "language"
                     and r.get("split") == "test"),
                    key=lambda r: float(str(r["type_accuracy"])), default=None)
        if worst:
            target(f"understanding: worst language ({worst['lang']}) type accuracy (%)",
                   [_num(worst, "type_accuracy")], ">= 90", lambda v: v >= 90)
    ocr = find("ocr", "rapidocr", split="test")
    if ocr and int(str(ocr["labels"])) >= 40:
        target("photo: model read exactly, frozen 40", [_num(ocr, "model_exact")], ">= 0.95",
               lambda v: v >= 0.95)
        target("photo: serial read exactly, frozen 40", [_num(ocr, "serial_exact")], ">= 0.90",
               lambda v: v >= 0.90)
        target("photo: p95 seconds per photo (one core)", [_num(ocr, "p95_s")], "< 1.5",
               lambda v: v < 1.5)
    cold = find("coldstart", "check_A1263")
    if cold:
        target("recall-bot check A1263 wall time (s, median of its runs)",
               [_num(cold, "median_s")], "< 0.25", lambda v: v < 0.25)
    for name in ("imports_check", "imports_chat"):
        probe = find("coldstart", name)
        if probe:
            emit("summary", f"{name.removeprefix('imports_')} imports no platform SDK",
                 value=probe.get("imported_sdks"), target="[]",
                 met=probe.get("imported_sdks") == [])


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
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each measurement with a target (median judged)")
    parser.add_argument("--baseline-tree", type=Path, metavar="DIR",
                        help="a checkout of an older commit (e.g. `git worktree add ../base "
                             "e771057`): its engine runs beside ours, same script, same run")
    args = parser.parse_args(argv)
    plan = list(smoke_plan() if args.smoke
                else full_plan(args.profile, args.repeat, args.baseline_tree))
    if args.only:
        plan = [job for job in plan if job[0].split(".")[1].removesuffix("_bench") in args.only]
    emit("meta", "machine", smoke=args.smoke, **machine())
    started = time.perf_counter()
    results: list[dict[str, object]] = []
    errors = 0
    for module, job_args, extra in plan:
        lines = run_job(module, job_args, extra, timeout=60 if args.smoke else 180)
        errors += not lines
        results += lines
    summarise(results)
    emit("meta", "done", seconds=round(time.perf_counter() - started, 1), errors=errors)
    return 1 if errors else 0
