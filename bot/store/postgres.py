"""PostgreSQL store on asyncpg: the same contract as the SQLite store, shared by many processes.

- Optimistic concurrency is in the statements themselves: an UPDATE whose WHERE clause carries
  the expected version, and an INSERT ... ON CONFLICT that takes over only an expired row. Under
  READ COMMITTED a concurrent writer of the same row waits, re-checks the version and finds it
  changed: exactly one of them wins, in this process or in another one.
- Group commit: saves that arrive together are written by one statement per kind (arrays and
  unnest), so one transaction and one WAL flush per batch; rows are locked in key order, so two
  processes' batches cannot deadlock. No cache: any process may have written any conversation.
- Serials never reach the write-ahead log: the top-level state fields in SECRET_FIELDS
  ("serial") are stored apart, in an UNLOGGED table (no WAL, so no WAL copy, no replica copy,
  no archive copy), in the same statement as the rest of the state. `scrub()` rewrites that
  small table (VACUUM FULL) so a deleted serial leaves no dead tuple in its files either: the
  engine calls it about a second after a check ends, as it checkpoints SQLite's WAL. The price:
  if the PostgreSQL server itself crashes, open checks lose their serial (PostgreSQL empties
  unlogged tables after a crash) and the bot asks for it again; nothing else is lost.
- No statement logging with parameters here; docs/storage.md lists the server settings that
  keep parameters out of PostgreSQL's own log.
- Migrations are versioned in schema_version and applied under an advisory lock, so several
  processes starting at once apply each exactly once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

from bot.store._common import DEFAULT_TTL, check_expected, check_key, timestamp, to_json, utc_now
from bot.store.base import CheckLogEntry, StateKey, Stored, VersionConflict
from bot.store.sqlite import StoreError

POSTGRES_SCHEMES = ("postgresql://", "postgres://")

log = logging.getLogger(__name__)

SECRET_FIELDS = ("serial",)  # top-level state fields that must never reach the WAL
MIGRATION_LOCK = 0x7265_6361_6C6C  # pg_advisory_xact_lock key ("recall")
SCRUB_LOCK_TIMEOUT = "200ms"  # a scrub waits at most this long for its table lock, then retries

# Applied in order, each once (recorded in schema_version).
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: conversations, their secrets (unlogged), the anonymous check log
        """CREATE TABLE IF NOT EXISTS conversations (
            platform TEXT NOT NULL, chat_id TEXT NOT NULL, user_id TEXT NOT NULL,
            state TEXT NOT NULL, version BIGINT NOT NULL, updated_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (platform, chat_id, user_id))""",
        "CREATE INDEX IF NOT EXISTS conversations_updated_at ON conversations (updated_at)",
        "CREATE INDEX IF NOT EXISTS conversations_user ON conversations (platform, user_id)",
        """CREATE UNLOGGED TABLE IF NOT EXISTS conversation_secrets (
            platform TEXT NOT NULL, chat_id TEXT NOT NULL, user_id TEXT NOT NULL,
            secrets TEXT NOT NULL, PRIMARY KEY (platform, chat_id, user_id))""",
        """CREATE TABLE IF NOT EXISTS check_log (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, day DATE NOT NULL,
            platform TEXT NOT NULL, model TEXT NOT NULL, verdict TEXT NOT NULL, region TEXT)""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

_LOAD = (
    "SELECT c.state, c.version, c.updated_at, s.secrets FROM conversations c"
    " LEFT JOIN conversation_secrets s USING (platform, chat_id, user_id)"
    " WHERE c.platform = $1 AND c.chat_id = $2 AND c.user_id = $3"
)

MAX_BATCH = 256  # saves per statement
FLUSHERS = 4  # batches in flight per process (each on its own pooled connection)
BATCH_ATTEMPTS = 3  # a batch that hit a deadlock (e.g. with /forget) runs again

