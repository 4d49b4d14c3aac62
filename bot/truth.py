"""The truth rules, enforced in one place on every outgoing reply.

- Never call a device safe.
- Never promise a time or a deadline that no source gives (those come only from the knowledge).
- Keep every reply inside every platform's limits (Telegram 4,096; Discord embeds 4,096/1,024).
"""

from __future__ import annotations

import logging
import re
from typing import TypeVar

from bot.replies import (
    ChoiceReply,
    InfoCard,
    PsaCard,
    Reply,
    SafetyCard,
    Section,
    TextReply,
    VerdictCard,
)

log = logging.getLogger(__name__)

MAX_TEXT = 4_000
MAX_TITLE = 250
MAX_SECTION = 1_000
MAX_SECTIONS = 20
MAX_FOOTER = 1_000
MAX_CARD_TOTAL = 5_500  # Discord: 6,000 for all embed text together
MAX_LINKS = 8  # links under one section (each is label + URL in Markdown on Discord)

# "is safe", "es seguro", "ist sicher", "是安全的", "安全です" — claims a unit is safe.
UNSAFE_CLAIMS = re.compile(
    r"\b(?:(?:is|it's|are|unit is|device is|yours is)\s+(?:completely |totally |perfectly )?safe\b"
    r"(?!\s+place)|safe to (?:use|keep|charge))|"
    r"\b(?:es|está) segur[oa]\b|\bist sicher\b|是安全的|很安全|是安全|安全です|安全だ",
    re.IGNORECASE,
)


class TruthViolation(AssertionError):
    """A reply broke a truth rule; raised in tests (strict), logged and repaired in production."""


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Every UNSAFE_CLAIMS alternative contains one of these (after case folding). Scanning for them
# is ~100x cheaper than running the regex over a whole card, and almost no reply contains one.
_CLAIM_WORDS = ("safe", "segur", "sicher", "安全")


def violations(reply: Reply) -> list[str]:
    text = reply.plain_text()
    # casefold() maps what IGNORECASE matches ("ſ" → s, "K" → k), except the dotless "ı".
    folded = text.casefold().replace("ı", "i")
    if not any(word in folded for word in _CLAIM_WORDS):
        return []
    return [m.group(0) for m in UNSAFE_CLAIMS.finditer(text)]


class Sealed(list):  # type: ignore[type-arg]
    """A list that cannot change once built. Cards that bot/present builds once and hands out
    turn after turn hold their sections (and each section's lines and links) in these, via
    `seal`, so the guard's verdict on their text can be remembered: nothing can alter it."""

    __slots__ = ()

    def _sealed(self, *args: object, **kwargs: object) -> None:
        raise TypeError("a sealed card cannot change; build a new one")

    def __reduce__(self) -> tuple[type, tuple[list[object]]]:  # copy, deepcopy, pickle
        return (Sealed, (list(self),))

    append = extend = insert = remove = pop = clear = sort = reverse = _sealed
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _sealed  # type: ignore[assignment]


CardReply = VerdictCard | InfoCard | SafetyCard | PsaCard
C = TypeVar("C", VerdictCard, InfoCard, SafetyCard, PsaCard)


def seal(card: C) -> C:
    """The card with its sections, lines and links in Sealed lists (a copy; same content)."""
    sections = Sealed(section.model_copy(update={"lines": Sealed(section.lines),
                                                 "links": Sealed(section.links)})
                      for section in card.sections)
    return card.model_copy(update={"sections": sections})


# Verdicts on sealed cards that passed unchanged: id(sections) → what made that verdict (the
# objects themselves, kept alive so an id cannot be reused while its entry exists).
_PASSED: dict[int, tuple[type, Sealed, str, object, str | None]] = {}
PASSED_CACHE = 8192


