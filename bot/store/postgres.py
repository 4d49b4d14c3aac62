"""PostgreSQL store on asyncpg: the same contract as the SQLite store, shared by many processes.

- Optimistic concurrency is in the statements themselves: an UPDATE whose WHERE clause carries
  the expected version, and an INSERT ... ON CONFLICT that takes over only an expired row. Each
  save is ONE statement, so one transaction; under READ COMMITTED a concurrent writer of the
  same row waits, re-checks the version and finds it changed: exactly one of them wins, in this
  process or in another one.
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
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

from bot.store._common import DEFAULT_TTL, check_expected, check_key, timestamp, to_json, utc_now
from bot.store.base import CheckLogEntry, StateKey, Stored, VersionConflict
from bot.store.sqlite import StoreError

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

_KEY = "platform = $1 AND chat_id = $2 AND user_id = $3"

_LOAD = (
    "SELECT c.state, c.version, c.updated_at, s.secrets FROM conversations c"
    " LEFT JOIN conversation_secrets s USING (platform, chat_id, user_id)"
    " WHERE c.platform = $1 AND c.chat_id = $2 AND c.user_id = $3"
)

# $4 state without secrets, $5 updated_at, $6 expected version or TTL seconds, $7 secrets|NULL.
# The secrets row is written or removed only if the conversation row was (same statement).
_SECRETS_CTES = (
    ", put AS (INSERT INTO conversation_secrets (platform, chat_id, user_id, secrets)"
    " SELECT $1, $2, $3, $7 FROM saved WHERE $7::text IS NOT NULL"
    " ON CONFLICT (platform, chat_id, user_id) DO UPDATE SET secrets = excluded.secrets)"
    ", drop_secrets AS (DELETE FROM conversation_secrets WHERE " + _KEY +
    " AND $7::text IS NULL AND EXISTS (SELECT 1 FROM saved))"
    " SELECT version FROM saved"
)
_UPDATE = (
    "WITH saved AS (UPDATE conversations SET state = $4, version = version + 1, updated_at = $5"
    " WHERE " + _KEY + " AND version = $6 RETURNING version)" + _SECRETS_CTES
)
# A new conversation, or the takeover of one that expired but is not purged yet: a taken-over
# row keeps counting its version up, so a writer still holding the old version cannot win.
_INSERT = (
    "WITH saved AS (INSERT INTO conversations"
    " (platform, chat_id, user_id, state, version, updated_at) VALUES ($1, $2, $3, $4, 1, $5)"
    " ON CONFLICT (platform, chat_id, user_id) DO UPDATE SET state = excluded.state,"
    " version = conversations.version + 1, updated_at = excluded.updated_at"
    " WHERE conversations.updated_at < excluded.updated_at - $6 RETURNING version)"
    + _SECRETS_CTES
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


def is_postgres_url(target: str) -> bool:
    """Does RECALL_BOT_DB (or --db) name a PostgreSQL database?"""
    return target.startswith(("postgresql://", "postgres://"))


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
        """Finish queued check-log lines, wait for statements in flight, close the pool."""
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

    async def save(self, key: StateKey, state: dict[str, object], expected_version: int) -> int:
        """Commit `state` if the stored version is `expected_version` (0 = new or expired)."""
        check_key(key)
        check_expected(expected_version)
        pool = self._conn()
        to_json(state)  # the same TypeError/ValueError as every backend, before any I/O
        rest, secrets = split_secrets(state)
        now = timestamp(self._clock())
        extra: int | float
        if expected_version:
            sql, extra = _UPDATE, expected_version
        else:
            sql, extra = _INSERT, self.ttl.total_seconds()
        version = await pool.fetchval(sql, *key, to_json(rest), now, extra, secrets)
        if version is None:
            raise VersionConflict(key)
        return int(version)

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