# Batched saves (group commit): ONE statement per batch, so one transaction and one WAL flush
# for up to MAX_BATCH turns. $1..$3 key arrays, $4 states (without secrets), $5 updated_at,
# $6 expected versions, $7 secrets (NULL: none). Rows are locked in key order, so two
# processes' batches never deadlock on each other. `done` = the rows that were saved; their
# secrets are written or removed in the same statement.
_BATCH_INPUT = (
    "WITH b AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
    " $5::float8[], $6::bigint[], $7::text[])"
    " AS b (platform, chat_id, user_id, state, updated_at, expected, secrets))"
)
_BATCH_TAIL = (
    ", done AS (SELECT v.platform, v.chat_id, v.user_id, v.version, b.secrets FROM saved v"
    " JOIN b USING (platform, chat_id, user_id))"
    ", put AS (INSERT INTO conversation_secrets (platform, chat_id, user_id, secrets)"
    " SELECT platform, chat_id, user_id, secrets FROM done WHERE secrets IS NOT NULL"
    " ORDER BY platform, chat_id, user_id"
    " ON CONFLICT (platform, chat_id, user_id) DO UPDATE SET secrets = excluded.secrets)"
    ", drop_secrets AS (DELETE FROM conversation_secrets s USING done d"
    " WHERE s.platform = d.platform AND s.chat_id = d.chat_id AND s.user_id = d.user_id"
    " AND d.secrets IS NULL)"
    " SELECT platform, chat_id, user_id, version FROM done"
)
_UPDATE_BATCH = (
    _BATCH_INPUT
    + ", locked AS (SELECT c.platform, c.chat_id, c.user_id FROM conversations c"
    " JOIN b USING (platform, chat_id, user_id) WHERE c.version = b.expected"
    " ORDER BY c.platform, c.chat_id, c.user_id FOR UPDATE OF c)"
    ", saved AS (UPDATE conversations c SET state = b.state, version = c.version + 1,"
    " updated_at = b.updated_at FROM b JOIN locked l USING (platform, chat_id, user_id)"
    " WHERE c.platform = b.platform AND c.chat_id = b.chat_id AND c.user_id = b.user_id"
    " AND c.version = b.expected RETURNING c.platform, c.chat_id, c.user_id, c.version)"
    + _BATCH_TAIL
)
# New conversations, or the takeover of ones that expired but are not purged yet ($6 unused;
# $8 = TTL seconds): a taken-over row keeps counting its version up, so a writer still holding
# the old version cannot win.
_INSERT_BATCH = (
    _BATCH_INPUT
    + ", saved AS (INSERT INTO conversations"
    " (platform, chat_id, user_id, state, version, updated_at)"
    " SELECT platform, chat_id, user_id, state, 1, updated_at FROM b"
    " ORDER BY platform, chat_id, user_id"
    " ON CONFLICT (platform, chat_id, user_id) DO UPDATE SET state = excluded.state,"
    " version = conversations.version + 1, updated_at = excluded.updated_at"
    " WHERE conversations.updated_at < excluded.updated_at - $8"
    " RETURNING platform, chat_id, user_id, version)"
    + _BATCH_TAIL
)
_DELETE_USER = (
    "WITH gone AS (DELETE FROM conversations WHERE platform = $1 AND user_id = $2 RETURNING 1),"
    " secrets AS (DELETE FROM conversation_secrets WHERE platform = $1 AND user_id = $2"
    " RETURNING 1) SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM secrets)"
)
_EXPIRE = (
    "WITH gone AS (DELETE FROM conversations WHERE updated_at < $1"
    " RETURNING platform, chat_id, user_id),"
    " secrets AS (DELETE FROM conversation_secrets s USING gone g WHERE s.platform = g.platform"
    " AND s.chat_id = g.chat_id AND s.user_id = g.user_id RETURNING 1),"
    " orphans AS (DELETE FROM conversation_secrets s WHERE NOT EXISTS (SELECT 1 FROM"
    " conversations c WHERE c.platform = s.platform AND c.chat_id = s.chat_id"
    " AND c.user_id = s.user_id) RETURNING 1)"
    " SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM secrets)"
    " + (SELECT count(*) FROM orphans)"
)


@dataclass(slots=True)
class _PendingSave:
    key: StateKey
    text: str  # the state without its secrets, as JSON
    secrets: str | None
    now: float
    expected: int
    future: asyncio.Future[int]


def is_postgres_url(target: str) -> bool:
    """Does RECALL_BOT_DB (or --db) name a PostgreSQL database?"""
    return target.startswith(POSTGRES_SCHEMES)


def redact_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}{sep}{credentials.split(':', 1)[0]}:***@{host}"


def split_secrets(state: dict[str, object]) -> tuple[dict[str, object], str | None]:
    """(state without SECRET_FIELDS, those fields as JSON or None if all are empty)."""
    secrets = {k: state[k] for k in SECRET_FIELDS if state.get(k) not in (None, "")}
    if not secrets:
        return state, None
    rest = {k: v for k, v in state.items() if k not in secrets}
    return rest, to_json(secrets)


