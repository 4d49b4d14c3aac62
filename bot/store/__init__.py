"""Conversation state stores: one narrow interface, an SQLite backend and an in-memory one."""

from bot.store.base import CheckLogEntry, StateKey, Store, Stored, VersionConflict
from bot.store.memory import MemoryStore
from bot.store.sqlite import SCHEMA_VERSION, SQLiteStore, StoreError

__all__ = [
    "SCHEMA_VERSION",
    "CheckLogEntry",
    "MemoryStore",
    "SQLiteStore",
    "StateKey",
    "Store",
    "StoreError",
    "Stored",
    "VersionConflict",
]
