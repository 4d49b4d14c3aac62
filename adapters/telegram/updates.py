"""Telegram updates run concurrently across chats and strictly in order within one chat.

python-telegram-bot processes one update at a time by default, so one busy group (its replies
paced at Telegram's 20 messages a minute) delayed every private chat behind it: 59.5 s for a
private `A1263` in the red-team run (docs/SECURITY.md, finding 1). `ChatOrderedProcessor`
gives every chat its own FIFO lane: updates of different chats run side by side (at most
`max_running` handlers at once), updates of one chat run one after the other in arrival order,
and a chat that queues more than `max_waiting_per_chat` updates has the excess dropped instead
of growing memory without bound.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

MAX_RUNNING = 64  # handlers running at once (each waits on the store or the Bot API)
MAX_WAITING_PER_CHAT = 32  # queued updates of one chat beyond which updates are dropped
MAX_IN_FLIGHT = 4096  # updates admitted by PTB's own semaphore (running + waiting in lanes)

LaneKey = tuple[str, int] | None


@dataclass
class _Lane:
    """One chat's queue: its lock (asyncio.Lock wakes waiters first come, first served)."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # updates holding or waiting for the lock


def lane_key(update: object) -> LaneKey:
    """The chat an update belongs to; inline queries (no chat) queue per user."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Concurrent across chats, in order within a chat, bounded in total and per chat."""

    def __init__(self, max_running: int = MAX_RUNNING,
                 max_waiting_per_chat: int = MAX_WAITING_PER_CHAT,
                 max_in_flight: int = MAX_IN_FLIGHT) -> None:
        # PTB's semaphore (taken before do_process_update) bounds the updates admitted; our
        # own semaphore, taken after the chat's lane, bounds the handlers actually running,
        # so updates waiting behind their own chat never hold a running slot.
        super().__init__(max_concurrent_updates=max_in_flight)
        self.max_waiting_per_chat = max_waiting_per_chat
        self._running = asyncio.Semaphore(max_running)
        self._lanes: dict[LaneKey, _Lane] = {}
        self.dropped = 0

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = lane_key(update)
        if key is None:
            async with self._running:
                await coroutine
            return
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = _Lane()
        if lane.users > self.max_waiting_per_chat:
            self.dropped += 1
            log.warning("a chat has %d updates queued: dropped one", lane.users)
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # never started: nothing to clean up
            return
        lane.users += 1
        try:
            async with lane.lock, self._running:
                await coroutine
        finally:
            lane.users -= 1
            if lane.users == 0:
                del self._lanes[key]  # idle chats cost nothing

    @property
    def waiting_chats(self) -> int:
        """Chats with an update running or queued (for tests and diagnostics)."""
        return len(self._lanes)

    async def initialize(self) -> None:
        """Nothing to allocate: lanes are created on demand."""

    async def shutdown(self) -> None:
        """Nothing to free: lanes go away with their last update."""


__all__ = ["MAX_RUNNING", "MAX_WAITING_PER_CHAT", "ChatOrderedProcessor", "lane_key"]
