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
