"""Groups (commands, mentions, admins, privacy) and inline mode, through the real Application."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.catalog import CATALOG
from bot.inbound import Inbound
from bot.replies import Button, Reply, TextReply
from tests.adapters.telegram.conftest import Harness
from tests.adapters.telegram.fake_bot_api import FakeBotApi, telegram_html_text
from tests.adapters.telegram.test_conversation import shown

GROUP = -100123


def urls(calls: list[Any]) -> list[str]:
    return [b["url"] for c in calls
            for row in (c.params.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row if "url" in b]


async def test_psa_by_an_admin_posts_the_card_with_a_deep_link(
    bot: Harness, fake: FakeBotApi
) -> None:
    fake.chat_members[(GROUP, 7)] = "administrator"
    posted = await bot.group_chat(7).say("/psa")
    psa = bot.engines[-1].psa("en")  # type: ignore[attr-defined]
    assert psa.title in shown(posted)
    assert "https://t.me/recall_test_bot?start=check" in urls(posted)
    assert fake.calls_to("getChatMember") == [{"chat_id": GROUP, "user_id": 7}]


async def test_psa_by_a_member_is_refused_and_a_demotion_counts_at_once(
    bot: Harness, fake: FakeBotApi
) -> None:
    """Finding 7: the admin check used a 60 s cache, so a demoted admin kept /psa for a minute."""
    member = bot.group_chat(8)
    psa = bot.engines[-1].psa("en")  # type: ignore[attr-defined]
    refused = await member.say("/psa@recall_test_bot")
    assert refused and psa.title not in shown(refused)
    fake.chat_members[(GROUP, 8)] = "administrator"
    assert psa.title in shown(await member.say("/psa")), "a promotion counts at once"
    fake.chat_members[(GROUP, 8)] = "member"
    demoted = await member.say("/psa")
    assert demoted and psa.title not in shown(demoted), "a demotion counts at once"
    assert len(fake.calls_to("getChatMember")) == 3


async def test_anonymous_admin_posting_as_the_group_may_post_the_psa(
    bot: Harness, fake: FakeBotApi
) -> None:
    """Finding 7: messages of anonymous admins come from a bot account and were dropped."""
    group = fake.chat(GROUP, "supergroup")
    update = fake.message("/psa", chat=group)
    update["message"]["from"] = {"id": 1087968824, "is_bot": True,
                                 "first_name": "Group", "username": "GroupAnonymousBot"}
    update["message"]["sender_chat"] = group
    posted = await bot.feed(update)
    psa = bot.engines[-1].psa("en")  # type: ignore[attr-defined]
    assert psa.title in shown(posted)
    assert fake.calls_to("getChatMember") == [], "no lookup needed: it is the group itself"
    other_bot = fake.message("/psa", chat=group)
    other_bot["message"]["from"] = {"id": 555, "is_bot": True, "first_name": "Spam"}
    assert await bot.feed(other_bot) == [], "other bots stay ignored"


async def test_group_ignores_chatter_but_answers_mentions_and_commands(
    bot: Harness, fake: FakeBotApi
) -> None:
    member = bot.group_chat(9)
    assert await member.say("my A1263 got hot yesterday") == []
    assert await member.say("/start@some_other_bot") == []
    mentioned = await member.say("@recall_test_bot is the A1263 recalled?")
    check = await member.say("/check A1263")
    for replies in (mentioned, check):
        assert replies and all(c.params["chat_id"] == GROUP for c in replies)
    # a check started in a group continues privately, through a deep link
    assert any(u.startswith("https://t.me/recall_test_bot?start=check") for u in urls(check))


class SerialEcho:
    """An engine stand-in whose first reply holds personal data (a serial)."""

    catalog = CATALOG

    async def handle(self, inbound: Inbound) -> list[Reply]:
        return [TextReply(text="serial A1B2C3D4E5F6G7H8", private=True),
                TextReply(text="public", buttons=[Button(label="go", deep_link="check")])]

    def language_for(self, locale: str | None) -> str:
        return "en"

    def inline_answers(self, query: str, lang: str) -> list[Reply]:
        return []

    async def close(self) -> None:
        return None


async def test_private_replies_are_never_sent_to_a_group(fake: FakeBotApi, tmp_path: Path) -> None:
    harness = Harness(fake, tmp_path / "unused.db", engine=SerialEcho())
    await harness.start()
    in_group = await harness.group_chat(9).say("/check")
    in_private = await harness.private_chat(9).say("hi")
    await harness.stop()
    assert [c.params["text"] for c in in_group] == ["public"]
    assert [c.params["text"] for c in in_private] == ["serial A1B2C3D4E5F6G7H8", "public"]


async def test_inline_query_shares_the_psa_and_model_cards(bot: Harness, fake: FakeBotApi) -> None:
    await bot.feed(fake.inline_query("a12"))
    [answer] = fake.calls_to("answerInlineQuery")
    results = answer["results"]
    assert 2 <= len(results) <= 50
    engine: Any = bot.engines[-1]
    assert results[0]["title"] == engine.catalog.text("en", "ui_inline_psa_title")
    assert any("A1263" in r["title"] for r in results[1:])
    for result in results:
        assert len(telegram_html_text(result["input_message_content"]["message_text"])) <= 4096
        links = [b["url"] for row in result["reply_markup"]["inline_keyboard"] for b in row]
        assert any(u.startswith("https://t.me/recall_test_bot?start=check") for u in links)
        assert "callback_data" not in str(result["reply_markup"])
    assert answer["button"]["start_parameter"] == "check"
