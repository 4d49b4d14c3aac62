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


# ----- issue #18, finding 2: the limit could be reset with /forget and multiplied by chats -----

async def _answered(engine: Engine, clock: Clock, inbound: Inbound) -> bool:
    """Send one event; whether it got a real answer (not the notice, not silence)."""
    clock.now += 0.01
    replies = [r.plain_text() for r in await engine.handle(inbound)]
    return bool(replies) and replies != [NOTICE]


async def test_forget_inside_the_window_does_not_reset_the_limit() -> None:
    clock = Clock()
    engine = _engine(clock)
    answered = 0
    for _ in range(10):  # the red-team run: ten rounds of "21 messages + /forget" in a minute
        for _ in range(DEFAULT_FLOOD_LIMIT + 1):
            answered += await _answered(engine, clock, Inbound(
                platform="telegram", chat_id="u", user_id="u", text="A1263"))
        await _say(engine, "", command="forget")
    assert answered == DEFAULT_FLOOD_LIMIT, f"{answered} answers in one window"


async def test_the_limit_counts_per_user_across_chats() -> None:
    clock = Clock()
    engine = _engine(clock)
    answered = 0
    for channel in range(5):  # one Discord user in five channels
        for _ in range(DEFAULT_FLOOD_LIMIT):
            answered += await _answered(engine, clock, Inbound(
                platform="discord", chat_id=f"channel{channel}", user_id="same-user",
                text="A1263"))
    assert answered == DEFAULT_FLOOD_LIMIT
    assert await _answered(engine, clock, Inbound(
        platform="telegram", chat_id="x", user_id="same-user", text="A1263")), \
        "another platform's user with the same id is someone else"


async def test_forget_itself_is_limited() -> None:
    from bot.engine import FORGET_LIMIT

    clock = Clock()
    engine = _engine(clock)
    forgotten = CATALOG.text("en", "forgotten")
    answers = [await _say(engine, "", command="forget") for _ in range(FORGET_LIMIT + 3)]
    assert answers[:FORGET_LIMIT] == [[forgotten]] * FORGET_LIMIT
    assert answers[FORGET_LIMIT] == [NOTICE] and answers[FORGET_LIMIT + 1:] == [[], []]
    clock.now += DEFAULT_FLOOD_WINDOW
    assert await _say(engine, "", command="forget") == [forgotten]


async def test_a_forget_over_its_allowance_still_deletes() -> None:
    """Only the reply is limited: what a user said after three /forget in a window is deleted
    by the fourth too (the fuzz test found the row left behind)."""
    from bot.engine import FORGET_LIMIT

    clock = Clock()
    store = MemoryStore()
    engine = Engine(KnowledgeSource.fixed(KNOWLEDGE), store, clock=clock, strict_truth=True)
    for _ in range(FORGET_LIMIT):
        await _say(engine, "", command="forget")
    await _say(engine, "A1263")
    key = Inbound(platform="telegram", chat_id="u", user_id="u", text="x").key
    assert await store.load(key) is not None
    assert await _say(engine, "", command="forget") == [NOTICE]
    assert await store.load(key) is None


def test_flood_memory_is_bounded_and_ended_windows_are_dropped() -> None:
    from bot.engine import FloodLimiter

    clock = Clock()
    limiter = FloodLimiter(2, 60.0, clock, max_users=100)
    for n in range(1000):
        limiter.hit(("telegram", str(n)))
    assert len(limiter) <= 100
    clock.now += 61
    limiter.hit(("telegram", "late"))
    assert len(limiter) == 1, "windows that ended are forgotten"


async def test_a_serial_typed_before_the_model_is_kept_only_while_the_model_is_chosen() -> None:
    """The fuzz test's case: a serial typed while the models are offered, then another question:
    the serial must not stay at rest outside a check."""
    store = MemoryStore()
    engine = Engine(KnowledgeSource.fixed(KNOWLEDGE), store, clock=Clock(), strict_truth=True)
    key = Inbound(platform="telegram", chat_id="u", user_id="u", text="x").key
    await _say(engine, "anker zolo 20k with the built in cable, is it recalled?")
    await _say(engine, "the serial is AZC5 1H4T 0K93 2F7L")
    stored = await store.load(key)
    assert stored is not None and stored.state.get("serial"), "kept while the model is chosen"
    await _say(engine, "deadline?")
    stored = await store.load(key)
    assert stored is not None and not stored.state.get("serial")
