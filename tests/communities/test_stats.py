"""Done means, part 2 (issue #16): moderator stats — the counts, per-group isolation, who may
ask (Telegram group admins; Discord Manage Messages) and "fewer than 5" — on the real
python-telegram-bot Application and the real discord.py client, offline."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.client import use_api_base
from bot.catalog import CATALOG
from bot.community import Community
from bot.community_stats import MIN_SHOWN, shown, stats_card
from bot.store.community import EventCount
from tests.adapters.discord.conftest import Bot, start_bot
from tests.adapters.discord.fake_discord import FakeDiscord, Recorded
from tests.adapters.discord.payloads import (
    GUILD_ID,
    MANAGE_MESSAGES,
    custom_ids,
    modal_submit,
    press,
    slash,
)
from tests.adapters.telegram.conftest import TOKEN
from tests.adapters.telegram.fake_bot_api import FakeBotApi, telegram_html_text
from tests.communities.test_alerts_telegram import CommunityHarness

GROUP, QUIET_GROUP, ADMIN, MEMBER = -100500, -100600, 21, 22
SERIAL = "AZ1263BCDEFGH123"  # an A1263 serial: only Anker's checker can decide


def t(lang: str, msgid: str, **kwargs: object) -> str:
    return CATALOG.text(lang, msgid, **kwargs)


# ----- the rule itself ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", CATALOG.languages)
def test_small_numbers_are_never_shown(lang: str) -> None:
    for count in range(MIN_SHOWN):
        assert shown(count, lang) == t(lang, "stats_fewer_than", min=MIN_SHOWN)
    assert shown(MIN_SHOWN, lang) == str(MIN_SHOWN)
    counts = [EventCount("check_started", None, None, 4),
              EventCount("verdict", "A1263", "affected", 4),
              EventCount("verdict", "A1647", "affected", 7)]
    text = stats_card({7: counts, 30: counts}, lang, date(2026, 1, 1)).plain_text()
    assert "A1263" not in text  # checked 4 times: could single someone out
    assert "A1647 (7)" in text
    assert t(lang, "stats_verdict_affected", count=11) in text  # 4 + 7 of one kind
    assert t(lang, "stats_checks_started", count=t(lang, "stats_fewer_than", min=MIN_SHOWN)) \
        in text


# ----- Telegram ---------------------------------------------------------------------------------

@pytest.fixture
async def telegram(tmp_path: Path, data_dir: Path) -> AsyncIterator[CommunityHarness]:
    harness = CommunityHarness(FakeBotApi(TOKEN), tmp_path / "s.db",
                               data_dir)
    await harness.start()
    yield harness
    await harness.stop()
    assert harness.fake.rejections == []


def said(calls: list[Any]) -> list[str]:
    return [telegram_html_text(c.params["text"]) for c in calls]


async def check_from_psa(bot: CommunityHarness, user_id: int, payload: str) -> None:
    """A member opens the bot from a group's PSA button and checks an A1263 bought in the US."""
    chat = bot.private_chat(user_id, "en")
    await chat.say(f"/start {payload}")
    await chat.say("/check A1263 US")
    await chat.press(t("en", "button_no_serial"))


async def test_telegram_stats_count_per_group_for_admins_only(telegram: CommunityHarness) -> None:
    fake = telegram.fake
    admin = telegram.group(ADMIN, GROUP, admin=True)
    posted = await admin.say("/psa")
    links = [b.get("url", "") for c in posted
             for row in (c.params.get("reply_markup") or {}).get("inline_keyboard", [])
             for b in row]
    assert "https://t.me/recall_test_bot?start=check-psaN100500" in links
    for user_id in range(100, 106):  # six members check from the busy group's PSA
        await check_from_psa(telegram, user_id, "check-psaN100500")
    for user_id in range(200, 202):  # two from the quiet group's
        await check_from_psa(telegram, user_id, "check-psaN100600")
    await telegram.private_chat(300, "en").say("/check A1263 US")  # not from any PSA

    (card,) = said(await admin.say("/psa stats"))
    assert t("en", "stats_checks_started", count=6) in card
    assert t("en", "stats_verdict_confirm_on_checker", count=6) in card
    assert t("en", "stats_top_models", models="A1263 (6)") in card
    fewer = t("en", "stats_fewer_than", min=MIN_SHOWN)
    assert t("en", "stats_verdict_affected", count=fewer) in card

    quiet_admin = telegram.group(ADMIN, QUIET_GROUP, admin=True)
    (quiet,) = said(await quiet_admin.say("/psa stats"))
    assert t("en", "stats_checks_started", count=fewer) in quiet  # 2: never shown as 2
    assert t("en", "stats_top_models_none", min=MIN_SHOWN) in quiet
    assert "A1263 (" not in quiet

    member = telegram.group(MEMBER, GROUP, admin=False)
    assert said(await member.say("/psa stats")) == [t("en", "psa_admin_refused")]
    assert ("getChatMember", GROUP) in {(c.method, int(c.params.get("chat_id", 0)))
                                        for c in fake.calls}  # asked Telegram, every time
    private = telegram.private_chat(ADMIN, "en")
    assert said(await private.say("/psa stats")) == [t("en", "psa_admin_group_only")]


