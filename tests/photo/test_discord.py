"""A real image attachment through discord.py, offline: the DM arrives as a gateway
MESSAGE_CREATE, discord.py's Attachment.read() fetches the bytes from a loopback "CDN", the
confirmation goes out with buttons, and pressing Yes (a real interaction) continues the check."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.client import use_api_base
from bot.catalog import CATALOG
from bot.engine import Engine
from bot.photo.limits import MAX_BYTES
from bot.photo.reader import PhotoReader
from tests.adapters.discord.conftest import Bot, start_bot
from tests.adapters.discord.fake_discord import FakeDiscord, snowflake
from tests.adapters.discord.payloads import custom_ids, dm_message, press
from tests.photo.conftest import A1263_LABEL, label, needs_ocr


class Cdn:
    """A loopback server for attachment URLs; records what was downloaded."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.fetched: list[str] = []
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> Cdn:
        app = web.Application()
        app.router.add_get("/attachments/{name}", self.serve)
        self.runner = web.AppRunner(app, handle_signals=False)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def serve(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.fetched.append(name)
        return web.Response(body=self.files[name], content_type="image/jpeg")

    def attachment(self, name: str, data: bytes, *, size: int | None = None,
                   content_type: str = "image/jpeg") -> dict[str, Any]:
        self.files[name] = data
        url = f"http://127.0.0.1:{self.port}/attachments/{name}"
        return {"id": snowflake(), "filename": name, "size": size or len(data), "url": url,
                "proxy_url": url, "content_type": content_type, "width": 1280, "height": 853}


@pytest.fixture
async def cdn() -> AsyncIterator[Cdn]:
    server = await Cdn().start()
    yield server
    assert server.runner is not None
    await server.runner.cleanup()


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    fake = await FakeDiscord().start()
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    use_api_base(fake.base_url)
    engine = await Engine.open(tmp_path / "state.db")
    started = await start_bot(fake, engine)
    try:
        yield started
    finally:
        await started.client.close()
        await engine.close()
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway
        await fake.stop()


def with_image(attachment: dict[str, Any], content: str = "") -> dict[str, Any]:
    message = dm_message(content)
    message["attachments"] = [attachment]
    return message


def buttons(body: dict[str, Any]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for row in body.get("components") or []:
        for component in row.get("components") or []:
            found.append((component.get("label", ""), component.get("custom_id", "")))
    return found


@needs_ocr
async def test_dm_photo_confirm_then_verdict(bot: Bot, cdn: Cdn) -> None:
    data, truth = label(A1263_LABEL)
    posted = await bot.dm(with_image(cdn.attachment("label.jpg", data)))
    assert cdn.fetched == ["label.jpg"]
    body = posted[0].json
    serial = " ".join(truth["serial"][i:i + 4] for i in range(0, 16, 4))
    assert "A1263" in body["content"] and serial in body["content"]
    yes, fix = CATALOG.text("en", "button_photo_yes"), CATALOG.text("en", "button_photo_fix")
    assert [label for label, _ in buttons(body)] == [yes, fix]
    sent = next(m for m in bot.fake.messages.values() if custom_ids(m) == custom_ids(body))
    yes_id = next(cid for name, cid in buttons(body) if name == yes)
    requests = await bot.interact(press(sent, yes_id, guild=False))
    answers = [r.json for r in requests if r.path.startswith("/webhooks/")
               and r.method in ("PATCH", "POST")]
    region = next(a for a in answers if any(c.startswith("rc1:region:US") for c in custom_ids(a)))
    us = next(c for c in custom_ids(region) if c.startswith("rc1:region:US"))
    message = next(m for m in bot.fake.messages.values() if custom_ids(m) == custom_ids(region))
    requests = await bot.interact(press(message, us, guild=False))
    verdicts = [r.json for r in requests if r.path.startswith("/webhooks/") and r.json.get("embeds")]
    assert verdicts, "the verdict card"
    assert "A1263" in str(verdicts[0]["embeds"])


@needs_ocr
async def test_an_attachment_over_the_limit_is_not_downloaded(bot: Bot, cdn: Cdn) -> None:
    posted = await bot.dm(with_image(cdn.attachment("huge.png", b"x", size=MAX_BYTES + 1)))
    assert cdn.fetched == []
    assert posted[0].json["content"] == CATALOG.text("en", "photo_too_large")


@needs_ocr
async def test_a_non_image_attachment_with_text_is_ordinary_text(bot: Bot, cdn: Cdn) -> None:
    attachment = cdn.attachment("notes.txt", b"hello", content_type="text/plain")
    posted = await bot.dm(with_image(attachment, "A1263"))
    assert cdn.fetched == []
    assert "A1263" in str(posted[-1].json)  # the check goes on: the verdict, where bought?


async def test_without_the_extra_a_photo_is_not_supported(
        bot: Bot, cdn: Cdn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PhotoReader, "available", staticmethod(lambda: False))
    data, _ = label(A1263_LABEL)
    posted = await bot.dm(with_image(cdn.attachment("label.jpg", data)))
    assert posted[0].json["content"] == CATALOG.text("en", "photo_unsupported")
