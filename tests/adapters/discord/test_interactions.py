"""The Discord bot end to end: gateway payloads in, discord.py's real HTTP requests out."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

from adapters.discord.views import CHECK_MODAL, SERIAL_MODAL
from bot.engine import Engine
from bot.inbound import Inbound
from bot.replies import Reply, TextReply, VerdictCard

from .conftest import Bot, drain, start_bot
from .fake_discord import FakeDiscord, Recorded
from .payloads import (
    DM_CHANNEL_ID,
    MANAGE_MESSAGES,
    custom_ids,
    dm_message,
    modal_submit,
    press,
    slash,
)

EPHEMERAL = 64
DEFER = 5
MESSAGE = 4
MODAL = 9
AUTOCOMPLETE_RESULT = 8
SERIAL = "AZ1263BCDEFGH123"  # 16 characters, the A1263 serial format


def callback(requests: list[Recorded]) -> dict[str, Any]:
    """The interaction callback body (exactly one per interaction)."""
    callbacks = [r for r in requests if r.path.endswith("/callback")]
    assert len(callbacks) == 1, [r.path for r in requests]
    return callbacks[0].json


def answers(requests: list[Recorded]) -> list[dict[str, Any]]:
    """Message bodies sent after the callback: the @original edit, then follow-ups."""
    return [r.json for r in requests
            if r.path.startswith("/webhooks/") and r.method in ("PATCH", "POST")]


def shown(body: dict[str, Any], *, footer: bool = True) -> str:
    """Everything a user can read in a message body (footers show no Markdown)."""
    parts = [body.get("content") or ""]
    for embed in body.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields") or []]
        if footer:
            parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(parts)


def deferred_ephemeral(requests: list[Recorded]) -> bool:
    body = callback(requests)
    return body["type"] == DEFER and body["data"]["flags"] & EPHEMERAL == EPHEMERAL


def last_message_with_buttons(fake: FakeDiscord) -> dict[str, Any]:
    return [m for m in fake.messages.values() if custom_ids(m)][-1]


async def test_check_without_serial_asks_for_it_privately(bot: Bot) -> None:
    requests = await bot.interact(slash("recall", "check", model="A1263", region="US"))

    assert deferred_ephemeral(requests)
    card = answers(requests)[0]  # is the model recalled (yes), and then: the serial, please
    assert card["embeds"] and "A1263" in shown(card) and "serial" in shown(card)
    assert "rc1:noserial@1" in custom_ids(card)
    assert card["allowed_mentions"] == {"parse": []}


async def test_explicit_region_option_beats_the_stored_region(bot: Bot) -> None:
    """The issue's finding: region:JP lost to a region stored earlier (a wrong verdict)."""
    await bot.interact(slash("recall", "check", model="A1263", serial=SERIAL, region="US"))
    requests = await bot.interact(slash("recall", "check", model="A1263", serial=SERIAL,
                                        region="JP"))
    text = " ".join(shown(a) for a in answers(requests))
    assert "A1256" in text  # Japan's replacement model
    assert "A1388" not in text  # not the US one


async def test_check_with_serial_gives_a_verdict_embed_only_to_the_user(bot: Bot) -> None:
    requests = await bot.interact(slash("recall", "check", model="A1263", serial=SERIAL,
                                        region="US"))

    assert deferred_ephemeral(requests)
    card = answers(requests)[0]
    embed = card["embeds"][0]
    assert "A1263" in shown(card)
    assert embed["color"] in {c.value for c in _verdict_colours()}
    assert {"rc1:topic:remedy", "rc1:topic:claim", "rc1:topic:dispose"} <= set(custom_ids(card))
    for later in answers(requests)[1:]:  # follow-ups stay private too
        assert later["flags"] & EPHEMERAL


async def test_autocomplete_offers_models_from_memory(bot: Bot) -> None:
    requests = await bot.interact(slash("recall", "check", model="A12", focused="model"))

    body = callback(requests)
    assert body["type"] == AUTOCOMPLETE_RESULT
    choices = body["data"]["choices"]
    assert 1 <= len(choices) <= 25
    assert {"A1263", "A1257"} <= {c["value"] for c in choices}
    assert all(len(c["name"]) <= 100 for c in choices)
    assert len(requests) == 1  # nothing else: no defer, no message


async def test_remedy_by_region_names_that_region(bot: Bot) -> None:
    requests = await bot.interact(slash("recall", "remedy", model="A1263", region="US"))

    assert deferred_ephemeral(requests)
    text = shown(answers(requests)[0])
    assert "United States" in text and "A1263" in text


