"""Store throughput: durable turns (load + save, committed before the turn ends) per second.

Usage: python bench/store_bench.py [--users 100 1000 10000] [--turns 20000] [--concurrency 1 16 64]
Prints one JSON line per measurement. `naive` is the read + upsert + commit-per-turn baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiosqlite

from bot.store import SQLiteStore, VersionConflict

Turn = Callable[[int], Awaitable[None]]


def _state(user: int, turn: int) -> dict[str, object]:
    return {"step": "ask_serial", "model": "A1263", "lang": "en", "turn": turn, "u": user,
            "history": ["a1263", "AKF12Z330L8419B6"][: turn % 3]}


async def _drive(turn: Turn, users: int, turns: int, concurrency: int) -> dict[str, float]:
    """Run `turns` turns over `users` conversations from `concurrency` concurrent workers."""
    latencies: list[float] = []
    next_turn = 0

    async def worker() -> None:
        nonlocal next_turn
        while next_turn < turns:
            n = next_turn
            next_turn += 1
            start = time.perf_counter()
            await turn(n % users)
            latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "turns_per_s": round(turns / elapsed),
        "p50_ms": round(statistics.median(latencies) * 1000, 3),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 3),
    }


async def bench_sqlite_store(path: Path, users: int, turns: int, concurrency: int,
                             synchronous: str, cache_size: int) -> dict[str, object]:
    store = SQLiteStore(path, synchronous=synchronous, cache_size=cache_size)  # type: ignore[arg-type]
    await store.open()
    conflicts = 0
    for u in range(users):  # the live conversations exist before timing starts
        await store.save(("telegram", str(u), str(u)), _state(u, 0), 0)

    async def turn(u: int) -> None:
        nonlocal conflicts
        key = ("telegram", str(u), str(u))
        while True:
            stored = await store.load(key)
            version = stored.version if stored else 0
            try:
                await store.save(key, _state(u, version), version)
                return
            except VersionConflict:
                conflicts += 1

    result = await _drive(turn, users, turns, concurrency)
    await store.close()
    return {"bench": "sqlite_store", "synchronous": synchronous, "cache": cache_size > 0,
            "users": users, "concurrency": concurrency, "conflicts": conflicts, **result}


async def bench_naive(path: Path, users: int, turns: int, concurrency: int) -> dict[str, object]:
    db = await aiosqlite.connect(path)
    await db.execute("PRAGMA journal_mode=WAL")
    await db.execute("PRAGMA synchronous=NORMAL")
    await db.execute("CREATE TABLE c (k TEXT PRIMARY KEY, state TEXT, version INT)")
    await db.commit()
    lock = asyncio.Lock()  # one shared connection: transactions must not interleave

    async def turn(u: int) -> None:
        async with lock:
            async with db.execute("SELECT state, version FROM c WHERE k = ?", (str(u),)) as cur:
                row = await cur.fetchone()
            version = row[1] + 1 if row else 1
            await db.execute(
                "INSERT INTO c VALUES (?, ?, ?) ON CONFLICT (k) DO UPDATE SET"
                " state = excluded.state, version = excluded.version",
                (str(u), json.dumps(_state(u, version)), version),
            )
            await db.commit()

    result = await _drive(turn, users, turns, concurrency)
    await db.close()
    return {"bench": "naive_aiosqlite", "users": users, "concurrency": concurrency, **result}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--turns", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16, 64])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for users in args.users:
            for c in args.concurrency:
                name = f"{users}-{c}"
                runs: list[Awaitable[dict[str, object]]] = [
                    bench_naive(Path(tmp, f"naive{name}.db"), users, args.turns, c),
                    bench_sqlite_store(Path(tmp, f"n{name}.db"), users, args.turns, c,
                                       "NORMAL", 100_000),
                    bench_sqlite_store(Path(tmp, f"nc{name}.db"), users, args.turns, c,
                                       "NORMAL", 0),
                    bench_sqlite_store(Path(tmp, f"f{name}.db"), users, args.turns, c,
                                       "FULL", 100_000),
                ]
                for run in runs:
                    print(json.dumps(await run), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
