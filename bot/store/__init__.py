"""Conversation state stores: one narrow interface; SQLite (embedded default), PostgreSQL (shared
by several processes) and in-memory backends. `store_for(RECALL_BOT_DB)` picks one."""

from __future__ import annotations

import os

from bot.store.base import CheckLogEntry, StateKey, Store, Stored, VersionConflict
from bot.store.memory import MemoryStore
from bot.store.sqlite import SCHEMA_VERSION, SQLiteStore, StoreError

POSTGRES_SCHEMES = ("postgresql://", "postgres://")  # as bot.store.postgres (not imported here)


def store_for(target: str | os.PathLike[str], **options: object) -> Store:
    """The store RECALL_BOT_DB (or --db) names, unopened.

    `postgresql://user:password@host:5432/db` (or `postgres://`) → PostgreSQL (needs the
    `postgres` extra: asyncpg); `sqlite:PATH`, `sqlite:///abs/path` or a plain path → SQLite.
    """
    text = os.fspath(target)
    if text.startswith(POSTGRES_SCHEMES):
        try:
            from bot.store.postgres import PostgresStore
        except ImportError as error:  # the optional driver is missing
            raise StoreError(
                "RECALL_BOT_DB is a PostgreSQL URL but asyncpg is not installed: "
                "pip install 'recall-bot[postgres]'"
            ) from error
        return PostgresStore(text, **options)  # type: ignore[arg-type]
    if text.startswith("sqlite:"):
        text = text.removeprefix("sqlite:")
        if text.startswith("//"):  # sqlite:///abs/path (URL form) → /abs/path
            text = text[2:]
        if not text:
            raise ValueError("sqlite: needs a file path, e.g. sqlite:state.db")
    elif "://" in text:
        raise ValueError(f"unknown database URL scheme {text.split('://', 1)[0]!r}: "
                         "use a file path, sqlite:PATH or postgresql://…")
    return SQLiteStore(text, **options)  # type: ignore[arg-type]


__all__ = [
    "POSTGRES_SCHEMES",
    "SCHEMA_VERSION",
    "CheckLogEntry",
    "MemoryStore",
    "SQLiteStore",
    "StateKey",
    "Store",
    "StoreError",
    "Stored",
    "VersionConflict",
    "store_for",
]
