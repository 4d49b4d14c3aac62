"""Free-text understanding: entities by rule, question types by the learned matcher.

    understand(text) → Understood: models (+ did-you-mean), serial, regions, brand, the safety
    reflex, cancel/yes/no, and the ranked question types of bot/data/questions.yaml.

Entities are exact rules over the knowledge (a model number is never guessed into another one:
near misses become "did you mean" suggestions). The matcher sees the message with its entities
replaced by placeholders (MODEL, SERIAL, PLACE), so "where is the serial on the A1263" and
"where is the serial on my Zolo" are the same question. Pure functions; no I/O. Every pattern is
linear with bounded whitespace, and runs on at most `MAX_TEXT` characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from rapidfuzz.distance import DamerauLevenshtein

from bot.lexicon import (
    ACTIVE_DANGER,
    ALREADY_CHECKED,
    ASKING_WORD,
    BORROWED,
    BOUGHT_AFTER,
    BOUGHT_AFTER_LATIN,
    BOUGHT_BEFORE,
    BRAND_NAMES,
    BRANDS_CJK,
    BRANDS_LATIN,
    BRANDS_LATIN_BESIDE_CJK,
    CANCEL_THEN_REASON,
    CHAINS_IN_MANY_COUNTRIES,
    CHECKER_SAID_NO,
    CHECKER_SAID_YES,
    CJK_NOT_BEFORE,
    CJK_PLACE,
    CJK_PLACES,
    CRACK_AS_PRAISE,
    CURRENCY,
    CURRENCY_REGIONS,
    DESTINATION_AFTER,
    DESTINATION_BEFORE,
    DISPOSE_INSTEAD,
    FIRE_REPORTED_AFTER,
    FIRE_REPORTED_BEFORE,
    FIRE_WORD,
    IF_SO,
    LABEL_SAYS,
    LATIN_PLACES,
    MAX_PLACE_WORDS,
    NATIONAL_CODES,
    NATIONAL_LINE,
    NEGATED_AFTER,
    NEGATED_BEFORE,
    NOT_BOUGHT_AFTER,
    NOT_BOUGHT_BEFORE,
    NOT_DANGER_AFTER,
    NOT_DANGER_BEFORE,
    PLACE_FIRST_WORDS,
    REASON_THEN_CANCEL,
    RECEIPT_WORD,
    REFLEX_MAX,
    REFLEX_MAX_CANCEL,
    REFLEXES,
    REGION_CODE_ALONE,
    REGION_CODES_WRITTEN,
    REGION_ORDER,
    SAFETY,
    SALT_WATER,
    SECOND_HAND,
    SERIAL_PART,
    SERIAL_PART_CUES,
    SITE,
    SITE_DOMAINS,
    THROWN_AWAY,
    TRAVEL_WORD,
    WARMTH_DENIED,
    WHAT_NOW,
    WHAT_WITH_IT,
    WHERE_TO_CLAIM,
    WHY_SERIAL,
    WHY_WHERE,
    WORD,
    brand_in,
    injection_in,
)
from bot.matcher import PLACEHOLDERS, Matcher, Scored, default_matcher, prepare
from bot.questions import by_id
from bot.scan import WordStarts
from knowledge import KnowledgeIndex, NameMatch
from knowledge.normalise import fold, model_key, normalise_model
from knowledge.schema import REGIONS

MAX_TEXT = 8_000  # a long story is fine; beyond this we read the start and the end
# A question type scored at least this is answered; below: "did you mean". (0.25 with n-grams
# alone; the average with the embedding head is flatter and right more often at low scores:
# 0.15 answered 14 more dev messages, every one of them right.)
CONFIDENT = 0.15
MODEL_SPEAKS = 0.25  # a short statement naming a model, read less surely: the model's check
SECOND = 0.3  # a second question type in the same message is answered from this score on
SECOND_PAIRED = 0.1  # …or from this score when the two are often asked together (questions.yaml)
AHEAD, AHEAD_FLOOR = 1.7, 0.1  # …or a best score of at least 0.1, 1.7 times the second one
FAMILIAR = 0.25  # Latin-script text with fewer known n-grams than this is gibberish to the matcher
PAIR = 0.6  # two question types scoring this much together are both answered
WITH_MODEL = 0.1  # …or, in a question that names a model (its check runs anyway), from this score
LEARNED_DANGER = 0.5  # the matcher this sure that a device is in danger: the safety card too
GONE = 0.15  # "already thrown away" this sure: its danger words are the past, not the present
GONE_SURE = 0.5  # …and this sure, in words the lexicon lacks ("持ち込み済み", "回収掉了")
LONG = 300  # characters of a long message's end that the matcher reads


@dataclass
class Understood:
    """What one message says, as far as the bot can tell."""

    text: str
    models: list[str] = field(default_factory=list)          # known recalled models, canonical
    unknown_models: list[str] = field(default_factory=list)  # model-shaped but not known
    series: str | None = None  # "Anker 621": a series name no recall names (not a model number)
    already_checked: bool = False  # "the checker says it's affected", "applied last week"
    not_included: list[str] = field(default_factory=list)  # "PPCXM06A": a notice excludes it
    suggestions: list[str] = field(default_factory=list)     # "did you mean" models
    read_as: list[tuple[str, str]] = field(default_factory=list)  # ("a1236", "A1263"): said so
    serial_part: tuple[str, str] | None = None  # ("start", "35S"): "the serial starts with 35S"
    described_as: str | None = None  # the one model a description fits ("xiaomi 33w 20000")
    names: list[NameMatch] = field(default_factory=list)     # fuzzy marketing-name hits
    serial: str | None = None
    region: str | None = None
    regions: list[str] = field(default_factory=list)         # every place named, in order
    brand: str | None = None
    safety: bool = False
    injection: bool = False
    reflex: str | None = None                                # cancel | yes | no
    ranked: list[Scored] = field(default_factory=list)       # question types, best first
    codes_only: bool = False
    masked: str = ""                                         # what the matcher saw
    whole: str = ""  # a long message whole, for its clauses (the matcher saw its end)
    familiar: float = 1.0                                    # share of its n-grams ever seen
    clause_ranked: list[Scored] = field(default_factory=list)  # the ranking clauses compare to
    # what the dialog read as asked, for the conversation step it was read at (bot/dialog.py)
    asked_for: tuple[object, tuple[str, ...]] | None = field(default=None, repr=False,
                                                            compare=False)

    @property
    def confident(self) -> bool:
        """The best question type is likely, or clearly ahead of the next one."""
        if not self.ranked or self.familiar < FAMILIAR:
            return False
        best = self.ranked[0].score
        if self.models and best < MODEL_SPEAKS and not _question_like(self.text) \
                and not ASKING_WORD.search(self.text):
            return False  # "小米充电宝召回", "zolo 20k lightning": the model named is the point
        second = self.ranked[1].score if len(self.ranked) > 1 else 0.0
        return best >= CONFIDENT or (best >= AHEAD_FLOOR and best >= AHEAD * second) or self._pair()

    @cached_property
    def questions(self) -> list[str]:
        """Question types asked, confidently: the best, and a clear second one (read once the
        message is understood: `understand` sets everything it depends on before returning)."""
        if not self.confident:
            if self.models and self.ranked and self.ranked[0].score >= WITH_MODEL \
                    and self.familiar >= FAMILIAR and _question_like(self.text):
                # "A1257 — checked at airport security?": the check runs too; not lost
                return [self.ranked[0].question,
                        *[q for q in self.clause_questions if q != self.ranked[0].question][:1]]
            return []
        found = [self.ranked[0].question]
        if found[0] == "model_only":  # "安克 A1652 香港買 點聯絡": the model named, and a
            found += [q for q in self.clause_questions if q not in _ONE_CHECK][:1]  # question
        elif len(self.ranked) > 1:
            second = self.ranked[1]
            if second.score >= SECOND:
                found.append(second.question)
            else:
                clear = [q for q in self.clause_questions if q not in (found[0], "model_only")]
                if clear:
                    found.append(clear[0])  # clear in its own clause: before a weak pair
                elif second.question in _often_with(found[0]) and second.score >= SECOND_PAIRED:
                    found.append(second.question)
            if len(found) == 2 and "is_recalled" in found and self.models:
                more = [q for q in self.clause_questions if q not in found]
                if more:  # the check answers "is it recalled?": room for one more
                    found.append(more[0])
        if self.models and found[0] not in _ONE_CHECK | {"checker_says_no"} \
                and _recalled_asked_first(
                self.whole or self.masked, found[0]):  # "is the A1652 part of it? and can I
            found = ["is_recalled", *(q for q in found if q != "is_recalled")][:3]  # still use
            # it?": the check answers the first question, then the second (batch 17)
        if found[0] in _RECEIPT_BESIDE and len(found) < 3 and "receipt" not in found \
                and RECEIPT_WORD.search(self.text):  # "…do I photograph the invoice too?"
            found.append("receipt")
        if found[0] == "already_claimed" and len(found) < 3 and "not_my_unit" not in found \
                and SECOND_HAND.search(self.text):  # "serial already used — bought it second-hand"
            found.append("not_my_unit")
        if found[0] in _ONE_CHECK and len(found) < 3 and "not_my_unit" not in found \
                and BORROWED.search(self.text):  # "the A1257 I borrowed is recalled, what do I
            found.append("not_my_unit")  # do?": who claims is the question (strangers)
        return found

    @cached_property
    def clause_questions(self) -> tuple[str, ...]:
        """Other questions, each clear in a part of the message (read on demand: most messages
        never need them)."""
        return _clause_questions(self.whole or self.masked, self.clause_ranked)

    def _pair(self) -> bool:
        """Two likely questions that together are clearly what was asked: answer both."""
        return len(self.ranked) > 1 and self.ranked[1].score >= SECOND \
            and self.ranked[0].score + self.ranked[1].score >= PAIR

    @property
    def unsure(self) -> bool:
        """A question-like message the matcher could not place confidently."""
        return bool(self.ranked) and self.familiar >= FAMILIAR and not self.confident



_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]+")  # kana, kanji
# Model numbers as brands print them: A1263, BI-B41, PB2030MI, PPCXM06, 2G512B, PAC20-272, W1056.
_MODEL_TOKEN = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,5}[\- ]?\d{2,5}[A-Za-z0-9]{0,5}(?:-\d{2,4})?"
                          r"|\d[A-Za-z]\d{3}[A-Za-z]?|[A-Za-z]{2}-[A-Za-z]\d{2})"
                          r"(?:s|['’]s)?(?![A-Za-z0-9])")  # "two BI-B41s", "my A1263's cable"
_ANKER_FULL = re.compile(r"^A\d{4}$")
# A number on its own: not a capacity or wattage (10000mAh, 22.5W, 20K), not inside a code.
_LONE_NUMBER = re.compile(r"(?<![A-Za-z0-9.,/-])(\d{3,5})(?![0-9.,]|\s*(?:mah|w\b|k\b|毫安|瓦))",
                          re.IGNORECASE)
# Anker's series names ("Anker 621", "PowerCore 737"): a product name, not the model number
# (A + 4 digits) a recall lists. One the knowledge does not name is said to be unknown.
_ANKER_SERIES = re.compile(r"(?:\b(?:anker|powercore|power core|maggo|nano|prime|zolo)\s+|アンカー(?:の)?)"
                           r"(?:(?:powercore|power core|maggo|nano|prime|zolo)\s+)?([1-9]\d\d)"
                           r"(?![0-9.,]|\s*(?:mah|w\b|wh\b|k\b|%))", re.IGNORECASE)
# Where a clause starts: "買咗好多年，之前喺新聞睇到話美國召回" did not buy it in the US.
_CLAUSE_START = re.compile(r"[，,。.;；!！?？]")
_ARTICLE_YEAR = re.compile(r"[A-Za-z]{1,5} (?:19[89]\d|20[0-3]\d)")
_DIGIT = re.compile(r"\d")
_BARE_DIGITS = re.compile(r"(?<![A-Za-z0-9$€£¥.,])(\d{4})(?![A-Za-z0-9])")
# A serial: "SN: XXXX…" or a run of 10–40 letters/digits (spaces or dashes between groups).
_SN_LABEL = re.compile(r"(?:\bS/?N(?: {0,3}code)?|\bserials?(?: numbers?| no\.?)?(?: is| are)?|"
                       r"número de serie(?: es)?|seriennummer(?: ist)?|序列号(?:是)?|序號(?:是)?|"
                       r"シリアル(?:番号)?(?:は)?)"
                       r"[ \t]{0,3}[:：#]?[ \t]{0,3}([A-Za-z0-9][A-Za-z0-9 \-]{4,46})",
                       re.IGNORECASE)
_SERIAL_RUN = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9]{3,8}(?:[ \-][A-Za-z0-9]{3,8}){1,5}"
                         r"|[A-Za-z0-9]{10,40})(?![A-Za-z0-9])")
_LOT_CODE = re.compile(r"(?<![A-Za-z0-9])(\d{3}[A-Za-z]\d{2})(?![A-Za-z0-9])")
_KANA = re.compile(r"[\u3040-\u30ff]")
_GENERIC_WORDS = frozenset({"anker", "power", "bank", "powerbank", "battery", "portable", "charger",
                            "mah", "the", "built", "cable", "usb", "model", "wireless", "charging",
                            "magnetic", "with", "and", "10k", "20k", "10000mah", "20000mah", "22w",
                            "30w", "33w", "stand", "black", "white",
                            # everyday words and colours inside product names ("for Apple Watch",
                            # "Super Off-Road", "teddy print"): alone they name no product
                            "for", "off", "pro", "code", "blue", "pink", "cream", "navy", "blush",
                            "lavender", "midnight", "dual", "super", "trip", "watch", "road",
                            "jump", "apple", "icons", "tech", "korea", "solar", "starter", "bow",
                            "integrated", "elements", "gravity", "packaging", "speaker", "print",
                            "teddy", "bluetooth", "speakerphone"})
_NUMBER_NAMES = ("334", "321", "535")
# An Anker series number listed beside model numbers: "…, una A1366 y una 733", "and a 737".
# The number ends a list item (a stop, a comma, "and", "power bank"): "my A1263, 200 times" is a
# count, not a product.
_LISTED_SERIES = re.compile(r"(?:,|\b(?:and|und|y|e|or|oder|o))\s+(?:(?:a|an|my|one|una?|eine?n?|meine?)\s+)?"
                            r"([1-9]\d\d)(?!\d|[.,]\d)(?= ?(?:[.,;:!?)\-—–]|$|(?:and|und|y|or|oder|o|"
                            r"power|powerbank|powercore|battery|bater\w*|akku|pack)\b))")
# A product line and its capacity listed beside model numbers ("…, and an old PowerCore 20000").
_LISTED_LINE = re.compile(r"(?:,|\b(?:and|und|y|e|or|oder|o))\s+"
                          r"(?:(?:a|an|my|one|some|una?|eine?n?|meine?)\s+)?"
                          r"(?:(?:old|older|new|little|alte[nr]?)\s+)?(?:anker\s+)?"
                          r"((?:powercore|power core|zolo|maggo|nano|prime)\s?(?:\d{1,2}k|\d{4,5}))\b")
# Product lines a name carries besides its specs: an owner of one mostly says it ("my Zolo").
_LINE_WORDS = frozenset({"zolo", "maggo", "nano", "prime", "powercore", "magsafe", "slim"})
_LINE_NAMES = {"powercore": "PowerCore", "maggo": "MagGo"}
# What goes before a bare series number in a list: "a 321", "an old 535", "und eine alte 535".
_LIST_ARTICLE = (r"\b(?:a|an|the|my|anker|and|una?|eine?n?|und|y)\s+"
                 r"(?:(?:old|older|new|little|other|another|alte[nr]?)\s+)?")
_SPEC_WORD = re.compile(r"\d+(?:mah|w|wh|k|v)")  # a capacity, wattage or voltage written as one word
# What owners describe a power bank by ("xiaomi 33w 20000 with the built-in cable"), in six
# languages, matched against the same features of the knowledge's product names.
_CAPACITY = re.compile(r"(?<![\d.,])(\d{1,2})(?:[.,]?000(?!\d)|\s?k\b|\smil\b)", re.IGNORECASE)
# "两万毫安", "2萬", "1万mAh": ten thousands, as Chinese and Japanese owners write a capacity
_CJK_CAPACITY = re.compile(r"(?<![\d.,十百千])(一|两|兩|二|三|1|2|3)\s?(?:万|萬)")  # not "十二万多人"
_CJK_DIGITS = {"一": 1, "1": 1, "两": 2, "兩": 2, "二": 2, "2": 2, "三": 3, "3": 3}
_WATTS = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d)?)\s?w(?![a-z])", re.IGNORECASE)  # "22,5W"
# What owners call a Lightning cable ("the zolo with the apple cable built in").
_APPLE_CABLE = re.compile(r"(?:apple|iphone)[- ](?:cable|kabel|cord)|cable (?:de|para) (?:apple|iphone)|"
                          r"(?:苹果|蘋果|iphone)(?:的)?(?:线|線)", re.IGNORECASE)
_FEATURES: dict[str, re.Pattern[str]] = {
    "cable": re.compile(r"built[- ]?in|integrated|attached|cable|kabel|integrad|线|線|ケーブル|一体型",
                        re.IGNORECASE),
    "lightning": re.compile(r"lightning|ライトニング", re.IGNORECASE),
    "usb-c": re.compile(r"usb[- ]?c|type[- ]?c|c口|c线|c線|c端", re.IGNORECASE),
    "magnetic": re.compile(r"maggo|magnetic|magsafe|magnet|magnéti|magneti|磁吸|マグネット",
                           re.IGNORECASE),
}


def spec_spans(text: str) -> list[tuple[int, int, str]]:
    """Where a text describes a power bank (capacity, watts, cable kinds), as MODEL spans."""
    patterns = [_CAPACITY, _CJK_CAPACITY, _WATTS, *_FEATURES.values()]
    return [(m.start(), m.end(), "MODEL") for p in patterns for m in p.finditer(text)]


def spec_of(text: str) -> frozenset[str]:
    """The features a text names: capacity (mAh), watts, cable kinds, magnetic."""
    found = {f"{int(m.group(1)) * 1000}mah" for m in _CAPACITY.finditer(text)}
    found |= {f"{_CJK_DIGITS[m.group(1)] * 10000}mah" for m in _CJK_CAPACITY.finditer(text)}
    found |= {f"{float(m.group(1).replace(',', '.')):g}w" for m in _WATTS.finditer(text)}
    found |= {name for name, pattern in _FEATURES.items() if pattern.search(text)}
    return frozenset(found)  # product names that are numbers (Anker 334 MagGo …)
_ASCII_CODES = re.compile(r"[A-Za-z0-9 \-]{1,200}")
_SERIAL_ONLY = re.compile(r"(?:s/?n(?: {0,3}code)?[ \t]{0,3}[:：#]?[ \t]{0,3})?([A-Za-z0-9 \-]{4,60})",
                          re.IGNORECASE)


def clip(text: str) -> str:
    """Fold Unicode and keep the start and end of very long texts (the question is often last)."""
    folded = fold(text)
    if len(folded) <= MAX_TEXT:
        return folded
    half = MAX_TEXT // 2
    return folded[:half] + "\n" + folded[-half:]


_SPECS_ONLY = re.compile(r"(?:\d+(?:[.,]\d+)?\s?(?:w|mah|k|v|a|wh)\b[ \-]?)+", re.IGNORECASE)


# A product name written as one word ("PowerCore10000", "MagGo10000"): never a serial.
_NAME_AS_WORD = re.compile(r"(?:power ?core|maggo|zolo|nano|prime|powerbank|power bank)\s?\d+(?:mah|k)?",
                           re.IGNORECASE)


def _looks_like_serial(candidate: str) -> bool:
    if _SPECS_ONLY.fullmatch(candidate.strip()) or _NAME_AS_WORD.fullmatch(candidate.strip()):
        return False  # "33W 20000mAh", "PowerCore10000" describe the power bank
    compact = re.sub(r"[ \-]", "", candidate)
    return (10 <= len(compact) <= 40 and any(c.isdigit() for c in compact)
            and any(c.isalpha() for c in compact))


_ALNUM = re.compile(r"[^A-Za-z0-9]")


def find_serial(text: str, models: list[str]) -> str | None:
    """A serial number in the text, if there is one that is not a model number."""
    labelled = _SN_LABEL.search(text)
    model_keys = {re.sub(r"[^A-Z0-9]", "", m) for m in models}
    if labelled:
        # "SN: ABCD 1234 EFGH 5678 bought in Ohio": the printed groups, not the words after them
        groups = re.split(r"([ \-])", labelled.group(1).strip(" -"))
        worded = False
        while len(groups) > 2 and not any(c.isdigit() for c in groups[0]) \
                and not (groups[0].isupper() and len(groups[0]) <= 8):
            groups = groups[2:]  # "serial says 000H21", "SN reads AK…": the word goes
            worded = True
        kept = groups[:1]
        for separator, group in zip(groups[1::2], groups[2::2], strict=False):
            if not any(c.isdigit() for c in group) and not (group.isupper() and len(group) <= 8):
                break  # a word ("bought"), not a printed group ("EFGH")
            kept += [separator, group]
        serial = "".join(kept)
        # …and not "the serial number is on the back", nor "my serial is A1263", nor "serial
        # starts with 35S" (a part of one, after words: too short to be a whole serial)
        if any(c.isdigit() for c in serial) and serial.upper() not in model_keys \
                and not (worded and len(re.sub(r"[ \-]", "", serial)) < 6) \
                and not _SPECS_ONLY.fullmatch(serial) and not _NAME_AS_WORD.fullmatch(serial):
            return serial  # ("die Seriennummer auf der Anker 20000mAh": a capacity, no serial)
    for match in _SERIAL_RUN.finditer(text):
        # Printed serials come in groups of letters and digits; every group has a digit.
        groups = [g for g in re.split(r"[ \-]", match.group(1)) if g and g.upper() not in model_keys]
        while groups and not any(c.isdigit() for c in groups[0]):  # "found it its AK7R 2W9N…":
            if len(groups) > 1 and groups[0].isupper() and len(groups[0]) == len(groups[1]):
                break  # "AMPA 12E4 5K08 1139": a printed group of letters only, not a word
            groups = groups[1:]                                    # the words before it go
        while groups and not any(c.isdigit() for c in groups[-1]):
            groups = groups[:-1]
        if not groups or not all(any(c.isdigit() for c in g) for g in groups[1:]) \
                or not (any(c.isdigit() for c in groups[0]) or groups[0].isupper()):
            continue
        candidate = " ".join(groups)
        if candidate.replace(" ", "").upper() in model_keys or not _looks_like_serial(candidate):
            continue
        return candidate
    lot = _LOT_CODE.search(text)
    return lot.group(1) if lot else None


def _site_or_district(key: str) -> str | None:
    """A shop's site under a country's domain ("homedepot.ca") or a district of a known city
    ("dresden-neustadt"): that country."""
    site = SITE.match(key) if "." in key else None
    if site:
        return SITE_DOMAINS.get(site.group(1)) or SITE_DOMAINS.get(site.group(1)[-2:])
    head = key.split("-", 1)[0]
    return LATIN_PLACES.get(head) if "-" in key and len(head) >= 4 else None


def find_regions(text: str) -> list[tuple[str, int, int]]:
    """Every place a message names, as (region code, start, end), in order of mention.

    Words are looked up in tables (bot/lexicon.py) rather than matched by one big alternation:
    the tables grow with every city and shop, the cost per message does not.
    """
    found: list[tuple[str, int, int]] = []
    words = list(WORD.finditer(text))
    keys = [w.group(0).lower().rstrip(".'’-") for w in words]
    skip_until = -1
    for i, word in enumerate(words):
        if i <= skip_until:
            continue
        if keys[i] not in PLACE_FIRST_WORDS and keys[i].replace(".", "") not in PLACE_FIRST_WORDS:
            written = word.group(0).rstrip(".")
            code = _site_or_district(keys[i])
            if code:
                found.append((code, word.start(), word.end()))
            elif written in REGION_CODES_WRITTEN and not _mostly_capitals(text):
                found.append((REGION_CODES_WRITTEN[written], word.start(), word.end()))
            continue
        for size in range(min(MAX_PLACE_WORDS, len(words) - i), 0, -1):
            phrase = " ".join(keys[i:i + size])
            code = LATIN_PLACES.get(phrase) or LATIN_PLACES.get(phrase.replace(".", ""))
            if code and phrase.endswith(" de") and i + size < len(words) \
                    and (_place_starts(keys, i + size)
                         or keys[i + size] in _SPANISH_AFTER_DE):
                continue  # "Amazon de EEUU", "correo de Amazon de que…" are Spanish, not amazon.de
            if code and not (phrase == "usa" and word.group(0) != "USA"
                             and len(words) > 2):  # "usa" is Spanish for "uses"; alone, the US
                found.append((code, word.start(), words[i + size - 1].end()))
                skip_until = i + size - 1
                break
        else:
            written = word.group(0).rstrip(".")
            if written in REGION_CODES_WRITTEN and not _mostly_capitals(text):
                found.append((REGION_CODES_WRITTEN[written], word.start(), word.end()))
    ascii_only = text.isascii()  # then no CJK place, and no currency but "NT$", "C$", …
    for match in () if ascii_only else CJK_PLACE.finditer(text):
        term = match.group(0)
        after = CJK_NOT_BEFORE.get(term)
        if after and text[match.end():match.end() + 1] == after:
            continue
        found.append((CJK_PLACES[term], match.start(), match.end()))
    for match in () if ascii_only and "$" not in text else CURRENCY.finditer(text):
        symbol = match.group(0).lower()
        code = CURRENCY_REGIONS[symbol]
        if symbol in ("¥", "￥") and _KANA.search(text):
            code = "JP"  # yen written in a Japanese sentence
        found.append((code, match.start(), match.end()))
    start = len(text) - len(text.lstrip())
    leading = _LEADING_CODE.match(text, start)  # "us, off amazon" answering "where did you buy?"
    if leading and not found:
        found.append((REGION_CODES_WRITTEN[leading.group(1).upper()], leading.start(1),
                      leading.end(1)))
    alone = REGION_CODE_ALONE.fullmatch(text.strip())
    if alone and alone.group(1).upper() in REGIONS \
            and alone.group(1).upper() not in _WORDS_NOT_CODES:
        found.append((alone.group(1).upper(), 0, len(text)))
    found.sort(key=lambda f: (f[1], REGION_ORDER.index(f[0]) if f[0] in REGION_ORDER else 99))
    return found


_LEADING_CODE = re.compile(r"(us|uk|usa) ?[,;]", re.IGNORECASE)  # matched at the start only


def _reason_then_cancel(stripped: str) -> bool:
    """"ahorita no tengo la batería a la mano, lo dejamos para otro día": a reason, then a stop."""
    found = REASON_THEN_CANCEL.search(stripped)
    return found is not None and found.start() >= 1


def _capacities(text: str) -> set[str]:
    """Capacities written in a text, in thousands of mAh ("20k", "20,000mAh" → "20")."""
    return {m.group(1) for m in _CAPACITY.finditer(text)}


def _capacity_conflict(lowered: str, name_words: set[str]) -> bool:
    """The text names a capacity and the product's name another ("20k" of a 10K product)."""
    said = _capacities(lowered)
    named = _capacities(" ".join(name_words))
    return bool(said and named and not said & named)


