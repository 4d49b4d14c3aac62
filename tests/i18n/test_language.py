"""Language choice, region hints and intents in the six languages (pure functions, no engine)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.language import (
    choose_language,
    detect,
    detect_language,
    from_locale,
    parse_language,
    pick_language,
)
from bot.lexicon import CJK_PLACE, SAFETY, WORD
from bot.understanding import find_region, find_regions, understand
from knowledge import Knowledge

INDEX = Knowledge.load().index


@pytest.mark.parametrize(("text", "lang"), [
    # Chinese: character forms decide; places and currencies break ties.
    ("我在台灣買的A1257", "zh-Hant"),
    ("我在淘宝买的A1647", "zh-Hans"),
    ("這個行動電源還能用嗎？", "zh-Hant"),
    ("这个充电宝还能用吗？", "zh-Hans"),
    ("NT$890 退款", "zh-Hant"),
    ("退款 ¥50", "zh-Hans"),
    ("A1647 大陆", "zh-Hans"),
    ("香港 A1257 召回", "zh-Hant"),
    # Japanese: kana, or kanji forms only Japanese uses.
    ("A1263を持っています", "ja"),
    ("モバイルバッテリー", "ja"),
    ("A1257 対象？", "ja"),
    # Latin script: common words, accents, umlauts.
    ("Hola, compré una A1263 en México", "es"),
    ("¿Qué recibo?", "es"),
    ("mi batería está caliente", "es"),
    ("Was bekomme ich?", "de"),
    ("Meine Powerbank ist heiß", "de"),
    ("Wie entsorge ich sie?", "de"),
    ("What do I get?", "en"),
    ("I bought it on amazon.de", "en"),
])
def test_detects_the_language_of_a_message(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize("text", ["A1263", "AKF1 2Z33 0L84 19B6", "ok", "amazon.de A1263", "?",
                                  "SN: AKF12Z330L8419B6", "1", ""])
def test_no_language_in_model_numbers_serials_and_noise(text: str) -> None:
    assert detect_language(text) is None


def test_shared_chinese_forms_leave_the_variant_open() -> None:
    found = detect("召回")
    assert found.language == "zh-Hans" and found.variant_unclear
    assert choose_language(None, "召回", "zh-Hant", None) == "zh-Hant"
    assert choose_language(None, "召回", None, "zh-TW") == "zh-Hant"
    assert choose_language(None, "召回", "de", None) == "zh-Hans"


def test_selection_order() -> None:
    # explicit > text > last > locale > English
    assert choose_language("de", "我在台灣買的A1257", "ja", "es-MX") == "de"
    assert choose_language(None, "我在台灣買的A1257", "ja", "es-MX") == "zh-Hant"
    assert choose_language(None, "A1263", "ja", "es-MX") == "ja"
    assert choose_language(None, "A1263", None, "es-MX") == "es"
    assert choose_language(None, "A1263", None, None) == "en"
    assert choose_language(None, None, None, "fr-FR") == "en"
    assert choose_language("xx", "A1263", "bogus", None) == "en"


def test_one_weak_word_does_not_switch_an_ongoing_conversation() -> None:
    assert choose_language(None, "gracias", "de", None) == "de"
    assert choose_language(None, "gracias", None, None) == "es"  # but it starts one
    assert choose_language(None, "gracias", None, "de-DE") == "es"  # and beats the locale
    assert choose_language(None, "Muchas gracias por la ayuda", "de", None) == "es"


@pytest.mark.parametrize(("tag", "lang"), [
    ("de-DE", "de"), ("de_AT", "de"), ("es-419", "es"), ("es", "es"), ("ja", "ja"),
    ("zh-CN", "zh-Hans"), ("zh_SG", "zh-Hans"), ("zh-TW", "zh-Hant"), ("zh-HK", "zh-Hant"),
    ("zh-hant", "zh-Hant"), ("zh-hans", "zh-Hans"), ("en-US", "en"), ("fr", None), (None, None),
    ("", None),
])
def test_platform_locales(tag: str | None, lang: str | None) -> None:
    assert from_locale(tag) == lang


@pytest.mark.parametrize(("value", "lang"), [
    ("ja", "ja"), ("ZH-hant", "zh-Hant"), ("zh_tw", "zh-Hant"), ("zh", "zh-Hans"),
    ("de-AT", "de"), ("klingon", None), ("", None), ("Deutsch", "de"), ("日本語", "ja"),
    ("繁體中文", "zh-Hant"), ("简体中文", "zh-Hans"), ("español", "es"), ("Japanese", "ja"),
    ("fr", None), ("zh-Hant-TW", "zh-Hant"),
])
def test_parse_language_choice(value: str, lang: str | None) -> None:
    assert parse_language(value) == lang


@pytest.mark.parametrize(("text", "region"), [
    ("我在台灣買的", "TW"), ("我在台湾买的", "TW"), ("NT$890", "TW"), ("在香港買的", "HK"),
    ("我在中国买的", "CN"), ("在大陆买的", "CN"), ("淘宝上买的", "CN"), ("中國大陸", "CN"),
    ("日本で買いました", "JP"), ("在日本買的", "JP"), ("楽天で購入", "JP"),
    ("In Deutschland gekauft", "DE"), ("ドイツで買いました", "DE"), ("我在德国买的", "DE"),
    ("Lo compré en España", "ES"), ("comprado en México", "MX"), ("en Estados Unidos", "US"),
    ("compré en EE. UU.", "US"), ("在美国买的", "US"), ("アメリカで購入", "US"),
    ("カナダで購入", "CA"), ("in Kanada gekauft", "CA"), ("aus Österreich", "AT"),
    ("bought in Taiwan", "TW"), ("bought on amazon.de", "DE"), ("en Japón", "JP"),
])
def test_region_hints_in_any_language(text: str, region: str) -> None:
    assert find_region(text) == region


def test_japanese_language_is_not_japan() -> None:
    assert find_region("日本語でお願いします") is None


QUESTION_EXAMPLES: dict[str, dict[str, str]] = {
    "is_recalled": {
        "en": "Is my power bank recalled?", "es": "¿Mi batería está retirada del mercado?",
        "de": "Ist meine Powerbank vom Rückruf betroffen?", "zh-Hans": "我的充电宝被召回了吗？",
        "zh-Hant": "我的行動電源被召回了嗎？", "ja": "私のモバイルバッテリーはリコール対象ですか？"},
    "remedy": {
        "en": "Can I get a refund?", "es": "¿Me dan un reembolso?", "de": "Was bekomme ich?",
        "zh-Hans": "可以退款吗？", "zh-Hant": "我能得到什麼補償？", "ja": "返金してもらえますか？"},
    "claim_how": {
        "en": "How do I claim?", "es": "¿Cómo reclamo?", "de": "Wie melde ich das an?",
        "zh-Hans": "怎么申请？", "zh-Hant": "怎麼申請？", "ja": "どうやって申し込みますか？"},
    "claim_photos": {
        "en": "Do I need photos?", "es": "¿Necesito fotos?", "de": "Brauche ich ein Foto?",
        "zh-Hans": "需要拍照吗？", "zh-Hant": "需要照片嗎？", "ja": "写真は必要ですか？"},
    "dispose": {
        "en": "How do I dispose of it?", "es": "¿Cómo la desecho?", "de": "Wie entsorge ich sie?",
        "zh-Hans": "怎么处理？", "zh-Hant": "要丟掉嗎？", "ja": "どうやって処分しますか？"},
    "contact": {
        "en": "Who do I contact?", "es": "¿Cuál es el teléfono de soporte?",
        "de": "Wen kontaktiere ich?", "zh-Hans": "客服电话是多少？", "zh-Hant": "要聯絡誰？",
        "ja": "問い合わせ先は？"},
}
SAFETY_EXAMPLES = {"en": "It is hot and swollen", "es": "Está caliente y echa humo",
                   "de": "Sie ist heiß und aufgebläht", "zh-Hans": "充电宝发烫鼓包了",
                   "zh-Hant": "行動電源冒煙了", "ja": "熱くて膨らんでいます"}


@pytest.mark.parametrize(("question", "lang"), [(q, lang) for q, by_lang in QUESTION_EXAMPLES.items()
                                                for lang in by_lang])
def test_main_questions_in_six_languages(question: str, lang: str) -> None:
    assert understand(QUESTION_EXAMPLES[question][lang], INDEX).questions[:1] == [question]


@pytest.mark.parametrize("lang", sorted(SAFETY_EXAMPLES))
def test_safety_in_six_languages(lang: str) -> None:
    assert understand(SAFETY_EXAMPLES[lang], INDEX).safety


@pytest.mark.parametrize("text", ["Ich bin in Berlin", "Ich bin neu hier"])
def test_german_bin_is_not_a_trash_bin(text: str) -> None:
    assert "dispose" not in understand(text, INDEX).questions


def test_thanks_and_greetings_inside_cjk_sentences() -> None:
    assert understand("谢谢你的帮助", INDEX).questions[:1] == ["thanks"]
    assert understand("你好", INDEX).questions[:1] == ["greeting"]


def test_patterns_stay_fast_on_hostile_input() -> None:
    hostile = ["a" * 100_000, "台" * 100_000, "ab " * 30_000, "hot " * 20_000 + "!",
               "我在" * 40_000, "(" * 50_000, "\u00fc" * 100_000]
    start = time.perf_counter()
    for text in hostile:
        detect(text)
        for pattern in (WORD, CJK_PLACE, SAFETY):
            pattern.search(text[:8_000])
        find_regions(text[:8_000])
    assert time.perf_counter() - start < 2.0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_detection_never_fails_and_answers_a_supported_language(text: str) -> None:
    assert detect_language(text) in (None, "en", "es", "de", "zh-Hans", "zh-Hant", "ja")
    assert choose_language(None, text, None, None) in ("en", "es", "de", "zh-Hans", "zh-Hant", "ja")


def test_a_place_answering_the_country_question_keeps_or_names_the_language() -> None:
    """'日本' after an English start is the answer to "where did you buy it?", not a switch to
    Chinese; 'Deutschland' alone is German (stranger test, 2026-11-30)."""
    assert choose_language(None, "日本", "en", None) == "en"
    assert choose_language(None, "日本", "ja", None) == "ja"
    assert choose_language(None, "台北", "zh-Hant", None) == "zh-Hant"
    assert choose_language(None, "Deutschland", "en", None) == "de"
    assert choose_language(None, "España", "en", None) == "es"
    assert choose_language(None, "召回", "de", None) == "zh-Hans"  # a word, not a place


def test_english_by_default_is_not_evidence() -> None:
    # "A1647" alone says nothing: answered in English, but not kept as the conversation's language
    assert pick_language(None, "A1647", None, None) == ("en", False)
    assert pick_language(None, "Canadá", None, None) == ("es", True)
    assert pick_language(None, "A1647", None, "de-DE") == ("de", True)
    assert pick_language(None, "A1647", "ja", None) == ("ja", True)
    # Japan named alone with no language yet: a Japanese owner; with one, the conversation's
    assert pick_language(None, "日本", None, None) == ("ja", True)
    assert pick_language(None, "日本", "en", None) == ("en", True)
    assert pick_language(None, "台灣", None, None)[0] == "zh-Hant"
