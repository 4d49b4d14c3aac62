"""Lines read from a label → the model and serial, checked against the knowledge.

Only models the knowledge knows are accepted (a label has many numbers: ratings, FCC IDs).
The serial is the text after "SN" / "S/N" / "SN Code", cut to the campaign's length, with the
campaign's look-alike rule applied (Anker never prints O or I: they are 0 and 1). A serial from
a QR code on the label wins over the OCR text (it carries its own error correction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.photo.layout import Line
from knowledge import Knowledge
from knowledge.normalise import model_key, normalise_serial
from knowledge.schema import SerialFormat

# Characters OCR confuses, per intended character (for finding known model numbers).
_LOOKS_LIKE: dict[str, str] = {
    "0": "0OQD", "1": "1IL|T", "2": "2Z", "5": "5S", "6": "6G", "8": "8B", "4": "4A",
    "O": "O0Q", "I": "I1L", "Z": "Z2", "S": "S5", "G": "G6", "B": "B8", "A": "A4",
}
_MODEL_MARK = re.compile(r"M[O0]D[E3]L|型号|型號|型番|品番", re.IGNORECASE)
_SN = r"(?:^|[^A-Z0-9])(?:S\s*/?\s*N|5N)"
# "SN Code:" (however misread: "SNRCude:"), "S/N:", "SN:", then a bare "SN" before the serial.
_SN_MARKS = (re.compile(_SN + r"[A-Za-z ]{0,6}[:：;]\s*", re.IGNORECASE),
             re.compile(_SN + r"(?:\s*C[O0]D[E3])?\s*[:：;.]?\s*", re.IGNORECASE))
_QR_SERIAL = re.compile(r"(?:S\s*/?\s*N\s*[:：]?\s*)?([A-Za-z0-9][A-Za-z0-9 -]{5,40})", re.IGNORECASE)
_NOT_MODEL_LINES = re.compile(r"FCC|IC\s*:", re.IGNORECASE)
_MIN_SERIAL = 6
MAX_SERIAL = 24
CONFIDENT = 0.85  # a line read below this is "not sure"


@dataclass(frozen=True)
class Parsed:
    model: str | None
    serial: str | None
    model_confidence: float = 0.0
    serial_confidence: float = 0.0
    serial_changes: list[str] = field(default_factory=list)  # e.g. ["O→0"]
    serial_complete: bool = False  # the expected length was read
    from_qr: bool = False


def _lenient(key: str) -> re.Pattern[str]:
    return re.compile("".join(f"[{re.escape(_LOOKS_LIKE.get(c, c))}]" for c in key))


class LabelParser:
    """Built once per knowledge version: patterns for every known model."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self._campaigns = [c for m in knowledge.index.models
                           for c in knowledge.index.campaigns_for_model(m)]
        models = sorted(knowledge.index.models, key=lambda m: -len(model_key(m)))
        self._exact = [(m, model_key(m)) for m in models]
        self._fuzzy = [(m, _lenient(model_key(m))) for m in models]

    def formats(self, model: str | None) -> list[SerialFormat]:
        """The model's serial formats; else the letters its brand never prints (Anker: O, I)."""
        if model is None:
            return []
        campaigns = self.knowledge.index.campaigns_for_model(model)
        own = [f for c in campaigns if (f := c.serial_rule.format) is not None
               and (f.lengths or f.never_uses)]
        if own or not campaigns:
            return own
        brand = campaigns[0].brand
        never = {f.never_uses for c in self._campaigns
                 if c.brand == brand and (f := c.serial_rule.format) is not None and f.never_uses}
        return [SerialFormat(never_uses=never.pop())] if len(never) == 1 else []

    def find_model(self, lines: list[Line]) -> tuple[str | None, float]:
        marked = [ln for ln in lines if _MODEL_MARK.search(ln.text)]
        others = [ln for ln in lines if ln not in marked and not _NOT_MODEL_LINES.search(ln.text)]
        for group in (marked, others):
            for fuzzy in (False, True):
                for line in group:
                    compact = re.sub(r"[^A-Z0-9|]", "", line.text.upper())
                    for model, key in (self._fuzzy if fuzzy else self._exact):
                        hit = key.search(compact) if isinstance(key, re.Pattern) else key in compact
                        if hit:
                            return model, line.confidence * (0.9 if fuzzy else 1.0)
        return None, 0.0

    def find_serial(self, lines: list[Line], model: str | None,
                    qr_texts: list[str]) -> tuple[str | None, float, list[str], bool, bool]:
        """(serial, confidence, changes, complete, from_qr)."""
        formats = self.formats(model)
        lengths = sorted({n for f in formats for n in f.lengths})
        fmt = formats[0] if formats else None
        for text in qr_texts:  # only a bare serial ("SN:" allowed): not a web link or a list
            bare = _QR_SERIAL.fullmatch(text.strip())
            compact = _alnum(bare.group(1)).upper() if bare else ""
            if compact and (len(compact) in lengths if lengths else 8 <= len(compact) <= 24):
                norm = normalise_serial(compact, fmt)
                return norm.value, 1.0, [], True, True
        for i, line in enumerate(lines):
            mark = _SN_MARKS[0].search(line.text) or _SN_MARKS[1].search(line.text)
            if mark is None:
                continue
            rest, confidence = line.text[mark.end():], line.confidence
            following = lines[i + 1:i + 3]
            while len(_alnum(rest)) < _MIN_SERIAL and following:
                nxt = following.pop(0)  # "S/N:" alone, the serial on the next line
                rest, confidence = rest + " " + nxt.text, min(confidence, nxt.confidence)
            # The serial ends its line: extra characters are misread marks before it.
            serial = _alnum(rest).upper()[-max(lengths or [MAX_SERIAL]):]
            if len(serial) < _MIN_SERIAL:
                continue
            norm = normalise_serial(serial, fmt)
            changes = [c for c in norm.changes if "→" in c]
            complete = not lengths or len(norm.value) in lengths
            return norm.value, confidence, changes, complete, False
        return None, 0.0, [], False, False

    def parse(self, lines: list[Line], qr_texts: list[str] | None = None) -> Parsed:
        model, model_conf = self.find_model(lines)
        serial, serial_conf, changes, complete, from_qr = self.find_serial(
            lines, model, qr_texts or [])
        return Parsed(model, serial, model_conf, serial_conf, changes, complete, from_qr)


def _alnum(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text)


def grouped(serial: str) -> str:
    """AKF12Z330L8419B6 → AKF1 2Z33 0L84 19B6 (easier to compare with the label)."""
    if len(serial) < 8:
        return serial
    return " ".join(serial[i:i + 4] for i in range(0, len(serial), 4))
