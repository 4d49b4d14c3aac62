"""SIGKILL between turns and in the middle of writes: conversations continue, the file stays sound.

Durability: WAL with synchronous=NORMAL (bot/store/sqlite.py). A turn's replies are returned
only after its COMMIT, and a commit in WAL mode is in the -wal file before COMMIT returns, so a
killed process loses nothing it answered; only a power cut or OS crash can lose the last
commits (never corrupt the file). SQLiteStore(synchronous="FULL") trades speed for that too.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from .support import integrity, raw_state

DRIVER = Path(__file__).with_name("_driver.py")
ROOT = Path(__file__).resolve().parents[2]


class Bot:
    """A bot process whose stdout lines are collected by a thread."""

    def __init__(self, args: list[str], stdin: bool = False) -> None:
        self.proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True,
                                     stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, env=_env())
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, predicate: str, timeout: float = 30.0, start: int = 0) -> None:
        deadline = time.monotonic() + timeout
        while not any(predicate in line for line in self.lines[start:]):
            assert self.proc.poll() is None or self._reader.is_alive(), \
                f"bot exited ({self.proc.returncode}) before {predicate!r}: {self.lines[-5:]}"
            assert time.monotonic() < deadline, f"no {predicate!r} within {timeout}s"
            time.sleep(0.01)

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self._reader.join(10)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_console_conversation_continues_after_sigkill_between_turns(tmp_path: Path) -> None:
    """`recall-bot chat` killed with -9 after each answer: the next process picks up the check."""
    db = tmp_path / "state.db"
    chat = [sys.executable, "-m", "bot", "chat", "--db", str(db), "--user", "u"]
    steps = [("A1263", "Where did you buy"), ("Ohio", "Now the serial number"),
             ("ABCD1234EFGH5678", "confirm your serial with Anker")]
    for said, expected in steps:
        bot = Bot(chat, stdin=True)
        bot.send(said)
        bot.wait_for(expected)  # the answer is only printed after the turn was committed
        bot.kill()
        assert integrity(db) == "ok"
    state = raw_state(db, ("console", "u", "u"))
    assert state is not None and state.last_model == "A1263" and state.serial is None


def test_sigkill_during_writes_never_loses_an_answered_turn(tmp_path: Path) -> None:
    """20 users writing at full speed, killed -9 at random moments, six times over."""
    db = tmp_path / "state.db"
    rng = random.Random(7)
    acked: dict[str, tuple[int, str]] = {}
    resumed = 0
    for _ in range(6):
        bot = Bot([sys.executable, str(DRIVER), str(db), "telegram", "20"])
        bot.wait_for("ready")
        seen = len(bot.lines)
        bot.wait_for("ack", start=seen)
        time.sleep(rng.uniform(0.02, 0.4))
        bot.kill()  # almost always while a group commit is in flight
        for line in bot.lines:
            kind, _, rest = line.partition(" ")
            assert kind != "bad", line
            if kind == "resume":
                user, version, step = rest.split()
                if user in acked:  # the new process sees what the old one answered, or one more
                    old_version, old_step = acked[user]
                    assert int(version) in (old_version, old_version + 1), (line, acked[user])
                    if int(version) == old_version:
                        assert step == old_step, (line, acked[user])
                    resumed += 1
                acked[user] = (int(version), step)  # an unanswered turn may have committed
            elif kind == "ack":
                user, version, step = rest.split()
                acked[user] = (int(version), step)
        assert integrity(db) == "ok"
        with sqlite3.connect(db) as conn:
            stored = dict(conn.execute("SELECT user_id, version FROM conversations").fetchall())
        for user, (answered, _) in acked.items():
            assert stored.get(user, 0) >= answered, f"{user}: an answered turn was lost"
            assert raw_state(db, ("telegram", user, user)) is not None
    assert resumed >= 80, "the kills did not interrupt enough live conversations"
    assert min(v for v, _ in acked.values()) >= 10, "too few turns ran to mean anything"
