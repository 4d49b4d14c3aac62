"""A PSA worth posting (issue #12): by brand, one line per model, links, contacts, one message."""

from __future__ import annotations

import re

import pytest

from adapters.discord.render import render as discord_render
from adapters.telegram.render import MAX_MESSAGE, html_chunks
from bench.answers import html_visible
from bot.catalog import CATALOG, LANGUAGES
from bot.present import date_label, psa_brand, psa_card, short_product_name
from bot.replies import PsaCard
from bot.truth import enforce
from knowledge import Knowledge


def psa(kb: Knowledge, lang: str, brand: str | None = None, region: str | None = None) -> PsaCard:
    card = enforce(psa_card(kb, lang, brand, region), strict=True)
    assert isinstance(card, PsaCard)
    return card


def test_grouped_by_brand_anker_first_every_model_once_with_its_name(kb: Knowledge) -> None:
    card = psa(kb, "en")
    brands = [s.heading for s in card.sections if s.heading and s.heading != "What to do"]
    assert brands[0] == "Anker"
    assert brands[1:] == sorted(brands[1:], key=str.lower)
    text = card.plain_text()
    listed = "\n".join(s.plain_text() for s in card.sections[1:-1])  # not the intro and steps
    for campaign in kb.index.campaigns:  # every model once: Anker a line each, others per brand
        for product in campaign.products:
            found = re.findall(rf"(?<![\w-]){re.escape(product.model)}(?![\w-])", listed)
            assert len(found) == 1, product.model
    first = kb.index.campaigns_for_model("A1263")[0]
    name = short_product_name(first.products[0].name, "Anker", "A1263")
    assert name == "PowerCore 10000"  # brand and model are not repeated in the name
    assert "• A1263 PowerCore 10000: stop using it, check the serial" in text
    assert "• Hererod EW40, PW40: an authority warns: stop using it (no remedy)" in text
    baseus = psa(kb, "en", "baseus").plain_text()  # one brand asked for: a line per model
    assert "• PPCXM06 Magnetic Wireless Charging Power Bank: all units recalled" in baseus


def test_checker_link_contacts_as_of_and_check_button(kb: Knowledge) -> None:
    card = psa(kb, "en")
    anker = [s for s in card.sections if s.links]
    assert anker and anker[0].links[0].url == "https://www.anker.com/product-recalls"
    text = card.plain_text()
    assert "support@anker.com" in text and "800-988-7973" in text
    assert CATALOG.text("en", "psa_as_of", date=date_label(kb.index.as_of, "en")) in text
    assert card.buttons[0].deep_link == "check"
    assert card.buttons[0].label == "Check my device"
    # Brands without a public checker are never told to use one.
    xiaomi = psa(kb, "en", "xiaomi").plain_text()
    assert "PB2030MI 33W Power Bank 20000mAh (Integrated Cable): stop using it, ask Xiaomi" in xiaomi
    assert "• Xiaomi PB2030MI: stop using it, ask Xiaomi" in text


def test_narrowed_to_a_brand_and_region(kb: Knowledge) -> None:
    card = psa(kb, "en", "anker", "US")
    text = card.plain_text()
    assert next(s.heading for s in card.sections if s.heading) == "Anker"
    assert "Baseus" not in text and "Romoss" not in text
    assert "• A1263" in text
    de = psa(kb, "en", "anker", "DE").plain_text()
    assert "• A1263" not in de, "A1263 is recalled in the US and Japan, not in Germany"
    assert "• A1257" in de  # the worldwide recall
    nothing = psa(kb, "en", "charmast", "JP").plain_text()
    assert CATALOG.text("en", "psa_nothing_listed") in nothing


def test_brand_is_read_from_the_command_arguments(kb: Knowledge) -> None:
    assert psa_brand(kb, "anker us") == "Anker"
    assert psa_brand(kb, "US, INIU") == "INIU"
    assert psa_brand(kb, "us") is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_fits_one_telegram_message_and_one_discord_embed(kb: Knowledge, lang: str) -> None:
    card = psa(kb, lang)
    [chunk] = html_chunks(card)  # one message
    assert len(chunk) <= MAX_MESSAGE
    assert "https://" not in html_visible(chunk), "links are links, not raw URLs"
    embed = discord_render(card).embed
    assert embed is not None
    assert len(embed) <= 6000 and len(embed.fields) <= 25
    assert all(len(f.value or "") <= 1024 for f in embed.fields)
    values = "\n".join(f.value or "" for f in embed.fields)
    assert "](https://www.anker.com/product-recalls)" in values  # a masked link, not a bare URL
    # Every model of every brand made it into the embed (nothing cut to fit).
    for campaign in kb.index.campaigns:
        for product in campaign.products:
            assert product.model in values, (lang, product.model)
