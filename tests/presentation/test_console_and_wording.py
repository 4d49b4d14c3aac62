"""The console wraps to the terminal (issue #12 item 8); platform wording through the catalog
(item 7): Discord help and serial prompt, third-person shared cards."""

from __future__ import annotations

import io
import re

import pytest

from adapters.console import cells, render, terminal_width, wrap
from bot.catalog import CATALOG, LANGUAGES
from bot.present import shared_model_card, verdict_card
from knowledge import Knowledge

OSC8 = re.compile(r"\x1b\]8;;[^\x1b]*\x1b\\")


@pytest.mark.parametrize("width", [40, 60, 80])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_verdict_wraps_to_the_terminal_width(kb: Knowledge, lang: str, width: int) -> None:
    card = verdict_card(kb, kb.check("A1257", "AKF1 2Z33 0L84 19B6", "TW"), lang)
    text, buttons = render([card], width=width, hyperlinks=True)
    visible = OSC8.sub("", text)
    for line in visible.split("\n"):
        # Closing punctuation may hang one character past the edge (it never starts a line).
        limit = width + 2 if line[-1:] in "）」。、，：)]," else width
        assert cells(line) <= limit, (width, line)
    # Nothing was lost: the words are all there, in order.
    unwrapped, _ = render([card], hyperlinks=True)
    assert "".join(OSC8.sub("", unwrapped).split()) == "".join(visible.split())
    assert buttons == [b for b in card.buttons if not b.url]  # links are shown, not numbered
    assert all(f"↗ {b.label}" in visible for b in card.buttons if b.url)


def test_wrapping_keeps_urls_link_labels_and_indents_whole() -> None:
    url = "https://www.anker.com/product-recalls-and-a-very-long-path/that/never/breaks"
    wrapped = wrap(f"• See {url} for the details of the recall", 30)
    assert url in wrapped.split("\n")[1]
    assert all(line.startswith("  ") for line in wrapped.split("\n")[1:])  # under the bullet
    kept = wrap("Prefix words then Source: CPSC, 12 Jun 2025 here", 30,
                keep=["Source: CPSC, 12 Jun 2025"])
    assert any("Source: CPSC, 12 Jun 2025" in line for line in kept.split("\n"))
    assert wrap("短い", 40) == "短い"
    cjk = wrap("这" * 50 + "。", 20)
    assert all(cells(line) <= 22 for line in cjk.split("\n"))  # 。 stays on its line
    assert not cjk.split("\n")[-1].startswith("。")


def test_piped_output_is_not_wrapped_and_keeps_urls(kb: Knowledge) -> None:
    card = verdict_card(kb, kb.check("A1263", None, "US"), "en")
    text, _ = render([card])
    assert "\x1b" not in text
    assert "Anker recall checker — https://www.anker.com/product-recalls" in text
    assert terminal_width(io.StringIO()) is None  # not a terminal: no wrapping


def test_osc8_links_show_only_their_label(kb: Knowledge) -> None:
    card = verdict_card(kb, kb.check("A1263", None, "US"), "en")
    text, _ = render([card], width=80, hyperlinks=True)
    assert "\x1b]8;;https://www.cpsc.gov/" in text
    assert "https://" not in OSC8.sub("", text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_discord_help_lists_recall_commands(lang: str) -> None:
    text = CATALOG.text(lang, "help_discord")
    assert "/recall check" in text and "/recall-psa" in text
    assert not re.search(r"(?<![\w-])/(check|remedy|dispose|contact|language|cancel)\b", text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_discord_serial_prompt_points_to_the_form_button(lang: str) -> None:
    text = CATALOG.text(lang, "ask_serial_discord", model="A1263", name="PowerCore", where="")
    assert CATALOG.text(lang, "button_enter_serial") in text
    assert CATALOG.text(lang, "ask_serial", model="A1263", name="PowerCore", where="") != text


THIRD_PERSON_BANNED = {  # "your unit", "tu unidad", "Ihr Gerät", "您的", "お使いの"
    "en": r"\byour\b", "es": r"\btu\b|\btuya\b", "de": r"\bIhr(e|es|en)?\b",
    "zh-Hans": "您的", "zh-Hant": "您的", "ja": "お使いの",
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_shared_cards_speak_in_the_third_person(kb: Knowledge, lang: str) -> None:
    for model in kb.index.models:
        card = shared_model_card(kb, model, lang)
        assert not card.private
        text = card.plain_text()
        assert model in card.title
        assert not re.search(THIRD_PERSON_BANNED[lang], text), (model, text)
        assert any(b.deep_link == f"check-{model}" for b in card.buttons)
