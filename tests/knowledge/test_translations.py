"""Anker campaigns and the shared guidance speak all six languages, and no translation changes a fact.

Other brands may stay English-only (LocalText.get falls back), but any translation they have must,
like Anker's, keep every model number, URL, e-mail, money amount, phone number and figure of the
English text (digits may be regrouped: 2,100 / 2.100), and must never claim a device is safe.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from bot.catalog import CATALOG
from bot.present import claim_lines, fitted_sections
from bot.truth import MAX_SECTION, UNSAFE_CLAIMS
from knowledge import Knowledge
from knowledge.schema import LANGUAGES, Campaign, LocalText

OTHER_LANGUAGES = [lang for lang in LANGUAGES if lang != "en"]

_URL = re.compile(r"https?://[^\s\"'“”「」（）()，。、]+")
_MODEL = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,4}\d{3,5}(?![0-9])")  # CJK text has no \b
_MONEY = re.compile(r"(?:NT\$|US\$|\$|¥|€)\d+(?:,\d{3})*")
_NUMBER = re.compile(r"\d+(?:[,.]\d{3})*")
_EMAIL = re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def facts(text: str) -> set[str]:
    """The tokens a faithful translation keeps: URLs, models, amounts, figures (2.100 = 2,100)."""
    urls = {u.rstrip(".,;:") for u in _URL.findall(text)} | set(_EMAIL.findall(text))
    rest = _EMAIL.sub(" ", _URL.sub(" ", text))
    numbers = {re.sub(r"[,.]", "", n) for n in _NUMBER.findall(rest)}
    return urls | set(_MODEL.findall(rest)) | set(_MONEY.findall(rest)) | numbers


def anker_campaigns(kb: Knowledge) -> list[Campaign]:
    campaigns = [c for c in kb.index.campaigns if c.brand == "Anker"]
    assert len(campaigns) >= 12  # every Anker file, not a filtered-away empty list
    return campaigns


def guidance_texts(kb: Knowledge) -> list[LocalText]:
    g = kb.guidance
    return [t.text for t in (g.emergency, g.stop_using, g.disposal, g.storage, g.flights) if t]


def all_texts(kb: Knowledge, campaigns: Sequence[Campaign] | None = None) -> list[tuple[str, LocalText]]:
    """(where, text) for the campaigns' text fields (default: Anker's) and the guidance."""
    chosen = anker_campaigns(kb) if campaigns is None else campaigns
    texts = [(c.id, t) for c in chosen for t in c.text_fields()]
    return texts + [("guidance", t) for t in guidance_texts(kb)]


def test_every_anker_and_guidance_text_has_all_six_languages(kb: Knowledge) -> None:
    missing = [(where, text.en[:50], lang) for where, text in all_texts(kb)
               for lang in OTHER_LANGUAGES if not (text.has(lang) and text.get(lang).strip())]
    assert missing == []


def test_anker_opening_hours_have_all_six_languages(kb: Knowledge) -> None:
    hours = [contact.hours for c in anker_campaigns(kb) for contact in c.contacts
             if contact.hours]
    assert hours, "the U.S. and Canadian campaigns give opening hours"
    for text in hours:
        assert all(text.has(lang) for lang in OTHER_LANGUAGES), text.en
        opens = re.search(r"\d+", text.en)  # the opening hour survives translation (6 or 9)
        assert opens is not None, text.en
        assert all(opens.group() in text.get(lang) for lang in LANGUAGES), text.en


def test_translations_keep_models_urls_amounts_and_figures(kb: Knowledge) -> None:
    problems = []
    for where, text in all_texts(kb, kb.index.campaigns):
        wanted = facts(text.en)
        for lang in OTHER_LANGUAGES:
            lost = wanted - facts(text.get(lang))
            if lost:
                problems.append((where, lang, sorted(lost), text.get(lang)))
    assert problems == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_translation_claims_a_device_is_safe(kb: Knowledge, lang: str) -> None:
    texts = [t.get(lang) for _, t in all_texts(kb, kb.index.campaigns)]
    texts += [contact.hours.get(lang) for c in kb.index.campaigns for contact in c.contacts
              if contact.hours]
    assert [t for t in texts if UNSAFE_CLAIMS.search(t)] == []


def test_the_fact_check_catches_a_changed_amount_model_or_url() -> None:
    """The comparison above is not vacuous: each kind of drift is caught."""
    en = ("An NT$1,100 voucher, model A1259, 5,439 units: https://www.anker.com/product-recalls. "
          "Mail support@esrtech.com.")
    kept = ("Anker 官網 NT$1,100 抵用券，型號 A1259，5.439顆：https://www.anker.com/product-recalls"
            " 寄到 support@esrtech.com。")
    assert facts(en) <= facts(kept)
    for wrong in (kept.replace("1,100", "1,000"), kept.replace("A1259", "A1257"),
                  kept.replace("5.439", "5.500"), kept.replace("product-recalls", "rc2506"),
                  kept.replace("esrtech", "esr")):
        assert not facts(en) <= facts(wrong), wrong


def test_the_safety_check_catches_a_claim_in_each_language() -> None:
    for claim in ("It is safe to use.", "Tu batería es segura.", "Die Powerbank ist sicher.",
                  "这个充电宝是安全的。", "這個行動電源很安全。", "このモバイルバッテリーは安全です。"):
        assert UNSAFE_CLAIMS.search(claim), claim


def test_translated_claim_steps_reach_the_user_unclipped(kb: Knowledge) -> None:
    """German and Spanish claim steps run past Discord's 1,024-character field: they are split."""
    longest = 0
    for campaign in anker_campaigns(kb):
        for claim in campaign.claims:
            for lang in LANGUAGES:
                lines = [*claim_lines(lang, claim), CATALOG.text(lang, "no_times_known")]
                sections = fitted_sections(campaign.title.get(lang), lines)
                assert [line for s in sections for line in s.lines] == lines
                assert all(len("\n".join(s.lines)) <= MAX_SECTION for s in sections)
                longest = max(longest, sum(len(line) + 1 for line in lines))
    assert longest > MAX_SECTION  # the split is exercised, not only the easy case
