"""End to end with the real Application and Engine, offline: private chat, buttons, restarts."""

from __future__ import annotations

import time
from html.parser import HTMLParser

from bot.engine import Engine
from tests.adapters.telegram.conftest import Harness
from tests.adapters.telegram.fake_bot_api import Call, FakeBotApi, telegram_html_text

SERIAL = "A1B2C3D4E5F6G7H8"


def shown(calls: list[Call]) -> str:
    """What the user sees: the visible text of the bot's messages."""
    return "\n".join(telegram_html_text(c.params["text"]) for c in calls)


def button_labels(calls: list[Call]) -> list[str]:
    return [b["text"] for c in calls
            for row in (c.params.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row]


async def test_start_model_serial_verdict(bot: Harness) -> None:
    chat = bot.private_chat()
    greeting = await chat.say("/start")
    assert "A1263" in button_labels(greeting)
    assert all(c.params["parse_mode"] == "HTML" for c in greeting)

    region = await chat.say("A1263")
    assert "A1263" in shown(region) and "United States" in button_labels(region)
    asked = await chat.press("United States")
    assert "serial" in shown(asked).lower()

    verdict = await chat.say(SERIAL)
    assert verdict, "a verdict follows the serial"
    assert "A1263" in shown(verdict)
    # Issue #12: the official checker is a URL button, first; no raw URL in the text.
    first = verdict[-1].params["reply_markup"]["inline_keyboard"][0][0]
    assert first["url"].startswith("https://www.anker.com/")
    assert "https://" not in shown(verdict)
    assert '<a href="https://www.cpsc.gov/' in verdict[-1].params["text"]  # the source line
    assert button_labels(verdict), "the verdict offers next steps as buttons"


async def test_button_press_answers_the_callback_then_replies(
    bot: Harness, fake: FakeBotApi
) -> None:
    chat = bot.private_chat()
    await chat.say("/start")
    before = len(fake.calls)
    replies = await chat.press("A1263")
    methods = [c.method for c in fake.calls[before:]]
    assert methods[0] == "answerCallbackQuery", "the spinner stops before the engine works"
    assert "United States" in button_labels(replies) and "A1263" in shown(replies)


async def test_button_pressed_after_restart_on_the_same_database(bot: Harness) -> None:
    chat = bot.private_chat()
    await chat.say("/start")
    await chat.say("A1263")
    await bot.restart()  # a new Application and a new Engine: only the SQLite file remains
    asked = await chat.press("United States")
    assert "A1263" in shown(asked) and "serial" in shown(asked).lower()


async def test_deep_link_starts_a_check_for_the_model(bot: Harness) -> None:
    replies = await bot.private_chat().say("/start check-A1263")
    assert "A1263" in shown(replies) and "serial" in shown(replies).lower()


async def test_commands_registered_per_language(bot: Harness, fake: FakeBotApi) -> None:
    calls = fake.calls_to("setMyCommands")
    codes = [c.get("language_code") for c in calls]
    assert {"en", "es", "de", "zh", "ja", None} <= set(codes)
    engine = bot.engines[-1]
    german = next(c for c in calls if c.get("language_code") == "de")
    assert [x["command"] for x in german["commands"]][:2] == ["start", "check"]
    assert german["commands"][0]["description"] == engine.catalog.text("de", "cmd_start")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [value or "" for name, value in attrs if name == "href"]

    def handle_data(self, data: str) -> None:
        self.text += data


async def test_html_injection_is_delivered_escaped(fake: FakeBotApi, bot: Harness) -> None:
    chat = bot.private_chat()
    await chat.say("/start")
    replies = await chat.say("<b>my A1263</b> & <i>bare < here")
    replies += await chat.say("</b><a href='x'>A1263 & friends")
    assert replies and fake.rejections == []
    for call in replies:
        parser = _Tags()
        parser.feed(call.params["text"])
        parser.close()
        assert set(parser.tags) <= {"b", "i", "a"}, parser.tags  # only the tags the renderer made
        assert all(href.startswith("https://") for href in parser.hrefs), parser.hrefs  # not 'x'
        assert "<b>my" not in call.params["text"] and "href='x'" not in call.params["text"]


async def test_a_5000_character_message_gets_an_answer(bot: Harness, fake: FakeBotApi) -> None:
    replies = await bot.private_chat().say("A1263 " + "x" * 4994)
    assert replies and fake.rejections == []
    assert all(len(c.params["text"]) <= 4096 for c in replies)


async def test_429_waits_retry_after_and_retries(bot: Harness, fake: FakeBotApi) -> None:
    fake.fail_next("sendMessage", retry_after=1)
    started = time.monotonic()
    replies = await bot.private_chat().say("/start")
    elapsed = time.monotonic() - started
    attempts = [c.status for c in fake.calls if c.method == "sendMessage"]
    assert attempts[:2] == [429, 200] and replies
    assert elapsed >= 1.0, "retried only after retry_after seconds"


async def test_a_failed_send_gets_the_catalogued_apology_and_the_bot_keeps_serving(
    bot: Harness, fake: FakeBotApi
) -> None:
    chat = bot.private_chat()
    fake.break_next("sendMessage")
    apology = await chat.say("/start")
    engine: Engine = bot.engines[-1]  # type: ignore[assignment]
    assert [c.params["text"] for c in apology if c.status == 200] == [
        engine.catalog.text("en", "ui_error_apology")
    ]
    assert "A1263" in button_labels(await chat.say("/start"))
