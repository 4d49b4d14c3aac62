"""PostgreSQL-only guarantees, on the real throw-away server the tests start: versioned
migrations, several processes on one database, serials never in the WAL, the table files or the
server log, and the store chosen by RECALL_BOT_DB."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from bot.store import SQLiteStore, StoreError, VersionConflict, store_for
from bot.store.postgres import SCHEMA_VERSION, PostgresStore, redact_url
from tests.postgres_server import PostgresServer
from tests.store.conftest import FakeClock

KEY = ("telegram", "chat-1", "user-1")
SERIAL = "AKF12Z330L8419B6"
REPO = Path(__file__).resolve().parents[2]


async def query(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


def tree_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


async def test_migrations_are_versioned_and_applied_once_by_racing_processes(
    postgres_url: str,
) -> None:
    stores = [PostgresStore(postgres_url) for _ in range(4)]
    await asyncio.gather(*(s.open() for s in stores))  # four "processes" start at once
    assert [await s.schema_version() for s in stores] == [SCHEMA_VERSION] * 4
    rows = await query(postgres_url, "SELECT version FROM schema_version ORDER BY version")
    assert [r[0] for r in rows] == list(range(1, SCHEMA_VERSION + 1))
    tables = await query(postgres_url, "SELECT relname, relpersistence::text FROM pg_class"
                         " WHERE relname IN ('conversations', 'conversation_secrets', 'check_log')")
    # 'u' = UNLOGGED: the secrets table never reaches the write-ahead log
    assert dict((r[0], r[1]) for r in tables) == {
        "conversations": "p", "conversation_secrets": "u", "check_log": "p"}
    columns = await query(postgres_url, "SELECT column_name FROM information_schema.columns"
                          " WHERE table_name = 'check_log' ORDER BY ordinal_position")
    assert [r[0] for r in columns] == ["id", "day", "platform", "model", "verdict", "region"]
    for s in stores:
        await s.close()


async def test_a_newer_schema_is_refused_with_a_clear_error(postgres_url: str) -> None:
    async with PostgresStore(postgres_url):
        pass
    await query(postgres_url, "INSERT INTO schema_version VALUES ($1, now())", SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match="newer than this recall-bot"):
        await PostgresStore(postgres_url).open()


async def test_unreachable_server_is_a_clear_error_without_the_password() -> None:
    url = "postgresql://bot:hunter2secret@127.0.0.1:1/nowhere"
    with pytest.raises(StoreError, match="cannot connect") as caught:
        await PostgresStore(url, timeout=2).open()
    assert "hunter2secret" not in str(caught.value)
    assert "hunter2secret" not in repr(PostgresStore(url))
    assert redact_url(url) == "postgresql://bot:***@127.0.0.1:1/nowhere"


async def test_using_a_closed_store_says_how_to_fix_it(postgres_url: str) -> None:
    store = PostgresStore(postgres_url)
    with pytest.raises(RuntimeError, match=r"await store\.open"):
        await store.load(KEY)
    with pytest.raises(ValueError, match="postgresql://"):
        PostgresStore("/tmp/state.db")


async def test_two_stores_see_each_others_writes_and_conflict(postgres_url: str) -> None:
    """Two processes (two pools, no shared memory): a stale version loses across them."""
    async with PostgresStore(postgres_url) as one, PostgresStore(postgres_url) as two:
        assert await one.save(KEY, {"by": "one"}, 0) == 1
        stored = await two.load(KEY)
        assert stored is not None and stored.state == {"by": "one"}
        assert await two.save(KEY, {"by": "two"}, 1) == 2
        with pytest.raises(VersionConflict):
            await one.save(KEY, {"by": "one, stale"}, 1)
        again = await one.load(KEY)
        assert again is not None and again.state == {"by": "two"} and again.version == 2


def test_two_os_processes_hammering_one_database(postgres_url: str) -> None:
    """Concurrent read-modify-write from two OS processes: no lost update, no error escapes."""

    async def seed() -> None:
        async with PostgresStore(postgres_url) as store:
            for i in range(4):
                await store.save(("telegram", "shared", str(i)), {"seed": i}, 0)

    asyncio.run(seed())
    start_at = time.time() + 1.5
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.store._hammer", postgres_url, name, str(start_at), "2"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for name in ("p1", "p2")
    ]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
        reports.append(json.loads(out))
    wins = sum((Counter(r["wins"]) for r in reports), Counter())
    assert all(r["own"] for r in reports) and sum(r["conflicts"] for r in reports) > 0

    async def verify() -> None:
        async with PostgresStore(postgres_url) as store:
            for i in range(4):  # every successful save is one version: none was lost
                stored = await store.load(("telegram", "shared", str(i)))
                assert stored is not None and stored.version == 1 + wins[str(i)]
            for r in reports:
                for w, saves in r["own"].items():
                    stored = await store.load(("discord", r["name"], w))
                    assert stored is not None and stored.version == saves

    asyncio.run(verify())


async def test_serials_never_reach_the_wal_or_the_server_log(
    postgres_server: PostgresServer, postgres_url: str, clock: FakeClock
) -> None:
    wal = postgres_server.data / "pg_wal"
    control = "CONTROL" + SERIAL[7:]  # same shape, written to a logged table: the check can fail
    async with PostgresStore(postgres_url, clock=clock) as store:
        for turn in range(5):
            await store.save(KEY, {"step": "await_region", "serial": SERIAL, "turn": turn}, turn)
        stored = await store.load(KEY)
        assert stored is not None and stored.state["serial"] == SERIAL
        rows = await query(postgres_url, "SELECT state FROM conversations")
        assert SERIAL not in rows[0][0], "the logged table holds no serial"
        await query(postgres_url, "CREATE TABLE control (t text)")
        await query(postgres_url, "INSERT INTO control VALUES ($1)", control)
        await query(postgres_url, "CHECKPOINT")
        await store.save(KEY, {"step": "idle", "serial": None, "turn": 5}, 5)  # the verdict
        assert await store.scrub()
        await query(postgres_url, "SELECT pg_switch_wal()")
        await query(postgres_url, "CHECKPOINT")
        stored = await store.load(KEY)
        assert stored is not None and stored.state.get("serial") is None
    await asyncio.sleep(0.2)
    wal_bytes = tree_bytes(wal)
    assert control.encode() in wal_bytes, "the control value is in the WAL: the search works"
    assert SERIAL.encode() not in wal_bytes
    assert SERIAL not in postgres_server.log_file.read_text(errors="replace")


@pytest.mark.parametrize("how", ["verdict", "delete_user", "expire"])
async def test_a_scrub_rewrites_the_secrets_table_files(
    postgres_server: PostgresServer, postgres_url: str, clock: FakeClock, how: str
) -> None:
    """After the check ends, the dead tuple holding the serial is gone with the old file."""
    async with PostgresStore(postgres_url, clock=clock) as store:
        await store.save(KEY, {"serial": SERIAL}, 0)
        await store.save(("telegram", "c2", "u2"), {"serial": "OTHER0SERIAL0001"}, 0)
        path = (await query(postgres_url,
                            "SELECT pg_relation_filepath('conversation_secrets')"))[0][0]
        await query(postgres_url, "CHECKPOINT")
        await query(postgres_url, "SELECT count(*) FROM conversation_secrets")
        if how == "verdict":
            await store.save(KEY, {"serial": None}, 1)
            assert await store.scrub()
        elif how == "delete_user":
            assert await store.delete_user("telegram", "user-1") == 1
        else:
            clock.advance(hours=25)
            assert await store.expire(clock() - timedelta(hours=24)) == 2
        new_path = (await query(postgres_url,
                                "SELECT pg_relation_filepath('conversation_secrets')"))[0][0]
        assert new_path != path, "VACUUM FULL wrote the table anew"
        old = postgres_server.data / path
        assert not old.exists() or old.stat().st_size == 0
        left = await query(postgres_url, "SELECT secrets FROM conversation_secrets")
        assert all(SERIAL not in r[0] for r in left)


async def test_store_is_chosen_by_recall_bot_db(postgres_url: str, tmp_path: Path) -> None:
    assert isinstance(store_for(postgres_url), PostgresStore)
    assert isinstance(store_for(postgres_url.replace("postgresql://", "postgres://")),
                      PostgresStore)
    for target in (tmp_path / "a.db", str(tmp_path / "a.db"), f"sqlite:{tmp_path}/a.db",
                   f"sqlite://{tmp_path}/a.db"):
        store = store_for(target)
        assert isinstance(store, SQLiteStore) and store.path == str(tmp_path / "a.db")
    with pytest.raises(ValueError, match="scheme"):
        store_for("mysql://db/x")
    with pytest.raises(ValueError, match="file path"):
        store_for("sqlite:")


async def test_the_engine_runs_on_postgres_from_recall_bot_db(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.engine import Engine
    from bot.inbound import Inbound

    monkeypatch.setenv("RECALL_BOT_DB", postgres_url)
    engine = await Engine.open()
    try:
        assert isinstance(engine.store, PostgresStore)
        for text in ("/start", "A1263", SERIAL):
            await engine.handle(Inbound(platform="console", chat_id="c", user_id="u", text=text))
        stored = await engine.store.load(("console", "c", "u"))
        assert stored is not None and stored.state["model"] == "A1263"
    finally:
        await engine.close()
    assert os.environ["RECALL_BOT_DB"] == postgres_url


def test_stored_times_are_utc(postgres_url: str) -> None:
    clock = FakeClock(datetime(2025, 1, 1, 23, 30, tzinfo=UTC))

    async def run() -> None:
        async with PostgresStore(postgres_url, clock=clock) as store:
            await store.save(KEY, {}, 0)
            stored = await store.load(KEY)
            assert stored is not None and stored.updated_at == clock.now
            assert stored.updated_at.tzinfo is not None

    asyncio.run(run())


def test_console_chat_continues_a_check_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    """`recall-bot chat` with RECALL_BOT_DB=postgresql://…: two runs, one conversation."""
    env = {**os.environ, "RECALL_BOT_DB": postgres_url, "XDG_DATA_HOME": str(tmp_path),
           "PYTHONPATH": str(REPO)}

    def chat(line: str) -> str:
        done = subprocess.run([sys.executable, "-m", "bot", "chat", "--user", "u1"], input=line,
                              capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "serial" in chat("a1263\n").lower()
    assert "A1263" in chat(f"{SERIAL}\n")  # the second process remembers the model
    assert not list(tmp_path.glob("postgresql*")), "no file named after the URL"


def test_an_unreachable_database_is_one_clear_line_without_password(tmp_path: Path) -> None:
    env = {**os.environ, "RECALL_BOT_DB": "postgresql://bot:hunter2secret@127.0.0.1:1/x",
           "XDG_DATA_HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "bot", "chat"], input="a1263\n", env=env,
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith("recall-bot: cannot connect to postgresql://bot:***@127.0.0.1:1/x")
    assert "Traceback" not in done.stderr and "hunter2secret" not in done.stderr + done.stdout