class PostgresStore:
    """Conversation state and the check log in PostgreSQL, safe across processes and machines."""

    def __init__(
        self,
        url: str,
        *,
        ttl: timedelta = DEFAULT_TTL,
        clock: Callable[[], datetime] = utc_now,
        pool_size: int = 10,
        timeout: float = 10.0,
    ) -> None:
        if not is_postgres_url(url):
            raise ValueError(f"not a postgresql:// URL: {redact_url(url)}")
        self.url = url
        self.ttl = ttl
        self._clock = clock
        self._pool_size = pool_size
        self._timeout = timeout
        self._pool: asyncpg.Pool | None = None
        self._scrub_lock = asyncio.Lock()
        self._pending: list[_PendingSave] = []
        self._flushers: set[asyncio.Task[None]] = set()
        self._pending_checks: list[tuple[CheckLogEntry, asyncio.Future[None]]] = []
        self._check_writer: asyncio.Task[None] | None = None

    def __repr__(self) -> str:
        return f"PostgresStore({redact_url(self.url)!r})"

    async def __aenter__(self) -> PostgresStore:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- lifecycle ---------------------------------------------------------------------------

    async def open(self) -> None:
        """Connect (a pool), then apply pending migrations (one process at a time)."""
        if self._pool is not None:
            return
        try:
            pool = await asyncpg.create_pool(
                self.url, min_size=1, max_size=self._pool_size, timeout=self._timeout,
                command_timeout=self._timeout,
                # The application name shows in pg_stat_activity; nothing secret in it.
                server_settings={"application_name": "recall-bot"},
            )
        except (TimeoutError, OSError, asyncpg.PostgresError) as error:
            raise StoreError(
                f"cannot connect to {redact_url(self.url)}: {type(error).__name__}: {error}"
            ) from None
        self._pool = pool
        try:
            await self._migrate()
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        """Finish queued saves and check-log lines, then close the pool."""
        while self._flushers:
            await asyncio.gather(*self._flushers, return_exceptions=True)
            self._flushers = {task for task in self._flushers if not task.done()}
        if self._check_writer is not None:
            await asyncio.gather(self._check_writer, return_exceptions=True)
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    async def schema_version(self) -> int:
        """The highest migration applied to the database."""
        value = await self._conn().fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version")
        return int(value)

    async def _migrate(self) -> None:
        async with self._conn().acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version"
                " (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)"
            )
            current = int(await conn.fetchval(
                "SELECT COALESCE(MAX(version), 0) FROM schema_version"))
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"{redact_url(self.url)} has schema version {current}, newer than this "
                    f"recall-bot understands ({SCHEMA_VERSION}); upgrade recall-bot"
                )
            for number in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[number - 1]:
                    await conn.execute(statement)
                await conn.execute(
                    "INSERT INTO schema_version (version, applied_at) VALUES ($1, now())", number
                )

    # -- the Store protocol ------------------------------------------------------------------

    async def load(self, key: StateKey) -> Stored | None:
        """The conversation's state, or None (never saved, deleted or older than `ttl`)."""
        check_key(key)
        row = await self._conn().fetchrow(_LOAD, *key)
        if row is None:
            return None
        text, version, updated, secrets = row
        if updated < timestamp(self._clock() - self.ttl):
            return None
        state: dict[str, object] = json.loads(text)
        if secrets is not None:
            state.update(json.loads(secrets))
        return Stored(state, int(version), datetime.fromtimestamp(updated, UTC))

    async def save(self, key: StateKey, state: dict[str, object], expected_version: int, *,
                   checks: Sequence[CheckLogEntry] = ()) -> int:
        """Commit `state` if the stored version is `expected_version` (0 = new or expired).

        Queued and committed with the saves that arrive meanwhile (one statement per batch);
        returns after the COMMIT. A cancelled save may or may not have been committed.
        `checks` (check-log lines) are written after the save wins, by the check-log writer
        (their own statement: SQLite writes them in the save's transaction).
        """
        version = await self._save(key, state, expected_version)
        for entry in checks:
            await self.log_check(entry)
        return version

    async def _save(self, key: StateKey, state: dict[str, object], expected_version: int) -> int:
        check_key(key)
        check_expected(expected_version)
        self._conn()
        to_json(state)  # the same TypeError/ValueError as every backend, before any I/O
        rest, secrets = split_secrets(state)
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._pending.append(_PendingSave(key, to_json(rest), secrets, timestamp(self._clock()),
                                          expected_version, future))
        self._flushers = {task for task in self._flushers if not task.done()}
        if len(self._flushers) < FLUSHERS:
            self._flushers.add(asyncio.create_task(self._flush()))
        return await future

    async def _flush(self) -> None:
        """Commit queued saves, a batch at a time, until none are left."""
        batch: list[_PendingSave] = []
        try:
            while self._pending:
                batch, later, keys = [], [], set()
                for item in self._pending:  # a key at most once per statement
                    if item.key in keys or len(batch) >= MAX_BATCH:
                        later.append(item)
                    else:
                        keys.add(item.key)
                        batch.append(item)
                self._pending = later
                updates = [item for item in batch if item.expected]
                inserts = [item for item in batch if not item.expected]
                if updates:
                    await self._commit(updates, _UPDATE_BATCH)
                if inserts:
                    await self._commit(inserts, _INSERT_BATCH, self.ttl.total_seconds())
                batch = []
        finally:
            for item in batch:  # only if this task was cancelled midway
                if not item.future.done():
                    item.future.set_exception(RuntimeError("the store's commit loop was cancelled"))

    async def _commit(self, batch: list[_PendingSave], sql: str, *extra: object) -> None:
        """Run one batch statement; resolve each caller with its version or a conflict."""
        params = (
            [i.key[0] for i in batch], [i.key[1] for i in batch], [i.key[2] for i in batch],
            [i.text for i in batch], [i.now for i in batch], [i.expected for i in batch],
            [i.secrets for i in batch], *extra,
        )
        rows: list[asyncpg.Record] | None = None
        failure: Exception | None = None
        for attempt in range(BATCH_ATTEMPTS):
            try:
                rows = await self._conn().fetch(sql, *params)
                break
            except asyncpg.DeadlockDetectedError as error:  # retried: PostgreSQL rolled it back
                log.info("a save batch hit a deadlock (attempt %d); running it again", attempt + 1)
                failure = error
            except Exception as error:
                failure = error
                break
        if rows is None:  # every caller in the batch learns why it failed
            for item in batch:
                if not item.future.done():
                    item.future.set_exception(failure or RuntimeError("save batch failed"))
            return
        versions = {(r[0], r[1], r[2]): int(r[3]) for r in rows}
        for item in batch:
            version = versions.get(item.key)
            if item.future.done():
                continue
            if version is None:
                item.future.set_exception(VersionConflict(item.key))
            else:
                item.future.set_result(version)

    async def delete_user(self, platform: str, user_id: str) -> int:
        """Delete every conversation of this user on this platform, in every chat."""
        row = await self._conn().fetchrow(_DELETE_USER, platform, user_id)
        assert row is not None
        if row[1]:
            await self.scrub()
        return int(row[0])

    async def log_check(self, entry: CheckLogEntry) -> None:
        """Append one anonymous check-log line (day, platform, model, verdict, region).

        Lines are queued and written in call order by one task, a batch per statement (the
        pool's connections would otherwise reorder concurrent calls); returns after its COMMIT.
        """
        self._conn()
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending_checks.append((entry, future))
        if self._check_writer is None:
            self._check_writer = asyncio.create_task(self._write_checks())
        await future

    async def _write_checks(self) -> None:
        try:
            while self._pending_checks:
                batch, self._pending_checks = self._pending_checks, []
                entries = [entry for entry, _ in batch]
                try:
                    await self._conn().execute(
                        "INSERT INTO check_log (day, platform, model, verdict, region)"
                        " SELECT d, p, m, v, r FROM unnest($1::date[], $2::text[], $3::text[],"
                        " $4::text[], $5::text[]) WITH ORDINALITY AS t (d, p, m, v, r, n)"
                        " ORDER BY n",
                        [e.day for e in entries], [e.platform for e in entries],
                        [e.model for e in entries], [e.verdict for e in entries],
                        [e.region for e in entries],
                    )
                except Exception as error:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for _, future in batch:
                    if not future.done():
                        future.set_result(None)
        finally:
            self._check_writer = None
            for _, future in self._pending_checks:  # only if this task was cancelled
                if not future.done():
                    future.set_exception(RuntimeError("the check-log writer was cancelled"))

    async def read_check_log(self) -> list[CheckLogEntry]:
        """Every check-log line, oldest first."""
        rows = await self._conn().fetch(
            "SELECT model, verdict, region, platform, day FROM check_log ORDER BY id"
        )
        return [CheckLogEntry(m, v, r, p, _as_date(d)) for m, v, r, p, d in rows]

    async def expire(self, older_than: datetime) -> int:
        """Delete conversations not updated since `older_than` (and their secrets)."""
        row = await self._conn().fetchrow(_EXPIRE, timestamp(older_than))
        assert row is not None
        if row[1]:
            await self.scrub()
        return int(row[0])

    async def scrub(self) -> bool:
        """Rewrite the secrets table so deleted serials leave no dead tuple in its files.

        The table holds only open checks' serials, so the rewrite takes milliseconds; it waits
        at most SCRUB_LOCK_TIMEOUT for its lock and returns False if it did not get it (the
        next scrub tries again).
        """
        pool = self._conn()
        async with self._scrub_lock, pool.acquire() as conn:
            try:
                await conn.execute(f"SET lock_timeout = '{SCRUB_LOCK_TIMEOUT}'")
                await conn.execute("VACUUM FULL conversation_secrets")
            except asyncpg.LockNotAvailableError:
                log.info("secrets table busy; its dead tuples go at the next scrub")
                return False
            finally:
                await conn.execute("RESET lock_timeout")
        return True

    # -- internals ---------------------------------------------------------------------------

    def _conn(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("PostgresStore is not open: await store.open() (or `async with`)")
        return self._pool


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
