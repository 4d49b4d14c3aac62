"""Headlines that cannot mislead (issue #12): a model recalled elsewhere, bought where it is not."""

from __future__ import annotations

import discord
import pytest

from adapters.discord.render import VERDICT_COLOURS, render
from bot.catalog import CATALOG, LANGUAGES
from bot.present import verdict_card
from bot.replies import VerdictCard
from knowledge import Knowledge

GERMANY = {
    "en": "No A1263 recall listed for Germany — it is recalled in the US and Japan",
    "es": "Ningún retiro de A1263 para Alemania, pero sí está retirada en EE. UU. y Japón",
    "de": "Kein Rückruf von A1263 für Deutschland gelistet – in den USA und Japan wird sie "
          "zurückgerufen",
    "zh-Hans": "德国没有 A1263 的召回记录——但它在美国和日本被召回",
    "zh-Hant": "德國沒有 A1263 的召回紀錄——但它在美國和日本被召回",
    "ja": "ドイツでは A1263 のリコールは未掲載――アメリカ、日本ではリコール対象です",
}


def germany(kb: Knowledge, lang: str) -> VerdictCard:
    return verdict_card(kb, kb.check("A1263", None, "DE"), lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_germany_headline_says_where_it_is_recalled(kb: Knowledge, lang: str) -> None:
    card = germany(kb, lang)
    assert card.title == GERMANY[lang]
    assert card.recalled_elsewhere
    # Never the neutral "not in any recall this bot knows" for a recalled model.
    assert CATALOG.text(lang, "verdict_not_in_known_recall_title", model="A1263") not in \
        card.plain_text()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_germany_card_has_the_checker_button_first_and_a_caution_colour(kb: Knowledge,
                                                                      lang: str) -> None:
    card = germany(kb, lang)
    assert card.buttons[0].url == "https://www.anker.com/product-recalls"
    assert card.buttons[0].label == CATALOG.text(lang, "button_checker", brand="Anker")
    embed = render(card).embed
    assert embed is not None and embed.colour is not None
    assert embed.colour != VERDICT_COLOURS["not_in_known_recall"]  # never grey
    assert embed.colour == discord.Colour.gold()


def test_an_unknown_model_stays_neutral(kb: Knowledge) -> None:
    """The grey 'not in any recall' is kept for models no recall names anywhere."""
    card = verdict_card(kb, kb.check("ZX9000", None, "DE"), "en")
    assert not card.recalled_elsewhere
    assert card.title == "ZX9000 is not in any recall this bot knows"
    embed = render(card).embed
    assert embed is not None and embed.colour == VERDICT_COLOURS["not_in_known_recall"]


@pytest.mark.parametrize("model", ["A1263", "A1257", "A1647", "A1652", "A1681", "A1689",
                                   "A1112", "2G505B", "BI-B41", "PB2030MI", "W1056"])
@pytest.mark.parametrize("region", ["US", "DE", "JP", "TW", "CN", "GB", "BR", "*"])
def test_no_recalled_model_is_ever_grey(kb: Knowledge, model: str, region: str) -> None:
    card = verdict_card(kb, kb.check(model, None, region), "en")
    embed = render(card).embed
    assert embed is not None
    assert embed.colour != VERDICT_COLOURS["not_in_known_recall"], card.title
