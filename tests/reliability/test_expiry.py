"""Issue #18, finding 8: idle conversations expire on a timer, not only when traffic arrives."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.engine import EXPIRY_INTERVAL, Engine
from bot.inbound import Inbound
from tests.reliability.support import raw_state, raw_states

KEY = ("telegram", "7", "7")


async def test_a_stale_serial_is_swept_with_no_traffic(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    engine = await Engine.open(db, ttl=timedelta(seconds=0.3))
    try:
        for text in ("A1263", "AKF1 2Z33 0L84 19B6"):  # a check left waiting for its region
            await engine.handle(Inbound(platform="telegram", chat_id="7", user_id="7", text=text))
        state = raw_state(db, KEY)
        assert state is not None and state.serial, "the open check holds the serial"
        engine.start_sweeping(interval=0.1)
        for _ in range(50):  # nobody writes to the bot meanwhile
            await asyncio.sleep(0.1)
            if not raw_states(db):
                break
        assert raw_states(db) == [], "the idle conversation (and its serial) is gone"
    finally:
        await engine.close()
    assert EXPIRY_INTERVAL == 600.0, "docs/storage.md promises a sweep every 10 minutes"


async def test_the_first_sweep_runs_at_start_up(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    engine = await Engine.open(db, ttl=timedelta(seconds=0.2))
    await engine.handle(Inbound(platform="telegram", chat_id="7", user_id="7", text="A1263"))
    await engine.close()
    await asyncio.sleep(0.3)  # the bot was stopped while the conversation went stale
    engine = await Engine.open(db, ttl=timedelta(seconds=0.2))
    try:
        engine.start_sweeping()  # the default interval is 10 minutes: only the first sweep runs
        for _ in range(30):
            await asyncio.sleep(0.05)
            if not raw_states(db):
                break
        assert raw_states(db) == []
    finally:
        await engine.close()
