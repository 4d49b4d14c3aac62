"""A real photo through python-telegram-bot, offline: the fake Bot API also serves getFile and
the file download, so PTB's own File.download path runs. The confirmation arrives with buttons
and confirming continues the check to a verdict."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.catalog import CATALOG
from bot.photo.limits import MAX_BYTES
from bot.photo.reader import PhotoReader
from tests.adapters.telegram.conftest import TOKEN, Harness
from tests.adapters.telegram.fake_bot_api import FakeBotApi
from tests.photo.conftest import A1263_LABEL, label, needs_ocr


@dataclass
class PhotoBotApi(FakeBotApi):
    """The fake Bot API plus files: getFile and GET /file/bot<token>/<path>."""

    files: dict[str, bytes] = field(default_factory=dict)
    downloads: list[str] = field(default_factory=list)

    def add_file(self, data: bytes) -> str:
        file_id = f"file{len(self.files) + 1}"
        self.files[file_id] = data
        return file_id

    def photo(self, file_id: str, *, user: dict[str, Any], chat: dict[str, Any],
              caption: str | None = None, size: int | None = None) -> dict[str, Any]:
        data = self.files.get(file_id, b"")
        sizes = [{"file_id": f"{file_id}-thumb", "file_unique_id": "t", "width": 90,
                  "height": 60, "file_size": 1000},
                 {"file_id": file_id, "file_unique_id": "u", "width": 1280, "height": 853,
                  "file_size": size or len(data)}]
        update = self.message(caption or "", user=user, chat=chat)
        message = update["message"]
        del message["text"]
        message["photo"] = sizes
        if caption:
            message["caption"] = caption
        return update

    def document(self, file_id: str, *, user: dict[str, Any], chat: dict[str, Any],
                 mime: str = "image/png") -> dict[str, Any]:
        update = self.message("", user=user, chat=chat)
        message = update["message"]
        del message["text"]
        message["document"] = {"file_id": file_id, "file_unique_id": "d", "file_name": "label",
                               "mime_type": mime, "file_size": len(self.files[file_id])}
        return update

    async def _api_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = params["file_id"]
        return {"file_id": file_id, "file_unique_id": "u", "file_size": len(self.files[file_id]),
                "file_path": f"photos/{file_id}.jpg"}

    def transport(self) -> httpx.MockTransport:
        api = super().transport()
        prefix = f"/file/bot{self.token}/photos/"

        async def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.startswith(prefix):
                file_id = request.url.path[len(prefix):].removesuffix(".jpg")
                self.downloads.append(file_id)
                return httpx.Response(200, content=self.files[file_id])
            response = await api.handler(request)  # type: ignore[misc]
            assert isinstance(response, httpx.Response)
            return response

        return httpx.MockTransport(handler)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Harness]:
    fake = PhotoBotApi(TOKEN)
    harness = Harness(fake, tmp_path / "state.db")
    await harness.start()
    yield harness
    await harness.stop()
    assert fake.rejections == [], "Telegram would have refused these requests"


def shown(call: Any) -> str:
    return html.unescape(call.params["text"])


def labels(call: Any) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


@needs_ocr
async def test_photo_confirm_then_verdict(bot: Harness) -> None:
    fake = bot.fake
    assert isinstance(fake, PhotoBotApi)
    data, truth = label(A1263_LABEL)
    chat = bot.private_chat()
    file_id = fake.add_file(data)
    sent = await bot.feed(fake.photo(file_id, user=chat.user, chat=chat.chat))
    assert fake.downloads == [file_id], "the largest size is downloaded, once"
    assert len(sent) == 1
    assert "A1263" in shown(sent[0])
    assert " ".join(truth["serial"][i:i + 4] for i in range(0, 16, 4)) in shown(sent[0])
    yes, fix = CATALOG.text("en", "button_photo_yes"), CATALOG.text("en", "button_photo_fix")
    assert labels(sent[0]) == [yes, fix]
    region = await chat.press(yes)
    assert "United States" in labels(region[-1])
    verdict = await chat.press("United States")
    text = "\n".join(shown(c) for c in verdict)
    assert "A1263" in text
    urls = [b.get("url") for c in verdict for row in c.params.get("reply_markup", {}).get(
        "inline_keyboard", []) for b in row]
    assert "https://www.anker.com/product-recalls" in urls  # the checker, as a link button


@needs_ocr
async def test_image_sent_as_a_file(bot: Harness) -> None:
    fake = bot.fake
    assert isinstance(fake, PhotoBotApi)
    data, _ = label(A1263_LABEL)
    chat = bot.private_chat(user_id=8, language_code="de")
    sent = await bot.feed(fake.document(fake.add_file(data), user=chat.user, chat=chat.chat))
    assert labels(sent[0]) == [CATALOG.text("de", "button_photo_yes"),
                               CATALOG.text("de", "button_photo_fix")]


@needs_ocr
async def test_a_photo_over_the_limit_is_not_downloaded(bot: Harness) -> None:
    fake = bot.fake
    assert isinstance(fake, PhotoBotApi)
    chat = bot.private_chat(user_id=9)
    file_id = fake.add_file(b"x")
    sent = await bot.feed(fake.photo(file_id, user=chat.user, chat=chat.chat,
                                     size=MAX_BYTES + 1))
    assert fake.downloads == [] and not fake.calls_to("getFile")
    assert shown(sent[0]) == CATALOG.text("en", "photo_too_large")


@needs_ocr
async def test_a_document_that_is_not_an_image_is_ordinary_text(bot: Harness) -> None:
    fake = bot.fake
    assert isinstance(fake, PhotoBotApi)
    chat = bot.private_chat(user_id=10)
    await bot.feed(fake.document(fake.add_file(b"%PDF-1.4"), user=chat.user, chat=chat.chat,
                                 mime="application/pdf"))
    assert fake.downloads == []


async def test_without_the_extra_a_photo_is_not_supported(
        bot: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PhotoReader, "available", staticmethod(lambda: False))
    fake = bot.fake
    assert isinstance(fake, PhotoBotApi)
    chat = bot.private_chat(user_id=11)
    data, _ = label(A1263_LABEL)
    sent = await bot.feed(fake.photo(fake.add_file(data), user=chat.user, chat=chat.chat))
    assert shown(sent[0]) == CATALOG.text("en", "photo_unsupported")
    assert CATALOG.text("en", "ask_model") in shown(sent[1])  # typing goes on from here
