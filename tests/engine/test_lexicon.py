"""The intent patterns are matched against lower-cased text, so they must be lower-case."""

from __future__ import annotations

import re

import pytest

from bot.lexicon import INTENT_SOURCES
from bot.understanding import Intent, find_intents


@pytest.mark.parametrize("name", sorted(INTENT_SOURCES))
def test_intent_pattern_has_no_upper_case_letters(name: str) -> None:
    without_escapes = re.sub(r"\\[A-Za-z]", "", INTENT_SOURCES[name])
    assert not re.search(r"[A-Z]", without_escapes), f"{name}: upper-case letters never match"


@pytest.mark.parametrize(("text", "intent"), [
    ("HOW DO I DISPOSE OF IT?", Intent.DISPOSE),
    ("What Do I Get", Intent.REMEDY),
    ("Is It Swelling?", Intent.EMERGENCY),
    ("WIE ENTSORGE ICH DAS", Intent.DISPOSE),
])
def test_intents_ignore_case(text: str, intent: Intent) -> None:
    assert intent in find_intents(text)


@pytest.mark.parametrize(("text", "region"), [
    ("can you help us?", None),             # the pronoun is not the country
    ("send us the photos", None),
    ("bought in the US", "US"),
    ("I got it in the U.S.A.", "US"),
    ("¥3,990で買いました", "JP"),            # yen in a Japanese sentence
    ("我在淘宝花了¥100", "CN"),
    ("我在台灣買的", "TW"),
    ("amazon.ca order", "CA"),
])
def test_regions(text: str, region: str | None) -> None:
    from bot.understanding import find_region

    assert find_region(text) == region
