"""kill -9 in the middle of the engine benchmark (#14): group commit under full load loses no
turn that was answered. The benchmark's own workload (10,000-turn scale, 2,000 live users, one
commit per loop iteration) prints `ack <user> <n>` after each answered turn; after the kill,
every user's stored version must count at least the turns it was answered for."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from .support import integrity

ROOT = Path(__file__).resolve().parents[2]
USERS = 2000


def test_sigkill_during_the_engine_benchmark_loses_no_answered_turn(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.engine_bench", "--users", str(USERS), "--turns", "10000000",
         "--no-pin", "--db", str(db), "--acks"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 120
    while sum(line.startswith("ack") for line in lines) < 3 * USERS:  # mid-run, under load
        assert proc.poll() is None, f"benchmark exited early: {lines[-3:]}"
        assert time.monotonic() < deadline, "the benchmark answered too few turns"
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    reader.join(5)
    assert proc.stdout is not None
    proc.stdout.close()

    answered: Counter[str] = Counter()
    for line in lines:
        if line.startswith("ack "):
            _, user, turns = line.split()
            answered[user] = max(answered[user], int(turns))
    assert integrity(db) == "ok"
    with sqlite3.connect(db) as conn:
        stored = dict(conn.execute("SELECT user_id, version FROM conversations").fetchall())
    # populate saved every user once (version 1); each answered turn committed one more
    lost = {u: (n, stored.get(u)) for u, n in answered.items() if stored.get(u, 0) < 1 + n}
    assert not lost, f"answered turns missing after kill -9: {list(lost.items())[:5]}"
    assert sum(answered.values()) >= 3 * USERS