async def test_a_forged_psa_link_is_just_a_start(telegram: CommunityHarness) -> None:
    chat = telegram.private_chat(400, "en")
    replies = said(await chat.say("/start check-psaXYZ"))
    plain = said(await telegram.private_chat(401, "en").say("/start check"))
    assert replies == plain  # an ordinary start: greets and asks for the model
    assert await telegram.community.store.event_counts("telegram", "XYZ", date(2000, 1, 1)) == []


# ----- Discord ----------------------------------------------------------------------------------

@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    use_api_base(server.base_url)
    try:
        yield server
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway
        await server.stop()


@pytest.fixture
async def discord_bot(discord_fake: FakeDiscord, tmp_path: Path,
                      data_dir: Path) -> AsyncIterator[Bot]:
    community = await Community.open(tmp_path / "d.db", knowledge_dir=data_dir)
    started = await start_bot(discord_fake, community)
    try:
        yield started
    finally:
        await started.client.close()
        await community.close()


def in_guild(payload: dict[str, Any], guild: str) -> dict[str, Any]:
    """The same interaction, from another server."""
    payload["guild_id"] = guild
    payload["guild"]["id"] = guild
    payload["channel"]["guild_id"] = guild
    return payload


def bodies(requests: list[Recorded]) -> list[str]:
    found = []
    for r in requests:
        if r.path.startswith("/webhooks/") and r.method in ("PATCH", "POST"):
            body = r.json
            parts = [body.get("content") or ""]
            for embed in body.get("embeds") or []:
                parts += [embed.get("title") or "", embed.get("description") or ""]
                parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields") or []]
            found.append("\n".join(parts))
    return found


async def test_discord_stats_per_server_for_manage_messages_only(
        discord_bot: Bot, discord_fake: FakeDiscord) -> None:
    other = "920000000000000999"
    await discord_bot.interact(slash("recall-psa", permissions=MANAGE_MESSAGES))
    psa = [m for m in discord_fake.messages.values() if custom_ids(m)][-1]
    assert custom_ids(psa) == ["rcdl:check"]
    for n in range(5):  # five members press this server's PSA and check
        member = f"93000000000000000{n}"
        await discord_bot.interact(press(psa, "rcdl:check", user_id=member))
        await discord_bot.interact(modal_submit("rcm:check", {
            "model": "A1263", "serial": SERIAL, "region": "US"}, user_id=member))
    member = "930000000000000099"  # one in another server
    await discord_bot.interact(in_guild(press(psa, "rcdl:check", user_id=member), other))

    refused = await discord_bot.interact(slash("recall-psa", action="stats"))
    assert bodies(refused) == [t("en", "psa_admin_refused")]
    stats = bodies(await discord_bot.interact(
        slash("recall-psa", action="stats", permissions=MANAGE_MESSAGES)))
    assert t("en", "stats_checks_started", count=5) in stats[0]
    assert t("en", "stats_verdict_confirm_on_checker", count=5) in stats[0]
    elsewhere = bodies(await discord_bot.interact(in_guild(
        slash("recall-psa", action="stats", permissions=MANAGE_MESSAGES), other)))
    fewer = t("en", "stats_fewer_than", min=MIN_SHOWN)
    assert t("en", "stats_checks_started", count=fewer) in elsewhere[0]
    assert t("en", "stats_verdict_confirm_on_checker", count=fewer) in elsewhere[0]
    assert other != GUILD_ID


async def test_discord_channel_subscription_needs_manage_messages(
        discord_bot: Bot) -> None:
    community = discord_bot.client.engine
    assert isinstance(community, Community)
    refused = bodies(await discord_bot.interact(slash("recall-psa", action="subscribe",
                                                      brand="anker")))
    assert refused == [t("en", "psa_admin_refused")]
    assert await community.store.channels("discord") == []
    unknown = bodies(await discord_bot.interact(slash(
        "recall-psa", action="subscribe", brand="acme", permissions=MANAGE_MESSAGES)))
    assert unknown[0].startswith(t("en", "psa_subscribe_unknown", words="acme",
                                   brands="X").split("“")[0])
    done = bodies(await discord_bot.interact(slash(
        "recall-psa", action="subscribe", brand="anker", region="JP",
        permissions=MANAGE_MESSAGES)))
    assert done == [t("en", "psa_subscribed", what="Anker · Japan")]
    (sub,) = await community.store.channels("discord")
    assert (sub.group_id, sub.brand, sub.region) == (GUILD_ID, "Anker", "JP")
