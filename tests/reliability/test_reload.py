"""Knowledge reload (bot/reload.py): valid changes are served, invalid files never are."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.inbound import Inbound
from bot.knowledge_source import KnowledgeSource
from bot.reload import KnowledgeReloader
from bot.replies import VerdictCard
from bot.store import MemoryStore
from knowledge import DATA_DIR

CAMPAIGN = "campaigns/charmast-2024-us.yaml"  # the only campaign with model W1056


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture
async def served(data_dir: Path) -> AsyncIterator[tuple[Engine, KnowledgeReloader]]:
    source = KnowledgeSource.from_dir(data_dir)
    engine = Engine(source, MemoryStore(), strict_truth=True)
    reloader = KnowledgeReloader(source, interval=3600)
    yield engine, reloader
    await reloader.stop()


async def _verdict(engine: Engine, text: str) -> str:
    replies = await engine.handle(Inbound(platform="console", chat_id="c", user_id="u", text=text))
    cards = [r for r in replies if isinstance(r, VerdictCard)]
    return cards[0].verdict if cards else "no verdict"


def _touch(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    stat = path.stat()  # make sure the mtime moves even on coarse-grained filesystems
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


async def test_valid_change_is_picked_up(served: tuple[Engine, KnowledgeReloader],
                                         data_dir: Path) -> None:
    engine, reloader = served
    before = engine.knowledge.version
    assert await reloader.poll_once() is None  # nothing changed yet
    assert await _verdict(engine, "W1056") == "affected"
    (data_dir / CAMPAIGN).unlink()
    assert await reloader.poll_once() is True
    assert engine.knowledge.version != before
    assert not engine.knowledge.index.known_model("W1056")
    assert await _verdict(engine, "W1056") in ("no verdict", "not_in_known_recall")


async def test_invalid_file_logs_errors_and_previous_knowledge_keeps_serving(
        served: tuple[Engine, KnowledgeReloader], data_dir: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    engine, reloader = served
    previous = engine.knowledge
    good = (data_dir / CAMPAIGN).read_text(encoding="utf-8")
    _touch(data_dir / CAMPAIGN, good.replace("model: W1056", "model: [W1056"))
    with caplog.at_level(logging.ERROR):
        assert await reloader.poll_once() is False
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("charmast-2024-us.yaml" in e for e in errors), errors
    assert engine.knowledge is previous
    assert await _verdict(engine, "W1056") == "affected"
    caplog.clear()
    assert await reloader.poll_once() is None  # the same broken files are reported once
    assert not caplog.records
    _touch(data_dir / CAMPAIGN, good + "\n# reviewed again\n")
    assert await reloader.poll_once() is True
    assert engine.knowledge is not previous


async def test_missing_directory_keeps_previous_knowledge(
        served: tuple[Engine, KnowledgeReloader], data_dir: Path) -> None:
    engine, reloader = served
    previous = engine.knowledge
    shutil.rmtree(data_dir / "campaigns")
    assert await reloader.poll_once() is False
    assert engine.knowledge is previous


async def test_polling_task_reloads_on_change(data_dir: Path) -> None:
    source = KnowledgeSource.from_dir(data_dir)
    before = source.current.version
    reloader = KnowledgeReloader(source, interval=0.02)
    reloader.start()
    try:
        _touch(data_dir / CAMPAIGN, (data_dir / CAMPAIGN).read_text() + "\n# edit\n")
        for _ in range(500):
            if source.current.version != before:
                break
            await asyncio.sleep(0.01)
        assert source.current.version != before
    finally:
        await reloader.stop()


async def test_sighup_reloads(data_dir: Path) -> None:
    source = KnowledgeSource.from_dir(data_dir)
    before = source.current.version
    reloader = KnowledgeReloader(source, interval=3600)  # polling would not see it in time
    reloader.start()
    try:
        (data_dir / CAMPAIGN).write_text((data_dir / CAMPAIGN).read_text() + "\n# hup\n")
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(500):
            if source.current.version != before:
                break
            await asyncio.sleep(0.01)
        assert source.current.version != before
    finally:
        await reloader.stop()
