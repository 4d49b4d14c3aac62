"""Catalog completeness: every English message id in all six languages, placeholders intact."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.pofile import read_po

from bot.catalog import CATALOG, LANGUAGES, LOCALES_DIR, placeholders
from bot.truth import UNSAFE_CLAIMS

TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
# Platform limits on short strings (Discord: modal title/labels 45, descriptions 100; buttons 80).
LIMITS = {"ui_modal_": 45, "cmd_": 100, "param_": 100, "language_name": 80,
          "ui_check_button": 80, "ui_open_private_chat": 80, "button_cant_find": 80,
          "button_no_serial": 80, "button_other_model": 80, "button_region_other": 80,
          "button_remedy": 80, "button_claim": 80, "button_dispose": 80, "button_again": 80,
          "button_enter_serial": 80}
# Ids whose text is legitimately identical in some languages (a brand name and a placeholder).
SAME_IN_EVERY_LANGUAGE = {"contact_wechat"}


def _read(lang: str) -> PoCatalog:
    with (LOCALES_DIR / f"{lang}.po").open("rb") as handle:
        return read_po(handle, locale=lang.replace("-", "_"))


def _messages(lang: str) -> dict[str, tuple[str, ...]]:
    """msgid → all its forms (one for singular entries, n for plural entries)."""
    result: dict[str, tuple[str, ...]] = {}
    for message in _read(lang):
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        result[str(key)] = tuple(str(f or "") for f in forms)
    return result


ENGLISH = _messages("en")
PLURAL_IDS = {str(m.id[0]) for m in _read("en") if isinstance(m.id, tuple)}


def test_every_language_has_a_catalog_file() -> None:
    assert {p.stem for p in Path(LOCALES_DIR).glob("*.po")} >= set(LANGUAGES)
    assert CATALOG.available() == LANGUAGES


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_english_message_is_translated(lang: str) -> None:
    translated = _messages(lang)
    missing = sorted(set(ENGLISH) - set(translated))
    empty = sorted(k for k in ENGLISH if k in translated and not all(translated[k]))
    assert not missing, f"{lang}.po lacks {missing}"
    assert not empty, f"{lang}.po has empty translations for {empty}"
    extra = sorted(set(translated) - set(ENGLISH))
    assert not extra, f"{lang}.po has ids that en.po does not: {extra}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_match_english(lang: str) -> None:
    translated = _messages(lang)
    wrong = {}
    for msgid, forms in ENGLISH.items():
        wanted = set().union(*(placeholders(f) for f in forms))
        for form in translated.get(msgid, ()):
            if placeholders(form) != wanted:
                wrong[msgid] = (sorted(wanted), sorted(placeholders(form)))
    assert not wrong, f"{lang}.po placeholders differ from en.po: {wrong}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_entries_have_every_form(lang: str) -> None:
    catalog = _read(lang)
    assert catalog.num_plurals >= 1
    for message in catalog:
        if isinstance(message.id, tuple):
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            assert len(forms) == catalog.num_plurals and all(forms), \
                f"{lang}.po: {message.id[0]} needs {catalog.num_plurals} non-empty forms"
    for msgid in PLURAL_IDS:
        assert CATALOG.plural(lang, msgid, 1) and CATALOG.plural(lang, msgid, 5)


def test_plural_forms_headers() -> None:
    expected = {"en": 2, "es": 2, "de": 2, "zh-Hans": 1, "zh-Hant": 1, "ja": 1}
    for lang, count in expected.items():
        assert _read(lang).num_plurals == count, lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_translation_claims_a_device_is_safe(lang: str) -> None:
    for msgid, forms in _messages(lang).items():
        for form in forms:
            assert not UNSAFE_CLAIMS.search(form), f"{lang}.po {msgid}: {form!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_formats_and_is_really_in_that_language(lang: str) -> None:
    """Each id resolves through bot.catalog in `lang` itself (no silent English fallback)."""
    for msgid, forms in ENGLISH.items():
        dummy = {name: "X" for f in forms for name in placeholders(f)}
        assert CATALOG.has(lang, msgid), f"{lang}: {msgid}"
        if msgid in PLURAL_IDS:
            CATALOG.plural(lang, msgid, 2, **dummy)
        else:
            CATALOG.text(lang, msgid, **dummy)
    if lang != "en":
        same = [k for k in ENGLISH if k not in PLURAL_IDS | SAME_IN_EVERY_LANGUAGE
                and len(ENGLISH[k][0]) > 12 and CATALOG.text(lang, k) == ENGLISH[k][0]]
        assert not same, f"{lang}: left in English: {same}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_short_strings_fit_platform_limits(lang: str) -> None:
    for msgid, forms in _messages(lang).items():
        for prefix, limit in LIMITS.items():
            if msgid.startswith(prefix):
                assert len(forms[0]) <= limit, f"{lang} {msgid}: {len(forms[0])} > {limit}"


def test_language_names_are_distinct_and_native() -> None:
    names = {lang: CATALOG.text(lang, "language_name") for lang in LANGUAGES}
    assert len(set(names.values())) == len(LANGUAGES)
    assert names["zh-Hant"] == "繁體中文" and names["zh-Hans"] == "简体中文"


def test_a_value_that_ends_a_sentence_leaves_one_full_stop() -> None:
    """"Anotado: comprado en EE. UU.." read as a typo to a Spanish stranger (run 29)."""
    from bot.catalog import CATALOG

    assert CATALOG.text("es", "region_noted", region="EE. UU.") == "Anotado: comprado en EE. UU."
    assert CATALOG.text("en", "region_noted", region="the U.S.").endswith("U.S.")
