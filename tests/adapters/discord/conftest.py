"""Fixtures: a loopback fake Discord, the real engine, and a logged-in RecallClient.

Events enter the way the gateway delivers them (ConnectionState.parse_interaction_create /
parse_message_create), run through discord.py's real CommandTree, view store and client events,
and every answer leaves through discord.py's real HTTP code to the fake.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.client import RecallClient, use_api_base
from adapters.discord.respond import EngineLike
from bot.engine import Engine

from .fake_discord import TOKEN, FakeDiscord, Recorded

_DISCORD_TASKS = ("CommandTree-invoker", "discord.py: ", "discord-ui-dynamic-item")


async def drain() -> None:
    """Wait until every event handler discord.py has scheduled is finished."""
    while True:
        pending = {t for t in asyncio.all_tasks()
                   if not t.done() and t.get_name().startswith(_DISCORD_TASKS)}
        if not pending:
            return
        await asyncio.wait(pending, timeout=10)


class Bot:
    """A RecallClient logged in to the fake; feed it gateway events, read what it sent."""

    def __init__(self, client: RecallClient, fake: FakeDiscord) -> None:
        self.client = client
        self.fake = fake

    def dispatch(self, payload: dict[str, Any]) -> None:
        """Deliver INTERACTION_CREATE without waiting for the answer."""
        self.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]

    async def interact(self, payload: dict[str, Any]) -> list[Recorded]:
        """Deliver INTERACTION_CREATE, wait for the handlers, return the requests answering it."""
        self.dispatch(payload)
        await drain()
        return self.fake.for_interaction(payload)

    async def dm(self, message: dict[str, Any]) -> list[Recorded]:
        """Deliver MESSAGE_CREATE; return the messages the bot posted in that channel."""
        before = len(self.fake.requests)
        self.client._connection.parse_message_create(message)  # type: ignore[arg-type]
        await drain()
        return [r for r in self.fake.requests[before:]
                if r.path == f"/channels/{message['channel_id']}/messages"]


async def start_bot(fake: FakeDiscord, engine: EngineLike) -> Bot:
    """A new client (as after a restart) logged in to the fake, setup_hook done."""
    client = RecallClient(engine)
    try:
        await client.login(TOKEN)
    except BaseException:
        await client.close()
        raise
    return Bot(client, fake)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    use_api_base(server.base_url)
    try:
        yield server
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway
        await server.stop()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "state.db"


@pytest.fixture
async def engine(db_path: Path) -> AsyncIterator[Engine]:
    opened = await Engine.open(db_path)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def bot(fake: FakeDiscord, engine: Engine) -> AsyncIterator[Bot]:
    started = await start_bot(fake, engine)
    try:
        yield started
    finally:
        await started.client.close()
