"""`recall-bot chat` on a real terminal (a pseudo-terminal): replies wrap to its width."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adapters.console import cells

ANSI = re.compile(r"\x1b\]8;;[^\x1b]*\x1b\\|\x1b\[[0-9;?]*[A-Za-z]")


def _read_until(fd: int, marker: bytes, seconds: float) -> bytes:
    out = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end and marker not in out:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    return out


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_chat_on_a_terminal_wraps_to_its_width_and_links_its_source(tmp_path: Path) -> None:
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "52", "LINES": "40", "LANG": "en_US.UTF-8"}
    proc = subprocess.Popen([sys.executable, "-m", "bot", "chat", "--db", str(tmp_path / "s.db"),
                             "--user", "tty"], stdin=slave, stdout=slave, stderr=slave, env=env,
                            close_fds=True)
    os.close(slave)
    try:
        greeting = _read_until(master, b"> ", 60)
        assert b"Which model" in greeting, greeting
        os.write(master, b"A1263 bought in the US\n")
        asked = _read_until(master, b"> ", 60)
        os.write(master, b"1\n")  # I can't read the serial
        verdict = _read_until(master, b"> ", 60).decode("utf-8", "replace")
        os.write(master, b"\x04")  # end of input
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    text = ANSI.sub("", verdict.replace("\r\n", "\n"))
    assert "confirm your serial" in text, asked + verdict.encode()
    lines = [line for line in text.split("\n") if line.strip()]
    assert lines and all(cells(line) <= 52 for line in lines), lines
    assert any(len(line) > 40 for line in lines), "the replies use the terminal's width"
    assert "\x1b]8;;https://www.cpsc.gov/" in verdict  # the source line is a hyperlink
    assert "Source: CPSC, 12 Jun 2025" in text
