"""`recall-bot discord --shards auto|N --shard-ids …`: the options reach discord.py's
AutoShardedClient, `auto` uses the count GET /gateway/bot recommends, and a shard IDENTIFYs on
the (fake) gateway as [shard_id, shard_count]."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
from aiohttp import web
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord import cli
from adapters.discord.client import RecallClient, use_api_base
from adapters.discord.sharding import ShardedRecallClient, Sharding, make_client, parse_sharding
from bot.engine import Engine

from .fake_discord import TOKEN, FakeDiscord, Recorded, _json

RECOMMENDED = 3


class RecommendingFake(FakeDiscord):
    """The fake Discord, recommending RECOMMENDED shards in GET /gateway/bot."""

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        if request.path.endswith("/gateway/bot"):
            self.requests.append(Recorded(request.method, "/gateway/bot", None, 0.0))
            body = {"url": self.gateway_url, "shards": RECOMMENDED, "session_start_limit": {
                "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}}
            return _json(body)
        return await super()._rest(request)


@pytest.fixture
async def recommending() -> AsyncIterator[FakeDiscord]:
    server = await RecommendingFake().start()
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    use_api_base(server.base_url)
    try:
        yield server
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway
        await server.stop()


def test_parse_sharding() -> None:
    assert parse_sharding(None, None) is None
    assert parse_sharding("auto", None) == Sharding(None)
    assert parse_sharding("4", None) == Sharding(4)
    assert parse_sharding("4", "3, 1,1") == Sharding(4, (1, 3))
    assert Sharding(4, (1, 3)).options() == {"shard_count": 4, "shard_ids": [1, 3]}
    assert Sharding(None).options() == {"shard_count": None}
    for shards, ids, message in [
        (None, "1", "needs --shards N"), ("auto", "0", "fixed --shards N"),
        ("0", None, "≥ 1"), ("many", None, "auto or a whole number"),
        ("4", "4", "below --shards 4"), ("4", "a,b", "comma-separated"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_sharding(shards, ids)


def test_bad_shard_options_exit_2_with_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISCORD_BOT_TOKEN", TOKEN)
    # run() sets up discord.py's root log handler; keep it out of the other tests' logging
    monkeypatch.setattr(discord.utils, "setup_logging", lambda **_: None)
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    args = parser.parse_args(["--shards", "auto", "--shard-ids", "1"])
    assert cli.run(args) == 2
    assert "--shard-ids needs a fixed --shards N" in capsys.readouterr().err


async def test_auto_uses_the_recommended_shard_count(recommending: FakeDiscord,
                                                     engine: Engine) -> None:
    client = make_client(engine, parse_sharding("auto", None))
    assert isinstance(client, discord.AutoShardedClient) and isinstance(client, RecallClient)
    assert client.shard_count is None and client.shard_ids is None  # decided by the gateway
    launched: list[int] = []

    async def launch_shard(gateway: Any, shard_id: int, *, initial: bool = False) -> None:
        launched.append(shard_id)  # discord.py's own launch_shards decides which shards

    try:
        await client.login(TOKEN)
        client.launch_shard = launch_shard  # type: ignore[method-assign]
        await client.launch_shards()
        assert client.shard_count == RECOMMENDED
        assert launched == list(range(RECOMMENDED))
        assert client._connection.shard_count == RECOMMENDED
        assert "/gateway/bot" in [r.path for r in recommending.requests]
    finally:
        await client.close()


async def test_fixed_count_and_ids_reach_the_gateway_identify(recommending: FakeDiscord,
                                                              engine: Engine) -> None:
    client = make_client(engine, parse_sharding("4", "1,3"))
    assert isinstance(client, ShardedRecallClient)
    assert (client.shard_count, client.shard_ids) == (4, [1, 3])
    serving = asyncio.create_task(client.serve(TOKEN))
    try:
        await asyncio.wait_for(recommending.identified.wait(), 20)
        identify = next(e for e in recommending.gateway_events if e["op"] == 2)
        # The first shard of this process; discord.py spaces the next IDENTIFY by 5 s.
        assert identify["d"]["shard"] == [1, 4]
        assert client._connection.shard_count == 4, "a fixed count ignores the recommendation"
    finally:
        await client.close()
        serving.cancel()
        await asyncio.gather(serving, return_exceptions=True)


def test_the_unsharded_client_stays_the_default() -> None:
    client = make_client(None, parse_sharding(None, None))
    assert type(client) is RecallClient and not isinstance(client, discord.AutoShardedClient)
