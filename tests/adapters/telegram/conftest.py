"""Drive the real python-telegram-bot Application offline: PTB's HTTPXRequest over the fake
Bot API's httpx.MockTransport, the real Engine on a temporary SQLite database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.request import HTTPXRequest

from adapters import logsafety
from adapters.telegram.app import EngineLike, TelegramApp, build_application
from bot.engine import Engine
from tests.adapters.telegram.fake_bot_api import Call, FakeBotApi

TOKEN = "123456789:AAHtest-SECRET_token_0123456789abcdefXYZ"
SECRET_HALF = TOKEN.split(":", 1)[1]


class Chat:
    """One user talking to the bot through the fake Bot API, TestFlow style."""

    def __init__(self, harness: Harness, user: dict[str, Any], chat: dict[str, Any]) -> None:
        self.harness, self.user, self.chat = harness, user, chat

    async def say(self, text: str, **kwargs: Any) -> list[Call]:
        """Send `text`; the messages the bot sent back."""
        fake = self.harness.fake
        return await self.harness.feed(fake.message(text, user=self.user, chat=self.chat, **kwargs))

    async def press(self, label: str) -> list[Call]:
        """Press the newest button labelled `label` in this chat."""
        for call in reversed(self.harness.fake.sent(self.chat["id"])):
            for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == label and "callback_data" in button:
                        update = self.harness.fake.callback(
                            button["callback_data"], call.result, user=self.user
                        )
                        return await self.harness.feed(update)
        raise AssertionError(f"no button {label!r} in chat {self.chat['id']}")


class Harness:
    """Starts and restarts a real Application against the fake API and one database."""

    def __init__(self, fake: FakeBotApi, db: Path, engine: EngineLike | None = None) -> None:
        self.fake, self.db, self.stand_in = fake, db, engine
        self.app: TelegramApp | None = None
        self.engines: list[EngineLike] = []

    async def open_engine(self) -> EngineLike:
        engine = self.stand_in or await Engine.open(self.db)
        self.engines.append(engine)
        return engine

    async def start(self) -> TelegramApp:
        """Build, initialize and post_init an Application (as run_polling would)."""
        app = build_application(
            TOKEN, self.open_engine,
            request=HTTPXRequest(httpx_kwargs={"transport": self.fake.transport()}),
            get_updates_request=HTTPXRequest(httpx_kwargs={"transport": self.fake.transport()}),
        )
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        self.app = app
        return app

    async def stop(self) -> None:
        """Shut the Application down (its engine closes in post_shutdown)."""
        if self.app is not None:
            await self.app.shutdown()
            assert self.app.post_shutdown is not None
            await self.app.post_shutdown(self.app)
            self.app = None

    async def restart(self) -> TelegramApp:
        """A fresh Application on the same database: nothing survives but the store."""
        await self.stop()
        return await self.start()

    async def feed(self, update: dict[str, Any]) -> list[Call]:
        """Process one update; the sendMessage calls it caused."""
        assert self.app is not None
        before = len(self.fake.calls)
        await self.app.process_update(Update.de_json(update, self.app.bot))
        return [c for c in self.fake.calls[before:] if c.method == "sendMessage"]

    def private_chat(self, user_id: int = 7, language_code: str | None = "en") -> Chat:
        """A private chat with a user."""
        return Chat(self, self.fake.user(user_id, language_code), self.fake.chat(user_id))

    def group_chat(self, user_id: int, chat_id: int = -100123) -> Chat:
        """A member `user_id` talking in a supergroup."""
        return Chat(self, self.fake.user(user_id), self.fake.chat(chat_id, "supergroup"))


@pytest.fixture
def fake() -> FakeBotApi:
    return FakeBotApi(TOKEN)


@pytest.fixture
def redacted_logs() -> Iterator[None]:
    uninstall = logsafety.install(TOKEN)
    yield
    uninstall()


@pytest.fixture
async def bot(fake: FakeBotApi, tmp_path: Path, redacted_logs: None) -> AsyncIterator[Harness]:
    harness = Harness(fake, tmp_path / "state.db")
    await harness.start()
    yield harness
    await harness.stop()
    assert fake.rejections == [], "Telegram would have refused these requests"
