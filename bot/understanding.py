"""Free-text understanding: models, serials, regions, intents and language in any message.

Pure functions over the text and the knowledge index; no I/O. Every regular expression here is
linear (no nested quantifiers) and runs on at most `MAX_TEXT` characters, so 100 KB of hostile
input costs microseconds, not seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from bot.lexicon import INTENT_PATTERNS, REGION_ANY
from knowledge import KnowledgeIndex, NameMatch
from knowledge.normalise import fold, normalise_model

MAX_TEXT = 8_000  # a long story is fine; beyond this we read the start and the end


class Intent(StrEnum):
    EMERGENCY = "emergency"
    IS_RECALLED = "is_recalled"
    REMEDY = "remedy"
    COMPARE = "compare"
    CLAIM = "claim"
    PHOTOS = "photos"
    RECEIPT = "receipt"
    SEND_BACK = "send_back"
    DISPOSE = "dispose"
    KEEP_USING = "keep_using"
    FLIGHT = "flight"
    CONTACT = "contact"
    CHECKER_SAYS_NO = "checker_says_no"
    ALREADY_CLAIMED = "already_claimed"
    UNREADABLE = "unreadable"
    SEVERAL = "several"
    OTHER_BRAND = "other_brand"
    SCAM = "scam"
    DELIVERY_TIME = "delivery_time"
    DEADLINE = "deadline"
    INJECTION = "injection"
    HOSTILE = "hostile"
    GREETING = "greeting"
    THANKS = "thanks"
    HELP = "help"
    MODELS = "models"
    CANCEL = "cancel"
    YES = "yes"
    NO = "no"
    OFF_TOPIC = "off_topic"


@dataclass
class Understood:
    """What one message says, as far as the bot can tell."""

    text: str
    models: list[str] = field(default_factory=list)          # known recalled models, as written
    unknown_models: list[str] = field(default_factory=list)  # model-shaped but not known
    fragments: list[str] = field(default_factory=list)       # model-ish pieces ("a126", "1263")
    names: list[NameMatch] = field(default_factory=list)     # fuzzy marketing-name hits
    serial: str | None = None
    region: str | None = None
    intents: set[Intent] = field(default_factory=set)

    @property
    def is_empty(self) -> bool:
        return not (self.models or self.unknown_models or self.serial or self.region
                    or self.intents or self.names)


# Model numbers as brands print them: A1263, BI-B41, PB2030MI, PPCXM06, 2G512B, PAC20-272, W1056.
_MODEL_TOKEN = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,5}[\- ]?\d{2,5}[A-Za-z0-9]{0,4}(?:-\d{2,4})?"
                          r"|\d[A-Za-z]\d{3}[A-Za-z]?|[A-Za-z]{2}-[A-Za-z]\d{2})(?![A-Za-z0-9])")
_ANKER_FULL = re.compile(r"^A\d{4}$")
_FRAGMENT = re.compile(r"(?<![A-Za-z0-9])(A\s?\d{2,3}|\d{4})(?![A-Za-z0-9])", re.IGNORECASE)
# A serial: "SN: XXXX…" or a run of 10–40 letters/digits (spaces or dashes between groups).
_SN_LABEL = re.compile(r"\bS/?N(?:\s*code)?\s*[:：#]?\s*([A-Za-z0-9][A-Za-z0-9 \-]{4,46})",
                       re.IGNORECASE)
_SERIAL_RUN = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9]{3,8}(?:[ \-][A-Za-z0-9]{3,8}){1,5}"
                         r"|[A-Za-z0-9]{10,40})(?![A-Za-z0-9])")
_LOT_CODE = re.compile(r"(?<![A-Za-z0-9])(\d{3}[A-Za-z]\d{2})(?![A-Za-z0-9])")


def clip(text: str) -> str:
    """Fold Unicode and keep the start and end of very long texts (the question is often last)."""
    folded = fold(text)
    if len(folded) <= MAX_TEXT:
        return folded
    half = MAX_TEXT // 2
    return folded[:half] + "\n" + folded[-half:]


def _looks_like_serial(candidate: str) -> bool:
    compact = re.sub(r"[ \-]", "", candidate)
    return (10 <= len(compact) <= 40 and any(c.isdigit() for c in compact)
            and any(c.isalpha() for c in compact))


def find_serial(text: str, models: list[str]) -> str | None:
    """A serial number in the text, if there is one that is not a model number."""
    labelled = _SN_LABEL.search(text)
    if labelled:
        return labelled.group(1).strip(" -")
    model_keys = {re.sub(r"[^A-Z0-9]", "", m) for m in models}
    for match in _SERIAL_RUN.finditer(text):
        # Printed serials come in groups of letters and digits; every group has a digit.
        groups = [g for g in re.split(r"[ \-]", match.group(1)) if g]
        while groups and groups[0].upper() in model_keys:
            groups.pop(0)
        if not groups or not all(any(c.isdigit() for c in g) for g in groups):
            continue
        candidate = " ".join(groups)
        if candidate.replace(" ", "").upper() in model_keys or not _looks_like_serial(candidate):
            continue
        return candidate
    lot = _LOT_CODE.search(text)
    return lot.group(1) if lot else None


def find_region(text: str) -> str | None:
    """The first region a message names ('bought in Taiwan', 'amazon.ca', '台灣', 'Ohio')."""
    match = REGION_ANY.search(text)
    if match is None:
        return None
    if match.lastgroup == "CN" and match.group(0) in ("¥", "￥") and _KANA.search(text):
        return "JP"  # yen written in a Japanese sentence
    return match.lastgroup


def find_intents(text: str) -> set[Intent]:
    """Every intent whose words appear in the message (patterns are lower-case)."""
    lowered = text.lower()
    return {Intent(name) for name, pattern in INTENT_PATTERNS if pattern.search(lowered)}


def understand(raw: str, index: KnowledgeIndex) -> Understood:
    """Read one message: everything the dialog might need, found anywhere in it."""
    text = clip(raw)
    result = Understood(text=text)
    for match in _MODEL_TOKEN.finditer(text):
        token = match.group(1)
        canonical = index.canonical_model(token)
        if canonical:
            if canonical not in result.models:
                result.models.append(canonical)
        elif _ANKER_FULL.match(normalise_model(token)):
            name = normalise_model(token)
            if name not in result.unknown_models:
                result.unknown_models.append(name)
    codes_only = _codes_only(text)
    if not codes_only:  # words can name a region or ask something; codes alone cannot
        result.region = find_region(text)
        result.intents = find_intents(text)
    if not result.models and not result.unknown_models:
        result.fragments = [normalise_model(m.group(1)) for m in _FRAGMENT.finditer(text)][:3]
        if len(text) <= 200 and not codes_only and _may_name_a_product(text, result, index):
            result.names = index.search_names(text, limit=4)
    result.serial = find_serial(text, result.models + result.unknown_models)
    return result


_KANA = re.compile(r"[\u3040-\u30ff]")
_ASCII_CODES = re.compile(r"[A-Za-z0-9 \-]{1,200}")


def _codes_only(text: str) -> bool:
    """A message of model numbers and serials only ('A1263', 'AKF1 2Z33 0L84 19B6')."""
    words = text.split()
    return 0 < len(words) <= 8 and _ASCII_CODES.fullmatch(text.strip()) is not None \
        and all(any(c.isdigit() for c in w) for w in words)


def _may_name_a_product(text: str, understood: Understood, index: KnowledgeIndex) -> bool:
    """Fuzzy-search names for typo-tolerant lookups, but not for questions naming no product."""
    if not understood.intents:
        return True
    return any(word in index.name_words for word in text.lower().split())


def serial_only(text: str) -> str | None:
    """When the bot asked for a serial, a short message of letters and digits is the serial."""
    cleaned = clip(text).strip()
    cleaned = re.sub(r"^(?:s/?n(?:\s*code)?\s*[:：#]?\s*)", "", cleaned, flags=re.IGNORECASE)
    if 4 <= len(cleaned) <= 60 and re.fullmatch(r"[A-Za-z0-9 \-]+", cleaned) \
            and any(c.isdigit() for c in cleaned):
        return cleaned
    return None
