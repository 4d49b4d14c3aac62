"""Issue #18, finding 3: a token Telegram refuses (401) must not be printed at start-up.

python-telegram-bot's InvalidToken message quotes the token; it escaped `run_polling`, and
Python printed the traceback past the log redactor. A token with a trailing space was not even
redacted (the redactor knew the spaced form, PTB used the stripped one)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.adapters.telegram.conftest import TOKEN
from tests.adapters.telegram.fake_bot_api import FakeBotApi

REPO = Path(__file__).resolve().parents[3]
REFUSED = "987654321:AAFrefused-Token_abcdefghijklmnopqrstuvw"  # well formed, unknown to the API


def fragments(secret: str, size: int = 8) -> set[str]:
    """Every `size`-character piece of `secret`: none of them may be printed."""
    return {secret[i:i + size] for i in range(len(secret) - size + 1)}


async def run_bot(env_token: str, base_url: str, tmp_path: Path) -> tuple[int, str]:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": env_token, "TELEGRAM_API_BASE_URL": base_url,
           "RECALL_BOT_DB": str(tmp_path / "state.db"), "PYTHONPATH": str(REPO)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "telegram", "--log-level", "DEBUG", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(errors="replace")


@pytest.mark.parametrize("padding", ["", " ", "\n"], ids=["exact", "trailing-space", "newline"])
async def test_a_401_at_start_up_prints_no_token_fragment(tmp_path: Path, padding: str) -> None:
    fake = FakeBotApi(TOKEN)  # knows only TOKEN: REFUSED gets 401 Unauthorized
    async with fake.serve() as base_url:
        code, output = await run_bot(REFUSED + padding, base_url, tmp_path)
    assert code == 1, output
    assert "TELEGRAM_BOT_TOKEN" in output.strip().splitlines()[-1], "told what to fix, last"
    leaked = sorted(f for f in fragments(REFUSED) if f in output)
    assert not leaked, f"token fragments in the output: {leaked[:3]}\n{output[-2000:]}"


async def test_a_malformed_token_is_refused_before_any_request(tmp_path: Path) -> None:
    fake = FakeBotApi(TOKEN)
    malformed = "987654321 AAFrefused-Token_abcdefghijklmnopqrstuvw"  # pasted with a space
    async with fake.serve() as base_url:
        code, output = await run_bot(malformed, base_url, tmp_path)
    assert code == 2 and "TELEGRAM_BOT_TOKEN" in output
    assert not [f for f in fragments(malformed) if f in output]
    assert fake.calls == []


def test_uncaught_errors_in_any_thread_are_printed_redacted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import threading

    from adapters import logsafety

    uninstall = logsafety.install(REFUSED + " ")
    try:
        def fail() -> None:
            raise RuntimeError(f"request to /bot{REFUSED}/getMe failed")

        worker = threading.Thread(target=fail)
        worker.start()
        worker.join()
        try:
            fail()
        except RuntimeError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        uninstall()
    printed = capsys.readouterr().err
    assert printed.count(f"RuntimeError: request to /bot{logsafety.REDACTED}/getMe") == 2
    assert not [f for f in fragments(REFUSED) if f in printed]


def test_settings_strip_tokens_and_never_quote_a_bad_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from adapters.discord.settings import DiscordSettings
    from adapters.telegram.settings import TelegramSettings

    monkeypatch.chdir(Path(__file__).parent)  # no stray .env
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", f"  {REFUSED} \n")
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "\tMTIz.abc.def-ghi \n")
    assert TelegramSettings().token == REFUSED
    assert DiscordSettings().token == "MTIz.abc.def-ghi"
    for bad in ("123:short", "no-colon-" + "x" * 40, REFUSED.replace("_", " ")):
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", bad)
        with pytest.raises(ValidationError) as caught:
            TelegramSettings()
        assert [e["msg"] for e in caught.value.errors()] == [
            "Value error, not a bot token: expected <digits>:<secret> from @BotFather"]
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "two words")
    with pytest.raises(ValidationError):
        DiscordSettings()
