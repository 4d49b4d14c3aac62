"""The community store (bot/store/community.py) in PostgreSQL, shared by every bot process.

Its own pool and its own schema version table (community_schema_version), applied under an
advisory lock. Claiming uses `FOR UPDATE SKIP LOCKED`: processes sending at once never claim
the same alert and never wait on each other.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import asyncpg

from bot.store.community import (
    AlertSubscription,
    ChannelSubscription,
    CommunityEvent,
    EventCount,
    OutboxItem,
    TargetKind,
)
from bot.store.postgres import redact_url
from bot.store.sqlite import StoreError

MIGRATION_LOCK = 0x636F_6D6D_756E  # "commun"
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
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, dedupe TEXT NOT NULL UNIQUE,
            platform TEXT NOT NULL, target_kind TEXT NOT NULL, target_id TEXT NOT NULL,
            lang TEXT NOT NULL, payload TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0, claim TEXT NOT NULL DEFAULT '',
            due DOUBLE PRECISION NOT NULL DEFAULT 0,
            created_at DOUBLE PRECISION NOT NULL DEFAULT extract(epoch FROM now()),
            sent_at DOUBLE PRECISION)""",
        "CREATE INDEX IF NOT EXISTS alert_outbox_due ON alert_outbox (platform, state, due, id)",
        "CREATE INDEX IF NOT EXISTS alert_outbox_target ON alert_outbox (platform, target_id)",
        """CREATE TABLE IF NOT EXISTS community_events (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, platform TEXT NOT NULL,
            group_id TEXT NOT NULL, day DATE NOT NULL, event TEXT NOT NULL, model TEXT,
            verdict TEXT)""",
        "CREATE INDEX IF NOT EXISTS community_events_group ON community_events"
        " (platform, group_id, day)",
        """CREATE TABLE IF NOT EXISTS psa_visits (
            platform TEXT NOT NULL, user_id TEXT NOT NULL, group_id TEXT NOT NULL,
            until DOUBLE PRECISION NOT NULL, PRIMARY KEY (platform, user_id))""",
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


def _item(row: Any) -> OutboxItem:
    return OutboxItem(id=int(row[0]), dedupe=row[1], platform=row[2],
                      target_kind=cast(TargetKind, row[3]), target_id=row[4], lang=row[5],
                      payload=row[6], attempts=int(row[7]), claim=row[8])


def _rowcount(status: str) -> int:
    """asyncpg's command status ('DELETE 3', 'INSERT 0 2', 'UPDATE 1') → rows."""
    tail = status.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0


