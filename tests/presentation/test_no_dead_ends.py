"""No dead ends on the present side (issue #12): the answered topic's button is not offered again,
'below' is said only when something is below, and every detail is one button away."""

from __future__ import annotations

import pytest

from bench.answers import COMMON_ANSWERS, MORE_CARDS, reply
from bot.catalog import CATALOG, LANGUAGES
from bot.present import (
    DETAILS,
    claim_card,
    contact_card,
    details_card,
    dispose_card,
    remedy_card,
    verdict_card,
)
from bot.tokens import Action, parse
from knowledge import Knowledge

BELOW = {"en": "below", "es": "abajo", "de": "unten", "zh-Hans": "下方", "zh-Hant": "下方",
         "ja": "下の"}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("topic", "build"), [("remedy", remedy_card), ("claim", claim_card),
                                              ("contact", contact_card),
                                              ("dispose", dispose_card)])
@pytest.mark.parametrize("region", ["US", None, "TW", "DE"])
def test_the_answered_topic_is_not_offered_again(kb: Knowledge, lang: str, topic: str,
                                                 build: object, region: str | None) -> None:
    for model in ("A1263", "A1257", "A1647", "2G505B", "BI-B41"):
        card = build(kb, model, region, lang)  # type: ignore[operator]
        tokens = [b.token for b in card.buttons if b.token]
        assert Action("topic", topic).pack() not in tokens, (model, region, card.title)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_below_only_when_something_is_below(kb: Knowledge, lang: str) -> None:
    """A reply that says 'below' has a button or a link under its text."""
    for answer in (*COMMON_ANSWERS, *MORE_CARDS):
        card = reply(answer, kb, lang)
        if BELOW[lang] in card.plain_text():
            links = [link for s in getattr(card, "sections", []) for link in s.links]
            assert card.buttons or links, answer.name


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_no_public_checker_verdict_offers_its_contact_button(kb: Knowledge,
                                                                 lang: str) -> None:
    """'support can confirm your unit (tap "Who to contact")': the button is there."""
    card = verdict_card(kb, kb.check("PBLG2W", None, "TW"), lang)
    assert card.plain_text().count(CATALOG.text(lang, "button_contact")) >= 1
    assert Action("topic", "contact").pack() in [b.token for b in card.buttons]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_checker_but_a_recall_page_there_links_the_page(kb: Knowledge, lang: str) -> None:
    """Xiaomi has no serial checker, but its recall page for China is known: the card says so
    and links it (never "there is no online check")."""
    card = verdict_card(kb, kb.check("PB2030MI", None, "CN"), lang)
    assert CATALOG.text(lang, "verdict_confirm_on_brand_page_body", brand="Xiaomi") \
        in card.plain_text()
    assert "https://recall.mieco.net/power-bank" in [b.url for b in card.buttons]


@pytest.mark.parametrize("region", ["CN", "ES", None])
def test_a_recall_known_by_its_production_window_says_it_on_the_verdict(
        kb: Knowledge, region: str | None) -> None:
    """Xiaomi recalled units made 1 Aug - 22 Sep 2024 and publishes no serial list: the window
    (printed on the box) is on the verdict, not only behind "Recall details"."""
    card = verdict_card(kb, kb.check("PB2030MI", None, region), "en")
    assert "made 2024-08-01 – 2024-09-22" in card.plain_text()


@pytest.mark.parametrize(("model", "region"), [("A1263", None), ("A1263", "JP"), ("A1263", "US"),
                                               ("A1647", "CN")])
def test_one_recalls_production_window_is_not_said_of_a_model_in_several(
        kb: Knowledge, model: str, region: str | None) -> None:
    """The US A1263 recall's 2016-2019 window was shown to a buyer from Japan (whose recall
    covers sales to 2025), the 2024 A1647 window to a buyer from China (strangers 21, 22)."""
    assert "The recall covers units made" not in \
        verdict_card(kb, kb.check(model, None, region), "en").plain_text()


def test_details_are_behind_more_buttons_that_parse(kb: Knowledge) -> None:
    card = verdict_card(kb, kb.check("A1263", None, "DE"), "en")
    tokens = [parse(b.token) for b in card.buttons if b.token]
    assert {(a.verb, a.arg) for a in tokens if a} >= {("more", "regions"), ("more", "sources")}
    for what in DETAILS:
        details = details_card(kb, "A1263", "DE", "en", what)
        assert details.sections, what
        assert Action("more", what).pack() not in [b.token for b in details.buttons]


def test_all_sources_name_publishers_and_trust_never_research_notes(kb: Knowledge) -> None:
    card = details_card(kb, "A1263", "US", "en", "sources")
    labels = [link.label for s in card.sections for link in s.links]
    assert "cpsc.gov, 12 Jun 2025 (official)" not in labels  # named by its authority
    assert any(label.startswith("CPSC") for label in labels)
    assert any(label.endswith("(confirmed by press reports)") for label in labels)
    assert not any("cited by" in label or " via " in label for label in labels)