# Words that make another product of a series ("PowerCore Slim 10000 PD", "Nano", "Redux").
_VARIANT_WORDS = frozenset({"slim", "redux", "pd", "elite", "lite", "plus", "nano", "prime",
                            "essential", "ii", "iii", "mini"})

# Words of product names that tell apart models alike ("MagGo … Stand", "… for Apple Watch").
_FEATURE_WORDS = frozenset({"stand", "watch", "magnetic"})

# Words that follow Spanish "de" ("un correo de Amazon de que…"), never a German sentence's.
_SPANISH_AFTER_DE = frozenset({"que", "mi", "mis", "la", "las", "el", "los", "un", "una", "su",
                               "sus", "tu", "lo", "esta", "este", "eso", "esa", "ese", "todo",
                               "todos", "cómo", "como", "qué", "quien", "quién"})


def _place_starts(keys: list[str], at: int) -> bool:
    """A place name begins at word `at` (one to MAX_PLACE_WORDS words)."""
    return any(" ".join(keys[at:at + size]) in LATIN_PLACES
               for size in range(1, min(MAX_PLACE_WORDS, len(keys) - at) + 1))


# Two letters alone that are a word before they are a country code ("no", "my", "do", "id").
_WORDS_NOT_CODES = frozenset({"NO", "MY", "DO", "ID", "BE", "IL", "SA", "TH", "TR", "SE", "PT",
                              "PL", "FI", "DK", "GR", "EC", "CR", "MO", "IE"})