class PostgresCommunityStore:
    """Community tables in PostgreSQL (see module docstring)."""

    def __init__(self, url: str, *, pool_size: int = 4, timeout: float = 10.0) -> None:
        self.url = url
        self._pool_size = pool_size
        self._timeout = timeout
        self._pool: asyncpg.Pool | None = None

    def __repr__(self) -> str:
        return f"PostgresCommunityStore({redact_url(self.url)!r})"

    async def __aenter__(self) -> PostgresCommunityStore:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def open(self) -> None:
        if self._pool is not None:
            return
        try:
            self._pool = await asyncpg.create_pool(
                self.url, min_size=1, max_size=self._pool_size, timeout=self._timeout,
                command_timeout=self._timeout,
                server_settings={"application_name": "recall-bot-community"})
        except (TimeoutError, OSError, asyncpg.PostgresError) as error:
            raise StoreError(f"cannot connect to {redact_url(self.url)}: "
                             f"{type(error).__name__}: {error}") from None
        try:
            await self._migrate()
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    async def _migrate(self) -> None:
        async with self._conn().acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            await conn.execute("CREATE TABLE IF NOT EXISTS community_schema_version"
                               " (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)")
            current = int(await conn.fetchval(
                "SELECT COALESCE(MAX(version), 0) FROM community_schema_version"))
            if current > SCHEMA_VERSION:
                raise StoreError(f"{redact_url(self.url)}: community schema {current} is newer "
                                 f"than this recall-bot understands ({SCHEMA_VERSION})")
            for number in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[number - 1]:
                    await conn.execute(statement)
                await conn.execute("INSERT INTO community_schema_version VALUES ($1, now())",
                                   number)

    # -- personal alerts -----------------------------------------------------------------------

    async def subscribe(self, sub: AlertSubscription) -> bool:
        row = await self._conn().fetchrow(
            "INSERT INTO alert_subscriptions VALUES ($1, $2, $3, $4, $5) ON CONFLICT"
            " (platform, user_id, model, region) DO UPDATE SET lang = excluded.lang"
            " RETURNING (xmax = 0)",
            sub.platform, sub.user_id, sub.model, _region(sub.region), sub.lang)
        return bool(row and row[0])

    async def unsubscribe(self, platform: str, user_id: str, model: str, region: str | None) -> bool:
        return await self._change(
            "DELETE FROM alert_subscriptions WHERE platform = $1 AND user_id = $2 AND model = $3"
            " AND region = $4", platform, user_id, model, _region(region)) > 0

    async def alerts_of(self, platform: str, user_id: str) -> list[AlertSubscription]:
        rows = await self._conn().fetch(
            "SELECT platform, user_id, model, region, lang FROM alert_subscriptions"
            " WHERE platform = $1 AND user_id = $2 ORDER BY model, region", platform, user_id)
        return [AlertSubscription(p, u, m, _or_none(r), lang) for p, u, m, r, lang in rows]

    async def subscribers(self, models: list[str]) -> list[AlertSubscription]:
        rows = await self._conn().fetch(
            "SELECT platform, user_id, model, region, lang FROM alert_subscriptions"
            " WHERE model = ANY($1::text[]) ORDER BY platform, user_id, model, region", models)
        return [AlertSubscription(p, u, m, _or_none(r), lang) for p, u, m, r, lang in rows]

    # -- channels ------------------------------------------------------------------------------

    async def subscribe_channel(self, sub: ChannelSubscription) -> bool:
        row = await self._conn().fetchrow(
            "INSERT INTO channel_subscriptions VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT"
            " (platform, chat_id, brand, region) DO UPDATE SET lang = excluded.lang"
            " RETURNING (xmax = 0)",
            sub.platform, sub.chat_id, sub.group_id, _region(sub.brand), _region(sub.region),
            sub.lang)
        return bool(row and row[0])

    async def unsubscribe_channel(self, platform: str, chat_id: str) -> int:
        return await self._change(
            "DELETE FROM channel_subscriptions WHERE platform = $1 AND chat_id = $2",
            platform, chat_id)

    async def channels(self, platform: str | None = None,
                       chat_id: str | None = None) -> list[ChannelSubscription]:
        rows = await self._conn().fetch(
            "SELECT platform, chat_id, group_id, brand, region, lang FROM channel_subscriptions"
            " WHERE ($1::text IS NULL OR platform = $1) AND ($2::text IS NULL OR chat_id = $2)"
            " ORDER BY platform, chat_id, brand, region", platform, chat_id)
        return [ChannelSubscription(p, c, g, _or_none(b), _or_none(r), lang)
                for p, c, g, b, r, lang in rows]

    # -- privacy -------------------------------------------------------------------------------

    async def forget_user(self, platform: str, user_id: str) -> int:
        row = await self._conn().fetchrow(
            "WITH a AS (DELETE FROM alert_subscriptions WHERE platform = $1 AND user_id = $2"
            " RETURNING 1), o AS (DELETE FROM alert_outbox WHERE platform = $1"
            " AND target_id = $2 AND target_kind = 'user' RETURNING 1),"
            " v AS (DELETE FROM psa_visits WHERE platform = $1 AND user_id = $2 RETURNING 1)"
            " SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM o)"
            " + (SELECT count(*) FROM v)", platform, user_id)
        return int(row[0]) if row else 0

    async def drop_target(self, platform: str, target_kind: TargetKind, target_id: str) -> int:
        if target_kind == "user":
            removed = await self._change(
                "DELETE FROM alert_subscriptions WHERE platform = $1 AND user_id = $2",
                platform, target_id)
        else:
            removed = await self.unsubscribe_channel(platform, target_id)
        await self._change(
            "UPDATE alert_outbox SET state = 'dropped' WHERE platform = $1 AND target_kind = $2"
            " AND target_id = $3 AND state = 'pending'", platform, target_kind, target_id)
        return removed

    # -- the outbox ----------------------------------------------------------------------------

    async def enqueue(self, items: list[OutboxItem]) -> int:
        if not items:
            return 0
        return await self._change(
            "INSERT INTO alert_outbox (dedupe, platform, target_kind, target_id, lang, payload)"
            " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
            " $6::text[]) ON CONFLICT (dedupe) DO NOTHING",
            [i.dedupe for i in items], [i.platform for i in items],
            [i.target_kind for i in items], [i.target_id for i in items],
            [i.lang for i in items], [i.payload for i in items])

    async def claim(self, platform: str, limit: int, now: float, lease: float,
                    claim: str) -> list[OutboxItem]:
        rows = await self._conn().fetch(
            "UPDATE alert_outbox SET claim = $1, due = $2 WHERE id IN (SELECT id FROM alert_outbox"
            " WHERE platform = $3 AND state = 'pending' AND due <= $4 ORDER BY id LIMIT $5"
            f" FOR UPDATE SKIP LOCKED) RETURNING {_OUTBOX_COLUMNS}",
            claim, now + lease, platform, now, limit)
        return sorted((_item(r) for r in rows), key=lambda i: i.id)

    async def mark_sent(self, item_id: int, claim: str, now: float) -> bool:
        return await self._change(
            "UPDATE alert_outbox SET state = 'sent', sent_at = $1 WHERE id = $2 AND claim = $3"
            " AND state = 'pending'", now, item_id, claim) > 0

    async def retry_later(self, item_id: int, claim: str, not_before: float) -> None:
        await self._change(
            "UPDATE alert_outbox SET due = $1, attempts = attempts + 1, claim = '' WHERE id = $2"
            " AND claim = $3 AND state = 'pending'", not_before, item_id, claim)

    async def drop(self, item_id: int, claim: str) -> None:
        await self._change("UPDATE alert_outbox SET state = 'dropped' WHERE id = $1"
                           " AND claim = $2", item_id, claim)

    async def outbox_counts(self, platform: str | None = None) -> dict[str, int]:
        rows = await self._conn().fetch(
            "SELECT state, count(*) FROM alert_outbox WHERE ($1::text IS NULL OR platform = $1)"
            " GROUP BY state", platform)
        return {state: int(n) for state, n in rows}

    async def purge_outbox(self, older_than: float) -> int:
        return await self._change(
            "DELETE FROM alert_outbox WHERE state <> 'pending' AND created_at < $1", older_than)

    # -- PSA statistics ------------------------------------------------------------------------

    async def record_event(self, event: CommunityEvent) -> None:
        await self._change(
            "INSERT INTO community_events (platform, group_id, day, event, model, verdict)"
            " VALUES ($1, $2, $3, $4, $5, $6)", event.platform, event.group_id, event.day,
            event.event, event.model, event.verdict)

    async def event_counts(self, platform: str, group_id: str, since: date) -> list[EventCount]:
        rows = await self._conn().fetch(
            "SELECT event, model, verdict, count(*) FROM community_events WHERE platform = $1"
            " AND group_id = $2 AND day >= $3 GROUP BY event, model, verdict",
            platform, group_id, since)
        return [EventCount(e, m, v, int(n)) for e, m, v, n in rows]

    async def set_visit(self, platform: str, user_id: str, group_id: str, until: float) -> None:
        await self._change(
            "INSERT INTO psa_visits VALUES ($1, $2, $3, $4) ON CONFLICT (platform, user_id)"
            " DO UPDATE SET group_id = excluded.group_id, until = excluded.until",
            platform, user_id, group_id, until)

    async def visit_of(self, platform: str, user_id: str, now: float) -> str | None:
        await self._change("DELETE FROM psa_visits WHERE until < $1", now)
        value = await self._conn().fetchval(
            "SELECT group_id FROM psa_visits WHERE platform = $1 AND user_id = $2",
            platform, user_id)
        return str(value) if value is not None else None

    # -- knowledge snapshot --------------------------------------------------------------------

    async def snapshot(self) -> tuple[str, str] | None:
        row = await self._conn().fetchrow(
            "SELECT version, campaigns FROM knowledge_snapshot WHERE id = 1")
        return (row[0], row[1]) if row else None

    async def save_snapshot(self, version: str, campaigns: str, expected: str | None) -> bool:
        if expected is None:
            return await self._change(
                "INSERT INTO knowledge_snapshot VALUES (1, $1, $2) ON CONFLICT DO NOTHING",
                version, campaigns) > 0
        return await self._change(
            "UPDATE knowledge_snapshot SET version = $1, campaigns = $2 WHERE id = 1"
            " AND version = $3", version, campaigns, expected) > 0

    # -- internals -----------------------------------------------------------------------------

    def _conn(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("the community store is not open: await store.open()")
        return self._pool

    async def _change(self, sql: str, *params: object) -> int:
        return _rowcount(await self._conn().execute(sql, *params))
