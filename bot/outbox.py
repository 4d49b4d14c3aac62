"""Sending alerts: plan them when the knowledge changes, then send each exactly once, paced
below each platform's limits so conversations never wait behind them (issue #16).

- `AlertPlanner.plan()` compares the knowledge now served with the snapshot the last alerts
  were planned from (kept in the store, so a change made while the bot was down is alerted on
  the next start), queues one outbox item per person or channel (`bot.alerts.plan_alerts`) and
  moves the snapshot. Queuing is idempotent (a dedupe key per target and knowledge change), so
  two processes planning the same change, or a crash between queuing and moving the snapshot,
  queue nothing twice.
- `Outbox` claims due items per platform (a lease in the store: another process or a restart
  takes over an item only after the lease ran out), sends them through the platform's `Sender`
  at most `per_second` API requests a second (every request waits its turn, so the rate holds
  second by second) with at most `concurrency` alerts in flight, and marks each sent. A person who
  blocked the bot (Telegram 403, Discord 50007) or a channel that is gone is unsubscribed.
- Pacing is deliberately below the platform's own limit and the platform library's limiter
  still applies on top: alerts use a share of the budget, the rest stays free for replies.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.alerts import plan_alerts, render_alert
from bot.knowledge_source import KnowledgeSource
from bot.replies import Reply
from bot.store.community import CommunityStore, OutboxItem
from knowledge.diff import diff_campaigns
from knowledge.schema import Campaign

log = logging.getLogger(__name__)

Delivery = Literal["sent", "gone", "retry", "failed"]
Turn = Callable[[], Awaitable[None]]  # waits for the next request's turn in the platform's pace
LEASE = 120.0  # seconds a claimed alert is ours; after that another sender may take it
MAX_ATTEMPTS = 5
RETRY_DELAY = 30.0  # seconds, doubled per attempt
PLAN_INTERVAL = 5.0
IDLE_INTERVAL = 2.0
BATCH = 50
RENDER_CACHE = 512  # worded alerts kept (they are shared by everyone with the same payload)
KEEP_SENT = 7 * 86_400.0  # seconds sent alerts are kept (the dedupe keys), then purged
PURGE_INTERVAL = 3_600.0


class Sender(Protocol):
    """One platform's way of delivering an alert's replies to a person or a channel."""

    platform: str

    async def deliver(self, item: OutboxItem, replies: list[Reply], pace: Turn) -> Delivery:
        """Send the replies; `await pace()` right before every API request."""


@dataclass(frozen=True)
class Pace:
    """How fast alerts go out on one platform, in API requests a second (a share of its limit,
    see docs/communities.md), and how many alerts may be in flight at once."""

    per_second: float
    concurrency: int = 4


# Telegram: ~30 messages/s overall (FAQ); alerts take 20, so replies keep at least 10 a second.
# An alert's two messages to one chat are a second apart (1/s per chat): 16 alerts in flight.
# Discord: 50 requests/s global; alerts take 25 (opening a DM is a request too).
DEFAULT_PACE: dict[str, Pace] = {"telegram": Pace(20.0, 16), "discord": Pace(25.0, 4)}


def campaigns_json(campaigns: list[Campaign]) -> str:
    return json.dumps([c.model_dump(mode="json") for c in campaigns], ensure_ascii=False)


class AlertPlanner:
    """Queues alerts for the knowledge changes not alerted on yet (see module docstring)."""

    def __init__(self, store: CommunityStore, source: KnowledgeSource) -> None:
        self.store, self.source = store, source
        self._seen: str | None = None

    async def plan(self) -> int:
        """Queue the alerts for what changed since the last plan; returns items queued."""
        knowledge = self.source.current
        if knowledge.version == self._seen:
            return 0
        snapshot = await self.store.snapshot()
        current = list(knowledge.files.campaigns)
        if snapshot is None:  # the first start: nothing to compare with yet
            await self.store.save_snapshot(knowledge.version, campaigns_json(current), None)
            self._seen = knowledge.version
            return 0
        old_version, text = snapshot
        if old_version == knowledge.version:
            self._seen = knowledge.version
            return 0
        try:
            old = [Campaign.model_validate(c) for c in json.loads(text)]
        except ValueError as error:  # written by another schema: start again from now
            log.warning("alert snapshot unreadable (%s); no alerts for this change",
                        type(error).__name__)
            old = current
        changes = diff_campaigns(old, current)
        models = sorted({m for c in changes for m in c.models})
        subscribers = await self.store.subscribers(models) if models else []
        channels = await self.store.channels() if changes else []
        # ~90 ms for 10,000 subscribers: off the event loop, so no conversation waits for it
        items = await asyncio.to_thread(plan_alerts, changes, knowledge, subscribers, channels,
                                        old_version=old_version)
        queued = await self.store.enqueue(items)
        await self.store.save_snapshot(knowledge.version, campaigns_json(current), old_version)
        self._seen = knowledge.version
        log.info("knowledge %s → %s: %d change(s), %d alert(s) queued", old_version,
                 knowledge.version, len(changes), queued)
        return queued


class _Pacer:
    """At most `per_second` requests a second, spaced evenly, in order of arrival."""

    def __init__(self, per_second: float, clock: Callable[[], float]) -> None:
        self.interval = 1.0 / per_second
        self._clock = clock
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Wait for the next request's turn."""
        async with self._lock:
            now = self._clock()
            if self._next > now:
                await asyncio.sleep(self._next - now)
            self._next = max(now, self._next) + self.interval


