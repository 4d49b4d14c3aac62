"""A TestFlow-style driver: conversations read like the conversation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.inbound import Inbound
from bot.replies import Reply, plain_text


@dataclass
class Chat:
    """One user talking to the engine; `send` returns the replies as one plain text."""

    engine: Engine
    user: str = "u1"
    chat: str = "c1"
    platform: str = "console"
    locale: str | None = None
    chat_kind: str = "private"
    is_moderator: bool = False
    last: list[Reply] = field(default_factory=list)

    def _inbound(self, **event: object) -> Inbound:
        return Inbound(platform=self.platform, chat_id=self.chat, user_id=self.user,  # type: ignore[arg-type]
                       locale=self.locale, chat_kind=self.chat_kind,  # type: ignore[arg-type]
                       is_moderator=self.is_moderator, **event)  # type: ignore[arg-type]

    async def send(self, text: str) -> str:
        if text.startswith("/") and len(text) > 1 and not text.startswith("//"):
            name, _, args = text[1:].partition(" ")
            self.last = await self.engine.handle(self._inbound(command=name, args=args))
        else:
            self.last = await self.engine.handle(self._inbound(text=text))
        return self.text

    async def press(self, label_or_number: str | int) -> str:
        buttons = [b for r in self.last for b in r.buttons]
        if isinstance(label_or_number, int):
            button = buttons[label_or_number - 1]
        else:
            matches = [b for b in buttons if label_or_number.lower() in b.label.lower()]
            assert matches, f"no button {label_or_number!r} in {[b.label for b in buttons]}"
            button = matches[0]
        if button.token:
            self.last = await self.engine.handle(self._inbound(action=button.token))
        else:
            assert button.deep_link, "a web link cannot be pressed"
            self.last = await self.engine.handle(self._inbound(command="start",
                                                               args=button.deep_link))
        return self.text

    @property
    def text(self) -> str:
        return "\n\n".join(plain_text(r) for r in self.last)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    eng = await Engine.open(tmp_path / "state.db", strict_truth=True)
    yield eng
    await eng.close()


@pytest.fixture
def chat(engine: Engine) -> Chat:
    return Chat(engine)