def find_region(text: str) -> str | None:
    """The first region a message names ('bought in Taiwan', 'amazon.ca', '台灣', 'Ohio', 'CA')."""
    regions = find_regions(text)
    return regions[0][0] if regions else None


def _mostly_capitals(text: str) -> bool:
    """Shouting ("IS IT OK TO USE"), judged on plain words only (serials are capitals anyway)."""
    letters = [c for word in text.split() if word.isascii() and word.isalpha() for c in word]
    return len(letters) > 6 and sum(c.isupper() for c in letters) > 0.6 * len(letters)


class _ModelFinder:
    """Model numbers, aliases and near misses, for one knowledge index (built once per index)."""

    def __init__(self, index: KnowledgeIndex) -> None:
        self.index = index
        self.aliases: dict[str, str] = {}
        for campaign in index.campaigns:
            for product in campaign.products:
                for alias in product.aliases:
                    if _MODEL_TOKEN.fullmatch(alias):  # a model-like alias (a common misprint)
                        self.aliases[model_key(alias)] = product.model
        self.models = index.models
        self.model_keys = [(m, model_key(m)) for m in self.models]  # (keyed once, not per word)
        self.anker = {m for m in self.models if _ANKER_FULL.match(m)}
        # Words that name a product line ("powercore", "maggo", "zolo", "334"), not any power bank.
        counts: dict[str, set[str]] = {}
        self.words_of: dict[str, set[str]] = {}
        for campaign in index.campaigns:
            for product in campaign.products:
                for name in (product.name, *product.aliases):
                    for word in re.findall(r"[a-z0-9]+", name.lower()):
                        counts.setdefault(word, set()).add(product.model)
                        self.words_of.setdefault(product.model, set()).add(word)
        self.product_words = frozenset(
            w for w, models in counts.items()
            if (len(w) >= 3 and w not in _GENERIC_WORDS and len(models) <= 5 and not w.isdigit()
                and not _SPEC_WORD.fullmatch(w))  # "30000mah" describes any power bank
            or w in _NUMBER_NAMES)
        # Anker's marketing numbers ("the 535", "my 334"), when one recalled model bears it.
        self.by_number = {w: next(iter(counts[w])) for w in _NUMBER_NAMES
                          if len(counts.get(w, ())) == 1}
        self.by_number |= {f"{w}er": m for w, m in self.by_number.items()}  # "meine 535er"
        self.product_words |= frozenset(self.by_number)
        self.specs: dict[str, dict[str, frozenset[str]]] = {}  # brand → model → features
        for campaign in index.campaigns:
            for product in campaign.products:
                mine = self.specs.setdefault(campaign.brand, {})
                names = " ".join((product.name, *product.aliases))
                mine[product.model] = mine.get(product.model, frozenset()) | spec_of(names)

    def by_spec(self, text: str, brand: str) -> list[str]:
        """The brand's models whose names have every feature the text describes — at least a
        capacity or wattage, or the brand alone when it has one recalled model ("iniu 10000mah"
        → BI-B41). A text naming one cable kind prefers models without a second kind."""
        wanted = spec_of(text)
        if not any(f.endswith(("mah", "w")) for f in wanted):
            return []
        fits = [m for m, spec in self.specs.get(brand, {}).items() if wanted <= spec]
        if not fits and "cable" in wanted and len({f for f in wanted if f.endswith(("mah", "w"))}) >= 2:
            # "22.5W, 1万, the strap is the cable": a cable its name does not mention (A1257)
            fits = [m for m, spec in self.specs.get(brand, {}).items() if wanted - {"cable"} <= spec]
        kinds = {"lightning", "usb-c"}
        if len(fits) > 1 and wanted & kinds:
            fewest = min(len(self.specs[brand][m] & kinds) for m in fits)
            fits = [m for m in fits if len(self.specs[brand][m] & kinds) == fewest]
        return sorted(fits)

    def by_brand_number(self, text: str, brand: str) -> list[str]:
        """The brand's models whose number ends in a number the text gives alone ("罗马仕272",
        "belkin 002"): three digits or more, and not a capacity or a wattage."""
        numbers = {m.group(1) for m in _LONE_NUMBER.finditer(text)}
        return sorted(m for m in self.specs.get(brand, {})
                      if any(m.endswith(n) and not m[-len(n) - 1:-len(n)].isdigit()
                             for n in numbers))

    def names_a_product(self, lowered: str) -> bool:
        return any(word in self.product_words for word in re.findall(r"[a-z0-9]+", lowered))

    def models_with_words(self, lowered: str) -> list[str]:
        """Models whose names hold a product word of the text ("zolo" → both Zolo 20K)."""
        words = {w for w in re.findall(r"[a-z0-9]+", lowered) if w in self.product_words}
        return sorted(m for m, names in self.words_of.items() if words & names)[:4]

    def named_model(self, text: str) -> str | None:
        """The one model a marketing name in `text` designates, if exactly one fits.

        The whole text as a name or alias wins; else, among names close to it, the one sharing
        the most product words with it ("lightning" tells the two Zolo 20K apart).
        """
        text = _APPLE_CABLE.sub("Lightning", text)
        numbers = {self.by_number[w] for w in re.findall(r"[a-z0-9]+", text.lower())
                   if w in self.by_number}
        if len(numbers) == 1:
            return numbers.pop()
        tokens = re.findall(r"[\w.,()-]+", _CJK_RUN.sub(" ", text))[:40]  # "アンカーのPowerCore
        for size in range(min(6, len(tokens)), 1, -1):  # 10000持ってる", "I have a PowerCore 10000"
            for start in range(len(tokens) - size + 1):
                exact = self.index.exact_name(" ".join(tokens[start:start + size]))
                if exact is not None:
                    return exact.model
        close = self.index.search_names(text, limit=8)
        hits = [n for n in close if n.score >= 80]  # near ties too: "anker powercore" fits 3
        if len({n.product.model for n in hits}) == 1:
            return hits[0].product.model  # one product fits the name at all ("maggo 10k 7.5w")
        if not any(n.score >= 85 for n in hits):
            return None
        words = {w for w in re.findall(r"[a-z0-9]+", text.lower())
                 if w in self.product_words or (w.isdigit() and len(w) >= 3)
                 or w in _GENERIC_WORDS}  # (a colour tells apart names alike but for it)
        shared = {n.product.model: len(words & self.words_of.get(n.product.model, set()))
                  for n in hits}
        best = max(shared.values())
        winners = [m for m, count in shared.items() if count == best]
        if len(winners) == 1 and (len(shared) == 1 or best > 0):
            return winners[0]
        return None

    def several_named(self, text: str) -> list[tuple[str, str]]:
        """Every product a list of names designates ("a 321, a 535 and a powercore 10000"), as
        (words written, model) in order of mention; only used when two or more are found."""
        found: list[tuple[int, str, str]] = []
        for m in re.finditer(r"[a-z0-9]+", text.lower()):
            if m.group(0) in self.by_number:
                found.append((m.start(), m.group(0), self.by_number[m.group(0)]))
        tokens = list(re.finditer(r"[\w.,()-]+", _CJK_RUN.sub(" ", text)))[:60]
        taken: set[int] = set()
        for size in range(min(6, len(tokens)), 1, -1):
            for start in range(len(tokens) - size + 1):
                span = set(range(start, start + size))
                if span & taken:
                    continue
                words = " ".join(t.group(0).strip(".,") for t in tokens[start:start + size])
                exact = self.index.exact_name(words)
                if exact is not None:
                    taken |= span
                    found.append((tokens[start].start(), words, exact.model))
        seen: dict[str, tuple[int, str]] = {}
        for at, words, model in sorted(found):
            seen.setdefault(model, (at, words))
        return [(words, model) for model, (_, words) in seen.items()]

    def canonical(self, token: str) -> str | None:
        return self.index.canonical_model(token) or self.aliases.get(model_key(token))

    def near(self, token: str) -> list[str]:
        """Known models one edit (or one swap) away: 'A1236' → A1263."""
        key = model_key(token)
        return [m for m, mine in self.model_keys
                if abs(len(mine) - len(key)) <= 1
                and DamerauLevenshtein.distance(mine, key, score_cutoff=1) <= 1][:4]


