"""The renderer's fast paths (#14) give exactly what the careful ones gave."""

from __future__ import annotations

import html
import random

from adapters.telegram.render import _escaped_pieces, _keyboard, html_chunks, keyboard
from bot.replies import Button, Section, VerdictCard


def per_character(text: str, limit: int) -> list[str]:
    """The renderer before #14: escape one character at a time, cut before overflowing."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        escaped = html.escape(char, quote=False)
        if size + len(escaped) > limit:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(escaped)
        size += len(escaped)
    pieces.append("".join(current))
    return pieces


def test_whole_string_escaping_cuts_exactly_like_the_per_character_one() -> None:
    rng = random.Random(14)
    alphabet = "ab <>&\"'é🔋充"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        for limit in (1, 4, 5, 7, 20, 61, 4096):
            assert _escaped_pieces(text, limit) == per_character(text, limit), (text, limit)


def test_a_long_card_is_split_on_entity_boundaries() -> None:
    card = VerdictCard(verdict="affected", model="A1263", title="<b>" * 50,
                       sections=[Section(lines=["&" * 3000, "x<y" * 900])])
    chunks = html_chunks(card)
    assert len(chunks) > 1 and all(len(c) <= 4096 for c in chunks)
    assert all(not c.endswith(("&", "&a", "&am", "&amp", "&l", "&lt")) for c in chunks)


def test_a_remembered_keyboard_is_the_one_built_fresh() -> None:
    buttons = [Button(label="Check", url="https://example.com"),
               Button(label="What do I get?", token="r:topic:remedy"),
               Button(label="Dispose", token="r:topic:dispose"),
               Button(label="Start", deep_link="check-A1263")]
    first = keyboard(buttons, "bot")
    assert first == _keyboard(buttons, "bot")
    assert keyboard(list(buttons), "bot") is first
    assert keyboard(buttons, "other_bot") != first
    assert keyboard([], "bot") is None


def test_a_frozen_keyboard_sends_the_json_of_a_plain_one() -> None:
    from telegram import InlineKeyboardMarkup

    buttons = [Button(label="Check", url="https://example.com"),
               Button(label="What do I get?", token="r:topic:remedy")]
    frozen = _keyboard(buttons, "bot")
    assert frozen is not None
    plain = InlineKeyboardMarkup(frozen.inline_keyboard)
    assert frozen.to_dict() == plain.to_dict()
    assert frozen.to_dict() is frozen.to_dict()  # built once
    assert frozen.to_dict(recursive=False) == plain.to_dict(recursive=False)
