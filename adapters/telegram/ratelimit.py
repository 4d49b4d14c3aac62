"""Outgoing Bot API calls: Telegram's limits per chat, and a 429 holds only the chat it names.

PTB's AIORateLimiter pauses *every* request for `retry_after` seconds when any chat gets a 429,
so one busy group could stall all private chats (docs/SECURITY.md, finding 1). Here:

- at most OVERALL_PER_SECOND requests a second in total (Telegram: about 30 messages a second);
- at most GROUP_PER_MINUTE messages a minute into one group (Telegram: 20);
- a 429 for a chat holds that chat for `retry_after` and retries (up to `max_retries`);
  requests to other chats carry on.

`ReplyBudget` is the adapter's side of the same limit: replies a group may still get this
minute. A group over budget gets nothing more until the window moves, so its backlog can never
grow (queued sends were what made the stall permanent).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20
MAX_RETRIES = 3
MAX_TRACKED_CHATS = 10_000  # per-chat windows kept (least recently used dropped beyond)

Clock = Callable[[], float]


class Window:
    """At most `limit` events in any `period` seconds (a sliding window of timestamps)."""

    def __init__(self, limit: int, period: float, clock: Clock = time.monotonic) -> None:
        self.limit, self.period, self._clock = limit, period, clock
        self._times: deque[float] = deque()
        self._queue = asyncio.Lock()  # asyncio.Lock wakes its waiters first come, first served

    def _drop_old(self, now: float) -> None:
        while self._times and now - self._times[0] >= self.period:
            self._times.popleft()

    def remaining(self) -> int:
        self._drop_old(self._clock())
        return self.limit - len(self._times)

    def take(self) -> bool:
        """Count one event now if the window has room."""
        now = self._clock()
        self._drop_old(now)
        if len(self._times) >= self.limit:
            return False
        self._times.append(now)
        return True

    async def wait(self) -> None:
        """Wait until the window has room, then count one event — in order of arrival.

        Without the queue every waiter woke when room came and raced for it: under load some
        lost every race and waited tens of seconds (a reply 30 s late at 1,000 users).
        """
        async with self._queue:
            while not self.take():
                await asyncio.sleep(max(0.01, self._times[0] + self.period - self._clock()))


class _Lru(OrderedDict[Any, Any]):
    def touch(self, key: Any, make: Callable[[], Any], cap: int) -> Any:
        value = self.get(key)
        if value is None:
            value = self[key] = make()
            while len(self) > cap:
                self.popitem(last=False)
        else:
            self.move_to_end(key)
        return value


def _chat_of(data: dict[str, Any]) -> int | str | None:
    chat_id = data.get("chat_id")
    if isinstance(chat_id, str):
        try:
            return int(chat_id)
        except ValueError:
            return chat_id  # "@channelname"
    return chat_id if isinstance(chat_id, int) else None


def _seconds(exc: RetryAfter) -> float:
    after: object = exc.retry_after
    return after.total_seconds() if isinstance(after, timedelta) else float(after)  # type: ignore[arg-type]


class ChatRateLimiter(BaseRateLimiter[int]):
    """Telegram's send limits, with 429 back-off per chat instead of for the whole bot."""

    def __init__(self, *, overall_per_second: int = OVERALL_PER_SECOND,
                 group_per_minute: int = GROUP_PER_MINUTE, max_retries: int = MAX_RETRIES,
                 clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._overall = Window(overall_per_second, 1.0, clock)
        self._group_per_minute = group_per_minute
        self._groups = _Lru()
        self._held_until = _Lru()
        self.max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def held_for(self, chat: int | str) -> float:
        """Seconds this chat is still held by a 429 (0 when it may send)."""
        until = self._held_until.get(chat)
        return max(0.0, until - self._clock()) if until is not None else 0.0

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        chat = _chat_of(data)
        retries = rate_limit_args if rate_limit_args is not None else self.max_retries
        for attempt in range(retries + 1):
            if chat is not None:
                while (held := self.held_for(chat)) > 0:
                    await asyncio.sleep(held)
                if isinstance(chat, str) or chat < 0:  # groups, supergroups and channels
                    window = self._groups.touch(
                        chat, lambda: Window(self._group_per_minute, 60.0, self._clock),
                        MAX_TRACKED_CHATS)
                    await window.wait()
                await self._overall.wait()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt >= retries:
                    log.warning("%s: still rate limited after %d retries", endpoint, retries)
                    raise
                delay = _seconds(exc) + 0.1
                log.info("%s: rate limited, retrying in %.1f s (this chat only)", endpoint, delay)
                if chat is None:
                    await asyncio.sleep(delay)
                else:
                    self._held_until.touch(chat, lambda: 0.0, MAX_TRACKED_CHATS)
                    self._held_until[chat] = max(self._held_until[chat], self._clock() + delay)
        raise AssertionError("unreachable")  # pragma: no cover


class ReplyBudget:
    """Messages each group may still receive in the current minute (bounded memory)."""

    def __init__(self, per_minute: int = GROUP_PER_MINUTE, clock: Clock = time.monotonic) -> None:
        self.per_minute, self._clock = per_minute, clock
        self._groups = _Lru()

    def _window(self, chat_id: int) -> Window:
        window: Window = self._groups.touch(
            chat_id, lambda: Window(self.per_minute, 60.0, self._clock), MAX_TRACKED_CHATS)
        return window

    def remaining(self, chat_id: int) -> int:
        return self._window(chat_id).remaining()

    def take(self, chat_id: int) -> bool:
        """Spend one message of this group's budget; False when it is used up."""
        return self._window(chat_id).take()


__all__ = ["GROUP_PER_MINUTE", "OVERALL_PER_SECOND", "ChatRateLimiter", "ReplyBudget", "Window"]
