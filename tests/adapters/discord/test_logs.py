"""With every logger at DEBUG, neither the Discord token nor a serial reaches the logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters import logsafety
from bot.engine import Engine

from .conftest import start_bot
from .fake_discord import TOKEN, FakeDiscord
from .payloads import slash

SERIAL = "AKF12Z330L8419B6"


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(logging.Formatter("%(name)s %(message)s").format(record))


@pytest.fixture
def debug_logs() -> Iterator[_Capture]:
    root = logging.getLogger()
    capture = _Capture()
    old_level = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(capture)
    uninstall = logsafety.install(TOKEN)  # what `recall-bot discord` installs at start-up
    try:
        yield capture
    finally:
        uninstall()
        root.removeHandler(capture)
        root.setLevel(old_level)


async def test_token_and_serial_never_logged_at_debug(
        fake: FakeDiscord, db_path: Path, debug_logs: _Capture) -> None:
    engine = await Engine.open(db_path)
    bot = await start_bot(fake, engine)
    try:
        await bot.interact(slash("recall", "check", model="A1263", serial=SERIAL, region="US"))
        logging.getLogger("adapters.discord").warning("token check %s", TOKEN)  # a deliberate leak
    finally:
        await bot.client.close()
        await engine.close()
    text = "\n".join(debug_logs.lines)
    assert debug_logs.lines, "nothing was logged: the capture is not working"
    assert "<redacted>" in text  # the deliberate leak was caught, so redaction is active
    assert TOKEN not in text
    assert SERIAL not in text
