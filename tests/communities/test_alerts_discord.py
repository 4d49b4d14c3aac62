"""Personal alerts on the real discord.py client, offline (issue #16): a verdict offers the
button, pressing it subscribes in the member's language, `/recall alerts` lists and stops,
`/recall forget` deletes, and the alert arrives by DM (someone with closed DMs is unsubscribed)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.alerts import DiscordAlerts
from adapters.discord.client import use_api_base
from bot.catalog import CATALOG
from bot.community import Community
from bot.outbox import Outbox
from tests.adapters.discord.conftest import Bot, start_bot
from tests.adapters.discord.payloads import custom_ids, press, slash
from tests.communities.conftest import edit_us_remedy
from tests.communities.test_scale import LimitedDiscord
from tests.communities.test_stats import SERIAL, bodies

ANNA, BEN, CLOSED = "930000000000000101", "930000000000000102", "930000000000000103"


@pytest.fixture
async def fake() -> AsyncIterator[LimitedDiscord]:
    server = await LimitedDiscord(closed={CLOSED}).start()
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    use_api_base(server.base_url)
    try:
        yield server
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway
        await server.stop()


@pytest.fixture
async def community(tmp_path: Path, data_dir: Path) -> AsyncIterator[Community]:
    opened = await Community.open(tmp_path / "d.db", knowledge_dir=data_dir)
    yield opened
    await opened.close()


@pytest.fixture
async def bot(fake: LimitedDiscord, community: Community) -> AsyncIterator[Bot]:
    started = await start_bot(fake, community)  # type: ignore[arg-type]
    try:
        yield started
    finally:
        await started.client.close()


async def verdict_and_subscribe(bot: Bot, fake: LimitedDiscord, user: str, locale: str) -> str:
    """/recall check A1263 <serial> US, then press the alert button of the verdict."""
    await bot.interact(slash("recall", "check", model="A1263", serial=SERIAL, region="US",
                             user_id=user, locale=locale))
    card = next(m for m in reversed(fake.messages.values())
                if any(c.startswith("rc1:alert:") for c in custom_ids(m)))
    token = next(c for c in custom_ids(card) if c.startswith("rc1:alert:"))
    assert token == "rc1:alert:A1263_US"
    (answer,) = bodies(await bot.interact(press(card, token, user_id=user, locale=locale)))
    return answer


def dms_to(fake: LimitedDiscord, user: str) -> list[dict[str, Any]]:
    return [m for m in fake.messages.values() if fake.dm_user.get(m["channel_id"]) == user]


async def test_discord_members_subscribe_list_forget_and_get_their_alert(
        bot: Bot, fake: LimitedDiscord, community: Community, data_dir: Path) -> None:
    answer = await verdict_and_subscribe(bot, fake, ANNA, "de")
    assert answer.startswith(CATALOG.text("de", "alert_subscribed", model="A1263",
                                          where=" (USA)")[:30])
    await verdict_and_subscribe(bot, fake, BEN, "en-US")
    await verdict_and_subscribe(bot, fake, CLOSED, "en-US")
    (listed,) = bodies(await bot.interact(slash("recall", "alerts", user_id=BEN)))
    assert "A1263" in listed
    await bot.interact(slash("recall", "forget", user_id=BEN))
    assert await community.store.alerts_of("discord", BEN) == []

    outbox = Outbox(community.store, community.engine.source, [DiscordAlerts(bot.client)])
    await outbox.planner.plan()
    edit_us_remedy(data_dir)
    assert community.engine.source.reload()
    assert await outbox.planner.plan() == 2  # Anna and the member with closed DMs
    assert await outbox.send_due("discord") == 2
    anna = dms_to(fake, ANNA)
    assert len(anna) == 2  # the change, then the updated card
    assert anna[0]["embeds"][0]["title"] == CATALOG.text("de", "alert_title", models="A1263")
    assert dms_to(fake, BEN) == []
    assert await community.store.alerts_of("discord", CLOSED) == []  # 50007: unsubscribed
    assert await community.store.outbox_counts("discord") == {"sent": 1, "dropped": 1}
