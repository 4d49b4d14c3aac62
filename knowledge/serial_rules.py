"""One evaluator for every kind of serial rule."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from knowledge.normalise import normalise_serial
from knowledge.schema import SerialRule


class Verdict(StrEnum):
    AFFECTED = "affected"
    WARNING = "warning"  # an authority warns against the product; no recall, no remedy
    NOT_AFFECTED = "not_affected"
    CONFIRM_ON_CHECKER = "confirm_on_checker"
    SERIAL_NEEDED = "serial_needed"
    SERIAL_INVALID = "serial_invalid"
    NOT_IN_KNOWN_RECALL = "not_in_known_recall"


# How strongly a verdict demands action; used to pick the overall verdict of several campaigns.
SEVERITY: dict[Verdict, int] = {
    Verdict.AFFECTED: 5,
    Verdict.WARNING: 5,
    Verdict.CONFIRM_ON_CHECKER: 4,
    Verdict.SERIAL_NEEDED: 3,
    Verdict.SERIAL_INVALID: 2,
    Verdict.NOT_AFFECTED: 1,
    Verdict.NOT_IN_KNOWN_RECALL: 0,
}


MAX_SERIAL_LENGTH = 40  # no brand prints longer serials; keeps pattern rules cheap


class InvalidReason(StrEnum):
    LENGTH = "length"
    CHARACTERS = "characters"
    EMPTY = "empty"


_DIGITS_ONLY = re.compile(r"^[0-9]+$")
_LETTERS_DIGITS = re.compile(r"^[A-Z0-9]+$")


@dataclass(frozen=True)
class SerialResult:
    verdict: Verdict
    serial: str | None = None
    changes: list[str] = field(default_factory=list)
    invalid_reason: InvalidReason | None = None
    expected_lengths: list[int] = field(default_factory=list)


def evaluate_serial(rule: SerialRule, raw_serial: str | None) -> SerialResult:
    """Decide what a serial (or its absence) means under one campaign's rule."""
    kind = rule.match.kind
    if kind == "all_units":
        return SerialResult(Verdict.AFFECTED)
    if raw_serial is None or not raw_serial.strip():
        if kind == "checker_only":
            return SerialResult(Verdict.CONFIRM_ON_CHECKER)
        return SerialResult(Verdict.SERIAL_NEEDED)
    fmt = rule.format
    norm = normalise_serial(raw_serial, fmt)
    serial = norm.value
    if not serial:
        return SerialResult(Verdict.SERIAL_INVALID, None, norm.changes, InvalidReason.EMPTY)
    if len(serial) > MAX_SERIAL_LENGTH:
        return SerialResult(Verdict.SERIAL_INVALID, serial[:MAX_SERIAL_LENGTH], norm.changes,
                            InvalidReason.LENGTH, fmt.lengths)
    allowed = _DIGITS_ONLY if fmt.alphabet == "digits" else _LETTERS_DIGITS
    if not allowed.match(serial):
        return SerialResult(Verdict.SERIAL_INVALID, serial, norm.changes, InvalidReason.CHARACTERS)
    if fmt.lengths and len(serial) not in fmt.lengths:
        if fmt.wrong_length_means == "not_affected":
            return SerialResult(Verdict.NOT_AFFECTED, serial, norm.changes, None, fmt.lengths)
        return SerialResult(Verdict.SERIAL_INVALID, serial, norm.changes, InvalidReason.LENGTH,
                            fmt.lengths)
    match = rule.match
    if match.kind == "checker_only":
        verdict = Verdict.CONFIRM_ON_CHECKER
    elif match.kind == "listed":
        values = [normalise_serial(v, fmt).value for v in match.values]
        hit = serial in values if match.match == "exact" else any(v in serial for v in values)
        verdict = Verdict.AFFECTED if hit else Verdict.NOT_AFFECTED
    elif match.kind == "prefixes":
        hit = any(serial.startswith(p.upper()) for p in match.prefixes)
        verdict = Verdict.AFFECTED if hit else Verdict.NOT_AFFECTED
    elif match.kind == "pattern":
        verdict = Verdict.AFFECTED if re.fullmatch(match.regex, serial) else Verdict.NOT_AFFECTED
    else:  # all_units was answered above
        verdict = Verdict.AFFECTED
    return SerialResult(verdict, serial, norm.changes, None, fmt.lengths)


def evaluate_part(rule: SerialRule, where: str, part: str) -> Verdict | None:
    """What the start or the end of a serial, said in words ("starts with 35S", "ends in D"),
    decides under a published rule: AFFECTED or NOT_AFFECTED, or None when it cannot decide
    (another kind of rule, or a part too short to compare)."""
    match = rule.match
    part = part.upper()
    if match.kind == "prefixes" and where == "start":
        prefixes = [p.upper() for p in match.prefixes]
        if any(part.startswith(p) for p in prefixes):
            return Verdict.AFFECTED
        if all(len(part) >= len(p) for p in prefixes):
            return Verdict.NOT_AFFECTED
        return None
    if match.kind == "pattern" and where == "end" and match.regex.startswith("[A-Z0-9]*"):
        # a rule on the last characters only ("…ending in a digit or D"): any start fits
        return Verdict.AFFECTED if re.fullmatch(match.regex, "A" + part) else Verdict.NOT_AFFECTED
    return None
