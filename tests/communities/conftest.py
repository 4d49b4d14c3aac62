"""Fixtures for the community features (issue #16): both real community stores, and a copy of
the knowledge files a test may edit (a campaign changes while the bot runs)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.store.community import CommunityStore
from bot.store.community_postgres import PostgresCommunityStore
from bot.store.community_sqlite import SQLiteCommunityStore
from knowledge import DATA_DIR

A1263_US = "campaigns/anker-a1263-us-2025.yaml"


@pytest.fixture(params=["sqlite", "postgres"])
def make_community_store(request: pytest.FixtureRequest,
                         tmp_path: Path) -> Callable[[], CommunityStore]:
    """An unopened community store of the parametrised backend (a real server for postgres)."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else ""

    def make() -> CommunityStore:
        if request.param == "postgres":
            return PostgresCommunityStore(url)
        return SQLiteCommunityStore(tmp_path / "state.db")

    return make


@pytest.fixture
async def cstore(make_community_store: Callable[[], CommunityStore]
                 ) -> AsyncIterator[CommunityStore]:
    store = make_community_store()
    await store.open()
    yield store
    await store.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped knowledge files."""
    target = tmp_path / "knowledge"
    shutil.copytree(DATA_DIR, target)
    return target


def edit_us_remedy(data_dir: Path) -> None:
    """The fixture campaign edit: the US A1263 gift card goes from $30 to $40."""
    path = data_dir / A1263_US
    text = path.read_text(encoding="utf-8")
    assert 'amount: "$30"' in text
    path.write_text(text.replace('amount: "$30"', 'amount: "$40"').replace("$30 ", "$40 "),
                    encoding="utf-8")
