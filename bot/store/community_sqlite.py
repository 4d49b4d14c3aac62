"""The community store (bot/store/community.py) in the same SQLite file as the conversations.

Its own aiosqlite connection (autocommit, WAL, busy timeout) and its own schema version table,
so it never touches the conversation store's tables or migrations. Claiming outbox rows is one
`UPDATE … RETURNING` statement: two processes on one file never claim the same alert.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

import aiosqlite

from bot.store.community import (
    AlertSubscription,
    ChannelSubscription,
    CommunityEvent,
    EventCount,
    OutboxItem,
    TargetKind,
)
from bot.store.sqlite import StoreError

T = TypeVar("T")
RETRIES = 10

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE IF NOT EXISTS alert_subscriptions (
            platform TEXT NOT NULL, user_id TEXT NOT NULL, model TEXT NOT NULL,
            region TEXT NOT NULL, lang TEXT NOT NULL,
            PRIMARY KEY (platform, user_id, model, region))""",
        "CREATE INDEX IF NOT EXISTS alert_subscriptions_model ON alert_subscriptions (model)",
        """CREATE TABLE IF NOT EXISTS channel_subscriptions (
            platform TEXT NOT NULL, chat_id TEXT NOT NULL, group_id TEXT NOT NULL,
            brand TEXT NOT NULL, region TEXT NOT NULL, lang TEXT NOT NULL,
            PRIMARY KEY (platform, chat_id, brand, region))""",
        """CREATE TABLE IF NOT EXISTS alert_outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT, dedupe TEXT NOT NULL UNIQUE,
            platform TEXT NOT NULL, target_kind TEXT NOT NULL, target_id TEXT NOT NULL,
            lang TEXT NOT NULL, payload TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0, claim TEXT NOT NULL DEFAULT '',
            due REAL NOT NULL DEFAULT 0, created_at REAL NOT NULL, sent_at REAL)""",
        "CREATE INDEX IF NOT EXISTS alert_outbox_due ON alert_outbox (platform, state, due, id)",
        "CREATE INDEX IF NOT EXISTS alert_outbox_target ON alert_outbox (platform, target_id)",
        """CREATE TABLE IF NOT EXISTS community_events (
            platform TEXT NOT NULL, group_id TEXT NOT NULL, day TEXT NOT NULL,
            event TEXT NOT NULL, model TEXT, verdict TEXT)""",
        "CREATE INDEX IF NOT EXISTS community_events_group ON community_events"
        " (platform, group_id, day)",
        """CREATE TABLE IF NOT EXISTS psa_visits (
            platform TEXT NOT NULL, user_id TEXT NOT NULL, group_id TEXT NOT NULL,
            until REAL NOT NULL, PRIMARY KEY (platform, user_id))""",
        """CREATE TABLE IF NOT EXISTS knowledge_snapshot (
            id INTEGER PRIMARY KEY CHECK (id = 1), version TEXT NOT NULL,
            campaigns TEXT NOT NULL)""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

_OUTBOX_COLUMNS = "id, dedupe, platform, target_kind, target_id, lang, payload, attempts, claim"


def _region(value: str | None) -> str:
    return value or ""


def _or_none(value: str) -> str | None:
    return value or None


def _item(row: Sequence[Any]) -> OutboxItem:
    return OutboxItem(id=int(row[0]), dedupe=row[1], platform=row[2],
                      target_kind=cast(TargetKind, row[3]), target_id=row[4], lang=row[5],
                      payload=row[6], attempts=int(row[7]), claim=row[8])


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)


class SQLiteCommunityStore:
    """Community tables in the conversation store's SQLite file (see module docstring)."""

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float = 5.0) -> None:
        self.path = str(path)
        self._busy_ms = int(busy_timeout * 1000)
        self._db: aiosqlite.Connection | None = None

    async def __aenter__(self) -> SQLiteCommunityStore:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def open(self) -> None:
        if self._db is not None:
            return
        if self.path != ":memory:" and not self.path.startswith("file:"):
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        self._db = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            await self._db.execute(f"PRAGMA busy_timeout = {self._busy_ms}")
            await self._retry(lambda: self._rows("PRAGMA journal_mode = WAL"))
            await self._db.execute("PRAGMA synchronous = NORMAL")  # as the conversation store
            await self._db.execute("PRAGMA secure_delete = ON")
            await self._retry(self._migrate)
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            await db.close()

    async def _migrate(self) -> None:
        db = self._conn()
        await db.execute("BEGIN IMMEDIATE")
        try:
            await db.execute("CREATE TABLE IF NOT EXISTS community_schema_version"
                             " (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
            rows = await db.execute_fetchall(
                "SELECT COALESCE(MAX(version), 0) FROM community_schema_version")
            current = int(next(iter(rows))[0])
            if current > SCHEMA_VERSION:
                raise StoreError(f"{self.path}: community schema {current} is newer than this "
                                 f"recall-bot understands ({SCHEMA_VERSION}); upgrade recall-bot")
            for number in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[number - 1]:
                    await db.execute(statement)
                await db.execute("INSERT INTO community_schema_version VALUES (?, ?)",
                                 (number, datetime.now(UTC).isoformat(timespec="seconds")))
            await db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                await db.execute("ROLLBACK")
            raise

    # -- personal alerts -----------------------------------------------------------------------

    async def subscribe(self, sub: AlertSubscription) -> bool:
        key = (sub.platform, sub.user_id, sub.model, _region(sub.region))
        added = await self._change(
            "INSERT INTO alert_subscriptions VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (*key, sub.lang))
        if not added:  # already subscribed: keep the language they speak now
            await self._change(
                "UPDATE alert_subscriptions SET lang = ? WHERE platform = ? AND user_id = ?"
                " AND model = ? AND region = ?", (sub.lang, *key))
        return added > 0

    async def unsubscribe(self, platform: str, user_id: str, model: str, region: str | None) -> bool:
        return await self._change(
            "DELETE FROM alert_subscriptions WHERE platform = ? AND user_id = ? AND model = ?"
            " AND region = ?", (platform, user_id, model, _region(region))) > 0

    async def alerts_of(self, platform: str, user_id: str) -> list[AlertSubscription]:
        rows = await self._rows(
            "SELECT platform, user_id, model, region, lang FROM alert_subscriptions"
            " WHERE platform = ? AND user_id = ? ORDER BY model, region", (platform, user_id))
        return [AlertSubscription(p, u, m, _or_none(r), lang) for p, u, m, r, lang in rows]

    async def subscribers(self, models: list[str]) -> list[AlertSubscription]:
        found: list[AlertSubscription] = []
        for start in range(0, len(models), 500):
            chunk = models[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = await self._rows(
                "SELECT platform, user_id, model, region, lang FROM alert_subscriptions"
                f" WHERE model IN ({marks}) ORDER BY platform, user_id, model, region", chunk)
            found += [AlertSubscription(p, u, m, _or_none(r), lang) for p, u, m, r, lang in rows]
        return found

    # -- channels ------------------------------------------------------------------------------

    async def subscribe_channel(self, sub: ChannelSubscription) -> bool:
        added = await self._change(
            "INSERT INTO channel_subscriptions VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (sub.platform, sub.chat_id, sub.group_id, _region(sub.brand), _region(sub.region),
             sub.lang))
        if not added:
            await self._change(
                "UPDATE channel_subscriptions SET lang = ? WHERE platform = ? AND chat_id = ?"
                " AND brand = ? AND region = ?",
                (sub.lang, sub.platform, sub.chat_id, _region(sub.brand), _region(sub.region)))
        return added > 0

    async def unsubscribe_channel(self, platform: str, chat_id: str) -> int:
        return await self._change(
            "DELETE FROM channel_subscriptions WHERE platform = ? AND chat_id = ?",
            (platform, chat_id))

    async def channels(self, platform: str | None = None,
                       chat_id: str | None = None) -> list[ChannelSubscription]:
        rows = await self._rows(
            "SELECT platform, chat_id, group_id, brand, region, lang FROM channel_subscriptions"
            " WHERE (? IS NULL OR platform = ?) AND (? IS NULL OR chat_id = ?)"
            " ORDER BY platform, chat_id, brand, region", (platform, platform, chat_id, chat_id))
        return [ChannelSubscription(p, c, g, _or_none(b), _or_none(r), lang)
                for p, c, g, b, r, lang in rows]

    # -- privacy -------------------------------------------------------------------------------

    async def forget_user(self, platform: str, user_id: str) -> int:
        removed = 0
        for sql in ("DELETE FROM alert_subscriptions WHERE platform = ? AND user_id = ?",
                    "DELETE FROM alert_outbox WHERE platform = ? AND target_id = ?"
                    " AND target_kind = 'user'",
                    "DELETE FROM psa_visits WHERE platform = ? AND user_id = ?"):
            removed += await self._change(sql, (platform, user_id))
        return removed

    async def drop_target(self, platform: str, target_kind: TargetKind, target_id: str) -> int:
        if target_kind == "user":
            removed = await self._change(
                "DELETE FROM alert_subscriptions WHERE platform = ? AND user_id = ?",
                (platform, target_id))
        else:
            removed = await self.unsubscribe_channel(platform, target_id)
        await self._change(
            "UPDATE alert_outbox SET state = 'dropped' WHERE platform = ? AND target_kind = ?"
            " AND target_id = ? AND state = 'pending'", (platform, target_kind, target_id))
        return removed

    # -- the outbox ----------------------------------------------------------------------------

    async def enqueue(self, items: list[OutboxItem]) -> int:
        added = 0
        now = datetime.now(UTC).timestamp()
        for start in range(0, len(items), 200):
            chunk = items[start:start + 200]
            values = ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
            params: list[object] = []
            for i in chunk:
                params += [i.dedupe, i.platform, i.target_kind, i.target_id, i.lang, i.payload, now]
            added += await self._change(
                "INSERT INTO alert_outbox (dedupe, platform, target_kind, target_id, lang,"
                f" payload, created_at) VALUES {values} ON CONFLICT (dedupe) DO NOTHING", params)
        return added

    async def claim(self, platform: str, limit: int, now: float, lease: float,
                    claim: str) -> list[OutboxItem]:
        rows = await self._rows(
            "UPDATE alert_outbox SET claim = ?, due = ? WHERE id IN (SELECT id FROM alert_outbox"
            " WHERE platform = ? AND state = 'pending' AND due <= ? ORDER BY id LIMIT ?)"
            f" RETURNING {_OUTBOX_COLUMNS}", (claim, now + lease, platform, now, limit))
        return sorted((_item(r) for r in rows), key=lambda i: i.id)

    async def mark_sent(self, item_id: int, claim: str, now: float) -> bool:
        return await self._change(
            "UPDATE alert_outbox SET state = 'sent', sent_at = ? WHERE id = ? AND claim = ?"
            " AND state = 'pending'", (now, item_id, claim)) > 0

    async def retry_later(self, item_id: int, claim: str, not_before: float) -> None:
        await self._change(
            "UPDATE alert_outbox SET due = ?, attempts = attempts + 1, claim = '' WHERE id = ?"
            " AND claim = ? AND state = 'pending'", (not_before, item_id, claim))

    async def drop(self, item_id: int, claim: str) -> None:
        await self._change("UPDATE alert_outbox SET state = 'dropped' WHERE id = ? AND claim = ?",
                           (item_id, claim))

    async def outbox_counts(self, platform: str | None = None) -> dict[str, int]:
        rows = await self._rows(
            "SELECT state, count(*) FROM alert_outbox WHERE (? IS NULL OR platform = ?)"
            " GROUP BY state", (platform, platform))
        return {state: int(n) for state, n in rows}

    async def purge_outbox(self, older_than: float) -> int:
        return await self._change(
            "DELETE FROM alert_outbox WHERE state <> 'pending' AND created_at < ?", (older_than,))

    # -- PSA statistics ------------------------------------------------------------------------

    async def record_event(self, event: CommunityEvent) -> None:
        await self._change(
            "INSERT INTO community_events VALUES (?, ?, ?, ?, ?, ?)",
            (event.platform, event.group_id, event.day.isoformat(), event.event, event.model,
             event.verdict))

    async def event_counts(self, platform: str, group_id: str, since: date) -> list[EventCount]:
        rows = await self._rows(
            "SELECT event, model, verdict, count(*) FROM community_events WHERE platform = ?"
            " AND group_id = ? AND day >= ? GROUP BY event, model, verdict",
            (platform, group_id, since.isoformat()))
        return [EventCount(e, m, v, int(n)) for e, m, v, n in rows]

    async def set_visit(self, platform: str, user_id: str, group_id: str, until: float) -> None:
        await self._change(
            "INSERT INTO psa_visits VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET"
            " group_id = excluded.group_id, until = excluded.until",
            (platform, user_id, group_id, until))

    async def visit_of(self, platform: str, user_id: str, now: float) -> str | None:
        await self._change("DELETE FROM psa_visits WHERE until < ?", (now,))
        rows = await self._rows(
            "SELECT group_id FROM psa_visits WHERE platform = ? AND user_id = ?",
            (platform, user_id))
        return str(rows[0][0]) if rows else None

    # -- knowledge snapshot --------------------------------------------------------------------

    async def snapshot(self) -> tuple[str, str] | None:
        rows = await self._rows("SELECT version, campaigns FROM knowledge_snapshot WHERE id = 1")
        return (rows[0][0], rows[0][1]) if rows else None

    async def save_snapshot(self, version: str, campaigns: str, expected: str | None) -> bool:
        if expected is None:
            return await self._change(
                "INSERT INTO knowledge_snapshot VALUES (1, ?, ?) ON CONFLICT DO NOTHING",
                (version, campaigns)) > 0
        return await self._change(
            "UPDATE knowledge_snapshot SET version = ?, campaigns = ? WHERE id = 1"
            " AND version = ?", (version, campaigns, expected)) > 0

    # -- internals -----------------------------------------------------------------------------

    def _conn(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("the community store is not open: await store.open()")
        return self._db

    async def _rows(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        async def once() -> list[Any]:
            return list(await self._conn().execute_fetchall(sql, params))

        return await self._retry(once)

    async def _change(self, sql: str, params: Sequence[object] = ()) -> int:
        async def once() -> int:
            cursor = await self._conn().execute(sql, params)
            return int(cursor.rowcount)

        return await self._retry(once)

    @staticmethod
    async def _retry(attempt_once: Callable[[], Awaitable[T]]) -> T:
        for attempt in range(RETRIES + 1):
            try:
                return await attempt_once()
            except sqlite3.OperationalError as error:
                if attempt == RETRIES or not _is_busy(error):
                    raise
                await asyncio.sleep(min(0.25, 0.002 * 2**attempt) * random.uniform(0.5, 1.0))
        raise AssertionError("unreachable")
