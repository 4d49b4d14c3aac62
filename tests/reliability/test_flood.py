"""The per-user flood limit: one polite notice, then silence until the window passes."""

from __future__ import annotations

from bot.catalog import CATALOG
from bot.engine import DEFAULT_FLOOD_LIMIT, DEFAULT_FLOOD_WINDOW, Engine
from bot.inbound import Inbound
from bot.knowledge_source import KnowledgeSource
from bot.store import MemoryStore
from knowledge import Knowledge

NOTICE = CATALOG.text("en", "flood_notice")
KNOWLEDGE = Knowledge.load()


class Clock:
    """An injected clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _engine(clock: Clock, **options: float) -> Engine:
    return Engine(KnowledgeSource.fixed(KNOWLEDGE), MemoryStore(), clock=clock,
                  strict_truth=True, **options)  # type: ignore[arg-type]


async def _say(engine: Engine, text: str, user: str = "u", command: str | None = None) -> list[str]:
    inbound = Inbound(platform="telegram", chat_id=user, user_id=user,
                      text=None if command else text, command=command)
    return [r.plain_text() for r in await engine.handle(inbound)]


async def test_default_limit_one_notice_then_silence_until_the_window_passes() -> None:
    clock = Clock()
    engine = _engine(clock)
    assert (DEFAULT_FLOOD_LIMIT, DEFAULT_FLOOD_WINDOW) == (20, 60.0)
    for n in range(DEFAULT_FLOOD_LIMIT):
        clock.now += 0.5
        replies = await _say(engine, "A1263" if n % 2 else "hello")
        assert replies and NOTICE not in replies, n
    clock.now += 0.5
    assert await _say(engine, "A1263") == [NOTICE]  # the 21st message: one polite notice
    for _ in range(30):
        clock.now += 1
        assert await _say(engine, "A1263") == []  # then silence
    assert await _say(engine, "x", user="other") != [], "another user is not limited"
    clock.now = 1_000_000.5 + DEFAULT_FLOOD_WINDOW  # the window (from the first message) ends
    replies = await _say(engine, "A1263")
    assert replies and NOTICE not in replies


async def test_limit_and_window_are_configurable() -> None:
    clock = Clock()
    engine = _engine(clock, flood_limit=3, flood_window=10.0)
    for _ in range(3):
        assert await _say(engine, "hello") not in ([], [NOTICE])
    assert await _say(engine, "hello") == [NOTICE]
    assert await _say(engine, "hello") == []
    clock.now += 10
    assert await _say(engine, "hello") not in ([], [NOTICE])


async def test_flooded_user_can_still_forget() -> None:
    clock = Clock()
    engine = _engine(clock, flood_limit=2)
    for _ in range(4):
        await _say(engine, "A1263")
    assert await _say(engine, "", command="forget") == [CATALOG.text("en", "forgotten")]
    assert await engine.store.load(("telegram", "u", "u")) is None
