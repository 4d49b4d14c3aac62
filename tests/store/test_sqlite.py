"""SQLite-only guarantees: the file, its schema and migrations, privacy at rest, processes."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import SCHEMA_VERSION, CheckLogEntry, SQLiteStore, StoreError, VersionConflict
from tests.store.conftest import FakeClock

KEY = ("telegram", "chat-1", "user-1")
SERIAL = "AKF12Z330L8419B6"
REPO = Path(__file__).resolve().parents[2]


def columns(path: Path, table: str) -> list[str]:
    with sqlite3.connect(path) as db:
        return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]


def file_bytes(path: Path) -> bytes:
    """The database and its -wal / -shm / -journal files, as they lie on disk."""
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


@pytest.mark.parametrize("precreate", [False, True], ids=["no file", "empty file"])
async def test_migrates_an_empty_file(db_path: Path, precreate: bool) -> None:
    if precreate:
        db_path.touch()
    async with SQLiteStore(db_path) as store:
        assert await store.schema_version() == SCHEMA_VERSION
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        applied = [row[0] for row in db.execute("SELECT version FROM schema_version")]
    assert {"conversations", "check_log", "schema_version"} <= names
    assert {"conversations_updated_at", "conversations_user"} <= names
    assert applied == list(range(1, SCHEMA_VERSION + 1))
    assert columns(db_path, "conversations") == [
        "platform", "chat_id", "user_id", "state", "version", "updated_at",
    ]


async def test_check_log_has_no_identity_columns(db_path: Path) -> None:
    async with SQLiteStore(db_path) as store:
        await store.log_check(CheckLogEntry("A1263", "affected", "US", "telegram", date.today()))
    assert columns(db_path, "check_log") == ["day", "platform", "model", "verdict", "region"]


async def test_reopening_keeps_data_and_applies_nothing_twice(db_path: Path) -> None:
    async with SQLiteStore(db_path) as store:
        await store.save(KEY, {"turn": 1}, 0)
    async with SQLiteStore(db_path) as store:
        stored = await store.load(KEY)
        assert stored is not None and stored.state == {"turn": 1}
        assert await store.save(KEY, {"turn": 2}, 1) == 2
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT COUNT(*) FROM schema_version").fetchone() == (SCHEMA_VERSION,)


async def test_migrations_are_idempotent_on_a_half_migrated_file(db_path: Path) -> None:
    """Tables exist but the version row was never written (crash mid-migration, old build)."""
    async with SQLiteStore(db_path) as store:
        await store.save(KEY, {"turn": 1}, 0)
    with sqlite3.connect(db_path) as db:
        db.execute("DELETE FROM schema_version")
    async with SQLiteStore(db_path) as store:
        assert await store.schema_version() == SCHEMA_VERSION
        stored = await store.load(KEY)
        assert stored is not None and stored.state == {"turn": 1}


async def test_a_newer_schema_is_refused_with_a_clear_error(db_path: Path) -> None:
    async with SQLiteStore(db_path):
        pass
    with sqlite3.connect(db_path) as db:
        db.execute("INSERT INTO schema_version VALUES (?, 'future')", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="newer than this recall-bot"):
        await SQLiteStore(db_path).open()


async def test_the_file_is_private_to_its_owner(db_path: Path) -> None:
    async with SQLiteStore(db_path / ".." / "sub" / "state.db") as store:
        await store.save(KEY, {"serial": SERIAL}, 0)
        for path in (db_path.parent / "sub").iterdir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


async def test_using_a_closed_store_says_how_to_fix_it(db_path: Path) -> None:
    store = SQLiteStore(db_path)
    with pytest.raises(RuntimeError, match=r"await store\.open"):
        await store.load(KEY)
    with pytest.raises(RuntimeError, match=r"await store\.open"):
        await store.save(KEY, {}, 0)
    with pytest.raises(ValueError, match="synchronous"):
        SQLiteStore(db_path, synchronous="OFF")  # type: ignore[arg-type]


async def test_close_commits_saves_still_queued(db_path: Path) -> None:
    store = SQLiteStore(db_path)
    await store.open()
    saves = [asyncio.ensure_future(store.save(("t", "c", str(n)), {"n": n}, 0)) for n in range(50)]
    await asyncio.sleep(0)
    await store.close()
    assert [s.result() for s in saves] == [1] * 50
    async with SQLiteStore(db_path) as store:
        assert all([await store.load(("t", "c", str(n))) for n in range(50)])


@pytest.mark.parametrize("how", ["delete_user", "expire"])
async def test_no_serial_left_in_the_files_after_delete(
    db_path: Path, clock: FakeClock, how: str
) -> None:
    """Privacy at rest: deleted state is zeroed in the database and gone from the WAL."""
    async with SQLiteStore(db_path, clock=clock) as store:
        for turn in range(5):  # old row versions would linger in WAL frames and free space
            await store.save(KEY, {"serial": SERIAL, "turn": turn}, turn)
        await store.save(("telegram", "chat-2", "user-2"), {"model": "A1263"}, 0)
        assert SERIAL.encode() in file_bytes(db_path)  # the check can fail
        if how == "delete_user":
            assert await store.delete_user("telegram", "user-1") == 1
        else:
            clock.advance(hours=25)
            assert await store.expire(clock() - timedelta(hours=24)) == 2
        assert SERIAL.encode() not in file_bytes(db_path)
    assert SERIAL.encode() not in file_bytes(db_path)


async def test_a_serial_dropped_from_live_state_is_gone_after_the_periodic_expire(
    db_path: Path,
) -> None:
    """The conversation goes on without the serial: old row images must not stay on disk."""
    async with SQLiteStore(db_path) as store:
        await store.save(KEY, {"serial": SERIAL}, 0)
        await store.save(KEY, {"verdict": "affected"}, 1)
        assert SERIAL.encode() in file_bytes(db_path)  # still in a WAL frame
        assert await store.expire(datetime.now(UTC) - timedelta(days=1)) == 0
        assert SERIAL.encode() not in file_bytes(db_path)
        stored = await store.load(KEY)
        assert stored is not None and stored.state == {"verdict": "affected"}


async def test_two_stores_on_one_file_see_each_other(db_path: Path) -> None:
    """Two 'processes' (connections with their own caches) sharing one state file."""
    async with SQLiteStore(db_path) as a, SQLiteStore(db_path) as b:
        await a.save(KEY, {"by": "a"}, 0)
        loaded = await b.load(KEY)
        assert loaded is not None and loaded.state == {"by": "a"}
        await b.save(KEY, {"by": "b"}, loaded.version)
        # a's cache still says version 1: saving on it must conflict, never overwrite b
        stale = await a.load(KEY)
        assert stale is not None
        with pytest.raises(VersionConflict):
            await a.save(KEY, {"by": "a again"}, stale.version)
        fresh = await a.load(KEY)  # the conflict dropped the cache entry
        assert fresh is not None and fresh.state == {"by": "b"} and fresh.version == 2
        assert await a.save(KEY, {"by": "a, after reload"}, fresh.version) == 3
        # a user deleted by one process cannot be written back from the other's cache
        assert await b.delete_user("telegram", "user-1") == 1
        cached = await a.load(KEY)
        if cached is not None:  # a's cache may lag the other process until a save checks it
            with pytest.raises(VersionConflict):
                await a.save(KEY, {"by": "a"}, cached.version)
        assert await a.load(KEY) is None


async def test_busy_database_is_retried_not_surfaced(db_path: Path) -> None:
    """Another process holds the write lock longer than busy_timeout: the save waits it out."""
    async with SQLiteStore(db_path, busy_timeout=0.02) as store:
        holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        threading.Timer(0.3, lambda: holder.execute("COMMIT")).start()
        started = time.perf_counter()
        assert await store.save(KEY, {"turn": 1}, 0) == 1
        assert time.perf_counter() - started >= 0.25
        holder.close()


async def test_busy_retries_are_bounded(db_path: Path) -> None:
    async with SQLiteStore(db_path, busy_timeout=0.01, retries=2) as store:
        holder = sqlite3.connect(db_path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                await store.save(KEY, {"turn": 1}, 0)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert await store.save(KEY, {"turn": 1}, 0) == 1


def test_a_committed_save_survives_sigkill(db_path: Path) -> None:
    """save() returns only after COMMIT: a process killed right after keeps the turn."""
    script = (
        "import asyncio, os, signal, sys\n"
        "from bot.store import SQLiteStore\n"
        "async def main():\n"
        "    store = SQLiteStore(sys.argv[1])\n"
        "    await store.open()\n"
        "    for n in range(1, 6):\n"
        "        await store.save(('telegram', 'c', 'u'), {'turn': n}, n - 1)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(db_path)], cwd=REPO, timeout=60)
    assert done.returncode == -signal.SIGKILL
    assert Path(str(db_path) + "-wal").exists()  # not checkpointed: recovered from the WAL

    async def reopen() -> None:
        async with SQLiteStore(db_path) as store:
            stored = await store.load(("telegram", "c", "u"))
            assert stored is not None and stored.state == {"turn": 5} and stored.version == 5

    asyncio.run(reopen())
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_two_os_processes_hammering_one_file(db_path: Path) -> None:
    """Concurrent read-modify-write from two processes: no lock error escapes, no lost update."""

    async def seed() -> None:
        async with SQLiteStore(db_path) as store:
            for i in range(4):
                await store.save(("telegram", "shared", str(i)), {"seed": i}, 0)

    asyncio.run(seed())
    start_at = time.time() + 1.5  # both processes past their imports before the race starts
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.store._hammer", str(db_path), name, str(start_at), "2"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for name in ("p1", "p2")
    ]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
        reports.append(json.loads(out))

    wins = sum((Counter(r["wins"]) for r in reports), Counter())
    assert all(r["own"] for r in reports) and sum(r["conflicts"] for r in reports) > 0

    async def verify() -> None:
        async with SQLiteStore(db_path) as store:
            for i in range(4):  # every successful save is one version: none was lost
                stored = await store.load(("telegram", "shared", str(i)))
                assert stored is not None and stored.version == 1 + wins[str(i)]
            for r in reports:
                for w, saves in r["own"].items():
                    stored = await store.load(("discord", r["name"], w))
                    assert stored is not None and stored.version == saves

    asyncio.run(verify())
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_stored_times_are_utc(db_path: Path) -> None:
    clock = FakeClock(datetime(2025, 1, 1, 23, 30, tzinfo=UTC))

    async def run() -> None:
        async with SQLiteStore(db_path, clock=clock) as store:
            await store.save(KEY, {}, 0)
            stored = await store.load(KEY)
            assert stored is not None and stored.updated_at == clock.now
            assert stored.updated_at.tzinfo is not None

    asyncio.run(run())
    assert os.path.exists(db_path)
