"""Every user-facing text is free of research notes and raw URLs (issue #12).

Scanned: every message of the six catalogs; every knowledge text (campaigns and guidance) as the
presenter shows it; and every card of bench/answers.py as each platform shows it, in every
language. Links are allowed as links (HTML <a>, Discord masked links, OSC 8, link buttons):
only what users read as text is scanned.
"""

from __future__ import annotations

import re

import pytest

from bench.answers import COMMON_ANSWERS, MORE_CARDS, PLATFORMS, reply
from bot.catalog import CATALOG, LANGUAGES
from bot.present import said, shared_model_card
from knowledge import Knowledge
from knowledge.schema import LocalText

# Wording of the research, not of an answer: who quoted whom, where a copy was found.
RESEARCH_NOTES = re.compile(
    r"URL cited|cited by|\bvia\b|\bquoting\b|\bquoted by\b|copy at|several reports|"
    r"reports? quoting|lifeunderwriter|AccuWeather|unverified|research note",
    re.IGNORECASE)
RAW_URL = re.compile(r"https?://|\bwww\.")


def problems(text: str) -> list[str]:
    return [m.group(0) for m in (*RESEARCH_NOTES.finditer(text), *RAW_URL.finditer(text))]


def knowledge_texts(kb: Knowledge) -> list[tuple[str, LocalText]]:
    texts = [(c.id, text) for c in kb.index.campaigns for text in c.text_fields()]
    guidance = kb.guidance
    for name in ("emergency", "stop_using", "disposal", "storage", "flights"):
        topic = getattr(guidance, name)
        if topic is not None:
            texts.append((f"guidance.{name}", topic.text))
    return texts


def test_the_scanner_catches_what_it_must() -> None:
    for bad in ("UPI via AccuWeather", "URL cited by lifeunderwriter.net",
                "several reports quoting the official notice", "see https://x.org",
                "go to www.example.com"):
        assert problems(bad), bad
    assert not problems("Source: CPSC, 12 Jun 2025")
    assert not problems("anker.com/product-recalls")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_messages(lang: str) -> None:
    found = {msgid: problems(text) for msgid, text in CATALOG.message_ids(lang).items()}
    assert not {k: v for k, v in found.items() if v}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_knowledge_texts_as_shown(kb: Knowledge, lang: str) -> None:
    found = [(where, said(text, lang)) for where, text in knowledge_texts(kb)
             if problems(said(text, lang))]
    assert not found


@pytest.mark.parametrize("platform", list(PLATFORMS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_rendered_cards(kb: Knowledge, platform: str, lang: str) -> None:
    show = PLATFORMS[platform]
    cards = [(a.name, reply(a, kb, lang)) for a in (*COMMON_ANSWERS, *MORE_CARDS)]
    cards += [(f"shared {m}", shared_model_card(kb, m, lang)) for m in kb.index.models]
    for name, card in cards:
        text = show(card).text
        assert not problems(text), (name, problems(text), text)
