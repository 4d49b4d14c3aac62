"""Which language to answer in: explicit choice, then the text's own language, then the
conversation's last language, then the platform locale, then English."""

from __future__ import annotations

import re

from bot.catalog import DEFAULT_LANGUAGE, LANGUAGES

_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Characters that exist only in one of the two Chinese scripts (a small, common sample).
_SIMPLIFIED = set("这个们来说么买东后发时会对问题还没关电与门见长车书业务实区过为从给让网")
_TRADITIONAL = set("這個們來說麼買東後發時會對問題還沒關電與門見長車書業務實區過為從給讓網臺灣")
_TW_HINT = re.compile(r"台灣|臺灣|台湾|NT\$|新台幣|香港")
_CN_HINT = re.compile(r"大陆|大陸|淘宝|京东|天猫|¥|人民币|元")
_SPANISH = re.compile(r"\b(?:el|la|los|las|mi|es|qué|que|cómo|dónde|puedo|tengo|compré|batería|"
                      r"cargador|está|gracias|hola|por|para|una|un)\b|[ñ¿¡]", re.IGNORECASE)
_GERMAN = re.compile(r"\b(?:ich|ist|das|der|die|und|nicht|mein|meine|habe|wie|kann|gekauft|"
                     r"bekomme|entsorgen|hallo|danke|mit|für|bei)\b|[äöüß]", re.IGNORECASE)
_ENGLISH = re.compile(r"\b(?:the|is|my|i|what|how|it|do|can|bought|get|have|where|and|of)\b",
                      re.IGNORECASE)


def detect_language(text: str) -> str | None:
    """The language a message is written in, if it is clear; None for model numbers alone."""
    sample = text[:2000]
    if _KANA.search(sample):
        return "ja"
    if _HAN.search(sample):
        simplified = sum(ch in _SIMPLIFIED for ch in sample)
        traditional = sum(ch in _TRADITIONAL for ch in sample)
        if traditional > simplified:
            return "zh-Hant"
        if simplified > traditional:
            return "zh-Hans"
        if _TW_HINT.search(sample):
            return "zh-Hant"
        if _CN_HINT.search(sample):
            return "zh-Hans"
        return "zh-Hans"
    scores = {
        "es": len(_SPANISH.findall(sample)),
        "de": len(_GERMAN.findall(sample)),
        "en": len(_ENGLISH.findall(sample)),
    }
    best = max(scores, key=lambda k: scores[k])
    if scores[best] == 0 or list(scores.values()).count(scores[best]) > 1:
        return None
    return best


def from_locale(locale: str | None) -> str | None:
    """A platform language tag ('de-DE', 'zh-TW', 'zh_CN', 'es-419', 'ja') → our language."""
    if not locale:
        return None
    tag = locale.replace("_", "-").lower()
    if tag.startswith("zh"):
        return "zh-Hant" if any(x in tag for x in ("tw", "hk", "mo", "hant")) else "zh-Hans"
    base = tag.split("-")[0]
    return base if base in LANGUAGES else None


def choose_language(explicit: str | None, text: str | None, last: str | None,
                    locale: str | None) -> str:
    if explicit in LANGUAGES:
        return explicit
    detected = detect_language(text) if text else None
    return detected or (last if last in LANGUAGES else None) or from_locale(locale) \
        or DEFAULT_LANGUAGE