async def test_button_works_before_and_after_a_restart(fake: FakeDiscord, db_path: Path) -> None:
    engine = await Engine.open(db_path)
    bot = await start_bot(fake, engine)
    await bot.interact(slash("recall", "check", model="A1263", serial=SERIAL, region="US"))
    verdict = last_message_with_buttons(fake)
    before = await bot.interact(press(verdict, "rc1:topic:remedy"))
    await bot.client.close()
    await engine.close()

    engine = await Engine.open(db_path)  # a new process: new client, same database
    bot = await start_bot(fake, engine)
    try:
        after = await bot.interact(press(verdict, "rc1:topic:claim"))
    finally:
        await bot.client.close()
        await engine.close()

    assert deferred_ephemeral(before) and deferred_ephemeral(after)
    assert "A1263" in shown(answers(before)[0])
    assert "A1263" in shown(answers(after)[0])
    assert shown(answers(after)[0]) != shown(answers(before)[0])  # claim steps, not remedy


async def test_psa_is_refused_to_a_member_privately(bot: Bot) -> None:
    requests = await bot.interact(slash("recall-psa"))

    assert deferred_ephemeral(requests)
    (refusal,) = answers(requests)
    assert "embeds" not in refusal or not refusal["embeds"]
    assert refusal["content"]


async def test_psa_is_posted_publicly_for_a_moderator_with_a_check_button(bot: Bot) -> None:
    requests = await bot.interact(slash("recall-psa", permissions=MANAGE_MESSAGES))

    body = callback(requests)
    assert body["type"] == DEFER and not body.get("data", {}).get("flags", 0) & EPHEMERAL
    (psa,) = answers(requests)
    assert psa["embeds"] and psa["allowed_mentions"] == {"parse": []}
    assert custom_ids(psa) == ["rcdl:check"]


async def test_check_my_device_opens_a_modal_whose_answer_is_private(
        bot: Bot, fake: FakeDiscord) -> None:
    await bot.interact(slash("recall-psa", permissions=MANAGE_MESSAGES))
    psa = last_message_with_buttons(fake)

    opened = await bot.interact(press(psa, "rcdl:check"))
    modal = callback(opened)
    assert modal["type"] == MODAL and modal["data"]["custom_id"] == CHECK_MODAL
    assert len(opened) == 1  # the modal is the first response; nothing ran before it

    submitted = await bot.interact(modal_submit(CHECK_MODAL, {
        "model": "A1263", "serial": SERIAL, "region": "US"}))
    assert deferred_ephemeral(submitted)
    assert "A1263" in shown(answers(submitted)[0])
    assert answers(submitted)[0]["embeds"]


async def test_serial_modal_answers_a_pending_check(bot: Bot) -> None:
    await bot.interact(slash("recall", "check", model="A1263", region="US"))

    submitted = await bot.interact(modal_submit(SERIAL_MODAL, {"serial": SERIAL}))

    assert deferred_ephemeral(submitted)
    assert answers(submitted)[0]["embeds"], "the serial completes the check: a verdict card"


class EchoEngine:
    """The real engine, except that it echoes the user's text (as a careless engine might)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.catalog = engine.catalog

    async def handle(self, inbound: Inbound) -> list[Reply]:
        echoed = inbound.args or inbound.text or ""
        return [TextReply(text=f"You said: {echoed}"),
                VerdictCard(title=echoed, verdict="affected", model="A1263", footer=echoed,
                            sections=[{"heading": echoed, "lines": [echoed]}])]  # type: ignore[list-item]

    def language_for(self, locale: str | None) -> str:
        return self._engine.language_for(locale)

    def autocomplete_models(self, prefix: str, lang: str) -> list[tuple[str, str]]:
        return self._engine.autocomplete_models(prefix, lang)


async def test_mention_injection_pings_nobody(fake: FakeDiscord, engine: Engine) -> None:
    bot = await start_bot(fake, EchoEngine(engine))
    try:
        requests = await bot.interact(slash("recall", "check", model="@everyone <@123> **bold**"))
        requests += await bot.interact(slash("recall", "check", model="@here <@!456> <@&789>"))
    finally:
        await bot.client.close()

    sent = answers(requests)
    assert sent
    for body in sent:
        assert body["allowed_mentions"] == {"parse": []}
        text = shown(body)
        assert not re.search(r"@everyone|@here|<@[!&]?\d+>", text), text
        assert "**bold**" not in shown(body, footer=False)
    assert "\\*\\*bold\\*\\*" in shown(sent[0])


class GatedEngine:
    """The real engine behind a gate: handle() waits until the test opens it."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.catalog = engine.catalog
        self.gate = asyncio.Event()
        self.started = asyncio.Event()

    async def handle(self, inbound: Inbound) -> list[Reply]:
        self.started.set()
        await self.gate.wait()
        return await self._engine.handle(inbound)

    def language_for(self, locale: str | None) -> str:
        return self._engine.language_for(locale)

    def autocomplete_models(self, prefix: str, lang: str) -> list[tuple[str, str]]:
        return self._engine.autocomplete_models(prefix, lang)


