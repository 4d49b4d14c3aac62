"""Rule-based words: the safety reflex, cancel/yes/no, regions (cases, codes, places, shops)."""

from __future__ import annotations

import re

import pytest

from bot import lexicon
from bot.understanding import find_region, understand
from knowledge import Knowledge

INDEX = Knowledge.load().index


def test_safety_pattern_is_lower_case() -> None:
    """It is matched against the lower-cased message: capitals in it would never match."""
    without_escapes = re.sub(r"\\[A-Za-z]", "", lexicon.SAFETY.pattern)
    assert not re.search(r"[A-Z]", without_escapes)


@pytest.mark.parametrize("text", [
    "IS IT SWELLING?", "burning plastic smell from my A1689", "dropped my A1263 in the pool",
    "toddler chewed our power bank", "es hat gefunkt", "se me cayó al agua", "充电宝鼓包了",
    "モバイルバッテリーが水没した", "it's too hot to touch", "there's a hole in it, the dog bit into it",
])
def test_safety_reflex(text: str) -> None:
    assert understand(text, INDEX).safety


@pytest.mark.parametrize("text", [
    "why is it recalled for fire hazard", "燃えないゴミに出していい？", "la batería se llama PowerCore",
    "what's the hotline number", "the ESR expansion added a model",
])
def test_no_false_alarm_on_ordinary_questions(text: str) -> None:
    assert not understand(text, INDEX).safety


@pytest.mark.parametrize(("text", "reflex"), [
    ("cancel", "cancel"), ("nvm stop", "cancel"), ("取消", "cancel"), ("YES", "yes"),
    ("はい", "yes"), ("nein", "no"), ("stop using it?", None),
])
def test_reflexes_on_whole_short_messages(text: str, reflex: str | None) -> None:
    assert understand(text, INDEX).reflex == reflex


@pytest.mark.parametrize(("text", "region"), [
    ("can you help us?", None),             # the pronoun is not the country
    ("send us the photos", None),
    ("bought in the US", "US"),
    ("I got it in the U.S.A.", "US"),
    ("¥3,990で買いました", "JP"),            # yen in a Japanese sentence
    ("我在淘宝花了¥100", "CN"),
    ("我在台灣買的", "TW"),
    ("amazon.ca order", "CA"),
    ("Shenzhen", "CN"),                     # cities
    ("bought it in Osaka", "JP"),
    ("CA", "CA"),                           # codes: alone, or in capitals
    ("region: jp", "JP"),
    ("bought in DE last year", "DE"),
    ("de nada", None),                      # a Spanish word, not Germany
    ("IS IT OK TO USE", None),              # shouting is not Italy
    ("Costco in Calgary", "US"),            # the earliest mention wins
    ("got it from Currys", "GB"),           # shops
])
def test_regions(text: str, region: str | None) -> None:
    assert find_region(text) == region