class Outbox:
    """Claims and sends queued alerts for each platform that has a sender."""

    def __init__(self, store: CommunityStore, source: KnowledgeSource, senders: list[Sender], *,
                 pace: dict[str, Pace] | None = None, lease: float = LEASE,
                 batch: int = BATCH, wall: Callable[[], float] = time.time,
                 plan_interval: float = PLAN_INTERVAL, idle: float = IDLE_INTERVAL) -> None:
        self.store, self.source = store, source
        self.senders = {s.platform: s for s in senders}
        self.pace = {**DEFAULT_PACE, **(pace or {})}
        self.lease, self.batch, self._wall = lease, batch, wall
        self.plan_interval, self.idle = plan_interval, idle
        self.planner = AlertPlanner(store, source)
        self._claim = uuid.uuid4().hex  # this process's claims
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._rendered: dict[tuple[str, str, str, str], list[Reply]] = {}
        self.sent = 0

    # -- one step at a time (tests and the loops below) ----------------------------------------

    async def send_due(self, platform: str, limit: int | None = None) -> int:
        """Claim and send due alerts of `platform` until none are due (or `limit` were handled)."""
        sender = self.senders[platform]
        pace = self.pace.get(platform, Pace(10.0))
        loop = asyncio.get_running_loop()
        pacer = _Pacer(pace.per_second, loop.time)
        slots = asyncio.Semaphore(pace.concurrency)
        handled = 0
        running: set[asyncio.Task[None]] = set()
        try:
            while not self._stopping.is_set() and (limit is None or handled < limit):
                want = self.batch if limit is None else min(self.batch, limit - handled)
                items = await self.store.claim(platform, want, self._wall(), self.lease,
                                               self._claim)
                if not items:
                    break
                for number, item in enumerate(items):
                    if self._stopping.is_set():  # give the rest back for the next start
                        for left in items[number:]:
                            await self.store.retry_later(left.id, self._claim, self._wall())
                        break
                    replies = self._render(item)
                    await slots.acquire()
                    task = loop.create_task(self._send_one(sender, item, replies, pacer.wait))
                    running.add(task)
                    task.add_done_callback(running.discard)
                    task.add_done_callback(lambda _: slots.release())
                    handled += 1
        finally:
            if running:  # let the ones in flight finish and be marked (never cut mid-send)
                await asyncio.gather(*running, return_exceptions=True)
        return handled

    def _render(self, item: OutboxItem) -> list[Reply] | None:
        """The alert's replies in its language; None if it cannot be rendered (retried).

        Thousands of subscribers share a few (language, payload) pairs: each is worded once."""
        knowledge = self.source.current
        key = (knowledge.version, item.lang, item.target_kind, item.payload)
        if key in self._rendered:
            return self._rendered[key]
        try:
            replies = render_alert(item, knowledge)
        except Exception as error:
            log.error("alert %d could not be rendered: %s", item.id, type(error).__name__)
            return None
        if len(self._rendered) >= RENDER_CACHE:
            self._rendered.clear()
        self._rendered[key] = replies
        return replies

    async def _send_one(self, sender: Sender, item: OutboxItem, replies: list[Reply] | None,
                        pace: Turn) -> None:
        try:
            if replies is None:
                raise ValueError("not rendered")
            result: Delivery = await sender.deliver(item, replies, pace) if replies else "sent"
        except Exception as error:  # a bug or an unknown failure: retry, never lose it
            log.error("alert %d to %s failed: %s", item.id, item.platform, type(error).__name__)
            result = "retry"
        if result == "sent":
            await self.store.mark_sent(item.id, self._claim, self._wall())
            self.sent += 1
        elif result == "gone":
            log.info("%s %s is unreachable: unsubscribed", item.platform, item.target_kind)
            await self.store.drop(item.id, self._claim)
            await self.store.drop_target(item.platform, item.target_kind, item.target_id)
        elif result == "failed" or item.attempts + 1 >= MAX_ATTEMPTS:
            log.warning("alert %d to %s given up after %d attempt(s)", item.id, item.platform,
                        item.attempts + 1)
            await self.store.drop(item.id, self._claim)
        else:
            await self.store.retry_later(item.id, self._claim,
                                         self._wall() + RETRY_DELAY * 2 ** item.attempts)

    # -- running in the bot's event loop -------------------------------------------------------

    def start(self) -> None:
        """Plan now and on every knowledge change; send in the background, per platform."""
        loop = asyncio.get_running_loop()
        self._stopping.clear()
        self._tasks.append(loop.create_task(self._plan_forever(), name="alerts-plan"))
        for platform in self.senders:
            self._tasks.append(loop.create_task(self._send_forever(platform),
                                                name=f"alerts-send-{platform}"))

    async def stop(self) -> None:
        """Stop claiming; alerts in flight finish and are marked sent before this returns."""
        self._stopping.set()
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _plan_forever(self) -> None:
        purged = -PURGE_INTERVAL
        while not self._stopping.is_set():
            try:
                await self.planner.plan()
                if self._wall() - purged >= PURGE_INTERVAL:
                    purged = self._wall()
                    await self.store.purge_outbox(self._wall() - KEEP_SENT)
            except Exception as error:  # the next round tries again
                log.error("planning alerts failed: %s", type(error).__name__)
            await self._pause(self.plan_interval)

    async def _send_forever(self, platform: str) -> None:
        while not self._stopping.is_set():
            try:
                await self.send_due(platform)
            except Exception as error:
                log.error("sending %s alerts failed: %s", platform, type(error).__name__)
            await self._pause(self.idle)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)


__all__ = ["DEFAULT_PACE", "AlertPlanner", "Delivery", "Outbox", "Pace", "Sender"]
