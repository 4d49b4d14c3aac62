"""`recall-bot discord sync` sends commands Discord accepts (rules from the official docs, D6–D11)."""

from __future__ import annotations

from typing import Any

import pytest
from discord import Locale, app_commands

from adapters.discord import translator
from adapters.discord.cli import sync_commands
from adapters.discord.settings import DiscordSettings
from bot.catalog import CATALOG

from .fake_discord import TOKEN, FakeDiscord

SUBCOMMAND, STRING = 1, 3
MAX_COMMAND_SIZE = 4000  # our budget; Discord's documented cap is 8,000 (D11)


def valid_name(name: str) -> bool:
    """^[-_'\\p{L}\\p{N}]{1,32}$ and lowercase where a lowercase exists (D6)."""
    return 1 <= len(name) <= 32 and name == name.lower() and \
        all(c.isalpha() or c.isdigit() or c in "-_'" for c in name)


def check_options(options: list[dict[str, Any]], where: str) -> None:
    assert len(options) <= 25, where
    required_seen_last = True
    for option in options:
        label = f"{where} {option['name']}"
        assert valid_name(option["name"]), label
        assert 1 <= len(option["description"]) <= 100, label
        for text in (option.get("description_localizations") or {}).values():
            assert 1 <= len(text) <= 100, label
        assert len(option.get("choices") or []) <= 25, label
        assert not (option.get("choices") and option.get("autocomplete")), label
        if option["type"] == SUBCOMMAND:
            check_options(option.get("options") or [], label)
            continue
        required = bool(option.get("required"))
        assert not (required and not required_seen_last), f"{label}: required after optional"
        required_seen_last = required


def size(node: dict[str, Any], locale: str | None = None) -> int:
    """Characters of name + description + choice values, in one locale (D11)."""
    def pick(key: str) -> str:
        localized = (node.get(f"{key}_localizations") or {}).get(locale or "")
        return str(localized or node.get(key) or "")
    total = len(pick("name")) + len(pick("description"))
    total += sum(len(str(c.get("value", ""))) + len(c["name"]) for c in node.get("choices") or [])
    return total + sum(size(o, locale) for o in node.get("options") or [])


async def synced(fake: FakeDiscord, guild: int | None = None) -> list[dict[str, Any]]:
    settings = DiscordSettings(discord_bot_token=TOKEN, discord_api_base_url=fake.base_url)
    count = await sync_commands(settings, guild)
    commands = fake.synced["global" if guild is None else str(guild)]
    assert count == len(commands)
    return commands


async def test_synced_commands_follow_discords_rules(fake: FakeDiscord) -> None:
    commands = await synced(fake)

    assert {c["name"] for c in commands} == {"recall", "recall-psa"}
    for command in commands:
        assert valid_name(command["name"]), command["name"]
        assert 1 <= len(command["description"]) <= 100
        check_options(command.get("options") or [], command["name"])
        locales = {None} | set(command.get("description_localizations") or {})
        for locale in locales:
            assert size(command, locale) <= MAX_COMMAND_SIZE, (command["name"], locale)


async def test_recall_is_open_to_everyone_and_psa_is_for_moderators(fake: FakeDiscord) -> None:
    commands = {c["name"]: c for c in await synced(fake)}
    recall, psa = commands["recall"], commands["recall-psa"]

    assert recall.get("default_member_permissions") is None
    assert sorted(recall["contexts"]) == [0, 1]  # servers and DMs with the bot
    assert int(psa["default_member_permissions"]) == 1 << 13  # Manage Messages (D14)
    assert psa["contexts"] == [0]
    subcommands = {o["name"]: o for o in recall["options"]}
    assert set(subcommands) == {"check", "models", "remedy", "dispose", "contact", "help",
                                "forget", "alerts"}  # alerts: issue #16
    action = next(o for o in psa["options"] if o["name"] == "action")  # issue #16
    assert [c["value"] for c in action["choices"]] == ["post", "subscribe", "unsubscribe", "stats"]
    assert not action.get("required", False)  # /recall-psa alone still posts the PSA
    check = subcommands["check"]["options"]
    assert [(o["name"], o.get("required", False), o.get("autocomplete", False)) for o in check] \
        == [("model", True, True), ("serial", False, False), ("region", False, False)]
    assert subcommands["check"]["description"] == CATALOG.text("en", "cmd_check")
    assert check[0]["description"] == CATALOG.text("en", "param_model")
    languages = {"es-ES": "es", "de": "de", "zh-CN": "zh-Hans", "zh-TW": "zh-Hant", "ja": "ja"}
    for locale, lang in languages.items():  # the real catalogs, through the translator
        assert subcommands["check"]["description_localizations"][locale] == \
            CATALOG.text(lang, "cmd_check")


async def test_guild_sync_registers_in_that_guild_only(fake: FakeDiscord) -> None:
    commands = await synced(fake, guild=1234)
    assert {c["name"] for c in commands} == {"recall", "recall-psa"}
    assert "global" not in fake.synced


@pytest.mark.parametrize(("locale", "lang"), [
    (Locale.spain_spanish, "es"), (Locale.german, "de"), (Locale.chinese, "zh-Hans"),
    (Locale.taiwan_chinese, "zh-Hant"), (Locale.japanese, "ja"),
])
async def test_descriptions_are_translated_from_the_catalog(
        monkeypatch: pytest.MonkeyPatch, locale: Locale, lang: str) -> None:
    texts = {(lang, "cmd_check"): f"[{lang}] check", (lang, "cmd_help"): "x" * 101}
    monkeypatch.setattr(CATALOG, "has", lambda la, msgid: (la, msgid) in texts)
    monkeypatch.setattr(CATALOG, "text", lambda la, msgid, **kw: texts[(la, msgid)])
    context = app_commands.TranslationContext(
        app_commands.TranslationContextLocation.other, None)
    translate = translator.CatalogTranslator().translate

    check = app_commands.locale_str("Check", msgid="cmd_check")
    assert await translate(check, locale, context) == f"[{lang}] check"
    too_long = app_commands.locale_str("Help", msgid="cmd_help")
    assert await translate(too_long, locale, context) is None  # over 100: keep English
    assert await translate(check, Locale.french, context) is None  # not a bot language
