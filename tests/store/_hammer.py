"""One OS process hammering a shared store (run by test_sqlite.py and test_postgres.py, twice at
once): DB is an SQLite file or a postgresql:// URL.

Usage: python -m tests.store._hammer DB NAME START_AT SECONDS
Prints one JSON line: wins per shared key, own-key saves, conflicts. Any exception (e.g. an
escaped "database is locked") ends the process with a traceback and a non-zero exit code.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from bot.store import CheckLogEntry, SQLiteStore, StateKey, Store, VersionConflict, store_for

SHARED: list[StateKey] = [("telegram", "shared", str(i)) for i in range(4)]


async def hammer(path: str, name: str, start_at: float, seconds: float) -> dict[str, object]:
    """Eight workers: read-modify-write shared keys, own keys, check log, forget, expire."""
    store: Store = store_for(path) if "://" in path else SQLiteStore(
        path, busy_timeout=0.05)  # short, so the retry path is exercised
    await store.open()
    wins: Counter[str] = Counter()
    own_saves: Counter[str] = Counter()
    conflicts = 0
    await asyncio.sleep(max(0.0, start_at - time.time()))
    deadline = time.time() + seconds

    async def worker(w: int) -> None:
        nonlocal conflicts
        own: StateKey = ("discord", name, str(w))
        r = 0
        while time.time() < deadline:
            key = SHARED[(r + w) % len(SHARED)]
            while True:
                stored = await store.load(key)
                try:
                    version = stored.version if stored else 0
                    await store.save(key, {"by": name, "w": w, "r": r}, version)
                    wins[key[2]] += 1
                    break
                except VersionConflict:
                    conflicts += 1
            await store.save(own, {"r": r}, own_saves[own[2]])
            own_saves[own[2]] += 1
            await store.save(("console", f"{name}-{w}-{r}", name), {"serial": "X" * 16}, 0)
            if r % 20 == 0:
                await store.log_check(CheckLogEntry("A1263", "affected", None, name, date.today()))
                await store.delete_user("console", name)
            if r % 50 == 0:
                await store.expire(datetime.now(UTC) - timedelta(days=30))
            r += 1

    await asyncio.gather(*(worker(w) for w in range(8)))
    await store.close()
    return {"name": name, "wins": wins, "own": own_saves, "conflicts": conflicts}


if __name__ == "__main__":
    db, who, start, secs = sys.argv[1:5]
    print(json.dumps(asyncio.run(hammer(db, who, float(start), float(secs)))))
