"""The health endpoint (ready only when knowledge, store and webhook are up, and not once a
SIGTERM arrived) and the graceful shutdown that answers every update already accepted."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import httpx

from adapters.telegram.health import Health
from bot.engine import Engine
from tests.adapters.telegram.conftest import TOKEN
from tests.adapters.telegram.fake_bot_api import free_port
from tests.adapters.telegram.test_scale_out import (
    SECRET_HEADER,
    InboxFakeBotApi,
    wait_ready,
    webhook_bot,
)


async def readyz(port: int) -> tuple[int, dict[str, object]]:
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.get(f"http://127.0.0.1:{port}/readyz")
        return response.status_code, response.json()


async def test_ready_only_with_knowledge_store_and_webhook(tmp_path: Path) -> None:
    serving = False
    health = Health(serving=lambda: serving)
    port = free_port()
    await health.start("127.0.0.1", port)
    try:
        status, body = await readyz(port)
        assert status == 503 and "engine not open" in str(body["reasons"])
        async with httpx.AsyncClient() as client:  # liveness does not depend on readiness
            assert (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200
        engine = await Engine.open(tmp_path / "state.db")
        health.engine = engine
        status, body = await readyz(port)
        assert status == 503 and body["reasons"] == ["webhook server not started"]
        serving = True
        assert await readyz(port) == (200, {"status": "ready"})
        await engine.store.close()  # the database goes away: not ready, and says why
        status, body = await readyz(port)
        assert status == 503 and body["reasons"] == ["store unavailable (RuntimeError)"]
        await engine.store.open()
        assert (await readyz(port))[0] == 200
        health.draining = True
        assert await readyz(port) == (503, {"status": "not ready", "reasons": ["shutting down"]})
        await engine.close()
    finally:
        await health.stop()


async def test_sigterm_drains_then_answers_every_accepted_update(
    tmp_path: Path, postgres_url: str
) -> None:
    fake = InboxFakeBotApi(TOKEN)
    users = range(800_001, 800_041)
    async with fake.serve() as base_url, httpx.AsyncClient(timeout=10) as client, webhook_bot(
        "drain", base_url, postgres_url, tmp_path, "--drain-seconds", "1.5"
    ) as bot:
        await wait_ready(client, bot)
        headers = {SECRET_HEADER: fake.webhook["secret_token"]}

        async def post(user_id: int) -> int:
            update = fake.message("A1263", user=fake.user(user_id), chat=fake.chat(user_id))
            return (await client.post(bot.hook, json=update, headers=headers)).status_code

        accepted = await asyncio.gather(*(post(u) for u in users[:20]))
        bot.proc.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.3)
        status = (await client.get(bot.health)).status_code
        assert status == 503, "not ready as soon as SIGTERM arrives: the balancer stops sending"
        # requests the balancer had already routed still arrive during the drain, and count
        accepted += await asyncio.gather(*(post(u) for u in users[20:]))
        assert accepted == [200] * len(users)
        started = time.monotonic()
        assert await asyncio.wait_for(bot.proc.wait(), 60) == 0
        assert time.monotonic() - started < 60
    answered = {chat for chat, messages in fake.inbox.items() if messages}
    assert answered == set(users), "every accepted update was answered before the exit"
    log = (tmp_path / "drain.log").read_text()
    assert "draining for 1.5 s" in log
