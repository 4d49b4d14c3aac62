"""The bot token never reaches a log line, even with every logger at DEBUG."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from telegram.error import InvalidToken

from tests.adapters.telegram.conftest import SECRET_HALF, TOKEN, Harness
from tests.adapters.telegram.fake_bot_api import FakeBotApi

SERIAL = "A1B2C3D4E5F6G7H8"


async def test_token_and_serials_absent_from_debug_logs(
    fake: FakeBotApi, tmp_path: Path, redacted_logs: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for noisy in ("httpx", "httpcore", "telegram"):  # forced to DEBUG: redaction must still hold
        caplog.set_level(logging.DEBUG, logger=noisy)
    harness = Harness(fake, tmp_path / "state.db")
    await harness.start()
    chat = harness.private_chat()
    await chat.say("/start")
    await chat.say("A1263")
    fake.fail_next("sendMessage", retry_after=1)
    await chat.say(SERIAL)
    await chat.press("United States")
    fake.break_next("sendMessage")  # → error handler logs a traceback
    await chat.say("/help")
    await harness.feed(fake.inline_query("A1263"))
    await harness.stop()

    wrong = FakeBotApi("999:other-token-entirely")  # PTB puts the token in InvalidToken
    rejected = Harness(wrong, tmp_path / "other.db")
    with pytest.raises(InvalidToken) as info:
        await rejected.start()
    logging.getLogger("recall").error("start failed", exc_info=info.value)

    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert "Set Bot API URL" in text and "HTTP Request: POST" in text  # DEBUG was captured
    assert "<redacted>" in text and "Traceback" in text
    assert TOKEN not in text and SECRET_HALF not in text
    leaks = sorted({r.name for r in caplog.records if SERIAL in r.getMessage()})
    assert leaks == [], leaks
