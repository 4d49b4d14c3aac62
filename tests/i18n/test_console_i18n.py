"""`recall-bot chat --lang ja` and language detection in the console, as a user runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from bot.catalog import CATALOG


def chat(db: Path, stdin: str, *extra: str, lang_env: str = "C.UTF-8") -> subprocess.CompletedProcess[str]:
    """Run the installed `recall-bot` (or `python -m bot` if it is not on PATH) with piped stdin."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "LANG": lang_env}
    env.pop("RECALL_BOT_DB", None)
    exe = shutil.which("recall-bot")
    command = [exe] if exe else [sys.executable, "-m", "bot"]
    return subprocess.run([*command, "chat", "--db", str(db), "--user", "u", *extra],
                          input=stdin, capture_output=True, text=True, encoding="utf-8",
                          timeout=60, env=env, check=False)


def test_lang_ja_answers_in_japanese_end_to_end(tmp_path: Path) -> None:
    result = chat(tmp_path / "s.db", "A1263\n1\nAKF1 2Z33 0L84 19B6\n", "--lang", "ja")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert CATALOG.text("ja", "ask_region", model="A1263") in out
    assert "[1] " + CATALOG.text("ja", "button_no_serial") in out  # after pressing 1 (日本)
    title = CATALOG.text("ja", "verdict_confirm_on_checker_title", model="A1263",
                         name="Anker PowerCore 10000", brand="Anker")
    assert title in out  # the verdict, after the serial
    assert "  [1] " + CATALOG.text("ja", "button_remedy") in out
    for english in ("ask_region", "verdict_confirm_on_checker_title", "button_no_serial"):
        assert CATALOG.text("en", english, model="A1263", name="Anker PowerCore 10000",
                            brand="Anker") not in out


def test_lang_choice_beats_the_language_of_the_text(tmp_path: Path) -> None:
    result = chat(tmp_path / "s.db", "我在台灣買的A1257\n", "--lang", "de")
    assert result.returncode == 0
    assert CATALOG.text("de", "button_no_serial") in result.stdout


def test_without_lang_the_text_decides(tmp_path: Path) -> None:
    result = chat(tmp_path / "s.db", "我在台灣買的A1257\n")
    assert result.returncode == 0
    assert CATALOG.text("zh-Hant", "button_no_serial") in result.stdout


def test_without_lang_or_words_the_terminal_locale_decides(tmp_path: Path) -> None:
    result = chat(tmp_path / "s.db", "A1263\n", lang_env="es_MX.UTF-8")
    assert result.returncode == 0
    assert CATALOG.text("es", "button_region_other") in result.stdout


def test_an_unknown_lang_is_a_one_line_error(tmp_path: Path) -> None:
    result = chat(tmp_path / "s.db", "A1263\n", "--lang", "klingon")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "invalid choice" in result.stderr and "zh-Hant" in result.stderr