@lru_cache(maxsize=4)
def _finder(index: KnowledgeIndex) -> _ModelFinder:
    return _ModelFinder(index)


def understand(raw: str, index: KnowledgeIndex) -> Understood:
    """Read one message: everything the dialog might need, found anywhere in it."""
    text = clip(raw)
    result = Understood(text=text)
    finder = _finder(index)
    spans: list[tuple[int, int, str]] = []  # what the matcher sees as placeholders
    # Model numbers, bare model digits, serials and codes all have digits: without one, none
    # of their scans can find anything (the same result, sooner).
    digits = _DIGIT.search(text) is not None
    for match in _MODEL_TOKEN.finditer(text) if digits else ():
        token = match.group(1)
        canonical = finder.canonical(token) or (  # "the A1647s": a plural of a known model
            finder.canonical(token[:-1]) if token[-1:] in ("s", "S") else None)
        if canonical:
            if canonical not in result.models:
                result.models.append(canonical)
            spans.append((match.start(1), match.end(1), "MODEL"))
            continue
        if _ARTICLE_YEAR.fullmatch(token):
            continue  # "a 2018 one", "a 2019 model": a year, not the unknown model "A2018"
        excluded = index.not_included_in(token)
        if excluded is not None:  # "PPCXM06A": its notice says it is not in the recall
            if excluded[0] not in result.not_included:
                result.not_included.append(excluded[0])
            spans.append((match.start(1), match.end(1), "MODEL"))
            continue
        name = normalise_model(token)
        near = finder.near(token) if any(c.isdigit() for c in token) \
            and model_key(token) not in index.remedy_models else []  # (A1259: a replacement)
        swapped = _swapped_digits(name, near)
        if swapped is not None:  # "a1236": two neighbours swapped, one model fits — read it so
            if swapped not in result.models:
                result.models.append(swapped)
                result.read_as.append((token, swapped))
            spans.append((match.start(1), match.end(1), "MODEL"))
            continue
        if _ANKER_FULL.match(name) or near:
            if name not in result.unknown_models:
                result.unknown_models.append(name)
            result.suggestions += [m for m in near if m not in result.suggestions]
            spans.append((match.start(1), match.end(1), "MODEL"))
    if not result.models and digits:
        bare = [(m, "A" + m.group(1)) for m in _BARE_DIGITS.finditer(text)
                if "A" + m.group(1) in finder.anker]
        if len({model for _, model in bare}) == 1:  # "my 1263": one model has these digits
            match, model = bare[0]
            result.models.append(model)
            result.read_as.append((match.group(1), model))
            spans += [(m.start(1), m.end(1), "MODEL") for m, _ in bare]
        else:  # several: which one?
            for match, model in bare:
                if model not in result.suggestions:
                    result.suggestions.append(model)
                spans.append((match.start(1), match.end(1), "MODEL"))
    result.codes_only = digits and _codes_only(text)
    if digits:  # (model numbers blanked first: "BS-30KP365 65W" holds no serial "30KP365 65W")
        unmodelled = text
        for begin, finish, kind in spans:
            if kind == "MODEL":
                unmodelled = unmodelled[:begin] + " " * (finish - begin) + unmodelled[finish:]
        result.serial = find_serial(unmodelled, result.models + result.unknown_models)
        whole = find_serial(text, result.models) if result.unknown_models else None
        if whole and result.serial and len(_ALNUM.sub("", whole)) == 16 \
                and len(_ALNUM.sub("", whole)) > len(_ALNUM.sub("", result.serial)) \
                and whole.endswith(result.serial):  # "A263 1L7Z 9K2C 44Q8": a serial's first
            inside = [m for m in result.unknown_models if m in whole]  # group, not "A1263?"
            result.serial = whole
            result.unknown_models = [m for m in result.unknown_models if m not in inside]
            if not result.unknown_models:
                result.suggestions.clear()
            spans = [sp for sp in spans if not (sp[2] == "MODEL" and text[sp[0]:sp[1]] in inside)]
    if result.serial:
        at = text.find(result.serial)
        if at >= 0:
            spans.append((at, at + len(result.serial), "SERIAL"))
    if result.codes_only:
        return result
    lowered = text.lower()
    parts = list(SERIAL_PART.finditer(text)) if not result.serial \
        and any(cue in lowered for cue in SERIAL_PART_CUES) else []
    part = parts[-1] if parts else None  # "doesn't start with 35S?? mine starts 35R": the last
    if part is not None:
        start = part.group(1) or part.group(2)
        said = start or part.group(3) or part.group(4)
        if any(c.isdigit() for c in said) or (said.isupper() and not start):  # "35S", "D";
            result.serial_part = ("start" if start else "end", said.upper())  # not "fine"
    result.safety = in_danger(lowered)
    result.already_checked = ALREADY_CHECKED.search(lowered) is not None
    result.injection = injection_in(lowered)
    stripped = lowered.strip(" \t\n?!.,")
    if len(stripped) <= REFLEX_MAX:
        result.reflex = next((name for name, p in REFLEXES.items() if p.fullmatch(stripped)), None)
    if result.reflex is None and len(stripped) <= REFLEX_MAX_CANCEL and not result.safety and (
            REFLEXES["cancel"].fullmatch(stripped)
            or ("?" not in lowered and "？" not in lowered
                and (CANCEL_THEN_REASON.fullmatch(stripped)
                     or _reason_then_cancel(stripped)))):
        result.reflex = "cancel"  # "never mind, stop, I'll do this later" (not "it's getting
        # hot, so I'll stop here": the danger is answered first)
    regions = all_regions = find_regions(text)
    result.regions = list(dict.fromkeys(code for code, _, _ in regions))
    # where the owner flies or travels to is kept for the flight rules, never as where it was
    # bought ("wir fliegen nach Tokio … A1263 in Deutschland gekauft" is no Japanese purchase)
    destinations = {(code, start) for code, start, end in regions
                    if DESTINATION_BEFORE.search(text[max(0, start - 20):start])
                    or DESTINATION_AFTER.match(text, end)}
    not_bought = {code for code, start, end in regions  # "not bought in Japan: can I use
                  if NOT_BOUGHT_BEFORE.search(text[max(0, start - 30):start])  # Japan's recall?"
                  or NOT_BOUGHT_AFTER.match(text, end)}
    regions = [r for r in regions if (r[0], r[1]) not in destinations and r[0] not in not_bought]
    result.region = regions[0][0] if regions else None
    line = NATIONAL_LINE.search(lowered) if result.region is None else None
    national = (line.group(1) or line.group(2)) if line is not None else None
    if national is not None and NATIONAL_CODES.get(national) in REGIONS:  # "a German number?"
        result.region = NATIONAL_CODES[national]
        result.regions = [result.region]
    if len({code for code, _, _ in regions}) > 1:  # "I live in Mexico but bought it in the US"
        bought = [(code, start, end) for code, start, end in regions
                  if BOUGHT_BEFORE.search(_CLAUSE_START.split(text[max(0, start - 40):start])[-1])
                  or BOUGHT_AFTER.match(text, end)] or [  # "在日本買的", "日本で買った"
            (code, start, end) for code, start, end in regions  # else "in Deutschland bei
            if BOUGHT_AFTER_LATIN.search(_CLAUSE_START.split(text[end:end + 30])[0])]  # Amazon gekauft"
        if set(result.regions) == {"HK", "CN"}:  # (bought on the mainland by a Hong Kong
            bought = []                           # resident: Hong Kong, evaluation/README.md)
        where = (bought or regions)[0]
        places = [code for code, start, end in regions
                  if text[start:end].lower() not in CHAINS_IN_MANY_COUNTRIES]
        if places and text[where[1]:where[2]].lower() in CHAINS_IN_MANY_COUNTRIES:
            result.region = places[0]  # "best buy in canada": the chain has shops in both
        else:
            result.region = where[0]
    spans += [(start, end, "PLACE") for _, start, end in all_regions]
    brand = brand_in(lowered)
    if brand:
        result.brand = BRAND_NAMES.get(brand.lower(), brand)
    if not result.models and result.brand and not result.unknown_models and digits:
        by_number = finder.by_brand_number(text, result.brand)
        if len(by_number) == 1:  # "罗马仕272那款": the one Romoss model numbered …272
            result.models.append(by_number[0])
            result.described_as = by_number[0]
            spans += [(m.start(1), m.end(1), "MODEL") for m in _LONE_NUMBER.finditer(text)
                      if by_number[0].endswith(m.group(1))]
    if not result.models and result.brand and not result.unknown_models:
        described = finder.by_spec(text, result.brand)
        said = set(re.findall(r"[a-z0-9]+", lowered)) & finder.product_words
        named_too = [m for m in described if said & finder.words_of.get(m, set())]
        if len(described) > 1 and named_too:  # "Zolo 20000": the 20K Zolos, not every 20K
            described = named_too
        elif len(described) > 1 and not said and len(spec_of(text)) >= 2:  # "the anker 20000
            # with the usb c cable built in" (not "anker 10000": the PowerCore as likely)
            plain = [m for m in described  # the plain one, not the Zolo nobody named (all
                     if not finder.words_of.get(m, set()) & _LINE_WORDS]  # recalled; said as
            if len(plain) == 1 and all(index.campaigns_for_model(m) for m in described):  # read,
                described = plain  # so a label saying otherwise is sent)
        if described:  # the matcher reads the description as a model ("… usb c cable" is no
            spans += spec_spans(text)  # question about cables)
        if len(described) == 1:  # "xiaomi 33w 20000 with the cable": one model fits — said so
            result.models.append(described[0])
            result.described_as = described[0]
        else:
            result.suggestions += [m for m in described[:4] if m not in result.suggestions]
    if result.models and len(text) <= 600 and finder.names_a_product(lowered):
        # "a 321, a 535 and a zolo A1689 — which are recalled?": the names beside the numbers
        numbered = list(result.models)
        result.models += [m for words, m in finder.several_named(text) if m not in result.models
                          and not any(  # "baseus magnetic power bank PPCXW06": that name is
                              set(re.findall(r"[a-z0-9]+", words.lower()))  # the numbered
                              <= finder.words_of.get(n, set()) for n in numbered)  # one's own
                          and (not words.isdigit() or re.search(  # "for 321 dollars" is a price
                              _LIST_ARTICLE + rf"{words}\b", lowered))]
    if result.models and result.brand == "Anker" and len(text) <= 600:
        # "una A1652, una A1366 y una 733": a series number in the list, in no recall known
        result.unknown_models += [f"Anker {n}" for n in _LISTED_SERIES.findall(lowered)
                                  if n not in finder.by_number
                                  and f"Anker {n}" not in result.unknown_models]
        # "A1257, A1652 und eine alte PowerCore 20000": a line of its own, not dropped
        for name in _LISTED_LINE.findall(lowered):
            said = "Anker " + " ".join(_LINE_NAMES.get(w, w.title()) for w in name.split())
            product_line = set(name.split()) & _LINE_WORDS
            alike = [m for m in finder.by_spec(name, "Anker")  # "PowerCore 20000" may be the
                     if product_line & finder.words_of.get(m, set())]  # recalled 535 PowerCore 20K:
            if finder.named_model(name) is None and not alike \
                    and said not in result.unknown_models:  # never "in no recall" then
                result.unknown_models.append(said)
    if not result.models and len(text) <= 600 and finder.names_a_product(lowered):
        listed = finder.several_named(text)
        if len(listed) >= 2:  # "a 321, a 535 and a powercore 10000": each checked in turn
            result.models += [model for _, model in listed]
            result.read_as += [(words, model) for words, model in listed]
        elif len(listed) == 1 and len(text) > 200 and not listed[0][0].isdigit():  # a long
            # story naming one product exactly
            result.models.append(listed[0][1])  # ("…my powercore 10000 off amazon…")
            result.described_as = listed[0][1]
    if not result.models and len(text) <= 200 and finder.names_a_product(lowered):
        named = finder.named_model(text)
        if named and (_capacity_conflict(lowered, finder.words_of.get(named, set()))
                      or (set(re.findall(r"[a-z]+", lowered)) & _VARIANT_WORDS)
                      - finder.words_of.get(named, set())):
            named = None  # "belkin boostcharge 20k" is not the BoostCharge 10K, nor a
            # "PowerCore Slim 10000 PD" the PowerCore 10000
        if named:  # "my PowerCore 10000", "Zolo 20000 Lightning": a name, said as read
            result.models.append(named)
            result.described_as = named
            spans += spec_spans(text)  # ("zolo with the lightning cable" asks nothing of cables)
        else:  # "my zolo": the models it may be, to pick from
            result.names = index.search_names(text, limit=4)
            likely = [n.product.model for n in result.names] or finder.models_with_words(lowered)
            if result.brand:  # "my INIU power bank": INIU's, not every "power bank" in the list
                own = finder.specs.get(result.brand, {})
                likely = [m for m in likely if m in own] or sorted(own)[:4]
            result.suggestions += [m for m in likely if m not in result.suggestions]
    series = _ANKER_SERIES.search(text) if digits and result.brand == "Anker" else None
    if series and not result.models and not result.unknown_models:
        result.series = f"Anker {series.group(1)}"  # "anker 621": no recall names it
        result.suggestions.clear()  # (the models "powercore" fits are not what it is)
        spans.append((series.start(1), series.end(1), "MODEL"))
    if not result.models and not result.unknown_models and len(result.suggestions) == 1 \
            and finder.words_of.get(result.suggestions[0], set()) & set(
                re.findall(r"[a-z0-9]+", lowered)):
        # "my INUI with the paw print light": the one product a distinctive name fits — read
        # as it, and said so ("I take it to be BI-B41")
        result.models.append(result.suggestions.pop())
        result.described_as = result.models[0]
        if not _question_like(text):  # ("the one with the lightning cable" asks nothing of
            spans += spec_spans(text)  # cables; "GUXON雙線那個，是線有問題？" does)
    if not result.models and not result.unknown_models and 2 <= len(result.suggestions) <= 4:
        said = set(re.findall(r"[a-z0-9]+", lowered)) & (finder.product_words | _FEATURE_WORDS)
        telling = [m for m in result.suggestions if said & (finder.words_of.get(m, set()) - set(
            w for other in result.suggestions if other != m
            for w in finder.words_of.get(other, set())))
            and not _capacity_conflict(lowered, finder.words_of.get(m, set()))]
        if len(telling) == 1:  # "maggo 10k with the fold out stand": the one with a stand
            result.suggestions = telling
            result.models.append(result.suggestions.pop())
            result.described_as = result.models[0]
            spans += spec_spans(text)  # ("the one with the lightning cable" asks nothing)
    if not result.models and not result.unknown_models and not result.suggestions \
            and result.brand and len(finder.specs.get(result.brand, {})) == 1:
        result.suggestions += list(finder.specs[result.brand])  # "小米充电宝": its one model
    if not result.models and not result.unknown_models and result.brand \
            and len(result.suggestions) == 1 \
            and result.suggestions[0] in finder.specs.get(result.brand, {}):
        # "my INIU power bank": the brand's one recalled model — read as it, and said so
        result.models.append(result.suggestions.pop())
        result.described_as = result.models[0]
    if result.models and result.brand and len(text) <= 600:
        result.models += _other_brand_described(text, lowered, result.models, finder)
    if result.not_included and result.described_as in result.models:  # "baseus magnetic…
        result.models.remove(result.described_as)  # label says PPCXM06A": the label's number
        result.described_as = None                  # wins over the name it resembles
    if result.not_included:
        result.suggestions.clear()
    if result.reflex is None:
        matcher = default_matcher()
        masked = _masked(text, spans)
        if len(masked) > LONG:  # a story: the question is nearly always at its end…
            result.whole = prepare(masked)  # …but its clauses are read all through
            masked = masked[-LONG:]
        result.masked = prepare(masked)
        result.ranked, result.familiar = matcher.read(result.masked)
        result.clause_ranked = result.ranked  # (clause_questions: read only when needed)
        if not result.safety and SAFETY.search(lowered) is None \
                and WARMTH_DENIED.search(lowered) is None \
                and _learned_danger(matcher, result.masked, result.ranked):
            result.safety = True  # a danger the word lists miss ("bubbled out", "the dryer")
        # the safety card answers "is it dangerous?"; the ranking is of what else is asked
        result.ranked = [r for r in result.ranked if r.question != "safety"]
        if CHECKER_SAID_NO.search(lowered) and not result.already_checked:
            result.ranked = _first("checker_says_no", result.ranked)
        elif result.ranked and result.ranked[0].question == "checker_says_no" \
                and CHECKER_SAID_YES.search(lowered):  # "checker said it's affected. now?":
            result.ranked = lead("claim_how", result.ranked[0].score,  # what comes next
                                 result.ranked, instead_of="checker_says_no")
        elif SALT_WATER.search(lowered) and (not result.confident or (
                result.ranked[0].score < SECOND
                and any(r.question == "salt_water" for r in result.ranked[:3]))):
            # the rumour is what is asked about when nothing else is sure and the matcher ranks
            # it at all ("客服让我自己泡盐水…这样靠谱吗？": send_back 0.18 with batch 17); labels
            # of batches 2-14 read most salt-water messages as dispose or claim-photo questions:
            # a sure reading of those stays
            result.ranked = lead("salt_water", CLAUSE_ALONE, result.ranked)
        elif WHERE_TO_CLAIM.search(lowered) and any(  # "去邊度搞？": the words say where to
                r.question == "claim_how" and r.score >= SECOND_PAIRED  # claim; the matcher need
                for r in result.ranked[:3]):  # only rank it (at 0.3 it fell just under, batch 16)
            result.ranked = _first("claim_how", result.ranked)
        elif WHY_WHERE.search(lowered):  # "为啥非要问哪买的？": where each recall applies
            result.ranked = lead("region_coverage", CONFIDENT, result.ranked) \
                if not result.ranked or result.ranked[0].score < CONFIDENT \
                else _first("region_coverage", result.ranked)
        elif WHY_SERIAL.search(lowered) and not result.serial:  # "why the SN, isn't the
            result.ranked = _first("serial_ranges", result.ranked)  # model enough?"
        elif result.ranked and result.ranked[0].question == "send_back" \
                and DISPOSE_INSTEAD.search(lowered) and all(
                    r.question != "dispose" or r.score < SECOND for r in result.ranked[1:2]):
            result.ranked = [result.ranked[0], Scored("dispose", SECOND),  # "send it back, or
                             *(r for r in result.ranked[1:] if r.question != "dispose")]  # bin it?"
        if result.safety and result.ranked and result.ranked[0].question == "already_disposed" \
                and result.ranked[0].score >= GONE \
                and (THROWN_AWAY.search(lowered) or result.ranked[0].score >= GONE_SURE) \
                and not ACTIVE_DANGER.search(lowered):
            result.safety = False  # "it swelled, so I threw it out": the danger has left the house
        if result.safety and not result.confident:  # the danger words drown the question:
            asked = _questions_beside_danger(result.masked)  # read the parts without them
            names = {a.question for a in asked}
            result.ranked = [*asked, *(r for r in result.ranked if r.question not in names)]
            if "flight" not in names and TRAVEL_WORD.search(lowered):  # "swollen — on the train
                result.ranked = lead("flight", CONFIDENT, result.ranked)  # tomorrow?": don't
            elif "dispose" not in names and WHAT_WITH_IT.search(lowered):  # "… what do I do
                result.ranked = lead("dispose", CONFIDENT, result.ranked)  # with it now?": where
        elif result.safety and result.ranked and result.ranked[0].question != "flight" \
                and TRAVEL_WORD.search(lowered) and any(  # sure of "can I still use it?", but
                    r.question == "flight" and r.score >= WITH_MODEL for r in result.ranked[1:3]):
            result.ranked = lead("flight", result.ranked[0].score, result.ranked)  # the trip
            # is what is asked ("swollen — can I still take it on the train?": don't)
    return result


