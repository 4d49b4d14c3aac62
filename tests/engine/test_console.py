"""`recall-bot chat` as a user runs it: piped stdin, two processes sharing one database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def chat(db: Path, user: str, stdin: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("RECALL_BOT_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", str(db), "--user", user, *extra],
        input=stdin, capture_output=True, text=True, timeout=60, env=env, check=False,
    )


def test_two_processes_continue_the_same_check(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    first = chat(db, "u1", "a1263\n")
    assert first.returncode == 0, first.stderr
    assert "A1263" in first.stdout and "Where did you buy your A1263?" in first.stdout
    assert first.stderr == ""
    second = chat(db, "u1", "2\n")  # the number presses button 2 of the last reply
    assert second.returncode == 0
    assert "United States" in second.stdout and "serial number" in second.stdout
    third = chat(db, "u1", "AKF1 2Z33 0L84 19B6\n")
    assert "A1388" in third.stdout
    assert "confirm your serial" in third.stdout


def test_piped_output_has_no_banner_or_prompt_and_numbers_buttons(tmp_path: Path) -> None:
    result = chat(tmp_path / "s.db", "u2", "/start\n")
    assert result.returncode == 0
    assert not result.stdout.startswith(">")
    assert "> " not in result.stdout.splitlines()[0]
    assert "  [1] A1263" in result.stdout


def test_another_user_on_the_same_database_starts_fresh(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    chat(db, "alice", "A1263\n")
    bob = chat(db, "bob", "AKF12Z330L8419B6\n")
    assert "Where did you buy" not in bob.stdout


def test_bad_input_never_shows_a_traceback(tmp_path: Path) -> None:
    nasty = "\x00\x1b[31m" + "💥" * 5000 + "\u202e<b>&</b>\n" + "A" * 100_000 + "\n\n"
    result = chat(tmp_path / "s.db", "u3", nasty)
    assert result.returncode == 0
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.count("didn't understand") >= 1


def test_end_of_input_exits_zero(tmp_path: Path) -> None:
    assert chat(tmp_path / "s.db", "u4", "").returncode == 0
