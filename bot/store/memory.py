"""In-memory store with the SQLite store's semantics (tests; the contract suite's 2nd backend)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from bot.store._common import (
    DEFAULT_TTL,
    check_expected,
    check_key,
    from_json,
    timestamp,
    to_json,
    utc_now,
)
from bot.store.base import CheckLogEntry, StateKey, Stored, VersionConflict


class MemoryStore:
    """Conversations in a dict; state goes through JSON so types behave as in SQLite."""

    def __init__(
        self, *, ttl: timedelta = DEFAULT_TTL, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.ttl = ttl
        self._clock = clock
        self._rows: dict[StateKey, tuple[str, int, float]] = {}
        self._checks: list[CheckLogEntry] = []

    async def __aenter__(self) -> MemoryStore:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def open(self) -> None:
        """Nothing to create."""

    async def close(self) -> None:
        """Nothing to release (the data stays until the object is dropped)."""

    async def load(self, key: StateKey) -> Stored | None:
        """The conversation's state, or None (never saved, deleted or older than `ttl`)."""
        check_key(key)
        row = self._rows.get(key)
        if row is None or row[2] < timestamp(self._clock() - self.ttl):
            return None
        text, version, updated = row
        return Stored(from_json(text), version, datetime.fromtimestamp(updated, UTC))

    async def save(self, key: StateKey, state: dict[str, object], expected_version: int, *,
                   checks: Sequence[CheckLogEntry] = ()) -> int:
        """Store `state` if the stored version is `expected_version` (0 = new or expired), and
        `checks` with it."""
        check_key(key)
        check_expected(expected_version)
        text = to_json(state)
        now = timestamp(self._clock())
        row = self._rows.get(key)
        if expected_version == 0:
            if row is not None and row[2] >= now - self.ttl.total_seconds():
                raise VersionConflict(key)
            version = 1 if row is None else row[1] + 1
        elif row is None or row[1] != expected_version:
            raise VersionConflict(key)
        else:
            version = expected_version + 1
        self._rows[key] = (text, version, now)
        self._checks.extend(checks)
        return version

    async def delete_user(self, platform: str, user_id: str) -> int:
        """Delete every conversation of this user on this platform, in every chat."""
        doomed = [k for k in self._rows if k[0] == platform and k[2] == user_id]
        for k in doomed:
            del self._rows[k]
        return len(doomed)

    async def log_check(self, entry: CheckLogEntry) -> None:
        """Append one anonymous check-log line."""
        self._checks.append(entry)

    async def read_check_log(self) -> list[CheckLogEntry]:
        """Every check-log line, oldest first."""
        return list(self._checks)

    async def expire(self, older_than: datetime) -> int:
        """Delete conversations not updated since `older_than`."""
        cutoff = timestamp(older_than)
        doomed = [k for k, row in self._rows.items() if row[2] < cutoff]
        for k in doomed:
            del self._rows[k]
        return len(doomed)
