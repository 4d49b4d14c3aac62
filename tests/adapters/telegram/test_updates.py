"""The update processor on its own: order within a chat, concurrency across chats, bounds."""

from __future__ import annotations

import asyncio

from telegram import Update

from adapters.telegram.updates import ChatOrderedProcessor
from tests.adapters.telegram.fake_bot_api import FakeBotApi


def update_in(fake: FakeBotApi, chat_id: int) -> Update:
    user = fake.user(chat_id if chat_id > 0 else 5)
    update = Update.de_json(fake.message("hi", user=user, chat=fake.chat(chat_id)), None)
    assert update is not None
    return update


async def test_one_chat_in_order_others_alongside_and_a_bounded_queue(fake: FakeBotApi) -> None:
    processor = ChatOrderedProcessor(max_running=8, max_waiting_per_chat=3)
    gate = asyncio.Event()
    done: list[tuple[int, int]] = []

    async def handler(chat: int, n: int) -> None:
        if chat == 1:
            await gate.wait()  # the busy chat's first handler blocks (a held 429, say)
        done.append((chat, n))

    busy = [asyncio.create_task(processor.process_update(update_in(fake, 1), handler(1, n)))
            for n in range(6)]
    other = asyncio.create_task(processor.process_update(update_in(fake, 2), handler(2, 0)))
    await asyncio.wait_for(other, 1)
    assert done == [(2, 0)], "another chat ran while the busy one was held"
    assert processor.dropped == 2, "a chat queues at most 1 running + 3 waiting"
    gate.set()
    await asyncio.gather(*busy)
    assert [n for chat, n in done if chat == 1] == [0, 1, 2, 3], "arrival order kept"
    assert processor.waiting_chats == 0, "idle chats cost nothing"
