"""#14's engine changes keep their promises: bounded turns in flight, a verdict's check-log line
committed with its state, no reply before its commit. Real SQLite files throughout."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.engine import Engine
from bot.inbound import Inbound
from bot.store import SQLiteStore

SCRIPT = ("A1263", "AKF12Z330L8419B6", "US")


def message(user: int, text: str) -> Inbound:
    return Inbound(platform="telegram", chat_id=str(user), user_id=str(user), text=text,
                   locale="en")


async def test_turns_in_flight_are_bounded_and_all_answered(tmp_path: Path) -> None:
    engine = await Engine.open(tmp_path / "state.db", flood_limit=10**6, max_in_flight=3)
    inside = peak = 0
    original = engine._turn

    async def counted(inbound: Inbound, reading: object) -> list[object]:
        nonlocal inside, peak
        inside += 1
        peak = max(peak, inside)
        try:
            return await original(inbound, reading)  # type: ignore[arg-type,return-value]
        finally:
            inside -= 1

    engine._turn = counted  # type: ignore[method-assign,assignment]
    try:
        replies = await asyncio.gather(*(engine.handle(message(u, "A1263")) for u in range(40)))
    finally:
        await engine.close()
    assert peak == 3
    assert all(replies)


async def test_a_verdict_and_its_check_log_line_commit_together(tmp_path: Path) -> None:
    """One transaction: after every answered verdict its state and its log line are both on
    disk (read through a separate connection, as a process restarted after a crash would)."""
    db = tmp_path / "state.db"
    engine = await Engine.open(db, flood_limit=10**6)
    try:
        for user in range(20):
            for text in SCRIPT:
                assert await engine.handle(message(user, text))
            with sqlite3.connect(db) as other:
                logged = other.execute("SELECT COUNT(*) FROM check_log").fetchone()[0]
                version = other.execute(
                    "SELECT version FROM conversations WHERE user_id = ?", (str(user),)).fetchone()
            assert logged >= user + 1 and version == (3,)
    finally:
        await engine.close()


async def test_a_queued_save_cannot_write_a_forgotten_user_back(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "state.db")
    await store.open()
    try:
        key = ("telegram", "c", "u")
        await store.save(key, {"serial": "AKF12Z330L8419B6"}, 0)
        late = asyncio.ensure_future(store.save(key, {"serial": "AKF12Z330L8419B6"}, 1))
        await asyncio.sleep(0)  # queued, not yet committed
        await store.delete_user("telegram", "u")
        assert await late == 2  # committed before the delete, which then removed it
        assert await store.load(key) is None
    finally:
        await store.close()
    data = b"".join(p.read_bytes() for p in tmp_path.glob("state.db*"))
    assert b"AKF12Z330L8419B6" not in data


async def test_forget_finishes_under_steady_traffic(tmp_path: Path) -> None:
    """/forget waits for the saves queued before it, not for the traffic to stop."""
    store = SQLiteStore(tmp_path / "state.db")
    await store.open()
    stop = asyncio.Event()

    async def chatter(user: int) -> None:
        key = ("telegram", f"c{user}", f"other{user}")
        version = 0
        while not stop.is_set():
            version = await store.save(key, {"n": version}, version)

    try:
        await store.save(("telegram", "c", "u"), {"serial": "AKF12Z330L8419B6"}, 0)
        traffic = [asyncio.ensure_future(chatter(n)) for n in range(50)]
        await asyncio.sleep(0.2)
        assert await asyncio.wait_for(store.delete_user("telegram", "u"), timeout=5) == 1
        assert await asyncio.wait_for(store.expire(datetime.now(UTC) - timedelta(days=1)),
                                      timeout=5) == 0
        stop.set()
        await asyncio.gather(*traffic)
        assert await store.load(("telegram", "c", "u")) is None
    finally:
        stop.set()
        await store.close()


async def test_the_gate_serves_in_order_and_survives_cancelled_waiters() -> None:
    from bot.engine import _Gate

    gate = _Gate(1)
    order: list[str] = []

    async def turn(name: str, hold: asyncio.Event) -> None:
        if gate.free and not gate.waiters:
            gate.free -= 1
        else:
            await gate.wait()
        try:
            order.append(name)
            await hold.wait()
        finally:
            gate.release()

    events = {n: asyncio.Event() for n in "abcde"}
    tasks = {n: asyncio.create_task(turn(n, events[n])) for n in "abcde"}
    await asyncio.sleep(0)
    assert order == ["a"] and len(gate.waiters) == 4
    tasks["b"].cancel()  # cancelled while waiting: leaves the queue
    await asyncio.sleep(0)
    events["a"].set()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert order == ["a", "c"]
    events["c"].set()
    await asyncio.sleep(0)  # c releases: d is handed the slot...
    tasks["d"].cancel()  # ...and cancelled before it runs: the slot goes on to e
    for _ in range(4):
        await asyncio.sleep(0)
    assert order == ["a", "c", "e"]
    events["e"].set()
    await asyncio.gather(*tasks.values(), return_exceptions=True)
    assert gate.free == 1 and not gate.waiters
