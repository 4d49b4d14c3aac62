"""Helpers shared by the store backends so they agree on time, JSON and version rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.store.base import StateKey

DEFAULT_TTL = timedelta(hours=24)


def utc_now() -> datetime:
    """The current time, timezone-aware UTC (the default clock)."""
    return datetime.now(UTC)


def timestamp(moment: datetime) -> float:
    """Seconds since the epoch; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def to_json(state: dict[str, object]) -> str:
    """Serialise state the way every backend stores it (UTF-8 JSON, compact)."""
    return json.dumps(state, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def check_expected(expected_version: int) -> None:
    """Reject impossible expected versions before touching storage."""
    if expected_version < 0:
        raise ValueError(f"expected_version must be >= 0 (0 = new), got {expected_version}")


def check_key(key: StateKey) -> None:
    """Keys are exactly (platform, chat id, user id) as strings: an int id would not round-trip."""
    if not (isinstance(key, tuple) and len(key) == 3 and all(isinstance(k, str) for k in key)):
        raise TypeError(f"a StateKey is (platform, chat_id, user_id) as str, got {key!r}")
