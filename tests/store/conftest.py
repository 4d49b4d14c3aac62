"""Fixtures for the store contract suite: every test runs against every backend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import MemoryStore, SQLiteStore

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


StoreFactory = Callable[..., MemoryStore | SQLiteStore]


@pytest.fixture(params=["memory", "sqlite"])
def make_store(request: pytest.FixtureRequest, db_path: Path, clock: FakeClock) -> StoreFactory:
    """Build an unopened store of the parametrised backend (keyword args pass through)."""

    def make(**kwargs: object) -> MemoryStore | SQLiteStore:
        kwargs.setdefault("clock", clock)
        if request.param == "memory":
            return MemoryStore(**kwargs)  # type: ignore[arg-type]
        return SQLiteStore(db_path, **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture
async def store(make_store: StoreFactory) -> AsyncIterator[MemoryStore | SQLiteStore]:
    s = make_store()
    await s.open()
    yield s
    await s.close()
