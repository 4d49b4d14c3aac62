"""Finding 1 of issue #18: one busy chat must not stall the others.

The real Application polls the fake Bot API (its MockTransport) with the bot's own update
processor and rate limiter. Before the fix updates ran one at a time and PTB's rate limiter
paced a group at 20 messages a minute while every other chat waited behind it (59.5 s for a
private `A1263`), and a 429 for one chat paused every request of the bot.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from adapters.telegram.app import GROUP_MESSAGES_PER_MESSAGE
from adapters.telegram.ratelimit import GROUP_PER_MINUTE
from bot.engine import DEFAULT_FLOOD_LIMIT
from tests.adapters.telegram.conftest import Harness
from tests.adapters.telegram.fake_bot_api import Call, FakeBotApi, telegram_html_text

GROUP = -100777
PRIVATE_USER = 31
HOT = "@recall_test_bot my A1263 got hot and swelled, what now? refund? how do I dispose of it?"


@asynccontextmanager
async def polling(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[Harness]:
    """The Application running as under `run_polling`: updater, processor, rate limiter."""
    harness = Harness(fake, tmp_path / "state.db")
    app = await harness.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    await app.start()
    try:
        yield harness
    finally:
        await app.updater.stop()
        await app.stop()
        await harness.stop()


def quoted(calls: list[Call]) -> list[int]:
    """The message ids the bot's replies quote, in the order it sent them."""
    return [c.params["reply_parameters"]["message_id"] for c in calls
            if c.params.get("reply_parameters")]


def first_reply_after(fake: FakeBotApi, chat_id: int, start: float) -> Call | None:
    return next((c for c in fake.sent(chat_id) if c.at >= start), None)


async def test_a_flooding_group_does_not_delay_a_private_check(
    fake: FakeBotApi, tmp_path: Path, redacted_logs: None
) -> None:
    members = [fake.user(41), fake.user(42)]
    group = fake.chat(GROUP, "supergroup")
    updates: list[dict[str, Any]] = []
    for n in range(DEFAULT_FLOOD_LIMIT):  # each member at the most the flood limit allows
        for member in members:
            updates.append(fake.message(f"{HOT} #{n}", user=member, chat=group))
    async with polling(fake, tmp_path):
        for update in updates:
            fake.push(update)
        await asyncio.sleep(0.3)  # the group's backlog is being worked on
        asked = time.monotonic()
        fake.push(fake.message("A1263", user=fake.user(PRIVATE_USER)))
        await fake.wait_for(lambda: first_reply_after(fake, PRIVATE_USER, asked) is not None,
                            timeout=30)
        answer = first_reply_after(fake, PRIVATE_USER, asked)
        assert answer is not None
        waited = answer.at - asked
        assert waited < 2.0, f"the private check waited {waited:.1f} s behind the group"
        assert "A1263" in telegram_html_text(answer.params["text"])
        # the group gets no more than Telegram lets it have, and in the order it asked
        await asyncio.sleep(1.0)
        to_group = fake.sent(GROUP)
        assert 0 < len(to_group) <= GROUP_PER_MINUTE
        assert quoted(to_group) == sorted(quoted(to_group)), "one chat's answers stay in order"
        per_message: dict[int, int] = {}
        for call in to_group:
            if call.params.get("reply_parameters"):
                last = call.params["reply_parameters"]["message_id"]
            per_message[last] = per_message.get(last, 0) + 1
        assert max(per_message.values()) <= GROUP_MESSAGES_PER_MESSAGE
    assert fake.rejections == []


async def test_a_held_429_in_one_chat_delays_no_other_chat_and_keeps_its_order(
    fake: FakeBotApi, tmp_path: Path, redacted_logs: None
) -> None:
    busy = fake.chat(GROUP, "supergroup")
    member = fake.user(51)
    fake.fail_next_in_chat("sendMessage", GROUP, retry_after=3)
    first = fake.message("/help", user=member, chat=busy)
    second = fake.message("/help", user=member, chat=busy)
    async with polling(fake, tmp_path):
        fake.push(first)
        fake.push(second)
        await fake.wait_for(lambda: any(c.status == 429 for c in fake.calls))
        held_at = time.monotonic()
        fake.push(fake.message("A1263", user=fake.user(PRIVATE_USER)))
        await fake.wait_for(lambda: first_reply_after(fake, PRIVATE_USER, held_at) is not None)
        answer = first_reply_after(fake, PRIVATE_USER, held_at)
        assert answer is not None and answer.at - held_at < 1.0, "another chat was held too"
        assert fake.sent(GROUP) == [], "the held chat still waits"
        await fake.wait_for(lambda: len(fake.sent(GROUP)) >= 2, timeout=15)
        to_group = fake.sent(GROUP)
        assert to_group[0].at - held_at >= 2.5, "the chat honoured retry_after"
        ids = (first["message"]["message_id"], second["message"]["message_id"])
        assert quoted(to_group)[:2] == list(ids), "the retried reply still comes first"
    assert fake.rejections == []
