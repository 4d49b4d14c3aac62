"""Issue #18, finding 4: webhook bodies were read whole (up to 100 MB) before the secret check.

`recall-bot telegram --webhook-url` runs as a real process; its memory is read from /proc."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from adapters.telegram.webhook import MAX_CONNECTIONS
from tests.adapters.telegram.fake_bot_api import FakeBotApi, free_port
from tests.adapters.telegram.test_process import TOKEN, assert_clean_log, recall_bot, started

MB = 1 << 20
pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")


def peak_rss_bytes(pid: int) -> int:
    """The most resident memory process `pid` has had so far (VmHWM: transient peaks count)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


async def body(size: int) -> AsyncIterator[bytes]:
    chunk = b"x" * MB
    for _ in range(size // MB):
        yield chunk


async def post_huge(client: httpx.AsyncClient, url: str) -> int | None:
    """POST 100 MB without the secret: the status, or None if the server hung up on us."""
    try:
        answer = await client.post(url, content=body(100 * MB),
                                   headers={"Content-Length": str(100 * MB)})
    except httpx.TransportError:
        return None
    return answer.status_code


async def test_a_100_mb_post_without_secret_is_refused_without_memory_growth(
    tmp_path: Path,
) -> None:
    fake = FakeBotApi(TOKEN)
    port = free_port()
    hook = f"http://127.0.0.1:{port}/telegram-hook"
    async with fake.serve() as base_url, recall_bot(
        base_url, tmp_path, "--webhook-url", hook, "--listen", f"127.0.0.1:{port}"
    ) as proc:
        await started(fake, proc, 0)
        secret = fake.webhook["secret_token"]
        async with httpx.AsyncClient(timeout=60) as client:
            for _ in range(50):  # setWebhook may come just before the server accepts
                try:
                    warm = await client.post(hook, content=b"{}")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.1)
            assert warm.status_code == 403
            await asyncio.sleep(0.5)
            before = peak_rss_bytes(proc.pid)
            statuses = await asyncio.gather(*(post_huge(client, hook) for _ in range(8)))
            await asyncio.sleep(0.5)
            grown = peak_rss_bytes(proc.pid) - before
            assert grown < 10 * MB, f"peak memory grew by {grown / MB:.1f} MB"
            assert all(s in (None, 403) for s in statuses), statuses
        # the bot still serves the real Telegram (fresh connections: the refused posts' ones
        # were closed by the server before their bodies were read, and a pooled one may be too)
        async with httpx.AsyncClient(timeout=60) as fresh:
            right = await fresh.post(hook, json=fake.message("/start"),
                                     headers={"X-Telegram-Bot-Api-Secret-Token": secret})
            assert right.status_code == 200
        async with httpx.AsyncClient(timeout=60) as fresh:
            try:
                oversize: int | None = (await fresh.post(
                    hook, content=b" " * (2 * MB),
                    headers={"X-Telegram-Bot-Api-Secret-Token": secret})).status_code
            except httpx.TransportError:  # refused before the body was read: the 413 may be
                oversize = None           # lost to the reset while the client still writes
            assert oversize in (413, None), "even with the secret, bodies are capped"
        async with httpx.AsyncClient(timeout=60) as fresh:  # …and the bot is still serving
            again = await fresh.post(hook, json=fake.message("/help"),
                                     headers={"X-Telegram-Bot-Api-Secret-Token": secret})
            assert again.status_code == 200
        await fake.wait_for(lambda: len(fake.sent()) > 0)
    assert_clean_log(tmp_path)


async def test_connections_beyond_the_cap_are_closed_at_once(tmp_path: Path) -> None:
    fake = FakeBotApi(TOKEN)
    port = free_port()
    hook = f"http://127.0.0.1:{port}/telegram-hook"
    async with fake.serve() as base_url, recall_bot(
        base_url, tmp_path, "--webhook-url", hook, "--listen", f"127.0.0.1:{port}"
    ) as proc:
        await started(fake, proc, 0)
        idle: list[socket.socket] = []
        try:
            for _ in range(50):
                try:
                    idle.append(socket.create_connection(("127.0.0.1", port)))
                    break
                except ConnectionRefusedError:
                    await asyncio.sleep(0.1)
            while len(idle) < MAX_CONNECTIONS:  # slow clients holding every slot
                idle.append(socket.create_connection(("127.0.0.1", port)))
            await asyncio.sleep(0.5)
            extra = socket.create_connection(("127.0.0.1", port))
            extra.settimeout(5)
            try:
                extra.sendall(b"POST /telegram-hook HTTP/1.1\r\nHost: x\r\n"
                              b"Content-Length: 2\r\n\r\n{}")
                answer = extra.recv(100)
            except (ConnectionResetError, BrokenPipeError):
                answer = b""
            finally:
                extra.close()
            assert answer == b"", "a connection beyond the cap is closed unanswered"
        finally:
            for sock in idle:
                sock.close()
        await asyncio.sleep(0.5)
        async with httpx.AsyncClient(timeout=10) as client:
            answer = await client.post(hook, content=b"{}")
        assert answer.status_code == 403, "served again once the slow clients left"