async def test_slow_engine_still_answers_within_three_seconds(
        fake: FakeDiscord, engine: Engine) -> None:
    slow = GatedEngine(engine)
    bot = await start_bot(fake, slow)
    payload = slash("recall", "check", model="A1263", region="US")
    loop = asyncio.get_running_loop()
    try:
        sent_at = loop.time()
        bot.dispatch(payload)
        (deferral,) = await fake.wait_for(lambda r: r.path.endswith("/callback"), timeout=3)
        deferred_at = loop.time()
        await asyncio.wait_for(slow.started.wait(), 3)
        assert not slow.gate.is_set()  # the engine is still busy, the user already sees "thinking"
        assert deferral.json["type"] == DEFER
        assert deferred_at - sent_at < 3
        slow.gate.set()
        await drain()
    finally:
        await bot.client.close()

    edits = [r for r in fake.for_interaction(payload) if r.method == "PATCH"]
    assert edits and edits[0].at > deferral.at
    assert "A1263" in shown(edits[0].json)  # the answer arrives as the deferred reply


class FailingEngine(GatedEngine):
    async def handle(self, inbound: Inbound) -> list[Reply]:
        raise RuntimeError("boom")


async def test_a_failure_becomes_the_catalogued_apology(fake: FakeDiscord, engine: Engine) -> None:
    bot = await start_bot(fake, FailingEngine(engine))
    try:
        requests = await bot.interact(slash("recall", "models", locale="en-US"))
    finally:
        await bot.client.close()

    assert deferred_ephemeral(requests)
    (apology,) = answers(requests)
    assert apology["content"] == engine.catalog.text("en", "ui_error_apology")
    assert apology["flags"] & EPHEMERAL


async def test_a_dm_conversation(bot: Bot) -> None:
    first = await bot.dm(dm_message("Hi, is my A1263 recalled?"))
    ignored = await bot.dm(dm_message("I am another bot", bot=True))

    assert ignored == []
    assert first and first[0].json["embeds"], "the model's verdict comes first"
    region_question = first[-1].json  # in the same message: where was it bought?
    assert "A1263" in shown(region_question)
    us = next(c for c in custom_ids(region_question) if c.startswith("rc1:region:US"))
    # the conversation continues with a button pressed in the DM
    message = bot.fake.messages[next(m for m, body in bot.fake.messages.items()
                                     if body["components"] == region_question["components"])]
    requests = await bot.interact(press(message, us, guild=False))
    assert deferred_ephemeral(requests)
    assert any("serial" in (a.get("content") or "") for a in answers(requests))
    second = await bot.dm(dm_message(SERIAL))
    assert all(r.json["allowed_mentions"] == {"parse": []} for r in first + second)
    assert second[0].json["embeds"], "serial and region known: the verdict card"


async def test_guild_messages_are_ignored(bot: Bot) -> None:
    message = dm_message("A1263 is it recalled?")
    message["guild_id"] = "920000000000000001"
    message["channel_id"] = "920000000000000002"
    assert await bot.dm(message) == []


class RecordingEngine(GatedEngine):
    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.inbounds: list[Inbound] = []

    async def handle(self, inbound: Inbound) -> list[Reply]:
        self.inbounds.append(inbound)
        return await self._engine.handle(inbound)


async def test_the_engine_hears_the_interaction_locale(fake: FakeDiscord, engine: Engine) -> None:
    recording = RecordingEngine(engine)
    bot = await start_bot(fake, recording)
    try:
        await bot.interact(slash("recall", "models", locale="de"))
        await bot.interact(slash("recall", "check", model="A1263", locale="zh-TW"))
    finally:
        await bot.client.close()

    assert [i.locale for i in recording.inbounds] == ["de", "zh-TW"]
    assert [i.platform for i in recording.inbounds] == ["discord", "discord"]
    assert recording.inbounds[1].command == "check" and recording.inbounds[1].args == "A1263"
    assert engine.language_for("zh-TW") == "zh-Hant"


def _verdict_colours() -> list[Any]:
    from adapters.discord.render import VERDICT_COLOURS
    return list(VERDICT_COLOURS.values())


def test_fake_payload_helpers_are_json() -> None:
    assert json.loads(json.dumps(slash("recall", "check", model="A1263")))["type"] == 2
    assert dm_message("x")["channel_id"] == DM_CHANNEL_ID
