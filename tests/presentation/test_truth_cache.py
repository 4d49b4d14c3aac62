"""The truth guard remembers its verdict only for cards that cannot change (#14): sealed cards
from bot/present's caches, and copies of them whose checked fields are the very same objects."""

from __future__ import annotations

import pytest

from bot import present, truth
from bot.replies import Section, VerdictCard
from bot.truth import Sealed, TruthViolation, enforce, seal
from knowledge import Knowledge


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return Knowledge.load()


def card(title: str, *lines: str) -> VerdictCard:
    return VerdictCard(verdict="affected", model="A1263", title=title,
                       sections=[Section(lines=list(lines))])


def test_a_sealed_card_cannot_change() -> None:
    sealed = seal(card("A1263 is recalled", "Stop using it."))
    assert type(sealed.sections) is Sealed and type(sealed.sections[0].lines) is Sealed
    with pytest.raises(TypeError):
        sealed.sections.append(Section(lines=["it is safe to use"]))
    with pytest.raises(TypeError):
        sealed.sections[0].lines.append("it is safe to use")
    with pytest.raises(TypeError):
        sealed.sections[0].lines[0] = "it is safe to use"
    assert sealed.model_dump() == card("A1263 is recalled", "Stop using it.").model_dump()


def test_remembered_verdicts_equal_fresh_ones_for_every_cached_card(knowledge: Knowledge) -> None:
    for model in knowledge.index.models:
        for region in (None, "US", "JP"):
            result = knowledge.check(model, None, region)
            for lang in ("en", "de", "ja"):
                cards = [present.verdict_card(knowledge, result, lang, 5),
                         present.remedy_card(knowledge, model, region, lang)]
                for made in cards:
                    fresh = truth._enforce(made, strict=True)
                    assert enforce(made, strict=True) == fresh
                    assert enforce(made, strict=True) == fresh  # remembered


def test_a_claim_is_caught_every_time_never_remembered() -> None:
    unsafe = seal(card("A1263", "Good news: it is safe to use."))
    for _ in range(3):
        with pytest.raises(TruthViolation):
            enforce(unsafe, strict=True)
        repaired = enforce(unsafe)
        assert "safe to use" not in repaired.plain_text()


def test_a_copy_with_other_text_is_checked_again() -> None:
    sealed = seal(card("A1263 is recalled", "Stop using it."))
    assert enforce(sealed, strict=True) is sealed  # passes, remembered
    retitled = sealed.model_copy(update={"title": "A1263 is safe"})  # same sealed sections
    with pytest.raises(TruthViolation):
        enforce(retitled, strict=True)
    rebuttoned = sealed.model_copy(update={"about": ("verdict",)})
    assert enforce(rebuttoned, strict=True) is rebuttoned
