"""Command and option descriptions in every bot language, from the message catalog.

Descriptions are `locale_str(english, msgid=...)`; at sync time discord.py asks this translator for
each Discord locale, and we answer from bot/locales/<lang>.po. Command names stay English (they are
typed, and one name per command keeps help texts and docs simple).
"""

from __future__ import annotations

import logging

from discord import Locale, app_commands

from bot.catalog import CATALOG, DEFAULT_LANGUAGE

log = logging.getLogger(__name__)

DESCRIPTION_MAX = 100

# Discord locale → catalog language. en-US/en-GB get the default (English) text anyway.
DISCORD_LOCALES: dict[Locale, str] = {
    Locale.spain_spanish: "es",
    Locale.latin_american_spanish: "es",
    Locale.german: "de",
    Locale.chinese: "zh-Hans",
    Locale.taiwan_chinese: "zh-Hant",
    Locale.japanese: "ja",
}


def described(msgid: str) -> app_commands.locale_str:
    """A translatable description: the English catalog text, tagged with its msgid."""
    return app_commands.locale_str(CATALOG.text(DEFAULT_LANGUAGE, msgid), msgid=msgid)


class CatalogTranslator(app_commands.Translator):
    """Answers discord.py's translation requests with the catalog's text for that language."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        """The catalog text of `string`'s msgid in `locale`'s language, or None to keep English."""
        msgid = string.extras.get("msgid")
        lang = DISCORD_LOCALES.get(locale)
        if not isinstance(msgid, str) or lang is None or not CATALOG.has(lang, msgid):
            return None
        text = CATALOG.text(lang, msgid)
        if not 1 <= len(text) <= DESCRIPTION_MAX:
            log.warning("catalog %s/%s is %d characters; Discord allows 1-%d, using English",
                        lang, msgid, len(text), DESCRIPTION_MAX)
            return None
        return text
