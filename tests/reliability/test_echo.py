"""Issue #18, finding 9: echoes link nowhere, and the console's log file is private (0600)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.dialog import echo as dialog_echo
from bot.echo import MAX_ECHO, defang, echo

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("text", "expected"), [
    ("A126 http://x.co", "A126 hxxp[:]//x[.]co"),
    ("see HTTPS://Scam.Example/prize", "see HxxPS[:]//Scam[.]Example/prize"),
    ("visit scam.example now", "visit scam[.]example now"),
    ("tg://resolve?domain=x", "tg[:]//resolve?domain=x"),
    ("mail me: a@b.example", "mail me: a@b[.]example"),
    ("full-width ｓｃａｍ．ｅｘａｍｐｌｅ", "full-width ｓｃａｍ[.]ｅｘａｍｐｌｅ"),
    ("A1263 is hot.", "A1263 is hot."),  # a sentence's full stop stays
])
def test_links_are_defanged(text: str, expected: str) -> None:
    assert defang(text) == expected


def test_echo_is_one_short_line_and_dialog_uses_it() -> None:
    long = "line one\nhttps://scam.example/" + "x" * 100
    out = echo(long)
    assert "\n" not in out and len(out) <= MAX_ECHO and out.endswith("…")
    assert "https" not in out and "scam.example" not in out
    assert dialog_echo("go to evil.example") == "go to evil[.]example"


async def test_a_did_you_mean_group_reply_carries_no_link(tmp_path: Path) -> None:
    from tests.adapters.telegram.conftest import TOKEN as TG_TOKEN
    from tests.adapters.telegram.conftest import Harness
    from tests.adapters.telegram.fake_bot_api import FakeBotApi, telegram_html_text

    fake = FakeBotApi(TG_TOKEN)
    harness = Harness(fake, tmp_path / "state.db")
    await harness.start()
    try:
        sent = await harness.group_chat(9).say("@recall_test_bot A126 http://x.co")
    finally:
        await harness.stop()
    shown = "\n".join(telegram_html_text(c.params["text"]) for c in sent)
    assert "A126" in shown, "the echo is there"
    assert "http://" not in shown and "x.co" not in shown


def test_the_console_log_file_is_created_0600(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    subprocess.run([sys.executable, "-m", "bot", "chat", "--db", str(db), "--user", "u"],
                   input="hello\n", text=True, capture_output=True, check=True, timeout=60,
                   cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                   preexec_fn=lambda: os.umask(0o022))  # the usual umask: files 0644
    log = tmp_path / "recall-bot.log"
    assert log.exists()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.stat().st_mode) == 0o600, "as private as the database beside it"
