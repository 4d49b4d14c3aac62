"""Rendering, parsing, settings and log redaction, without an Application."""

from __future__ import annotations

import html
import logging
from pathlib import Path

import pytest

from adapters import logsafety
from adapters.telegram.parse import split_command
from adapters.telegram.render import MAX_MESSAGE, html_chunks, render
from adapters.telegram.settings import TelegramSettings
from bot.cli import main
from bot.replies import Button, PsaCard, Section, TextReply, VerdictCard
from tests.adapters.telegram.conftest import SECRET_HALF, TOKEN
from tests.adapters.telegram.fake_bot_api import BadRequest, telegram_html_text


def test_user_text_is_escaped_and_only_our_tags_remain() -> None:
    card = VerdictCard(
        title="<b>A1263</b> & co", verdict="affected", model="A1263",
        sections=[Section(heading="a < b", lines=["</i><script>", "5 > 3 &amp;"])],
        footer="<a href='x'>src</a>",
    )
    [chunk] = html_chunks(card)
    assert chunk.startswith("<b>&lt;b&gt;A1263&lt;/b&gt; &amp; co</b>")
    assert telegram_html_text(chunk) == card.plain_text()


def test_the_fake_rejects_what_telegram_rejects() -> None:
    for bad in ("a < b", "x & y", "<script>x</script>", "<b>open", "<b>x</i>"):
        with pytest.raises(BadRequest):
            telegram_html_text(bad)


def test_a_5000_character_reply_is_split_into_valid_messages() -> None:
    text = ("line & <more> " * 40 + "\n") * 9 + "y" * 5000
    outs = render(TextReply(text=text, buttons=[Button(label="ok", token="rc1:again")]), "bot")
    assert len(outs) > 1
    assert all(len(o.text) <= MAX_MESSAGE for o in outs)
    assert "".join(telegram_html_text(o.text) for o in outs).replace("\n", "") == text.replace(
        "\n", "")
    assert [o.reply_markup is not None for o in outs] == [False] * (len(outs) - 1) + [True]


def test_buttons_become_callback_data_deep_links_and_urls() -> None:
    card = PsaCard(title="PSA", buttons=[
        Button(label="Check", deep_link="check-A1263"), Button(label="Pick", token="rc1:pick:A1"),
        Button(label="Web", url="https://example.org/recall"),
    ])
    [out] = render(card, "recall_test_bot")
    assert out.reply_markup is not None
    keys = [row[0] for row in out.reply_markup.inline_keyboard]
    assert keys[0].url == "https://t.me/recall_test_bot?start=check-A1263"
    assert keys[1].callback_data == "rc1:pick:A1"
    assert keys[2].url == "https://example.org/recall"


@pytest.mark.parametrize(("text", "expected"), [
    ("/start check-A1263", ("start", "check-A1263")),
    ("/START@Recall_Test_Bot  x ", ("start", "x")),
    ("/psa@other_bot", None),
    ("hello", None),
])
def test_commands_and_deep_link_payloads(text: str, expected: tuple[str, str] | None) -> None:
    assert split_command(text, "recall_test_bot") == expected


def test_settings_need_a_token_and_read_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "RECALL_BOT_DB"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="telegram_bot_token"):
        TelegramSettings()
    (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nRECALL_BOT_DB=x.db\n")
    settings = TelegramSettings()
    assert settings.token == TOKEN and settings.recall_bot_db == "x.db"
    assert settings.base_file_url == "https://api.telegram.org/file/bot"
    assert TOKEN not in repr(settings)
    secret = settings.webhook_secret()
    assert secret == TelegramSettings().webhook_secret() and TOKEN not in secret
    assert 1 <= len(secret) <= 256 and secret.replace("_", "").replace("-", "").isalnum()


def test_redaction_covers_messages_arguments_and_tracebacks(caplog: pytest.LogCaptureFixture
                                                            ) -> None:
    uninstall = logsafety.install(TOKEN)
    try:
        assert logging.getLogger("httpx").level == logging.WARNING
        assert logging.getLogger("telegram").getEffectiveLevel() >= logging.INFO
        assert logging.getLogger("aiosqlite").getEffectiveLevel() >= logging.INFO
        caplog.set_level(logging.DEBUG)
        log = logging.getLogger("anything.at.all")
        log.debug("url https://api.telegram.org/bot%s/getMe", TOKEN)
        log.info("encoded %s", html.escape(TOKEN).replace(":", "%3A"))
        try:
            raise RuntimeError(f"The token `{TOKEN}` was rejected")
        except RuntimeError:
            log.exception("failed")
    finally:
        uninstall()
    assert caplog.text.count("<redacted>") >= 3
    assert TOKEN not in caplog.text and SECRET_HALF not in caplog.text


def test_cli_explains_missing_settings_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["telegram"]) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    assert main(["telegram", "--webhook-url", "https://x.example/hook", "--listen", "nope"]) == 2
    err = capsys.readouterr().err
    assert "--listen HOST:PORT" in err and TOKEN not in err