def _other_brand_described(text: str, lowered: str, models: list[str],
                           finder: _ModelFinder) -> list[str]:
    """Each brand's power bank described in its own stretch of the message, beside models found
    another way ("my xiaomi 20k with the cable… also my baseus 30000 65w, both??", "Xiaomi 20000
    mit Kabel (33W) und ne Anker A1689"): its model too, when the words fit exactly one."""
    pattern = BRANDS_LATIN if lowered.isascii() else BRANDS_LATIN_BESIDE_CJK
    found = sorted([*((m.start(), m.group(0)) for m in pattern.finditer(lowered)),
                    *((m.start(), m.group(0)) for m in BRANDS_CJK.finditer(lowered))])
    more: list[str] = []
    for at, (start, name) in enumerate(found):
        end = found[at + 1][0] if at + 1 < len(found) else len(text)
        described = finder.by_spec(text[start:end], BRAND_NAMES.get(name, name))
        if len(described) == 1 and described[0] not in models + more:
            more.append(described[0])
    return more


def lead(question: str, score: float, ranked: list[Scored], instead_of: str = "") -> list[Scored]:
    """`question` read first with `score` (a cue the learned ranking misses), the rest after it
    (without `instead_of`, a reading the cue rules out)."""
    return [Scored(question, score),
            *(r for r in ranked if r.question not in (question, instead_of))]


