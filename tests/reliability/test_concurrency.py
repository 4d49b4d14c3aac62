"""The Telegram and Discord bots sharing one state file, and the same button pressed twice."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.catalog import CATALOG
from bot.engine import Engine
from bot.inbound import Inbound
from bot.replies import Reply, VerdictCard

from .support import integrity, raw_state
from .test_crash import DRIVER, Bot

USERS = 15
TURNS = 25


def test_two_bot_processes_share_one_file_under_load(tmp_path: Path) -> None:
    """Two processes, 30 users, 750 turns at full speed: no locked database, nothing lost."""
    db = tmp_path / "state.db"
    bots = [Bot([sys.executable, str(DRIVER), str(db), platform, str(USERS), str(TURNS)])
            for platform in ("telegram", "discord")]
    for bot in bots:
        bot.wait_for("done", timeout=120)
        assert bot.proc.wait(10) == 0
        bot.kill()
        bad = [line for line in bot.lines if line.startswith("bad")]
        assert not bad, bad[:5]
        assert sum(line.startswith("ack") for line in bot.lines) == USERS * TURNS
    assert integrity(db) == "ok"
    for platform in ("telegram", "discord"):
        for n in range(USERS):
            user = f"{platform}{n}"
            assert raw_state(db, (platform, user, user)) is not None
    with sqlite3.connect(db) as conn:
        versions = conn.execute("SELECT MIN(version), MAX(version) FROM conversations").fetchone()
    assert versions == (TURNS, TURNS), "every turn committed exactly once"


def _inbound(action: str | None = None, text: str | None = None, user: str = "u") -> Inbound:
    return Inbound(platform="telegram", chat_id="c", user_id=user, action=action, text=text)


async def _at_region_question(engine: Engine, user: str = "u") -> str:
    """Bring `user` to the serial question of an A1263 check bought in the US; the token of
    its "I can't read the serial" button (which gives the verdict)."""
    await engine.handle(_inbound(text="A1263", user=user))
    replies = await engine.handle(_inbound(text="bought in the US", user=user))
    tokens = [b.token for r in replies for b in r.buttons if b.token and ":noserial" in b.token]
    assert tokens, [r.plain_text() for r in replies]
    return tokens[0]


def _outcome(replies: list[Reply]) -> str:
    if any(isinstance(r, VerdictCard) and "preview" not in r.about for r in replies):
        return "applied"
    if any(r.plain_text() == CATALOG.text("en", "button_stale") for r in replies):
        return "stale"
    return "other: " + " | ".join(r.plain_text()[:60] for r in replies)


async def _checks_logged(engine: Engine) -> int:
    rows = await engine.store._fetch("SELECT COUNT(*) FROM check_log")  # type: ignore[attr-defined]
    return int(rows[0][0])


async def test_same_button_pressed_twice_at_once_applies_once(tmp_path: Path) -> None:
    """asyncio.gather of two presses of one token: one verdict, one 'already used'."""
    engine = await Engine.open(tmp_path / "state.db", strict_truth=True)
    try:
        token = await _at_region_question(engine)
        results = await asyncio.gather(engine.handle(_inbound(action=token)),
                                       engine.handle(_inbound(action=token)))
        assert Counter(_outcome(r) for r in results) == {"applied": 1, "stale": 1}
        assert await _checks_logged(engine) == 1
        again = await engine.handle(_inbound(action=token))  # and later, sequentially
        assert _outcome(again) == "stale"
        assert await _checks_logged(engine) == 1
    finally:
        await engine.close()


@pytest.mark.parametrize("rounds", [5])
async def test_same_button_pressed_in_two_processes_applies_once(tmp_path: Path,
                                                                  rounds: int) -> None:
    """Two engines on one file (each with its own connection and cache) race on one token."""
    db = tmp_path / "state.db"
    first = await Engine.open(db, strict_truth=True)
    second = await Engine.open(db, strict_truth=True)
    try:
        for n in range(rounds):
            user = f"u{n}"
            token = await _at_region_question(first, user)
            results = await asyncio.gather(first.handle(_inbound(action=token, user=user)),
                                           second.handle(_inbound(action=token, user=user)))
            assert Counter(_outcome(r) for r in results) == {"applied": 1, "stale": 1}, n
            assert await _checks_logged(first) == n + 1
    finally:
        await first.close()
        await second.close()