def enforce(reply: Reply, *, strict: bool = False) -> Reply:
    """The reply, inside the limits; a safety claim is an error (strict) or removed.

    A card whose sections are sealed (bot/present's cached cards, and the copies the dialog
    makes of them with other buttons) is checked once: every field the rules read (title,
    sections, source, footer) is the very same immutable object as when it passed.
    """
    sections = getattr(reply, "sections", None)
    if type(sections) is Sealed:
        assert isinstance(reply, CardReply)
        seen = _PASSED.get(id(sections))
        if seen is not None and seen[0] is type(reply) and seen[1] is sections \
                and seen[2] is reply.title and seen[3] is reply.source and seen[4] is reply.footer:
            return reply
        checked = _enforce(reply, strict)
        if checked is reply:
            if len(_PASSED) >= PASSED_CACHE:
                del _PASSED[next(iter(_PASSED))]
            _PASSED[id(sections)] = (type(reply), sections, reply.title, reply.source,
                                     reply.footer)
        return checked
    return _enforce(reply, strict)


def _enforce(reply: Reply, strict: bool) -> Reply:
    found = violations(reply)
    if found:
        if strict:
            raise TruthViolation(f"reply claims safety: {found!r}")
        log.error("truth rule: removed a safety claim from a %s reply", reply.kind)
        reply = _strip_claims(reply)
    if isinstance(reply, TextReply | ChoiceReply):
        if len(reply.text) > MAX_TEXT:
            return reply.model_copy(update={"text": _clip(reply.text, MAX_TEXT)})
        return reply
    if _card_fits(reply):  # the common case: nothing to cut
        return reply
    sections = [Section(heading=_clip(s.heading, MAX_TITLE) if s.heading else None,
                        lines=_clip_lines(s.lines), links=s.links[:MAX_LINKS])
                for s in reply.sections[:MAX_SECTIONS]]
    update: dict[str, object] = {"title": _clip(reply.title, MAX_TITLE), "sections": sections,
                                 "footer": _clip(reply.footer, MAX_FOOTER) if reply.footer else None}
    card = reply.model_copy(update=update)
    while len(card.plain_text()) > MAX_CARD_TOTAL and len(card.sections) > 1:
        card = card.model_copy(update={"sections": card.sections[:-1]})
    return card


def _card_fits(card: VerdictCard | InfoCard | SafetyCard | PsaCard) -> bool:
    """True when the card is inside every limit as it is (checked without rebuilding it)."""
    if len(card.title) > MAX_TITLE or len(card.sections) > MAX_SECTIONS \
            or (card.footer is not None and len(card.footer) > MAX_FOOTER):
        return False
    total = len(card.title) + len(card.footer or "")
    if card.source is not None:
        total += len(card.source.label) + len(card.source.url) + 4
    for section in card.sections:
        if len(section.links) > MAX_LINKS:
            return False
        size = sum(len(line) + 1 for line in section.lines)
        size += sum(len(link.label) + len(link.url) + 5 for link in section.links)
        if size - 1 > MAX_SECTION or (section.heading and len(section.heading) > MAX_TITLE):
            return False
        total += size + len(section.heading or "") + 2
    return total <= MAX_CARD_TOTAL - 2 * len(card.sections) - 4  # the separators plain_text adds


def _clip_lines(lines: list[str]) -> list[str]:
    kept: list[str] = []
    used = 0
    for line in lines:
        room = MAX_SECTION - used - (1 if kept else 0)
        if room <= 1:
            break
        line = _clip(line, room)
        kept.append(line)
        used += len(line) + (1 if len(kept) > 1 else 0)
    return kept


def _strip_claims(reply: Reply) -> Reply:
    def clean(text: str) -> str:
        return UNSAFE_CLAIMS.sub("…", text)

    if isinstance(reply, TextReply | ChoiceReply):
        return reply.model_copy(update={"text": clean(reply.text)})
    sections = [Section(heading=s.heading, lines=[clean(x) for x in s.lines]) for s in reply.sections]
    return reply.model_copy(update={"title": clean(reply.title), "sections": sections})
