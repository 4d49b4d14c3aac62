"""Engine: scripted conversations from N live users through Engine.handle on the real SQLite store.

    python -m bench.engine_bench --users 10000 --turns 20000 --mode saturate|paced [--profile]

Every user's conversation is live before timing starts (its state is in the store, somewhere in
the script), so N is the number of open conversations the store and the cache hold. Each user's
turns are sequential; many users are in flight at once on one asyncio loop.

- saturate: every user in flight at once, as fast as the engine answers → turns/s (latency here
  is mostly queueing behind the other users).
- paced: turns arrive at a fixed rate (open loop, default 3,000/s) → p50/p99 latency from the
  moment a turn was due to its reply, queueing included.

`--store memory` runs the same engine on the in-memory store (no durability: the floor the
durable store is compared with). `--db PATH --acks` keeps the file and prints `ack <user>
<turns>` after each answered turn (the kill -9 test in tests/reliability/test_crash.py).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import tempfile
import time
from pathlib import Path

from bench.common import emit, ms, peak_rss_mb, percentile, pin_one_core
from bot.engine import Engine, _tune_gc
from bot.inbound import Inbound
from bot.knowledge_source import KnowledgeSource
from bot.matcher import default_matcher
from bot.store import MemoryStore, SQLiteStore

# model → serial → region (verdict) → remedy → disposal; then the next check starts again.
SCRIPT: tuple[str, ...] = ("A1263", "AKF12Z330L8419B6", "US", "what do I get?",
                           "how do I dispose of it?")
NO_FLOOD = 10**9  # simulated users type far faster than people; the flood limit would silence them


def inbound(user: int, text: str) -> Inbound:
    """One Telegram-like private message from simulated user `user`."""
    return Inbound(platform="telegram", chat_id=str(user), user_id=str(user), text=text,
                   locale="en")


async def populate(engine: Engine, users: int) -> None:
    """Put every user's conversation in the store, user u just before script step u % 5."""
    template = 10**9
    after: list[dict[str, object]] = []
    for text in SCRIPT:  # one real user through the script: the state after each step
        await engine.handle(inbound(template, text))
        stored = await engine.store.load(inbound(template, "").key)
        assert stored is not None
        after.append(stored.state)
    await engine.store.delete_user("telegram", str(template))
    chunk = 2000
    for start in range(0, users, chunk):
        await asyncio.gather(*(
            engine.store.save(inbound(u, "").key, after[(u - 1) % len(SCRIPT)], 0)
            for u in range(start, min(users, start + chunk))))


class Run:
    """Latencies and reply counts of one timed phase."""

    acks = False  # print `ack <user> <turns answered>` after every turn

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.empty = 0
        self.skipped = 0

    async def turn(self, engine: Engine, user: int, step: int, due: float | None = None) -> None:
        start = time.perf_counter() if due is None else due
        replies = await engine.handle(inbound(user, SCRIPT[(user + step) % len(SCRIPT)]))
        self.latencies.append(time.perf_counter() - start)
        self.empty += not replies
        if self.acks:
            print(f"ack {user} {step + 1}", flush=True)


async def saturate(engine: Engine, users: int, turns: int) -> Run:
    """All users in flight; user u runs its share of `turns` back to back."""
    run = Run()

    async def user(u: int, count: int) -> None:
        for step in range(count):
            await run.turn(engine, u, step)

    share, extra = divmod(turns, users)
    await asyncio.gather(*(user(u, share + (u < extra)) for u in range(min(users, turns))))
    return run


async def paced(engine: Engine, users: int, turns: int, rate: float, cap: float) -> Run:
    """Turn j is due at j / rate and belongs to user j % users (open loop, Poisson-free)."""
    run = Run()
    t0 = time.perf_counter() + 0.05

    async def user(u: int) -> None:
        for step, j in enumerate(range(u, turns, users)):
            due = t0 + j / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if time.perf_counter() - t0 > cap:  # overloaded: stop instead of queueing forever
                run.skipped += 1
                continue
            await run.turn(engine, u, step, due)

    await asyncio.gather(*(user(u) for u in range(min(users, turns))))
    return run


