"""The conversation engine: load state → understand → decide (pure) → save → replies.

One engine serves every platform. A reply is returned only after its turn's state is committed,
so a crash between turns loses nothing the user was told.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import time
import traceback
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from bot import photo, present
from bot.catalog import CATALOG, Catalog
from bot.dialog import CheckLog, Context, Dialog
from bot.inbound import COMMANDS, Inbound
from bot.knowledge_source import KnowledgeSource
from bot.language import choose_language, from_locale, pick_language
from bot.matcher import default_matcher
from bot.replies import Button, InfoCard, PsaCard, Reply, TextReply
from bot.state import ConversationState
from bot.store import CheckLogEntry, Store, VersionConflict, store_for
from bot.store._common import from_json, to_json
from bot.store.base import StateKey
from bot.truth import enforce
from knowledge import Knowledge

if TYPE_CHECKING:
    from bot.reload import KnowledgeReloader

log = logging.getLogger(__name__)
# aiosqlite (if a deployment still has it) quotes every SQL parameter at DEBUG: state with serials.
logging.getLogger("aiosqlite").setLevel(logging.INFO)

DEFAULT_FLOOD_LIMIT = 20  # messages per user (per platform, across all chats) per window
DEFAULT_FLOOD_WINDOW = 60.0  # seconds
FORGET_LIMIT = 3  # /forget per user per window (it deletes rows: not free either)
MAX_FLOOD_USERS = 100_000  # users tracked at once; the oldest windows are dropped beyond
SAVE_ATTEMPTS = 3
DEFAULT_TTL = timedelta(hours=24)  # a conversation idle this long is deleted, serial and all
EXPIRY_INTERVAL = 600.0  # seconds between sweeps for expired conversations
SCRUB_DELAY = 1.0  # seconds: ended checks' serials leave the WAL within about this long
GC_YOUNG = 10_000  # allocations between young collections (CPython's default: 700)
MAX_IN_FLIGHT = 64  # turns being decided at once; later ones wait their turn, in order


def default_db_target() -> str | Path:
    """RECALL_BOT_DB as written (a path, sqlite:PATH or a postgresql:// URL), else the file."""
    return os.environ.get("RECALL_BOT_DB") or default_db_path()


def default_db_path() -> Path:
    """The SQLite file RECALL_BOT_DB names, else one in a per-user data directory."""
    env = os.environ.get("RECALL_BOT_DB")
    if env and "://" not in env:  # a database URL is not a file (see default_db_target)
        return Path(env.removeprefix("sqlite:"))
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "recall-bot" / "state.db"


Verdict = Literal["ok", "notice", "silent"]


@dataclass
class _Window:
    start: float
    count: int = 0
    notified: bool = False


class FloodLimiter:
    """Messages per (platform, user) in fixed windows, in this process's memory.

    Kept out of the conversation row on purpose: /forget deletes that row, and counting per
    (platform, chat, user) let one user multiply the limit by the chats they wrote in. Bounded:
    windows that ended are dropped, and at most `max_users` are tracked. The limit is per
    process: N bot processes behind one token allow up to N times as much.
    """

    def __init__(self, limit: int, window: float, clock: Callable[[], float],
                 max_users: int = MAX_FLOOD_USERS) -> None:
        self.limit, self.window, self._clock, self.max_users = limit, window, clock, max_users
        self._windows: OrderedDict[tuple[str, str], _Window] = OrderedDict()  # oldest first

    def __len__(self) -> int:
        return len(self._windows)

    def hit(self, key: tuple[str, str]) -> Verdict:
        """Count one message: "ok", "notice" (the first one over the limit) or "silent"."""
        now = self._clock()
        while self._windows:  # drop windows that ended (they are ordered by start)
            oldest = next(iter(self._windows.values()))
            if now - oldest.start < self.window and len(self._windows) < self.max_users:
                break
            self._windows.popitem(last=False)
        entry = self._windows.get(key)
        if entry is None or now - entry.start >= self.window:
            self._windows.pop(key, None)
            entry = self._windows[key] = _Window(now)
        entry.count += 1
        if entry.count <= self.limit:
            return "ok"
        if entry.notified:
            return "silent"
        entry.notified = True
        return "notice"


class _Gate:
    """At most `limit` turns in flight; later ones wait, first come first served.

    asyncio.Semaphore did the same for ~4 % of a saturated turn (its context manager, two
    coroutine frames, and a scan of its waiters on every release); here a released slot goes
    straight to the oldest waiter.
    """

    __slots__ = ("free", "waiters")

    def __init__(self, limit: int) -> None:
        self.free = limit
        self.waiters: deque[asyncio.Future[None]] = deque()

    async def wait(self) -> None:
        """Wait for a slot (the caller found none free, or others waiting before it)."""
        if self.free and not self.waiters:
            self.free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed a slot, then cancelled: pass it on
            else:
                with contextlib.suppress(ValueError):
                    self.waiters.remove(waiter)
            raise

    def release(self) -> None:
        """Hand the slot to the oldest live waiter, or free it."""
        waiters = self.waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self.free += 1


class Engine:
    """`await engine.handle(inbound)` → the replies for one user event."""

    def __init__(self, knowledge: KnowledgeSource | Knowledge, store: Store, *,
                 flood_limit: int = DEFAULT_FLOOD_LIMIT,
                 flood_window: float = DEFAULT_FLOOD_WINDOW,
                 clock: Callable[[], float] = time.time,
                 ttl: timedelta = DEFAULT_TTL,
                 strict_truth: bool = False,
                 max_in_flight: int = MAX_IN_FLIGHT) -> None:
        self.source = knowledge if isinstance(knowledge, KnowledgeSource) \
            else KnowledgeSource.fixed(knowledge)
        self.store = store
        self.catalog: Catalog = CATALOG
        self.flood_limit = flood_limit
        self.flood_window = flood_window
        self._clock = clock
        self.flood = FloodLimiter(flood_limit, flood_window, clock)
        self.forget_flood = FloodLimiter(FORGET_LIMIT, flood_window, clock)
        self._sweep_task: asyncio.Task[None] | None = None
        self._strict = strict_truth
        self.ttl = ttl
        self._reloader: KnowledgeReloader | None = None
        self._scrub_task: asyncio.Task[None] | None = None
        self.scrub_delay = SCRUB_DELAY
        self._next_expiry = 0.0
        # Bounded turns in flight: a burst of N users then holds N small waiting coroutines,
        # not N half-built turns (state, cards, replies), and each commit batch stays bounded.
        # Measured (10,000 live, saturated): 512 in flight spent 12-17 us a turn in the garbage
        # collector (half-built turns survive young collections), 64 spend ~3.5 us; 64 turns
        # per commit already make the commit's cost per turn small.
        self._gate = _Gate(max_in_flight)
        # A store that keeps the state as JSON text (SQLite) takes and gives that text: pydantic
        # reads and writes it in one step each, instead of json + the model's dict (~5 us of a
        # turn). Other stores (PostgreSQL keeps the serial apart) get and give dicts.
        self._texts: TextStore | None = store if isinstance(store, TextStore) else None

    @classmethod
    async def open(cls, db_path: str | os.PathLike[str] | None = None,
                   knowledge_dir: Path | None = None, **options: object) -> Engine:
        """Load the knowledge and open the store `db_path` names (bot.store.store_for): a
        PostgreSQL URL, or an SQLite file (its folder is created if needed)."""
        source = KnowledgeSource.from_dir(knowledge_dir)
        store = store_for(db_path if db_path is not None else default_db_target())
        # The question matcher learns its examples once per process (about a second): now, in
        # a worker thread, rather than on the first message with the event loop blocked.
        await asyncio.gather(store.open(), asyncio.to_thread(default_matcher))
        _tune_gc()  # after the start-up objects exist, so they are frozen out of collection
        return cls(source, store, **options)  # type: ignore[arg-type]

    def watch_knowledge(self) -> None:
        """Reload the knowledge on file change or SIGHUP while the bot runs (in its loop)."""
        from bot.reload import watch

        if self._reloader is None:
            self._reloader = watch(self.source)

    def start_sweeping(self, interval: float = EXPIRY_INTERVAL) -> None:
        """Delete expired conversations now and every `interval` seconds, traffic or not.

        Call from inside the bot's event loop; close() stops it. Without it an abandoned check
        kept its serial on disk for as long as nobody wrote to the bot.
        """
        if self._sweep_task is None:
            self._sweep_task = asyncio.get_running_loop().create_task(
                self._sweep_forever(interval), name="expiry-sweep")

    async def _sweep_forever(self, interval: float) -> None:
        while True:
            try:
                removed = await self.expire_idle()
                if removed:
                    log.info("expired %d idle conversation(s)", removed)
                    self._scrub_soon()  # their serials leave the WAL too
            except Exception as exc:  # the next sweep tries again
                log.error("expiry sweep failed (%s)", type(exc).__name__)
            await asyncio.sleep(interval)

    async def close(self) -> None:
        task, self._sweep_task = self._sweep_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.settle()
        if self._reloader is not None:
            await self._reloader.stop()
            self._reloader = None
        await self.store.close()

    @property
    def knowledge(self) -> Knowledge:
        return self.source.current

    # ----- what adapters call ----------------------------------------------------------------

    async def handle(self, inbound: Inbound) -> list[Reply]:
        """The replies to one event. Never raises: failures become a catalogued apology."""
        try:
            return await self._handle(inbound)
        except Exception as exc:  # the process keeps serving; the log has no user text or serial
            # Only the exception's type and frames: messages (pydantic, re, json) quote the input.
            log.error("engine failed on a %s event from %s: %s\n%s", _event_kind(inbound),
                      inbound.platform, type(exc).__name__,
                      "".join(traceback.format_tb(exc.__traceback__)).rstrip())
            lang = from_locale(inbound.locale) or "en"
            return [TextReply(text=self.catalog.text(lang, "ui_error_apology"))]

    def language_for(self, locale: str | None) -> str:
        """A platform locale ('de-DE', 'zh-TW') → one of the bot's languages."""
        return from_locale(locale) or "en"

    def psa(self, lang: str) -> PsaCard:
        """The PSA card, through the same truth rules and limits as every reply."""
        card = enforce(present.psa_card(self.knowledge, lang), strict=self._strict)
        assert isinstance(card, PsaCard)
        return card

    def inline_answers(self, query: str, lang: str) -> list[Reply]:
        """For sharing: the PSA card, then a card per recalled model matching the query."""
        answers: list[Reply] = [self.psa(lang)]
        for model in self.match_models(query, limit=49):
            answers.append(self.model_card(model, lang))
        return self._finish(answers)

    def model_card(self, model: str, lang: str) -> InfoCard:
        """A shareable card about one model's recalls (third person, no personal data)."""
        return present.shared_model_card(self.knowledge, model, lang)

    def match_models(self, query: str, limit: int = 25) -> list[str]:
        """Recalled models whose number or name matches `query` (empty: all)."""
        index = self.knowledge.index
        needle = query.strip().upper().replace(" ", "").replace("-", "")[:32]
        models = index.models
        if not needle:
            return models[:limit]
        hits = [m for m in models if needle in m.replace("-", "")]
        for match in index.search_names(query[:64], limit=limit):
            if match.product.model not in hits:
                hits.append(match.product.model)
        return hits[:limit]

    def autocomplete_models(self, prefix: str, lang: str) -> list[tuple[str, str]]:
        """(label, model) pairs for a model option, at most 25, served from memory."""
        index = self.knowledge.index
        pairs = []
        for model in self.match_models(prefix, limit=25):
            product = index.product(model)
            label = f"{model} — {product.name}" if product else model
            pairs.append((label[:100], model))
        return pairs

    # ----- one turn --------------------------------------------------------------------------

    async def expire_idle(self) -> int:
        """Delete conversations idle longer than the TTL (with any serial they still held)."""
        self._next_expiry = self._clock() + EXPIRY_INTERVAL
        return await self.store.expire(datetime.now(UTC) - self.ttl)

    async def _handle(self, inbound: Inbound) -> list[Reply]:
        if self._clock() >= self._next_expiry:
            await self.expire_idle()
        # Counted once per event, before any retry; /forget has its own, smaller allowance so a
        # flooded user can still erase their data but cannot use it to reset anything.
        limiter = self.forget_flood if inbound.command == "forget" else self.flood
        verdict = limiter.hit((inbound.platform, inbound.user_id))
        if verdict != "ok":
            notice = await self._flood_notice(inbound) if verdict == "notice" else []
            if inbound.command == "forget":  # over its allowance the reply is limited, never the
                await self.store.delete_user(inbound.platform, inbound.user_id)  # deletion
                self._scrub_soon()
            return notice
        # issue 17: a photo is read once, off the event loop, before the turn (bot/photo); a
        # slow read does not hold one of the turn slots
        reading = await photo.read_for(inbound, self.knowledge) if inbound.image else None
        gate = self._gate
        if gate.free and not gate.waiters:  # a free slot: no future, no wake-up
            gate.free -= 1
        else:
            await gate.wait()
        try:
            return await self._turn(inbound, reading)
        finally:
            gate.release()

    async def _turn(self, inbound: Inbound, reading: photo.Reading | None) -> list[Reply]:
        """Load, decide, commit: at most max_in_flight of these at once."""
        texts = self._texts
        for _ in range(SAVE_ATTEMPTS):
            state: ConversationState | None = None
            if texts is not None:  # the state's JSON straight into (and out of) the model
                found = await texts.load_text(inbound.key)
                version = found[1] if found else 0
                state = ConversationState.from_json(found[0]) if found else ConversationState()
                had_serial = state is not None and bool(state.serial)
                if state is None:  # unreadable as a state: decided as load() + from_stored do
                    data = from_json(found[0]) if found else {}
                    state = ConversationState.from_stored(data)
                    had_serial = bool(data.get("serial"))
            else:
                stored = await self.store.load(inbound.key)
                version = stored.version if stored else 0
                state = ConversationState.from_stored(stored.state if stored else None)
                had_serial = bool(stored and stored.state.get("serial"))
            lang, said = pick_language(state.language, inbound.text or inbound.args or None,
                                       state.last_language, inbound.locale)
            if said:  # English by default is not kept: the next message may say its language
                state.last_language = lang
            ctx = Context(inbound=inbound, lang=lang, version=version + 1)
            dialog = Dialog(self.knowledge)
            turn = dialog.step(state, ctx) if reading is None \
                else photo.on_reading(dialog, state, ctx, reading)
            turn.state.last_buttons = [_button_target(b) for r in turn.replies for b in r.buttons
                                       if not b.url]  # typing N presses the Nth non-link button
            if turn.forget:
                await self.store.delete_user(inbound.platform, inbound.user_id)
                return self._finish(turn.replies)
            # the check-log lines commit with the state (one transaction on SQLite)
            checks = self._check_entries(turn.checks, inbound.platform)
            try:
                if texts is not None:
                    await texts.save_text(inbound.key, _state_json(turn.state), version,
                                          checks=checks)
                else:
                    await self.store.save(inbound.key, turn.state.dump(), version, checks=checks)
            except VersionConflict:
                continue  # another turn of this user won: decide again on the fresh state
            if had_serial and not turn.state.serial:
                self._scrub_soon()  # the check is over: no copy of its serial stays in the WAL
            return self._finish(turn.replies)
        lang = from_locale(inbound.locale) or "en"
        return [TextReply(text=self.catalog.text(lang, "busy_retry"))]

    async def _flood_notice(self, inbound: Inbound) -> list[Reply]:
        """The one polite notice, in the user's language; nothing is saved."""
        stored = await self.store.load(inbound.key)
        state = ConversationState.from_stored(stored.state if stored else None)
        lang = choose_language(state.language, inbound.text or inbound.args or None,
                               state.last_language, inbound.locale)
        return self._finish([TextReply(text=self.catalog.text(lang, "flood_notice"))])

    def _scrub_soon(self) -> None:
        """Truncate the WAL within SCRUB_DELAY, once for all checks that ended meanwhile.

        A WAL checkpoint blocks the store's writer thread (it syncs the file): doing one per
        verdict made every other user's turn queue behind it (p50 2 ms → 35–170 ms at 3,000
        turns/s, bench/engine_bench paced). Batched, an ended check's serial stays in the WAL
        file for at most about a second.
        """
        if self._scrub_task is None or self._scrub_task.done():
            self._scrub_task = asyncio.get_running_loop().create_task(self._scrub_later())

    async def _scrub_later(self) -> None:
        await asyncio.sleep(self.scrub_delay)
        await self._scrub()

    async def _scrub(self) -> None:
        scrub = getattr(self.store, "scrub", None)  # SQLite: checkpoint and truncate the WAL
        if scrub is not None:
            try:
                await scrub()
            except Exception as exc:  # the next sweep tries again; never fail a user's turn
                log.error("WAL scrub failed (%s); retrying at the next sweep", type(exc).__name__)

    async def settle(self) -> None:
        """Finish background privacy work now (the pending WAL scrub)."""
        task, self._scrub_task = self._scrub_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await self._scrub()

    def _finish(self, replies: list[Reply]) -> list[Reply]:
        return [enforce(r, strict=self._strict) for r in replies]

    @staticmethod
    def _check_entries(checks: list[CheckLog], platform: str) -> list[CheckLogEntry]:
        if not checks:
            return []
        day = datetime.now(UTC).date()
        return [CheckLogEntry(c.model, c.verdict, c.region, platform, day) for c in checks]


_gc_tuned = False


def _tune_gc() -> None:
    """Collect cycles less often in a long-running bot process (once per process).

    The knowledge, the caches and thousands of live conversations are many long-lived
    objects; with CPython's default gen-0 threshold (700 allocations) the collector rescans
    them constantly: about a quarter of the CPU at 10,000 conversations (docs/PERFORMANCE.md).
    Start-up objects are frozen out of collection; later garbage is still collected.
    Measured at 3,000 turns/s (#14): a young generation of 50,000 objects paused the loop for
    4-24 ms; 10,000 pauses ~1 ms for the same total; the middle generation is collected every
    50 young collections instead of 20, so its (longer) pauses stay rare.
    """
    global _gc_tuned
    if not _gc_tuned:
        _gc_tuned = True
        gc.freeze()
        gc.set_threshold(GC_YOUNG, 50, 100)


@runtime_checkable
class TextStore(Protocol):
    """A store whose state is JSON text: it can load and save that text as it is."""

    async def load_text(self, key: StateKey) -> tuple[str, int] | None: ...

    async def save_text(self, key: StateKey, text: str, expected_version: int, *,
                        checks: Sequence[CheckLogEntry] = ()) -> int: ...


def _state_json(state: ConversationState) -> str:
    """The state's JSON as the store writes it (bot.store to_json of its dump, if pydantic
    cannot write it: the same error then as before)."""
    try:
        return state.dump_json()
    except ValueError:
        return to_json(state.dump())


def _button_target(button: Button) -> str:
    if button.token:
        return button.token
    return f"start:{button.deep_link}" if button.deep_link else ""


def _event_kind(inbound: Inbound) -> str:
    if inbound.action is not None:
        return "button"
    if inbound.command is not None:  # only known names: a user can type a serial as a command
        return f"/{inbound.command}" if inbound.command in COMMANDS else "/other"
    return "text"


__all__ = ["Engine", "default_db_path", "default_db_target"]
