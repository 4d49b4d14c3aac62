"""The store contract: every backend (memory, sqlite, postgres) must pass every test here."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from bot.store import CheckLogEntry, VersionConflict
from tests.store.conftest import START, AnyStore, FakeClock, StoreFactory

Store = AnyStore
KEY = ("telegram", "chat-1", "user-1")


async def test_load_missing_is_none(store: Store) -> None:
    assert await store.load(KEY) is None


async def test_save_new_then_load(store: Store) -> None:
    version = await store.save(KEY, {"step": "ask_serial", "model": "A1263"}, 0)
    stored = await store.load(KEY)
    assert version == 1
    assert stored is not None
    assert stored.state == {"step": "ask_serial", "model": "A1263"}
    assert stored.version == 1
    assert stored.updated_at == START


async def test_each_save_increments_the_version(store: Store, clock: FakeClock) -> None:
    versions = [await store.save(KEY, {"turn": 0}, 0)]
    for turn in range(1, 4):
        clock.advance(seconds=1)
        versions.append(await store.save(KEY, {"turn": turn}, versions[-1]))
    stored = await store.load(KEY)
    assert versions == [1, 2, 3, 4]
    assert stored is not None and stored.state == {"turn": 3} and stored.version == 4
    assert stored.updated_at == START + timedelta(seconds=3)


async def test_stale_expected_version_conflicts_and_changes_nothing(store: Store) -> None:
    await store.save(KEY, {"turn": 1}, 0)
    await store.save(KEY, {"turn": 2}, 1)
    with pytest.raises(VersionConflict):
        await store.save(KEY, {"turn": "stale"}, 1)
    with pytest.raises(VersionConflict):
        await store.save(KEY, {"turn": "future"}, 7)
    stored = await store.load(KEY)
    assert stored is not None and stored.state == {"turn": 2} and stored.version == 2


async def test_creating_an_existing_live_conversation_conflicts(store: Store) -> None:
    await store.save(KEY, {"turn": 1}, 0)
    with pytest.raises(VersionConflict):
        await store.save(KEY, {"turn": "again"}, 0)


async def test_updating_a_missing_conversation_conflicts(store: Store) -> None:
    with pytest.raises(VersionConflict):
        await store.save(KEY, {"turn": 2}, 1)
    assert await store.load(KEY) is None


@pytest.mark.parametrize("expected", [0, 1])
async def test_concurrent_saves_with_the_same_version_exactly_one_wins(
    store: Store, expected: int
) -> None:
    """The same button pressed twice (or 20 times) applies once."""
    if expected:
        await store.save(KEY, {"press": None}, 0)
    results = await asyncio.gather(
        *(store.save(KEY, {"press": n}, expected) for n in range(20)), return_exceptions=True
    )
    winners = [r for r in results if isinstance(r, int)]
    assert winners == [expected + 1]
    assert all(isinstance(r, VersionConflict) for r in results if not isinstance(r, int))
    stored = await store.load(KEY)
    assert stored is not None and stored.version == expected + 1
    assert stored.state == {"press": results.index(winners[0])}


async def test_concurrent_saves_of_different_conversations_all_commit(store: Store) -> None:
    keys = [("discord", f"c{n % 7}", f"u{n}") for n in range(300)]
    await asyncio.gather(*(store.save(k, {"n": 0}, 0) for k in keys[::2]))
    # a mix of inserts and updates committed together
    versions = await asyncio.gather(
        *(store.save(k, {"n": i}, 1 if i % 2 == 0 else 0) for i, k in enumerate(keys))
    )
    assert versions == [2 if i % 2 == 0 else 1 for i in range(len(keys))]
    for i, k in enumerate(keys):
        stored = await store.load(k)
        assert stored is not None and stored.state == {"n": i}


async def test_conversation_expires_after_ttl(make_store: StoreFactory, clock: FakeClock) -> None:
    store = make_store()
    await store.open()
    await store.save(KEY, {"serial": "AKF12Z330L8419B6"}, 0)
    clock.advance(hours=23, minutes=59)
    assert await store.load(KEY) is not None
    clock.advance(minutes=2)
    assert await store.load(KEY) is None
    # a fresh start takes the expired row over, and a writer holding its old version loses
    assert await store.save(KEY, {"turn": "new"}, 0) == 2
    with pytest.raises(VersionConflict):
        await store.save(KEY, {"turn": "old writer"}, 1)
    stored = await store.load(KEY)
    assert stored is not None and stored.state == {"turn": "new"}
    await store.close()


async def test_ttl_is_configurable(make_store: StoreFactory, clock: FakeClock) -> None:
    store = make_store(ttl=timedelta(minutes=5))
    await store.open()
    await store.save(KEY, {"turn": 1}, 0)
    clock.advance(minutes=4)
    assert await store.load(KEY) is not None
    clock.advance(minutes=2)
    assert await store.load(KEY) is None
    await store.close()


async def test_expire_deletes_only_old_conversations(store: Store, clock: FakeClock) -> None:
    old = ("telegram", "1", "old")
    await store.save(old, {"turn": 1}, 0)
    clock.advance(hours=2)
    await store.save(KEY, {"turn": 1}, 0)
    assert await store.expire(START + timedelta(hours=1)) == 1
    assert await store.expire(START + timedelta(hours=1)) == 0
    clock.advance(hours=30)  # even a load that ignores ttl could not find it: the row is gone
    assert await store.load(old) is None
    assert await store.save(old, {"turn": "again"}, 0) == 1
    assert await store.expire(START + timedelta(hours=3)) == 1


async def test_delete_user_removes_every_chat_of_that_user_and_only_theirs(store: Store) -> None:
    mine = [("telegram", "private-7", "7"), ("telegram", "group-1", "7"), ("telegram", "g2", "7")]
    others = [("telegram", "group-1", "8"), ("discord", "private-7", "7"), ("telegram", "7", "77")]
    for key in mine + others:
        await store.save(key, {"who": list(key)}, 0)
    assert await store.delete_user("telegram", "7") == 3
    for key in mine:
        assert await store.load(key) is None
    for key in others:
        stored = await store.load(key)
        assert stored is not None and stored.state == {"who": list(key)}
    assert await store.delete_user("telegram", "7") == 0
    assert await store.save(mine[0], {"fresh": True}, 0) == 1


async def test_turn_racing_delete_user_leaves_nothing(store: Store) -> None:
    """/forget racing a turn: whichever commits first, nothing of the user remains."""
    await store.save(KEY, {"serial": "AKF12Z330L8419B6"}, 0)
    turn = asyncio.ensure_future(store.save(KEY, {"serial": "AKF12Z330L8419B6", "t": 2}, 1))
    await asyncio.sleep(0)
    assert await store.delete_user("telegram", "user-1") == 1
    outcome = await asyncio.gather(turn, return_exceptions=True)
    assert outcome[0] == 2 or isinstance(outcome[0], VersionConflict)
    assert await store.load(KEY) is None


async def test_check_log_round_trips_and_has_no_identity(store: Store) -> None:
    entries = [
        CheckLogEntry("A1263", "affected", "US", "telegram", date(2025, 6, 20)),
        CheckLogEntry("A1647", "not_in_known_recall", None, "discord", date(2025, 6, 21)),
    ]
    for entry in entries:
        await store.log_check(entry)
    assert await store.read_check_log() == entries


async def test_concurrent_check_log_lines_all_land_in_order(store: Store) -> None:
    entries = [
        CheckLogEntry(f"A{n}", "affected", None if n % 2 else "JP", "discord", date(2025, 7, 1))
        for n in range(300)
    ]
    await asyncio.gather(*(store.log_check(e) for e in entries), store.save(KEY, {}, 0))
    assert await store.read_check_log() == entries


@pytest.mark.parametrize(
    "key",
    [
        ("telegram", "-100123456789", "42"),
        ("discord", "chat'; DROP TABLE conversations; --", "u\"1"),
        ("console", "😀 ✓ العربية", "ユーザー"),
        ("telegram", "", ""),
    ],
)
async def test_crazy_keys_round_trip(store: Store, key: tuple[str, str, str]) -> None:
    await store.save(key, {"ok": True}, 0)
    stored = await store.load(key)
    assert stored is not None and stored.state == {"ok": True}
    assert await store.delete_user(key[0], key[2]) == 1


async def test_unicode_and_large_state_round_trips(store: Store) -> None:
    state: dict[str, object] = {
        "text": "Ünïcødé — 充電器 مرحبا \u200f\u200b 🔋🔥 \x00 nul",
        "nested": {"list": [1, 2.5, None, True, "x" * 10], "empty": {}},
        "big": "A1263 " * 200_000,  # ~1.2 MB
        "int": 2**62,
    }
    await store.save(KEY, state, 0)
    stored = await store.load(KEY)
    assert stored is not None and stored.state == state


async def test_state_is_json_in_every_backend(store: Store) -> None:
    """Tuples come back as lists and int keys as str, the same in memory as on disk."""
    await store.save(KEY, {"pair": (1, 2), "by_id": {3: "x"}}, 0)
    stored = await store.load(KEY)
    assert stored is not None and stored.state == {"pair": [1, 2], "by_id": {"3": "x"}}


async def test_loaded_state_is_a_copy(store: Store) -> None:
    await store.save(KEY, {"items": [1]}, 0)
    first = await store.load(KEY)
    assert first is not None
    first.state["items"].append(2)  # type: ignore[attr-defined]
    again = await store.load(KEY)
    assert again is not None and again.state == {"items": [1]}


async def test_bad_input_gets_a_clear_error(store: Store) -> None:
    with pytest.raises(ValueError, match="expected_version"):
        await store.save(KEY, {}, -1)
    with pytest.raises(TypeError):
        await store.save(KEY, {"not json": object()}, 0)
    with pytest.raises(TypeError, match="StateKey"):
        await store.save(("telegram", 1, 2), {}, 0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="StateKey"):
        await store.load(("telegram", "1"))  # type: ignore[arg-type]
    assert await store.load(KEY) is None
