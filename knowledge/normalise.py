"""Normalisation of what people type into model numbers and serials, in one place."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from knowledge.schema import SerialFormat

# A model as brands print it: letters/digits, optionally one inner dash (BI-B41, PAC20-272).
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_.·・]+")
_ANKER_SHAPE = re.compile(r"^A[\s\-_.]*(\d{4})$")


# ASCII control characters except tab and newline (NFKC leaves ASCII text unchanged).
_ASCII_CONTROLS = {code: None for code in (*range(32), 127) if chr(code) not in "\n\t"}


def fold(text: str) -> str:
    """Unicode NFKC (fullwidth → ASCII), drop control and zero-width characters."""
    if text.isascii():  # the common case, ~20× faster than the per-character path
        # (printable ASCII has no control character: nothing to translate)
        return text if text.isprintable() else text.translate(_ASCII_CONTROLS)
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\n\t ")


def normalise_model(text: str) -> str:
    """`a1263`, `A 1263`, `A-1263`, `Ａ１２６３` → `A1263`; `bi-b41` → `BI-B41`."""
    folded = fold(text).strip().upper()
    anker = _ANKER_SHAPE.match(folded)
    if anker:
        return "A" + anker.group(1)
    return _SEPARATORS.sub("-", folded).strip("-")


_NOT_KEY = re.compile(r"[^A-Z0-9]")


def model_key(text: str) -> str:
    """A comparison key that ignores separators: `BI-B41` and `BIB41` meet here."""
    return _NOT_KEY.sub("", normalise_model(text))


@dataclass(frozen=True)
class NormalisedSerial:
    value: str
    changes: list[str] = field(default_factory=list)  # e.g. ["O→0", "spaces removed"]


_SUBSTITUTIONS = {"O": "0", "I": "1"}
_SN_PREFIX = re.compile(r"^SN\s*(CODE)?\s*[:：#]?\s*", re.IGNORECASE)
_SERIAL_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_.]+")


def normalise_serial(text: str, fmt: SerialFormat | None = None) -> NormalisedSerial:
    """Strip spaces and dashes, upper-case; map letters the brand never uses (O→0, I→1)."""
    folded = fold(text).strip()
    if folded.upper().startswith("SN") and len(folded) > 4:
        folded = _SN_PREFIX.sub("", folded)
    changes: list[str] = []
    compact = _SERIAL_SEPARATORS.sub("", folded)
    if compact != folded:
        changes.append("spaces")
    upper = compact.upper()
    if upper != compact:
        changes.append("case")
    if fmt is not None:
        for letter in fmt.never_uses.upper():
            digit = _SUBSTITUTIONS.get(letter)
            if digit and letter in upper:
                upper = upper.replace(letter, digit)
                changes.append(f"{letter}→{digit}")
    return NormalisedSerial(upper, changes)
