"""The send-rate window serves waiters in order of arrival (no waiter starves under load)."""

from __future__ import annotations

import asyncio

from adapters.telegram.ratelimit import Window


async def test_waiters_get_room_first_come_first_served() -> None:
    window = Window(limit=2, period=0.05)
    served: list[int] = []

    async def send(n: int) -> None:
        await window.wait()
        served.append(n)

    tasks = []
    for n in range(12):
        tasks.append(asyncio.create_task(send(n)))
        await asyncio.sleep(0)  # each waiter arrives after the previous one
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    assert served == list(range(12))
