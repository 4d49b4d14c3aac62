"""Fixtures for the store contract suite: every test runs against every backend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import MemoryStore, SQLiteStore
from bot.store.postgres import PostgresStore

START = datetime(2025, 6, 20, 12, 0, tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "state.db"


AnyStore = MemoryStore | SQLiteStore | PostgresStore
StoreFactory = Callable[..., AnyStore]


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def make_store(request: pytest.FixtureRequest, db_path: Path, clock: FakeClock) -> StoreFactory:
    """Build an unopened store of the parametrised backend (keyword args pass through).

    "postgres" runs against the real throw-away server of tests/postgres_server.py, one fresh
    database per test.
    """
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else ""

    def make(**kwargs: object) -> AnyStore:
        kwargs.setdefault("clock", clock)
        if request.param == "memory":
            return MemoryStore(**kwargs)  # type: ignore[arg-type]
        if request.param == "postgres":
            return PostgresStore(url, **kwargs)  # type: ignore[arg-type]
        return SQLiteStore(db_path, **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture
async def store(make_store: StoreFactory) -> AsyncIterator[AnyStore]:
    s = make_store()
    await s.open()
    yield s
    await s.close()
