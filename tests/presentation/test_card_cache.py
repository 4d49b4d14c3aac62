"""Verdict cards are built once and stamped per turn (#14): the cached card must be exactly the
card built from scratch, for every model, region, serial shape, language and version."""

from __future__ import annotations

import pytest

from bot import present
from bot.catalog import LANGUAGES
from knowledge import Knowledge

SERIALS = (None, "AKF12Z330L8419B6", "akf12 z330l8419b6", "123", "")
REGIONS = (None, "US", "JP", "DE", "CN", "*")


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return Knowledge.load()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_cached_verdict_card_is_the_card_built_from_scratch(knowledge: Knowledge,
                                                                lang: str) -> None:
    models = [*knowledge.index.models, "A9999", "ZZ-1"]
    for model in models:
        for region in REGIONS:
            for serial in SERIALS:
                result = knowledge.check(model, serial, region)
                for version in (None, 1, 7, 123456):
                    built = present._verdict_card(knowledge, result, lang, version)
                    for _ in range(2):  # a miss, then a hit
                        assert present.verdict_card(knowledge, result, lang, version) == built


def test_a_card_repeating_the_serial_is_never_cached(knowledge: Knowledge) -> None:
    present._verdict_cards.clear()
    result = knowledge.check("A1263", "akf12 z330l8419b6", "US")  # cleaned: the card shows it
    card = present.verdict_card(knowledge, result, "en", 3)
    assert "AKF12Z330L8419B6" in card.plain_text()
    assert not any("AKF12Z330L8419B6" in c.plain_text() for c in present._verdict_cards.values())


def test_a_stamped_card_leaves_the_cached_one_untouched(knowledge: Knowledge) -> None:
    result = knowledge.check("A1263", None, "US")
    first = present.verdict_card(knowledge, result, "en", 1)
    second = present.verdict_card(knowledge, result, "en", 2)
    assert first.buttons[-1].token != second.buttons[-1].token
    assert first.buttons[:-1] == second.buttons[:-1]
    assert present.verdict_card(knowledge, result, "en", None) == \
        present._verdict_card(knowledge, result, "en", None)
