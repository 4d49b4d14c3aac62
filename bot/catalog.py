"""The message catalog: every user-facing string, by message id, in every language.

Catalogs are gettext .po files in bot/locales/ (one per language, msgid = a symbolic message id,
msgstr = the text with `{named}` placeholders). They are compiled in memory with Babel into
standard `gettext.GNUTranslations`, so plural forms follow each language's Plural-Forms header.
"""

from __future__ import annotations

import gettext
import io
import re
import string
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES: tuple[str, ...] = ("en", "es", "de", "zh-Hans", "zh-Hant", "ja")
DEFAULT_LANGUAGE = "en"


_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")  # a filled-in value's stop, then the template's

class MissingMessage(KeyError):
    """A message id that is not in the English catalog: a programming error."""


def _po_path(lang: str) -> Path:
    return LOCALES_DIR / f"{lang}.po"


@cache
def _translations(lang: str) -> gettext.GNUTranslations | None:
    path = _po_path(lang)
    if not path.exists():
        return None
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang.replace("-", "_"))
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def placeholders(text: str) -> set[str]:
    """The `{named}` placeholders in a message."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class Catalog:
    """Looks up message ids; falls back to English, then fails loudly for unknown ids."""

    languages: tuple[str, ...] = LANGUAGES

    def available(self) -> tuple[str, ...]:
        """Languages whose catalog file exists."""
        return tuple(lang for lang in LANGUAGES if _translations(lang) is not None)

    def __init__(self) -> None:
        self._templates: dict[tuple[str, str], str] = {}
        self._has: dict[tuple[str, str], bool] = {}

    def _lookup(self, lang: str, msgid: str) -> str:
        template = self._templates.get((lang, msgid))
        if template is None:
            template = self._templates[(lang, msgid)] = self._find(lang, msgid)
        return template

    def _find(self, lang: str, msgid: str) -> str:
        for candidate in (lang, DEFAULT_LANGUAGE):
            trans = _translations(candidate)
            if trans is None:
                continue
            text = trans.gettext(msgid)
            if text != msgid:
                return text
        raise MissingMessage(msgid)

    def text(self, lang: str, msgid: str, /, **kwargs: object) -> str:
        """The message `msgid` in `lang` with its placeholders filled."""
        template = self._lookup(lang, msgid)
        if not kwargs:
            return template
        text = template.format(**kwargs)  # "(EE. UU.)." when a value ends a sentence: one stop
        return _DOUBLE_STOP.sub(".", text) if ".." in text else text

    def plural(self, lang: str, msgid: str, count: int, /, **kwargs: object) -> str:
        """A message with plural forms (msgid_plural in the .po files), chosen by `count`."""
        for candidate in (lang, DEFAULT_LANGUAGE):
            trans = _translations(candidate)
            if trans is None:
                continue
            text = trans.ngettext(msgid, msgid + "_plural", count)
            if text not in (msgid, msgid + "_plural"):
                return text.format(count=count, **kwargs)
        raise MissingMessage(msgid)

    def has(self, lang: str, msgid: str) -> bool:
        key = (lang, msgid)
        known = self._has.get(key)
        if known is None:
            trans = _translations(lang)
            known = self._has[key] = trans is not None and trans.gettext(msgid) != msgid
        return known

    def message_ids(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
        """Every message id of a language with its (singular) text."""
        with _po_path(lang).open("rb") as handle:
            catalog = read_po(handle, locale=lang.replace("-", "_"))
        result: dict[str, str] = {}
        for message in catalog:
            if not message.id:
                continue
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            value = message.string[0] if isinstance(message.string, tuple) else message.string
            result[str(key)] = str(value)
        return result


CATALOG = Catalog()