def _first(question: str, ranked: list[Scored]) -> list[Scored]:
    """`question` read first, with the best score so far (a cue the learned ranking misses)."""
    top = ranked[0].score if ranked else 1.0
    return [Scored(question, max(top, next((r.score for r in ranked if r.question == question),
                                           0.0))),
            *(r for r in ranked if r.question != question)]


def _learned_danger(matcher: Matcher, masked: str, ranked: list[Scored]) -> bool:
    """The matcher sure that the device is in danger, by its whole reading or by its letters
    alone: safety is high recall, and a new wording is sometimes heard by only one of the two.
    (A message whose danger words are all denied, "not hot", never comes here.)"""
    for reading in (ranked, matcher.rank(masked, meaning=False)):
        if reading and reading[0].question == "safety" and reading[0].score >= LEARNED_DANGER:
            return True
    return False


def _question_like(text: str) -> bool:
    """A question mark, or a message long enough to ask something besides naming a model."""
    return "?" in text or "？" in text or len(text) >= 40


@lru_cache(maxsize=64)
def _often_with(question: str) -> frozenset[str]:
    found = by_id().get(question)
    return frozenset(found.often_with) if found else frozenset()


# Where one question ends and another may begin: "send it back, or recycle it?", "还是", "それとも".
_CLAUSES = re.compile(r"[?？。;；!！]|,? (?:or|oder|o|ou) |,? (?:and|und|y) (?:also |auch |también )?"
                      r"(?=(?:do|can|what|where|how|when|is|should|muss|kann|wo|wie|was|soll|"
                      r"qué|dónde|cómo|puedo|tengo|debo)\b)|还是|還是|それとも|或者|另外|还有|還有")
