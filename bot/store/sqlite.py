"""SQLite store on the stdlib driver, on the event loop's thread: WAL, optimistic concurrency,
group commit once per loop iteration, write-through cache, checkpoints off the commit path.

Why on the loop's thread: a commit in WAL mode with synchronous=NORMAL is a `write()` to the
WAL (~16 µs); handing every statement to a driver thread (aiosqlite) cost more than the SQL
itself (a future, a queue, a GIL hand-over each way). So:

- Group commit: `save` queues the state (keyed by conversation) and schedules the flusher, a
  task that runs once the loop has run every task that was ready; it writes everything queued
  in ONE transaction (`BEGIN IMMEDIATE` … `COMMIT`): multi-row `UPDATE ... FROM (VALUES ...)
  WHERE version = expected RETURNING`, multi-row `INSERT ... ON CONFLICT`, and the check-log
  lines that came with those saves (`save(..., checks=...)`), so a verdict and its check-log
  line commit together. A row missing from RETURNING is that caller's VersionConflict. Every
  caller's `save` returns only after the COMMIT. One key appears at most once per transaction;
  a second save of the same key goes into the next one (and then usually conflicts). A round
  right after another first lets the loop run a few more iterations, so turns arriving one by
  one share commits too.
- Never blocking the loop on a lock: the connection's busy timeout is 0; a busy database (a
  writer in another process) is retried after an asynchronous, jittered backoff, for at least
  `busy_timeout` seconds and `retries` attempts.
- Checkpoints off the commit path: automatic checkpoints are off on this connection (they would
  run inside a COMMIT, on the loop); a second connection, in a worker thread at the lowest CPU
  priority, checkpoints (PASSIVE, writers go on) every CHECKPOINT_PAGES pages written (about),
  then this connection copies the few frames written meanwhile, so the next commit starts the
  WAL over (and cuts it to journal_size_limit): the WAL stays a few MB, which keeps the
  TRUNCATE of `scrub()` cheap (truncating 30 MB of WAL took ~10 ms of the loop's time).
  `scrub()` runs the same PASSIVE checkpoint, then the TRUNCATE on the loop's thread, so
  deleted or superseded serials leave the WAL file.
- Write-through cache of (state JSON, version, updated_at): `load` usually skips the database.
  A stale entry (another process wrote) only costs a VersionConflict at save time, which drops
  the entry so the caller's reload reads the file.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import random
import sqlite3
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar

from bot.store._common import (
    DEFAULT_TTL,
    check_expected,
    check_key,
    from_json,
    now_timestamp,
    timestamp,
    to_json,
    utc_now,
)
from bot.store.base import CheckLogEntry, StateKey, Stored, VersionConflict

log = logging.getLogger(__name__)

T = TypeVar("T")
Row = tuple[Any, ...]
CacheEntry = tuple[str, int, float]  # (state JSON, version, updated_at epoch seconds)

# Applied in order, each once (recorded in schema_version); every statement is also
# idempotent on its own, so a half-applied file from an older build still migrates.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: conversations + anonymous check log
        """CREATE TABLE IF NOT EXISTS conversations (
            platform TEXT NOT NULL, chat_id TEXT NOT NULL, user_id TEXT NOT NULL,
            state TEXT NOT NULL, version INTEGER NOT NULL, updated_at REAL NOT NULL,
            PRIMARY KEY (platform, chat_id, user_id))""",
        "CREATE INDEX IF NOT EXISTS conversations_updated_at ON conversations (updated_at)",
        "CREATE INDEX IF NOT EXISTS conversations_user ON conversations (platform, user_id)",
        """CREATE TABLE IF NOT EXISTS check_log (
            day TEXT NOT NULL, platform TEXT NOT NULL, model TEXT NOT NULL,
            verdict TEXT NOT NULL, region TEXT)""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

