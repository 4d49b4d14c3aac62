"""Store throughput: durable turns (load + save, committed before the turn ends) per second and
their latency, SQLite and PostgreSQL side by side, and 1, 2, 4 processes on one PostgreSQL.

    python -m bench --only store            # the plan below, JSON lines + a side-by-side table
    python -m bench.store_bench --backend sqlite --users 10000 --turns 20000
    python -m bench.store_bench --backend postgres --processes 2 [--url postgresql://…]

Without --url a throw-away PostgreSQL server is started (tests/postgres_server.py: initdb as
the `postgres` user when run as root), with fsync on: commits are as durable as SQLite's
synchronous=NORMAL in WAL mode or better. Every conversation is live (seeded) before timing;
each of C concurrent workers per process runs turns over its users. With P processes, process i
owns users i, i+P, ...: as behind a load balancer with sticky routing; the scale-out test
(tests/adapters/telegram/test_scale_out.py) covers the non-sticky case for correctness.

`per_core` divides by every core of the machine (the database server runs on it too).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench.common import emit, ms, percentile
from bot.store import SQLiteStore, Store, VersionConflict, store_for

Turn = Callable[[int], Awaitable[None]]
ROOT = Path(__file__).resolve().parent.parent


def _state(user: int, turn: int) -> dict[str, object]:
    """About the size of a real conversation state, a serial in one turn of three."""
    state: dict[str, object] = {
        "schema_version": 1, "step": "await_serial", "model": "A1263", "language": None,
        "last_language": "en", "turn": turn, "u": user, "queued_models": [],
        "last_buttons": ["rc1:serial:A1263@3", "rc1:noserial:A1263@3", "rc1:cancel"],
        "flood_window_start": 1750000000.0, "flood_count": turn % 20, "flood_notified": False,
    }
    if turn % 3 == 1:
        state["serial"] = "AKF12Z330L8419B6"
    return state


def _key(user: int) -> tuple[str, str, str]:
    return ("telegram", str(user), str(user))


async def seed(store: Store, users: int) -> None:
    """Make every conversation live before timing (in batches: the store may group them)."""
    for start in range(0, users, 500):
        await asyncio.gather(*(store.save(_key(u), _state(u, 0), 0)
                               for u in range(start, min(users, start + 500))))


async def drive(store: Store, mine: list[int], turns: int, concurrency: int
                ) -> tuple[list[float], int, float]:
    """Run `turns` load+save turns over the users `mine`; (latencies, conflicts, seconds)."""
    latencies: list[float] = []
    conflicts = 0
    next_turn = 0

    async def turn(user: int) -> None:
        nonlocal conflicts
        key = _key(user)
        while True:
            stored = await store.load(key)
            version = stored.version if stored else 0
            try:
                await store.save(key, _state(user, version), version)
                return
            except VersionConflict:
                conflicts += 1

    async def worker() -> None:
        nonlocal next_turn
        while next_turn < turns:
            n = next_turn
            next_turn += 1
            start = time.perf_counter()
            await turn(mine[n % len(mine)])
            latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, conflicts, time.perf_counter() - start


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def result_line(backend: str, processes: int, users: int, concurrency: int,
                latencies: list[float], conflicts: int, wall: float, bot_cpu: float) -> None:
    latencies.sort()
    turns = len(latencies)
    rate = turns / wall
    emit("store", backend, processes=processes, users=users, concurrency=concurrency,
         turns=turns, turns_per_s=round(rate), per_core=round(rate / (os.cpu_count() or 1)),
         turns_per_bot_cpu_s=round(turns / bot_cpu) if bot_cpu else None,
         p50_ms=ms(percentile(latencies, 0.5)), p99_ms=ms(percentile(latencies, 0.99)),
         conflicts=conflicts, cores=os.cpu_count())


async def bench_sqlite(users: int, turns: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp, "state.db"))
        await store.open()
        await seed(store, users)
        before = cpu_seconds()
        latencies, conflicts, wall = await drive(store, list(range(users)), turns, concurrency)
        bot_cpu = cpu_seconds() - before
        await store.close()
    result_line("sqlite", 1, users, concurrency, latencies, conflicts, wall, bot_cpu)


async def worker_process(url: str, index: int, processes: int, users: int, turns: int,
                         concurrency: int, start_at: float) -> None:
    """One of P processes: its share of the turns, latencies as one JSON line."""
    store = store_for(url)
    await store.open()
    mine = list(range(index, users, processes))
    await asyncio.sleep(max(0.0, start_at - time.time()))
    before = cpu_seconds()
    latencies, conflicts, wall = await drive(store, mine, turns // processes, concurrency)
    cpu = cpu_seconds() - before
    await store.close()
    print(json.dumps({"latencies": latencies, "conflicts": conflicts, "wall": wall,
                      "cpu": cpu, "start": start_at}), flush=True)


async def bench_postgres(url: str, processes: int, users: int, turns: int,
                         concurrency: int) -> None:
    store = store_for(url)
    await store.open()
    await seed(store, users)
    await store.close()
    start_at = time.time() + 2.0  # every process connected and past its imports
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.store_bench", "--worker", str(i), "--url", url,
             "--processes", str(processes), "--users", str(users), "--turns", str(turns),
             "--concurrency", str(concurrency), "--start-at", repr(start_at)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for i in range(processes)
    ]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        if proc.returncode != 0:
            raise RuntimeError(f"worker failed: {err[-800:]}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    latencies = [x for r in reports for x in r["latencies"]]
    wall = max(r["wall"] for r in reports)  # all started together; the last one to finish
    result_line("postgres", processes, users, concurrency, latencies,
                sum(r["conflicts"] for r in reports), wall, sum(r["cpu"] for r in reports))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "all"), default="all")
    parser.add_argument("--url", help="an existing PostgreSQL database (default: start one)")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--turns", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=32, help="workers per process")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        asyncio.run(worker_process(args.url, args.worker, args.processes[0], args.users,
                                   args.turns, args.concurrency, args.start_at))
        return
    if args.backend in ("sqlite", "all"):
        asyncio.run(bench_sqlite(args.users, args.turns, args.concurrency))
    if args.backend in ("postgres", "all"):
        if args.url:
            for n in args.processes:
                asyncio.run(bench_postgres(args.url, n, args.users, args.turns, args.concurrency))
            return
        from tests.postgres_server import PostgresServer, unavailable_reason  # dev install

        reason = unavailable_reason()
        if reason is not None:
            emit("store", "postgres_skipped", reason=reason)
            return
        with PostgresServer.start(max_connections="200") as server:
            for n in args.processes:
                url = server.create_database()
                asyncio.run(bench_postgres(url, n, args.users, args.turns, args.concurrency))
                server.drop_database(url)


if __name__ == "__main__":
    main()
