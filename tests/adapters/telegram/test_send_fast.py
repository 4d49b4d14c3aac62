"""The adapter's sendMessage without Message.de_json (#14) sends exactly what send_message sent."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from telegram import ReplyParameters
from telegram.constants import ParseMode
from telegram.ext import ExtBot
from telegram.request import BaseRequest, RequestData

from adapters.telegram.app import NO_PREVIEW, send_message
from adapters.telegram.ratelimit import ChatRateLimiter
from adapters.telegram.render import render
from bot.replies import Button, TextReply

TOKEN = "123456789:AAsendfastsendfastsendfastsendfast00"


class Recording(BaseRequest):
    """Records each request's URL and JSON body; answers like the Bot API."""

    def __init__(self) -> None:
        self.bodies: list[tuple[str, Any]] = []

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: object = None, write_timeout: object = None,
                         connect_timeout: object = None, pool_timeout: object = None,
                         ) -> tuple[int, bytes]:
        payload = request_data.json_payload if request_data else None
        self.bodies.append((url, payload))
        params = request_data.parameters if request_data else {}
        result = {"message_id": len(self.bodies), "date": 0, "text": params.get("text", ""),
                  "chat": {"id": params.get("chat_id"), "type": "private"}}
        return 200, json.dumps({"ok": True, "result": result}).encode()


def test_the_fast_send_makes_the_request_send_message_makes() -> None:
    keyboard = render(TextReply(text="x", buttons=[Button(label="Yes", token="t1"),
                                                    Button(label="Web", url="https://e.x/")]),
                      "recall_bot")[0].reply_markup
    assert keyboard is not None
    cases = [("plain <b>text</b>", None, None), ("with keys", keyboard, None),
             ("quoted", keyboard, ReplyParameters(42, allow_sending_without_reply=True)),
             ("é 充 🔋 &amp;", None, ReplyParameters(7))]

    async def run(limited: bool) -> None:
        limiter = ChatRateLimiter(max_retries=1) if limited else None
        fast, slow = Recording(), Recording()
        bots = [ExtBot(TOKEN, request=r, rate_limiter=limiter) for r in (fast, slow)]
        for text, markup, quote in cases:
            await send_message(bots[0], 1001, text, markup, quote)
            await bots[1].send_message(1001, text, parse_mode=ParseMode.HTML,
                                       reply_markup=markup, link_preview_options=NO_PREVIEW,
                                       reply_parameters=quote)
        assert fast.bodies == slow.bodies
        assert len(fast.bodies) == len(cases)

    asyncio.run(run(limited=False))
    asyncio.run(run(limited=True))


def test_the_shared_link_preview_options_say_what_plain_ones_say() -> None:
    from telegram import LinkPreviewOptions

    plain = LinkPreviewOptions(is_disabled=True)
    assert NO_PREVIEW.to_dict() == plain.to_dict() and plain == NO_PREVIEW
    assert NO_PREVIEW.to_dict() is NO_PREVIEW.to_dict()  # built once
