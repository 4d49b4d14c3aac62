"""The narrow state-store interface every backend implements (tested by one contract suite)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

StateKey = tuple[str, str, str]  # (platform, chat id, user id)


class VersionConflict(Exception):
    """Another turn saved this conversation first; reload and decide again."""


@dataclass(frozen=True)
class Stored:
    state: dict[str, object]
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class CheckLogEntry:
    """One anonymous line per finished check: no serial, no user or chat id."""

    model: str
    verdict: str
    region: str | None
    platform: str
    day: date


class Store(Protocol):
    async def open(self) -> None:
        """Create or migrate the schema."""

    async def close(self) -> None: ...

    async def load(self, key: StateKey) -> Stored | None:
        """The conversation's state, or None (never saved, deleted or expired)."""

    async def save(self, key: StateKey, state: dict[str, object], expected_version: int, *,
                   checks: Sequence[CheckLogEntry] = ()) -> int:
        """Save in one transaction if the stored version is `expected_version` (0 = new).

        `checks`: check-log lines written only if the save wins (SQLite: in the same
        transaction). Returns the new version; raises VersionConflict otherwise.
        """

    async def delete_user(self, platform: str, user_id: str) -> int:
        """Delete every conversation of this user on this platform; returns rows removed."""

    async def log_check(self, entry: CheckLogEntry) -> None: ...

    async def expire(self, older_than: datetime) -> int:
        """Delete conversations not updated since `older_than`; returns rows removed."""