MAX_BATCH = 256  # rows per statement: 6 parameters each stays far below SQLite's 32,766
# A commit of one turn costs ~55 us (BEGIN IMMEDIATE, UPDATE, COMMIT: 3-4 WAL pages); when
# turns arrive one by one (5,000/s paced) that was a third of the CPU. When the last commit is
# more recent than COMMIT_INTERVAL, the next round first lets the loop run GATHER_ITERATIONS
# more iterations (no timer: an idle loop passes them at once), so turns being decided share it.
COMMIT_INTERVAL = 0.001  # seconds
GATHER_ITERATIONS = 3
CHECKPOINT_PAGES = 2000  # WAL pages (about: 2 per row + 1 per commit) between checkpoints

_SELECT = (
    "SELECT state, version, updated_at FROM conversations"
    " WHERE platform = ? AND chat_id = ? AND user_id = ?"
)


@functools.lru_cache(maxsize=2 * MAX_BATCH)
def _update_sql(rows: int) -> str:
    """Update `rows` conversations whose version is still the expected one."""
    values = ", ".join(["(?, ?, ?, ?, ?, ?)"] * rows)
    return (
        f"WITH b (platform, chat_id, user_id, state, updated_at, expected) AS (VALUES {values})"
        " UPDATE conversations SET state = b.state, version = conversations.version + 1,"
        " updated_at = b.updated_at FROM b WHERE conversations.platform = b.platform"
        " AND conversations.chat_id = b.chat_id AND conversations.user_id = b.user_id"
        " AND conversations.version = b.expected RETURNING platform, chat_id, user_id, version"
    )


@functools.lru_cache(maxsize=2 * MAX_BATCH)
def _insert_sql(rows: int) -> str:
    """Insert `rows` new conversations, or take over rows that expired but are not purged yet.

    A taken-over row keeps counting its version up, so a writer still holding the old
    version cannot win. The last parameter is the TTL in seconds.
    """
    values = ", ".join(["(?, ?, ?, ?, 1, ?)"] * rows)
    return (
        "INSERT INTO conversations (platform, chat_id, user_id, state, version, updated_at)"
        f" VALUES {values} ON CONFLICT (platform, chat_id, user_id) DO UPDATE SET"
        " state = excluded.state, version = conversations.version + 1,"
        " updated_at = excluded.updated_at"
        " WHERE conversations.updated_at < excluded.updated_at - ?"
        " RETURNING platform, chat_id, user_id, version"
    )


@functools.lru_cache(maxsize=2 * MAX_BATCH)
def _check_sql(rows: int) -> str:
    values = ", ".join(["(?, ?, ?, ?, ?)"] * rows)
    return f"INSERT INTO check_log (day, platform, model, verdict, region) VALUES {values}"


CheckRow = tuple[str, str, str, str, str | None]
_QueuedCheck = tuple[CheckRow, "asyncio.Future[int] | None"]  # (check_log row, its own caller)


@dataclass(slots=True)
class _PendingSave:
    key: StateKey
    text: str
    now: float
    expected: int
    epoch: int
    future: asyncio.Future[int]
    checks: tuple[CheckRow, ...] = ()


class StoreError(RuntimeError):
    """The database cannot be used as it is (e.g. written by a newer recall-bot)."""


