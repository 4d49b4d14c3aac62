"""SQLite store on aiosqlite: WAL, optimistic concurrency, group commit, write-through cache.

Round trips to the aiosqlite thread are what limit throughput (each one contends for the GIL),
so the store makes few of them:

- Group commit: saves that arrive while a commit is running are queued and written together by
  ONE statement per kind (`UPDATE ... FROM (VALUES ...) WHERE version = expected RETURNING`, and
  a multi-row `INSERT ... ON CONFLICT`), in autocommit mode, so one transaction. The per-row
  version check is in the WHERE clause; a row missing from RETURNING is that caller's
  VersionConflict. Every caller's `save` returns only after the COMMIT. One key appears at most
  once per batch; a second save of the same key waits for the next batch (and then conflicts).
- Write-through cache of (state JSON, version, updated_at): `load` usually skips the database.
  A stale entry (another process wrote) only costs a VersionConflict at save time, which drops
  the entry so the caller's reload reads the file.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import random
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Literal, TypeVar

import aiosqlite

from bot.store._common import DEFAULT_TTL, check_expected, check_key, timestamp, to_json, utc_now
from bot.store.base import CheckLogEntry, StateKey, Stored, VersionConflict

log = logging.getLogger(__name__)

T = TypeVar("T")
Row = sqlite3.Row  # plain tuples at run time (no row_factory); typed as aiosqlite declares
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


_QueuedCheck = tuple[tuple[str | None, ...], "asyncio.Future[int]"]  # (check_log row, caller)


@dataclass(slots=True)
class _PendingSave:
    key: StateKey
    text: str
    now: float
    expected: int
    epoch: int
    future: asyncio.Future[int]


class StoreError(RuntimeError):
    """The database cannot be used as it is (e.g. written by a newer recall-bot)."""


def _is_busy(error: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY / SQLITE_LOCKED, including extended codes such as BUSY_SNAPSHOT."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)


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
        self._busy_ms = int(busy_timeout * 1000)
        self._retries = retries
        self._cache_size = cache_size
        self._cache: dict[StateKey, CacheEntry] = {}
        self._epoch = 0  # bumped by deletes: saves that started earlier must not refill the cache
        self._db: aiosqlite.Connection | None = None
        self._pending: list[_PendingSave] = []
        self._pending_checks: list[_QueuedCheck] = []
        self._flusher: asyncio.Task[None] | None = None

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
        # Autocommit: every statement is its own transaction. Batch statements vary in size,
        # so keep enough prepared statements cached.
        self._db = await aiosqlite.connect(
            self.path, isolation_level=None, cached_statements=4 * MAX_BATCH
        )
        try:
            await self._db.execute(f"PRAGMA busy_timeout = {self._busy_ms}")
            await self._retry(lambda: self._fetch_once("PRAGMA journal_mode = WAL"))
            await self._db.execute(f"PRAGMA synchronous = {self.synchronous}")
            await self._db.execute("PRAGMA secure_delete = ON")  # deleted rows are zeroed
            await self._db.execute("PRAGMA journal_size_limit = 4194304")
            await self._retry(self._migrate_once)
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        """Finish queued saves, then close (the last connection checkpoints and drops the WAL)."""
        if self._flusher is not None:
            await asyncio.gather(self._flusher, return_exceptions=True)
        db, self._db = self._db, None
        self._cache.clear()
        if db is not None:
            await db.close()

    async def schema_version(self) -> int:
        """The highest migration applied to the file."""
        rows = await self._fetch("SELECT COALESCE(MAX(version), 0) FROM schema_version")
        return int(rows[0][0])

    async def _migrate_once(self) -> None:
        """Apply every pending migration in one IMMEDIATE transaction (one process wins)."""
        db = self._conn()
        await db.execute("BEGIN IMMEDIATE")
        try:
            await db.execute(
                "CREATE TABLE IF NOT EXISTS schema_version"
                " (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            rows = await db.execute_fetchall("SELECT COALESCE(MAX(version), 0) FROM schema_version")
            current = int(next(iter(rows))[0])
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} has schema version {current}, newer than this recall-bot "
                    f"understands ({SCHEMA_VERSION}); upgrade recall-bot or use another --db file"
                )
            for number in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[number - 1]:
                    await db.execute(statement)
                await db.execute(
                    "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                    (number, utc_now().isoformat(timespec="seconds")),
                )
            await db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                await db.execute("ROLLBACK")
            raise

    # -- the Store protocol ------------------------------------------------------------------

    async def load(self, key: StateKey) -> Stored | None:
        """The conversation's state, or None (never saved, deleted or older than `ttl`)."""
        check_key(key)
        entry = self._cache.get(key)
        if entry is None:
            epoch = self._epoch
            rows = await self._fetch(_SELECT, key)
            if not rows:
                return None
            entry = (rows[0][0], rows[0][1], rows[0][2])
            self._remember(key, entry, epoch)
        text, version, updated = entry
        if updated < timestamp(self._clock() - self.ttl):
            return None
        return Stored(json.loads(text), version, datetime.fromtimestamp(updated, UTC))

    async def save(self, key: StateKey, state: dict[str, object], expected_version: int) -> int:
        """Commit `state` if the stored version is `expected_version` (0 = new or expired).

        Returns after the COMMIT. A cancelled save may or may not have been committed.
        """
        check_key(key)
        check_expected(expected_version)
        self._conn()
        text = to_json(state)
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        now = timestamp(self._clock())
        self._pending.append(_PendingSave(key, text, now, expected_version, self._epoch, future))
        self._wake_flusher()
        return await future

    async def delete_user(self, platform: str, user_id: str) -> int:
        """Delete every conversation of this user on this platform, in every chat."""
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

        Queued with the saves and committed by the same loop; returns after its COMMIT.
        """
        self._conn()
        row = (entry.day.isoformat(), entry.platform, entry.model, entry.verdict, entry.region)
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._pending_checks.append((row, future))
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
        self._forget(lambda _, entry: entry[2] < cutoff)
        removed = await self._change("DELETE FROM conversations WHERE updated_at < ?", (cutoff,))
        await self.scrub()  # also drops WAL frames holding serials that later turns removed
        return removed

    async def scrub(self) -> bool:
        """Checkpoint and truncate the WAL so deleted state leaves no copy in it.

        Returns False if a reader in another connection kept part of the WAL alive.
        """
        rows = await self._fetch("PRAGMA wal_checkpoint(TRUNCATE)")
        busy = bool(rows and rows[0][0])
        if busy:
            log.info("WAL checkpoint was blocked by a reader; old frames remain until the next")
        return not busy

    # -- internals ---------------------------------------------------------------------------

    def _conn(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("SQLiteStore is not open: await store.open() (or `async with`)")
        return self._db

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
            self._flusher = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        """Commit queued saves and check-log lines in batches until none are left."""
        batch: list[_PendingSave] = []
        checks: list[_QueuedCheck] = []
        try:
            while self._pending or self._pending_checks:
                batch = []
                later: list[_PendingSave] = []
                keys: set[StateKey] = set()
                for item in self._pending:
                    if item.key in keys or len(batch) >= MAX_BATCH:
                        later.append(item)
                    else:
                        keys.add(item.key)
                        batch.append(item)
                self._pending = later
                updates = [item for item in batch if item.expected]
                inserts = [item for item in batch if not item.expected]
                if updates:
                    params = [v for i in updates for v in (*i.key, i.text, i.now, i.expected)]
                    await self._commit(updates, _update_sql(len(updates)), params)
                if inserts:
                    params = [v for i in inserts for v in (*i.key, i.text, i.now)]
                    params.append(self.ttl.total_seconds())
                    await self._commit(inserts, _insert_sql(len(inserts)), params)
                checks = self._pending_checks[:MAX_BATCH]
                del self._pending_checks[:MAX_BATCH]
                if checks:
                    await self._commit_checks(checks)
        finally:
            self._flusher = None
            leftovers = [i.future for i in [*batch, *self._pending]]
            leftovers += [f for _, f in [*checks, *self._pending_checks]]
            for future in leftovers:  # only if the loop was cancelled midway
                if not future.done():
                    future.set_exception(RuntimeError("the store's commit loop was cancelled"))

    async def _commit_checks(self, checks: list[_QueuedCheck]) -> None:
        """Append check-log lines with one multi-row INSERT."""
        values = ", ".join(["(?, ?, ?, ?, ?)"] * len(checks))
        sql = f"INSERT INTO check_log (day, platform, model, verdict, region) VALUES {values}"
        try:
            await self._fetch(sql, [v for row, _ in checks for v in row])
        except Exception as error:
            for _, future in checks:
                if not future.done():
                    future.set_exception(error)
            return
        for _, future in checks:
            if not future.done():
                future.set_result(len(checks))

    async def _commit(self, batch: list[_PendingSave], sql: str, params: Sequence[object]) -> None:
        """Run one batch statement; resolve each caller with its version or a conflict."""
        try:
            rows = await self._fetch(sql, params)
        except Exception as error:  # every caller in the batch learns why it failed
            for item in batch:
                if not item.future.done():
                    item.future.set_exception(error)
            return
        versions = {(r[0], r[1], r[2]): int(r[3]) for r in rows}
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

    def _forget(self, doomed: Callable[[StateKey, CacheEntry], bool]) -> None:
        self._epoch += 1
        for key in [k for k, e in self._cache.items() if doomed(k, e)]:
            del self._cache[key]

    async def _fetch_once(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return list(await self._conn().execute_fetchall(sql, params))

    async def _fetch(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """One statement in autocommit mode (its own transaction), all rows, busy-retried."""
        db = self._conn()
        for attempt in range(self._retries + 1):
            try:
                return list(await db.execute_fetchall(sql, params))
            except sqlite3.OperationalError as error:
                if attempt == self._retries or not _is_busy(error):
                    raise
                await self._backoff(attempt)
        raise AssertionError("unreachable")

    async def _change(self, sql: str, params: Iterable[object]) -> int:
        """One data-changing statement; returns the number of rows it changed."""

        async def run() -> int:
            cursor = await self._conn().execute(sql, params)
            return cursor.rowcount

        return await self._retry(run)

    async def _retry(self, attempt_once: Callable[[], Awaitable[T]]) -> T:
        """Run `attempt_once` again after SQLITE_BUSY, with bounded jittered backoff."""
        for attempt in range(self._retries + 1):
            try:
                return await attempt_once()
            except sqlite3.OperationalError as error:
                if attempt == self._retries or not _is_busy(error):
                    raise
                await self._backoff(attempt)
        raise AssertionError("unreachable")

    @staticmethod
    async def _backoff(attempt: int) -> None:
        """2 ms doubling to 250 ms, jittered so two processes do not retry in lockstep."""
        await asyncio.sleep(min(0.25, 0.002 * 2**attempt) * random.uniform(0.5, 1.0))