_PHRASES = re.compile(r"(?<!\d)[.,、]|[.,、](?!\d)")  # sentences and phrases, not "2.5" or "10,000"
# A part of the message this sure of another question asks it too: CLAUSE if the two are often
# asked together, CLAUSE_ALONE for any other ("is it affected? and how do I get rid of it?")
CLAUSE, CLAUSE_ALONE = 0.3, 0.5  # (0.35 until session 7: measured on the dev third)
IF_SO_FLOOR = 0.15  # a part asked "if so" needs less (session 11: dev third)
# Asked in other words by one check: "is it recalled — am I in the recall?" is one question.
_ONE_CHECK = frozenset({"is_recalled", "region_coverage", "model_only"})
_RECEIPT_BESIDE = frozenset({"claim_photos", "remedy", "several_units"})


_PURCHASE_CLAUSE = re.compile(
    r"^(?:i |we |mine |my \w+ )?(?:got|bought|ordered|purchased|picked (?:it )?up|came from|"
    r"compr[ée]|la compr[ée]|lo compr[ée]|gekauft|hab (?:sie|ihn|es) (?:bei|im|in|auf)|"
    r"(?:在|喺)?\s?⟨p⟩\s?(?:买|買|購|购))[^?？]{0,40}⟨p⟩|^(?:在|喺)?\s?⟨p⟩\s?(?:买|買|購|购|で買)",
    re.IGNORECASE)


_PLACEHOLDER = re.compile(r"⟨[msp]⟩")
# A space between two CJK characters is a comma to people typing Chinese on a phone.
_CJK_GAP = re.compile(r"(?<=[\u3040-\u30ff\u3400-\u9fff⟩]) +(?=[\u3040-\u30ff\u3400-\u9fff⟨])")


def _long_enough(part: str) -> bool:
    """A part that can ask on its own: eight characters, four with accents or kana, three
    Chinese characters ("要找誰", "能退吗"; not "坐 ⟨p⟩")."""
    if _CJK_RUN.search(part):
        return len(_PLACEHOLDER.sub("", part).replace(" ", "")) >= 3
    return len(part) >= (8 if part.isascii() else 4)


def _split_clauses(masked: str) -> list[str]:
    """The clauses of a message, each asked one keeping its question mark (the matcher hears
    "申し込み期限もある?" as a question about a deadline more surely than without it)."""
    pieces: list[str] = []
    at = 0
    for found in _CLAUSES.finditer(masked):
        piece = masked[at:found.start()].strip()
        if piece:
            pieces.append(piece + "?" if found.group() in ("?", "？") else piece)
        at = found.end()
    if masked[at:].strip():
        pieces.append(masked[at:].strip())
    return pieces


