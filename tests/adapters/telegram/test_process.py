"""`recall-bot telegram` as a real process against the loopback fake Bot API: polling through a
kill -9 and a restart, and a webhook that refuses requests without the secret token."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.adapters.telegram.conftest import SECRET_HALF, TOKEN
from tests.adapters.telegram.fake_bot_api import FakeBotApi, free_port, telegram_html_text

REPO = Path(__file__).resolve().parents[3]
SERIAL = "A1B2C3D4E5F6G7H8"


@asynccontextmanager
async def recall_bot(base_url: str, tmp_path: Path, *args: str
                     ) -> AsyncIterator[asyncio.subprocess.Process]:
    """Run `recall-bot telegram ARGS` (stderr to tmp_path/bot.log); SIGTERM it at the end."""
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": base_url,
           "RECALL_BOT_DB": str(tmp_path / "state.db"), "PYTHONPATH": str(REPO)}
    with (tmp_path / "bot.log").open("ab") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "telegram", "--log-level", "DEBUG", *args,
            cwd=tmp_path, env=env, stdout=log, stderr=log,
        )
        try:
            yield proc
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(proc.wait(), 10)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()


async def started(fake: FakeBotApi, proc: asyncio.subprocess.Process, calls_before: int) -> None:
    """Wait until the bot registered its commands and polls (or set its webhook)."""
    def ready() -> bool:
        assert proc.returncode is None, "recall-bot telegram exited early"
        methods = [c.method for c in fake.calls[calls_before:]]
        return "setMyCommands" in methods and ("getUpdates" in methods or "setWebhook" in methods)

    await fake.wait_for(ready, timeout=20)


async def reply_to(fake: FakeBotApi, update: dict[str, Any]) -> str:
    """Push an update and wait for the bot's answer; its visible text."""
    before = len(fake.sent())
    fake.push(update)
    await fake.wait_for(lambda: len(fake.sent()) > before)
    await asyncio.sleep(0.2)  # a turn can send several messages
    return "\n".join(telegram_html_text(c.params["text"]) for c in fake.sent()[before:])


def assert_clean_log(tmp_path: Path) -> None:
    log = (tmp_path / "bot.log").read_text()
    assert "DEBUG adapters.telegram.app: update" in log, "the bot logged at DEBUG"
    assert TOKEN not in log
    assert SECRET_HALF not in log
    assert SERIAL not in log


async def test_polling_conversation_survives_kill_9_and_restart(tmp_path: Path) -> None:
    fake = FakeBotApi(TOKEN)
    user = fake.user(7)
    async with fake.serve() as base_url:
        async with recall_bot(base_url, tmp_path) as proc:
            await started(fake, proc, 0)
            assert "deleteWebhook" in [c.method for c in fake.calls], "polling clears a webhook"
            assert "A1263" in await reply_to(fake, fake.message("/start", user=user))
            model_update = fake.message("A1263", user=user)
            assert "where did you buy" in (await reply_to(fake, model_update)).lower()
            asked = fake.sent()[-1]
            # wait until Telegram would consider the update delivered, then pull the plug
            await fake.wait_for(lambda: any(
                int(p.get("offset") or 0) > model_update["update_id"]
                for p in fake.calls_to("getUpdates")))
            proc.kill()
            assert await proc.wait() == -signal.SIGKILL

        calls = len(fake.calls)
        async with recall_bot(base_url, tmp_path) as proc:
            await started(fake, proc, calls)
            button = next(b["callback_data"] for row in asked.params["reply_markup"]
                          ["inline_keyboard"] for b in row if b["text"] == "United States")
            serial = await reply_to(fake, fake.callback(button, asked.result, user=user))
            assert "A1263" in serial, "the restarted bot remembers the model"
            verdict = await reply_to(fake, fake.message(SERIAL, user=user))
            assert "A1263" in verdict and "Anker" in verdict  # #12: the checker is a URL button
            assert any(c.method == "answerCallbackQuery" for c in fake.calls[calls:])
        assert proc.returncode == 0, "SIGTERM stops the bot cleanly"
    assert fake.rejections == []
    assert_clean_log(tmp_path)


async def test_webhook_refuses_requests_without_the_secret_token(tmp_path: Path) -> None:
    fake = FakeBotApi(TOKEN)
    port = free_port()
    hook = f"http://127.0.0.1:{port}/telegram-hook"
    async with fake.serve() as base_url, recall_bot(
        base_url, tmp_path, "--webhook-url", hook, "--listen", f"127.0.0.1:{port}"
    ) as proc:
        await started(fake, proc, 0)
        secret = fake.webhook["secret_token"]
        assert fake.webhook["url"] == hook and secret and TOKEN not in secret
        update = fake.message("/start")

        async def post(headers: dict[str, str] | None = None) -> httpx.Response:
            # A fresh connection each time: a refused request is answered before its body is
            # read, so the server closes that connection (issue #18) and it cannot be reused.
            async with httpx.AsyncClient(timeout=10) as client:
                return await client.post(hook, json=update, headers=headers)

        for _ in range(50):  # setWebhook may come just before the server accepts
            try:
                missing = await post()
                break
            except httpx.ConnectError:
                await asyncio.sleep(0.1)
        wrong = await post({"X-Telegram-Bot-Api-Secret-Token": "guess"})
        assert (missing.status_code, wrong.status_code) == (403, 403)
        assert fake.sent() == [], "refused updates never reach the engine"
        right = await post({"X-Telegram-Bot-Api-Secret-Token": secret})
        assert right.status_code == 200
        await fake.wait_for(lambda: len(fake.sent()) > 0)
        assert "A1263" in telegram_html_text(fake.sent()[0].params["text"])
    assert_clean_log(tmp_path)