def _lower_priority() -> None:
    """Checkpoint thread: lowest CPU priority (Linux: per thread), so on a busy core its page
    copying waits for the event loop's idle moments instead of taking time slices from it."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


class _Busy(Exception):
    """A write found the database locked; the batch goes back to the queue."""


def _is_busy(error: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY / SQLITE_LOCKED, including extended codes such as BUSY_SNAPSHOT."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)


def _check_row(entry: CheckLogEntry) -> CheckRow:
    return (entry.day.isoformat(), entry.platform, entry.model, entry.verdict, entry.region)


class SQLiteStore:
    """Conversation state and the check log in one SQLite file (WAL), safe across processes."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        ttl: timedelta = DEFAULT_TTL,
        clock: Callable[[], datetime] = utc_now,
        synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
        busy_timeout: float = 5.0,
        retries: int = 10,
        cache_size: int = 100_000,
    ) -> None:
        if synchronous not in ("NORMAL", "FULL"):
            raise ValueError(f"synchronous must be 'NORMAL' or 'FULL', got {synchronous!r}")
        self.path = str(path)
        self.ttl = ttl
        self.synchronous = synchronous
        self._clock = clock
        self._busy_timeout = busy_timeout
        self._busy_ms = int(busy_timeout * 1000)
        self._retries = retries
        self._cache_size = cache_size
        self._cache: dict[StateKey, CacheEntry] = {}
        self._epoch = 0  # bumped by deletes: saves that started earlier must not refill the cache
        self._db: sqlite3.Connection | None = None
        self._pending: dict[StateKey, _PendingSave] = {}  # the next transaction, by conversation
        self._overflow: list[_PendingSave] = []  # second saves of a key already queued
        self._pending_checks: list[_QueuedCheck] = []
        self._flusher: asyncio.Task[None] | None = None
        self._drain_waiters: list[asyncio.Future[None]] = []  # _drain calls, before a round
        self._round_waiters: list[asyncio.Future[None]] = []  # released when the round ends
        # checkpoints: a second connection, used only by one worker thread (jobs run in order,
        # so a cancelled caller never lets two of them overlap or close it under a running one)
        self._checkpointer: sqlite3.Connection | None = None
        self._worker: ThreadPoolExecutor | None = None
        self._checkpoint_lock: asyncio.Lock | None = None
        self._checkpoint_task: asyncio.Task[None] | None = None
        self._rows_since_checkpoint = 0
        self._last_commit = 0.0  # loop time of the last commit (see COMMIT_INTERVAL)

    async def __aenter__(self) -> SQLiteStore:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- lifecycle ---------------------------------------------------------------------------

    async def open(self) -> None:
        """Open the file (creating it owner-only if new), set WAL, apply pending migrations."""
        if self._db is not None:
            return
        if self.path != ":memory:" and not self.path.startswith("file:"):
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            # State may hold a serial during a live conversation: keep the file private.
            # SQLite gives the -wal and -shm files the same permissions.
            os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE … COMMIT) or one
        # statement. Batch statements vary in size, so keep enough prepared statements cached.
        self._db = self._connect()
        try:
            db = self._db
            db.execute("PRAGMA busy_timeout = 0")  # never sleep on the loop: retried in _retry
            await self._retry(lambda: self._run("PRAGMA journal_mode = WAL"))
            db.execute(f"PRAGMA synchronous = {self.synchronous}")
            db.execute("PRAGMA secure_delete = ON")  # deleted rows are zeroed
            db.execute("PRAGMA journal_size_limit = 4194304")
            db.execute("PRAGMA wal_autocheckpoint = 0")  # checkpoints run in a worker thread
            await self._retry(self._migrate_once)
        except BaseException:
            await self.close()
            raise
        self._checkpoint_lock = asyncio.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-checkpoint",
                                          initializer=_lower_priority)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, isolation_level=None, cached_statements=4 * MAX_BATCH,
                               check_same_thread=False)

    async def close(self) -> None:
        """Finish queued saves, then close (the last connection checkpoints and drops the WAL)."""
        while self._flusher is not None:
            await asyncio.gather(self._flusher, return_exceptions=True)
        if self._checkpoint_task is not None:
            await asyncio.gather(self._checkpoint_task, return_exceptions=True)
        worker, self._worker = self._worker, None
        if worker is not None:  # after any checkpoint still running there
            await asyncio.get_running_loop().run_in_executor(worker, self._close_checkpointer)
            worker.shutdown(wait=False)
        db, self._db = self._db, None
        self._cache.clear()
        if db is not None:
            db.close()

    async def schema_version(self) -> int:
        """The highest migration applied to the file."""
        rows = await self._fetch("SELECT COALESCE(MAX(version), 0) FROM schema_version")
        return int(rows[0][0])

    async def _migrate_once(self) -> None:
        """Apply every pending migration in one IMMEDIATE transaction (one process wins)."""
        db = self._conn()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(
                "CREATE TABLE IF NOT EXISTS schema_version"
                " (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            current = int(db.execute(
                "SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0])
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} has schema version {current}, newer than this recall-bot "
                    f"understands ({SCHEMA_VERSION}); upgrade recall-bot or use another --db file"
                )
            for number in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[number - 1]:
                    db.execute(statement)
                db.execute(
                    "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                    (number, utc_now().isoformat(timespec="seconds")),
                )
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    # -- the Store protocol ------------------------------------------------------------------

    async def load(self, key: StateKey) -> Stored | None:
        """The conversation's state, or None (never saved, deleted or older than `ttl`)."""
        check_key(key)
        entry = self._cache.get(key) or await self._fetch_entry(key)
        if entry is None or self._expired(entry):
            return None
        text, version, updated = entry
        return Stored(from_json(text), version, datetime.fromtimestamp(updated, UTC))

    async def load_text(self, key: StateKey) -> tuple[str, int] | None:
        """`load` without decoding: (the state's JSON as saved, version), or None."""
        check_key(key)
        entry = self._cache.get(key) or await self._fetch_entry(key)  # (cached: no await)
        if entry is None or self._expired(entry):
            return None
        return entry[0], entry[1]

    async def _fetch_entry(self, key: StateKey) -> CacheEntry | None:
        """A row not in the cache: read it, and remember it unless a write overtook the read."""
        epoch = self._epoch
        rows = await self._fetch(_SELECT, key)
        if not rows:
            return None
        entry = (rows[0][0], rows[0][1], rows[0][2])
        self._remember(key, entry, epoch)
        return entry

    def _expired(self, entry: CacheEntry) -> bool:
        return entry[2] < now_timestamp(self._clock) - self.ttl.total_seconds()

    async def save(self, key: StateKey, state: dict[str, object], expected_version: int, *,
                   checks: Sequence[CheckLogEntry] = ()) -> int:
        """Commit `state` if the stored version is `expected_version` (0 = new or expired).

        `checks` are check-log lines committed in the same transaction (only if the save
        wins). Returns after the COMMIT. A cancelled save may or may not have been committed.
        """
        check_key(key)
        check_expected(expected_version)
        return await self._queue(key, to_json(state), expected_version, checks)

    async def save_text(self, key: StateKey, text: str, expected_version: int, *,
                        checks: Sequence[CheckLogEntry] = ()) -> int:
        """`save` of a state already serialised (`text`: a JSON object, as `load_text` gives)."""
        check_key(key)
        check_expected(expected_version)
        return await self._queue(key, text, expected_version, checks)

    def _queue(self, key: StateKey, text: str, expected_version: int,
               checks: Sequence[CheckLogEntry]) -> asyncio.Future[int]:
        """Queue one save for the next transaction; its future is resolved after the COMMIT."""
        self._conn()
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        item = _PendingSave(key, text, now_timestamp(self._clock), expected_version, self._epoch,
                            future, tuple(_check_row(c) for c in checks))
        if key in self._pending:
            self._overflow.append(item)
        else:
            self._pending[key] = item
        self._wake_flusher()
        return future

    async def delete_user(self, platform: str, user_id: str) -> int:
        """Delete every conversation of this user on this platform, in every chat.

        Saves queued before the call are committed first, so none can write the user back.
        """
        await self._drain()
        self._forget(lambda k, _: k[0] == platform and k[2] == user_id)
        removed = await self._change(
            "DELETE FROM conversations WHERE platform = ? AND user_id = ?", (platform, user_id)
        )
        self._forget(lambda k, _: k[0] == platform and k[2] == user_id)
        if removed:
            await self.scrub()
        return removed

    async def log_check(self, entry: CheckLogEntry) -> None:
        """Append one anonymous check-log line (day, platform, model, verdict, region).

        Queued with the saves and committed in the same transaction; returns after its COMMIT.
        """
        self._conn()
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._pending_checks.append((_check_row(entry), future))
        self._wake_flusher()
        await future

    async def read_check_log(self) -> list[CheckLogEntry]:
        """Every check-log line, oldest first."""
        rows = await self._fetch(
            "SELECT model, verdict, region, platform, day FROM check_log ORDER BY rowid"
        )
        return [CheckLogEntry(m, v, r, p, date.fromisoformat(d)) for m, v, r, p, d in rows]

    async def expire(self, older_than: datetime) -> int:
        """Delete conversations not updated since `older_than`, then scrub the WAL."""
        cutoff = timestamp(older_than)
        await self._drain()
        self._forget(lambda _, entry: entry[2] < cutoff)
        removed = await self._change("DELETE FROM conversations WHERE updated_at < ?", (cutoff,))
        await self.scrub()  # also drops WAL frames holding serials that later turns removed
        return removed

    async def scrub(self) -> bool:
        """Checkpoint and truncate the WAL so deleted state leaves no copy in it.

        The bulk of the work (copying pages back, a PASSIVE checkpoint: writers go on) runs in
        the low-priority worker thread; the TRUNCATE that follows runs on this thread, between
        two commits, and only has the frames written meanwhile left to copy. Returns False if
        a reader or writer in another connection kept part of the WAL alive.
        """
        self._conn()
        assert self._checkpoint_lock is not None
        async with self._checkpoint_lock:
            await self._checkpoint("PASSIVE")
            self._rows_since_checkpoint = 0
            try:
                row = self._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                busy = bool(row and row[0])
            except sqlite3.OperationalError as error:
                if not _is_busy(error):
                    raise
                busy = True
        if busy:
            log.info("WAL checkpoint was blocked by a reader; old frames remain until the next")
        return not busy

    # -- internals ---------------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("SQLiteStore is not open: await store.open() (or `async with`)")
        return self._db

    async def _checkpoint(self, mode: str) -> bool:
        """Run one checkpoint in the worker thread; True if a reader kept part of the WAL."""
        if self._worker is None:
            raise RuntimeError("SQLiteStore is not open: await store.open() (or `async with`)")
        job = asyncio.get_running_loop().run_in_executor(self._worker, self._checkpoint_in_thread,
                                                         mode)
        return await job

    def _close_checkpointer(self) -> None:
        checkpointer, self._checkpointer = self._checkpointer, None
        if checkpointer is not None:
            checkpointer.close()

    def _checkpoint_in_thread(self, mode: str) -> bool:
        """One checkpoint on the second connection (in a worker thread); True if it was busy."""
        if self._checkpointer is None:
            self._checkpointer = self._connect()
            self._checkpointer.execute(f"PRAGMA busy_timeout = {self._busy_ms}")
        row = self._checkpointer.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        return bool(row and row[0])

    async def _background_checkpoint(self) -> None:
        """Keep the WAL small: a PASSIVE checkpoint in the worker thread, then the frames
        written meanwhile from this thread (a fraction of a millisecond), so the next commit
        starts the WAL over."""
        try:
            assert self._checkpoint_lock is not None
            async with self._checkpoint_lock:
                if self._db is not None:
                    await self._checkpoint("PASSIVE")
                if self._db is not None:
                    with contextlib.suppress(sqlite3.OperationalError):  # busy: next time
                        self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except Exception as error:  # the next one tries again
            log.info("background checkpoint failed (%s)", type(error).__name__)
        finally:
            self._checkpoint_task = None

    def _remember(self, key: StateKey, entry: CacheEntry, epoch: int) -> None:
        """Write-through: keep the newest committed version; evict the oldest when full."""
        cache = self._cache
        old = cache.pop(key, None)
        if epoch != self._epoch or self._cache_size <= 0:
            return  # a delete ran meanwhile: let the next load read the file
        if old is not None and old[1] > entry[1]:
            entry = old
        cache[key] = entry
        if len(cache) > self._cache_size:
            del cache[next(iter(cache))]

    def _wake_flusher(self) -> None:
        if self._flusher is None:
            loop = asyncio.get_running_loop()
            wait = self._last_commit + COMMIT_INTERVAL - loop.time()
            self._flusher = loop.create_task(self._flush(wait))

    async def _drain(self) -> None:
        """Wait until every save queued so far is committed (or failed): the end of the next
        round, not of the flusher, which under steady traffic never ends."""
        if self._flusher is None:
            return  # nothing queued: a save always wakes the flusher
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._drain_waiters.append(done)
        await done

    def _take(self) -> tuple[list[_PendingSave], list[_QueuedCheck]]:
        """The next transaction's saves (each key once) and lone check-log lines; the drains
        waiting so far are released once it has run."""
        self._round_waiters, self._drain_waiters = self._drain_waiters, []
        batch = list(self._pending.values())
        self._pending = {}
        if self._overflow:
            overflow, self._overflow = self._overflow, []
            for item in overflow:
                if item.key in self._pending:
                    self._overflow.append(item)
                else:
                    self._pending[item.key] = item
        checks, self._pending_checks = self._pending_checks, []
        return batch, checks

    async def _flush(self, wait: float = 0.0) -> None:
        """Commit queued saves and check-log lines, one transaction per round, until none are
        left. It first runs once the loop has run every task that was ready when the first save
        of the round was queued, so one commit serves all the turns of a loop iteration; a round
        that follows another within COMMIT_INTERVAL (`wait` > 0) lets a few more iterations
        run first, so turns arriving one by one share commits too."""
        batch: list[_PendingSave] = []
        checks: list[_QueuedCheck] = []
        try:
            if wait > 0:  # a commit just ran: let the turns already running reach their save
                for _ in range(GATHER_ITERATIONS):
                    await asyncio.sleep(0)
            while self._pending or self._pending_checks or batch or checks:
                if not batch and not checks:
                    batch, checks = self._take()
                try:
                    await self._retry(functools.partial(self._commit_sync, batch, checks))
                except Exception as error:  # every caller in the batch learns why it failed
                    for item in batch:
                        if not item.future.done():
                            item.future.set_exception(error)
                    for _, future in checks:
                        if future is not None and not future.done():
                            future.set_exception(error)
                batch, checks = [], []
                self._release(self._round_waiters)
                self._round_waiters = []
                self._last_commit = asyncio.get_running_loop().time()
                if self._rows_since_checkpoint >= CHECKPOINT_PAGES and self._checkpoint_task is None:
                    self._rows_since_checkpoint = 0
                    self._checkpoint_task = asyncio.get_running_loop().create_task(
                        self._background_checkpoint())
        finally:
            self._flusher = None
            self._release([*self._round_waiters, *self._drain_waiters])
            self._round_waiters, self._drain_waiters = [], []
            leftovers = [i.future for i in [*batch, *self._pending.values(), *self._overflow]]
            leftovers += [f for _, f in [*checks, *self._pending_checks] if f is not None]
            for future in leftovers:  # only if the loop was cancelled midway
                if not future.done():
                    future.set_exception(RuntimeError("the store's commit loop was cancelled"))

    @staticmethod
    def _release(waiters: list[asyncio.Future[None]]) -> None:
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def _commit_sync(self, batch: list[_PendingSave], checks: list[_QueuedCheck]) -> None:
        """One transaction: the batch's updates and inserts, then check-log lines (those of
        saves that won, then lone ones); resolve every caller after the COMMIT."""
        db = self._conn()
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if _is_busy(error):
                raise _Busy from error
            raise
        try:
            versions: dict[StateKey, int] = {}
            updates = [item for item in batch if item.expected]
            inserts = [item for item in batch if not item.expected]
            for start in range(0, len(updates), MAX_BATCH):
                chunk = updates[start:start + MAX_BATCH]
                params = [v for i in chunk for v in (*i.key, i.text, i.now, i.expected)]
                for r in db.execute(_update_sql(len(chunk)), params):
                    versions[(r[0], r[1], r[2])] = int(r[3])
            for start in range(0, len(inserts), MAX_BATCH):
                chunk = inserts[start:start + MAX_BATCH]
                params = [v for i in chunk for v in (*i.key, i.text, i.now)]
                params.append(self.ttl.total_seconds())
                for r in db.execute(_insert_sql(len(chunk)), params):
                    versions[(r[0], r[1], r[2])] = int(r[3])
            rows = [row for item in batch if item.checks and item.key in versions
                    for row in item.checks]
            rows += [row for row, _ in checks]
            for start in range(0, len(rows), MAX_BATCH):
                chunk_rows = rows[start:start + MAX_BATCH]
                db.execute(_check_sql(len(chunk_rows)), [v for row in chunk_rows for v in row])
            db.execute("COMMIT")
        except BaseException as error:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if isinstance(error, sqlite3.OperationalError) and _is_busy(error):
                raise _Busy from error
            raise
        self._rows_since_checkpoint += 1 + 2 * len(batch) + len(rows)  # pages, roughly
        for item in batch:
            version = versions.get(item.key)
            if version is None:
                self._cache.pop(item.key, None)  # the reload after a conflict reads the file
                if not item.future.done():
                    item.future.set_exception(VersionConflict(item.key))
            else:
                self._remember(item.key, (item.text, version, item.now), item.epoch)
                if not item.future.done():
                    item.future.set_result(version)
        for _, future in checks:
            if future is not None and not future.done():
                future.set_result(len(checks))

    def _forget(self, doomed: Callable[[StateKey, CacheEntry], bool]) -> None:
        self._epoch += 1
        for key in [k for k, e in self._cache.items() if doomed(k, e)]:
            del self._cache[key]

    async def _run(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """One statement, all its rows (on the loop's thread; BUSY raises _Busy)."""
        try:
            return self._conn().execute(sql, params).fetchall()
        except sqlite3.OperationalError as error:
            if _is_busy(error):
                raise _Busy from error
            raise

    async def _fetch(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """One statement in autocommit mode (its own transaction), all rows, busy-retried."""
        return await self._retry(lambda: self._run(sql, params))

    async def _change(self, sql: str, params: Iterable[object]) -> int:
        """One data-changing statement; returns the number of rows it changed."""

        async def run() -> int:
            try:
                return self._conn().execute(sql, tuple(params)).rowcount
            except sqlite3.OperationalError as error:
                if _is_busy(error):
                    raise _Busy from error
                raise

        return await self._retry(run)

    async def _retry(self, attempt_once: Callable[[], Awaitable[T]]) -> T:
        """Run `attempt_once` until it finds the database free: each of 1 + `retries` attempts
        polls for up to `busy_timeout` seconds (1 ms doubling to 25 ms, as SQLite's own busy
        handler sleeps, but asynchronously: the loop serves other turns meanwhile), with a
        jittered backoff between attempts; then the last error."""
        error: BaseException | None = None
        for attempt in range(self._retries + 1):
            deadline = time.monotonic() + self._busy_timeout
            poll = 0.001
            while True:
                try:
                    return await attempt_once()
                except _Busy as busy:
                    error = busy.__cause__ or busy
                except sqlite3.OperationalError as failure:
                    if not _is_busy(failure):
                        raise
                    error = failure
                if time.monotonic() >= deadline:
                    break
                await asyncio.sleep(poll)
                poll = min(0.025, poll * 2)
            if attempt < self._retries:
                await self._backoff(attempt)
        assert error is not None
        raise error

    @staticmethod
    async def _backoff(attempt: int) -> None:
        """2 ms doubling to 250 ms, jittered so two processes do not retry in lockstep."""
        await asyncio.sleep(min(0.25, 0.002 * 2**attempt) * random.uniform(0.5, 1.0))