def _clause_questions(masked: str, ranked: list[Scored]) -> tuple[str, ...]:
    """Other questions that parts of a long message ask clearly ("do they want it mailed back,
    or do I recycle it myself?" → dispose), when the whole message scores only the first; at
    most two: those of parts that ask first, each in the order asked."""
    if not ranked or len(masked) < 10:
        return ()
    pieces = _split_clauses(masked)
    if len(pieces) < 2:  # "…powercore ⟨m⟩ recall. where tf is the serial number" has no
        pieces = [p.strip() for p in _PHRASES.split(masked) if p.strip()]  # question mark
    if len(pieces) < 2:
        pieces = [p.strip() for p in _CJK_GAP.split(masked) if p.strip()]
    if len(pieces) < 2:
        return ()
    # each clause, then its phrases: "有没有截止日期，我还没来得及弄" asks in its first phrase;
    # Chinese typed with spaces for commas ("代金券多给多少 这个申请有没有截止时间") too
    chosen = pieces if len(pieces) <= 4 else [*pieces[:3], pieces[-1]]  # the last: people ask
    parts = [p for c in chosen for p in dict.fromkeys(
        [c, *(y.strip() for x in _PHRASES.split(c) for y in _CJK_GAP.split(x))])
        if _long_enough(p)]
    # the last clause of a message that ends with a question mark is where people ask
    asked_last = pieces[-1] if masked.rstrip().endswith(("?", "？")) else None
    if asked_last is not None and asked_last not in parts[:8] \
            and _long_enough(asked_last):
        parts = [*parts[:7], asked_last]
    first = ranked[0].question
    same = _ONE_CHECK if first in _ONE_CHECK else {first}
    matcher = default_matcher()
    found: list[str] = []
    # parts that ask ("do I need his receipts") before parts that tell ("one says ⟨m⟩ on the
    # bottom"): a telling phrase scored like a question took the asked one's place (strangers)
    # ("what now" asks nothing in particular)
    parts = sorted(parts[:8], key=lambda p: not (p == asked_last or (
        ASKING_WORD.search(p) and not WHAT_NOW.search(p))))
    for part in parts:
        if (_PURCHASE_CLAUSE.search(part) or ("⟨m⟩" in part and LABEL_SAYS.search(part)
                                              and not _PHRASES.search(part))) \
                and not ASKING_WORD.search(part):
            continue  # "got it at ⟨p⟩ last spring" says where it was bought, "側面に⟨m⟩って
            # 書いてある" what the label says: neither asks anything
        scored, _ = matcher.read(part, meaning=False)  # parts: n-grams alone
        if IF_SO.search(part):  # "…and if so, does she get anything?": the best other question
            other = next((s for s in scored if s.question not in same and s.question != "safety"),
                         None)
            if other is not None and other.score >= IF_SO_FLOOR and other.question not in found:
                found.append(other.question)
                if len(found) == 2:
                    break
                continue
        if scored and scored[0].question not in same and scored[0].question != "safety" \
                and scored[0].question not in found and (
                scored[0].score >= CLAUSE_ALONE or (scored[0].score >= CLAUSE and (
                    scored[0].question in _often_with(first) or part == asked_last))):
            found.append(scored[0].question)
            if len(found) == 2:
                break
    return tuple(found)


# A part that asks whether something is so ("is it part of it", "ist die dabei", "是不是")
_IS_IT = re.compile(r"\b(?:is|are|was) (?:it|mine|my|this|that|the|they)\b|"
                    r"\b(?:ist|sind) (?:die|sie|meine|das|der)\b|\b(?:está|esta|están) "
                    r"(?:retirad|en|mi|la)|吗|嗎|係咪|是不是|ですか|かな|の？", re.IGNORECASE)


def _recalled_asked_first(masked: str, other: str) -> bool:
    """A clause asking "is it recalled?" comes before the clause asking `other`."""
    pieces = [y.strip() for c in _split_clauses(masked) for x in _PHRASES.split(c)
              for y in _CJK_GAP.split(x) if _long_enough(y.strip())]
    if len(pieces) < 2:
        return False
    matcher = default_matcher()
    for piece in pieces[:8]:
        asks = piece.rstrip().endswith(("?", "？")) or _IS_IT.search(piece)  # asked, not
        if not asks and not ASKING_WORD.search(piece):  # told ("说在召回范围里", "TSA took a
            continue  # guy's power bank": a story scored as a flight question)
        scored, _ = matcher.read(piece, meaning=False)
        if scored and scored[0].question == other:
            return False
        if asks and scored and scored[0].question == "is_recalled" and scored[0].score >= CLAUSE:
            return True
    return False


def _questions_beside_danger(masked: str) -> list[Scored]:
    """What a danger message asks besides "is it dangerous?" ("the dog chewed it, the case is
    torn. How do I dispose of it safely?" → dispose), read from its parts that hold no danger
    word: on the whole message the matcher mostly hears the danger."""
    pieces = [q.strip() for c in _CLAUSES.split(masked) for p in _PHRASES.split(c)
              for q in _CJK_GAP.split(p) if q.strip()]
    if len(pieces) < 2:
        return []
    matcher = default_matcher()
    found: list[Scored] = []
    last = len(pieces) - 1
    for at in range(last, max(-1, last - 4), -1):  # the question is mostly at the end; a part
        part = pieces[at]                          # before it must be surer ("unplugged it
        if len(part) < (8 if part.isascii() else 3) or SAFETY.search(part):  # already")
            continue
        scored, _ = matcher.read(part, meaning=False)  # parts: n-grams alone
        if scored and scored[0].question != "safety" \
                and scored[0].score >= (SECOND if at == last else CLAUSE_ALONE) \
                and all(f.question != scored[0].question for f in found):
            found.append(scored[0])
    if not found:  # the question shares its phrase with the danger ("best buy kiosk ok for a
        # puffy power bank?"): the whole message without its danger words
        scored, _ = matcher.read(SAFETY.sub(" ", masked), meaning=False)
        if scored and scored[0].question != "safety" and scored[0].score >= CLAUSE_ALONE:
            found.append(scored[0])
    return found[:2]


def _swapped_digits(name: str, near: list[str]) -> str | None:
    """The one known model that `name` is with two neighbouring characters swapped, if that is
    the only near miss ("A1625" → A1652). Any other near miss stays a "did you mean"."""
    if len(near) != 1 or len(near[0]) != len(name):
        return None
    diff = [i for i, (a, b) in enumerate(zip(name, near[0], strict=True)) if a != b]
    if len(diff) == 2 and diff[1] == diff[0] + 1 and name[diff[0]] == near[0][diff[1]] \
            and name[diff[1]] == near[0][diff[0]]:
        return near[0]
    return None


_SAFETY_STARTS = WordStarts(SAFETY)


_SOUNDS_LIKE_DANGER = frozenset({"heiß", "heiss", "caliente", "calientes", "fell off", "煙"})


def in_danger(lowered: str) -> bool:
    """A danger word that is not denied ("not hot", "没有发烫", "熱くなったこともない").

    Recall comes first: a word counts as denied only when a negation stands right next to it,
    with nothing but a few filler words between ("no heat or swelling"), so "not charging and
    it's hot" still gets the safety steps.
    """
    for match in _SAFETY_STARTS.finditer(lowered):  # = SAFETY.finditer, faster (bot/scan.py)
        before = lowered[max(0, match.start() - 40):match.start()]
        after = lowered[match.end():match.end() + 16]
        if NEGATED_BEFORE.search(before) or NEGATED_AFTER.match(after):
            continue
        if match.group(0) in ("crack", "裂") and CRACK_AS_PRAISE.search(before):
            continue
        if match.group(0) in _SOUNDS_LIKE_DANGER and (  # a hot deal, a label that fell off,
                NOT_DANGER_BEFORE.search(before) or (  # fireworks (煙花)
                    match.group(0) == "煙" and NOT_DANGER_AFTER.match(after))):
            continue
        if FIRE_WORD.match(match.group(0)) and _fire_reported(lowered, match.start(), after):
            continue
        return True
    return False


def _fire_reported(lowered: str, start: int, after: str) -> bool:
    """Fire named as a risk or as news in its own clause ("news about batteries catching fire")."""
    clause = re.split(r"[.!?。！？\n]", lowered[max(0, start - 60):start])[-1]
    return bool(FIRE_REPORTED_BEFORE.search(clause) or FIRE_REPORTED_AFTER.match(after)
                or after.startswith("のって"))  # "燃えたのって…だっけ" (past), not "燃えてるのって"


def _masked(text: str, spans: list[tuple[int, int, str]]) -> str:
    """The text with its entities replaced by the matcher's placeholders."""
    if not spans:
        return text
    parts: list[str] = []
    at = 0
    for start, end, kind in sorted(spans):
        if start < at:
            continue  # overlapping mentions: the first wins
        parts += [text[at:start], f" {PLACEHOLDERS[kind]} "]
        at = end
    parts.append(text[at:])
    return "".join(parts)


def _codes_only(text: str) -> bool:
    """A message of model numbers and serials only ('A1263', 'AKF1 2Z33 0L84 19B6')."""
    words = text.split()
    return 0 < len(words) <= 8 and _ASCII_CODES.fullmatch(text.strip()) is not None \
        and all(any(c.isdigit() for c in w) for w in words)


def serial_only(text: str) -> str | None:
    """When the bot asked for a serial, a short message of letters and digits is the serial."""
    cleaned = clip(text).strip()
    match = _SERIAL_ONLY.fullmatch(cleaned)
    if match is None:
        return None
    serial = match.group(1).strip()
    words = [w for w in re.split(r"[\s\-]+", serial) if len(w) >= 2 and w.isalpha()]
    if len(words) >= 3 or (len(words) == 2 and any(len(w) >= 5 for w in words)):  # "la compre
        return None  # en mexico en 2024" is a sentence, not a serial ("ABCD EFGH 1234 5678" is)
    if len(serial) >= 4 and any(c.isdigit() for c in serial):
        return serial
    return None