async def measure(args: argparse.Namespace) -> None:
    """Open the engine on a temporary database, populate, run the timed phase, emit a line."""
    core = pin_one_core() if args.pin else None
    Run.acks = args.acks
    with tempfile.TemporaryDirectory() as tmp:
        if args.store == "memory":
            await asyncio.to_thread(default_matcher)
            engine = Engine(KnowledgeSource.from_dir(None), MemoryStore(), flood_limit=NO_FLOOD)
            _tune_gc()  # as Engine.open does
        else:
            engine = await Engine.open(args.db or Path(tmp, "state.db"), flood_limit=NO_FLOOD)
            assert isinstance(engine.store, SQLiteStore)
        try:
            await populate(engine, args.users)
            if args.acks:
                print("ready", flush=True)
            profiler = cProfile.Profile() if args.profile else None
            if profiler:
                profiler.enable()
            started, cpu_started = time.perf_counter(), time.process_time()
            if args.mode == "saturate":
                run = await saturate(engine, args.users, args.turns)
            else:
                run = await paced(engine, args.users, args.turns, args.rate,
                                  cap=args.cap or 3 * args.turns / args.rate)
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            if profiler:
                profiler.disable()
        finally:
            await engine.close()
    lat = sorted(run.latencies)
    done = len(lat)
    emit("engine", args.mode, store=args.store, users=args.users, turns=done, seconds=round(elapsed, 3),
         turns_per_s=round(done / elapsed), cpu_us_per_turn=round(cpu / done * 1e6),
         turns_per_cpu_s=round(done / cpu), p50_ms=ms(percentile(lat, 0.50)),
         p99_ms=ms(percentile(lat, 0.99)), max_ms=ms(lat[-1] if lat else float("nan")),
         peak_rss_mb=peak_rss_mb(), pinned_cpu=core, empty_replies=run.empty,
         skipped_overloaded=run.skipped, load_avg=round(os.getloadavg()[0], 2),
         profiled=profiler is not None,
         **({"offered_per_s": args.rate} if args.mode == "paced" else {}))
    if profiler:
        emit("engine", "profile", users=args.users, mode=args.mode,
             top=top_functions(profiler, args.profile_top))


def top_functions(profiler: cProfile.Profile, limit: int) -> list[dict[str, object]]:
    """The functions with the most time of their own, with their cumulative time."""
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]] = \
        vars(pstats.Stats(profiler))["stats"]  # typeshed does not declare Stats.stats
    rows: list[dict[str, object]] = []
    for (file, line, func), (_cc, calls, tottime, cumtime, _callers) in raw.items():
        where = f"{Path(file).parent.name}/{Path(file).name}:{line}" if line else file
        rows.append({"function": f"{where}({func})", "calls": calls,
                     "own_s": round(tottime, 4), "cumulative_s": round(cumtime, 4)})
    rows.sort(key=lambda r: -float(str(r["own_s"])))
    return rows[:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=20000)
    parser.add_argument("--mode", choices=("saturate", "paced"), default="saturate")
    parser.add_argument("--rate", type=float, default=3000.0, help="paced: turns per second")
    parser.add_argument("--cap", type=float, default=0.0, help="paced: seconds before giving up")
    parser.add_argument("--no-pin", dest="pin", action="store_false",
                        help="do not pin the process to one CPU")
    parser.add_argument("--store", choices=("sqlite", "memory"), default="sqlite",
                        help="memory: no durability, the floor to compare with")
    parser.add_argument("--db", type=Path, help="SQLite file to use (kept; default: temporary)")
    parser.add_argument("--acks", action="store_true", help="print a line per answered turn")
    parser.add_argument("--profile", action="store_true", help="cProfile the timed phase")
    parser.add_argument("--profile-top", type=int, default=25)
    asyncio.run(measure(parser.parse_args()))


if __name__ == "__main__":
    main()
