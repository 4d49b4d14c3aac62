"""Claim parts (photos, receipt, what happens to the unit) for a model in several recalls."""

from __future__ import annotations

import pytest

from bot import answers
from knowledge import Knowledge


@pytest.mark.parametrize("region", [None, "AT", "DE"])
def test_claim_parts_speak_of_the_newest_recall_first(kb: Knowledge, region: str | None) -> None:
    """An A1647 (in Anker's 2024 and June 2025 recalls): what happens to the unit is said for
    the June 2025 recall first, with or without a country (the verdict names that one)."""
    card = answers.build(kb, "unit_fate", "A1647", region, None, "en")
    headings = [section.heading or "" for section in card.sections]
    newest = next(i for i, h in enumerate(headings) if "June 2025" in h)
    older = next(i for i, h in enumerate(headings) if "September 2024" in h)
    assert newest < older, headings


def test_where_recalled_cites_the_recall_of_the_owners_country(kb: Knowledge) -> None:
    """An A1681 (in four recalls) bought in the US: the source is the US recall's, not the
    first-listed campaign's (it was a Hong Kong article about China's recall)."""
    card = answers.build(kb, "region_campaigns", "A1681", "US", None, "en")
    assert card.source is not None and "cpsc.gov" in card.source.url, card.source


def test_remedies_by_country_name_who_says_each(kb: Knowledge) -> None:
    """An A1263 before the country is known: the US and the Japanese remedy each name their
    authority, and the card's source is the first line's (it was Japan's METI under the US
    line, stranger 19)."""
    card = answers.build(kb, "remedy", "A1263", None, None, "en")
    text = card.plain_text()
    assert "($30) — CPSC" in text and "(A1256) — METI" in text, text
    assert card.source is not None and "cpsc.gov" in card.source.url


@pytest.mark.parametrize(("part", "model", "region"), [
    ("remedy", "A1263", "ES"), ("claim_steps", "BPB002", "AT"), ("contact", "A1263", "ES")])
def test_a_known_model_where_no_recall_is_listed_is_no_unknown_model(
        kb: Knowledge, part: str, model: str, region: str) -> None:
    """"A1263 bought in Spain — do they replace it?" got "Which model is it?" (stranger 20)."""
    card = answers.build(kb, part, model, region, None, "en")
    assert card.plain_text().startswith(f"No {model} recall is listed for"), card.plain_text()
