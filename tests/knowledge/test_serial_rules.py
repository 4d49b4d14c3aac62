"""One evaluator for every serial-rule kind: matching, non-matching and malformed serials."""

from __future__ import annotations

from typing import Any

import pytest

from knowledge import Knowledge, Verdict, evaluate_serial
from knowledge.schema import SerialRule
from knowledge.serial_rules import InvalidReason


def rule(match: dict[str, Any], **fmt: Any) -> SerialRule:
    return SerialRule.model_validate({"match": match, "format": fmt})


ANKER = {"lengths": [16], "never_uses": "OI"}
CHECKER = {"kind": "checker_only", "checker_url": "https://www.anker.com/product-recalls"}


@pytest.mark.parametrize(("match", "fmt", "serial", "verdict"), [
    # all units: the serial does not matter
    ({"kind": "all_units"}, {}, None, Verdict.AFFECTED),
    ({"kind": "all_units"}, {}, "anything", Verdict.AFFECTED),
    # listed lot codes (INIU: exact values and values inside a longer serial)
    ({"kind": "listed", "values": ["000G21", "000H21"]}, {}, "000H21", Verdict.AFFECTED),
    ({"kind": "listed", "values": ["000G21", "000H21"]}, {}, "000h21", Verdict.AFFECTED),
    ({"kind": "listed", "values": ["000G21", "000H21"]}, {}, "000J21", Verdict.NOT_AFFECTED),
    ({"kind": "listed", "values": ["000G21"]}, {}, "X000G21Y", Verdict.NOT_AFFECTED),
    ({"kind": "listed", "values": ["000G21"], "match": "contains"}, {}, "X000G21Y",
     Verdict.AFFECTED),
    ({"kind": "listed", "values": ["000G21"]}, {}, None, Verdict.SERIAL_NEEDED),
    # prefixes with a length (Belkin BPB002: 14 characters starting 35S)
    ({"kind": "prefixes", "prefixes": ["35S"]}, {"lengths": [14]}, "35SABCDEFGHJKL",
     Verdict.AFFECTED),
    ({"kind": "prefixes", "prefixes": ["35S"]}, {"lengths": [14]}, "36SABCDEFGHJKL",
     Verdict.NOT_AFFECTED),
    ({"kind": "prefixes", "prefixes": ["35S"]}, {"lengths": [14]}, "35SABC", Verdict.SERIAL_INVALID),
    ({"kind": "prefixes", "prefixes": ["57X"]}, {}, "57x-123", Verdict.AFFECTED),
    # pattern
    ({"kind": "pattern", "regex": r"AB\d{4}"}, {}, "ab1234", Verdict.AFFECTED),
    ({"kind": "pattern", "regex": r"AB\d{4}"}, {}, "AB12345", Verdict.NOT_AFFECTED),
    # manufacturer's checker only
    (CHECKER, ANKER, None, Verdict.CONFIRM_ON_CHECKER),
    (CHECKER, ANKER, "AZ1B2C3D4E5F6G7H", Verdict.CONFIRM_ON_CHECKER),
    (CHECKER, ANKER, "AZ1B2C3D4E5F6G7", Verdict.SERIAL_INVALID),
    (CHECKER, {**ANKER, "wrong_length_means": "not_affected"}, "AZ1B2C3D4E5F6G7",
     Verdict.NOT_AFFECTED),
    (CHECKER, ANKER, "AZ1B2C3D4E5F6G7%", Verdict.SERIAL_INVALID),
    (CHECKER, {"alphabet": "digits"}, "12A4", Verdict.SERIAL_INVALID),
    (CHECKER, ANKER, "   ", Verdict.CONFIRM_ON_CHECKER),
])
def test_rule_kinds(match: dict[str, Any], fmt: dict[str, Any], serial: str | None,
                    verdict: Verdict) -> None:
    assert evaluate_serial(rule(match, **fmt), serial).verdict is verdict


def test_invalid_serial_says_why() -> None:
    too_short = evaluate_serial(rule(CHECKER, **ANKER), "AZ1B2C")
    assert too_short.invalid_reason is InvalidReason.LENGTH
    assert too_short.expected_lengths == [16]
    bad_chars = evaluate_serial(rule(CHECKER, **ANKER), "AZ1B2C3D4E5F6G7!")
    assert bad_chars.invalid_reason is InvalidReason.CHARACTERS
    huge = evaluate_serial(rule({"kind": "pattern", "regex": "A+"}), "A" * 10_000)
    assert huge.verdict is Verdict.SERIAL_INVALID
    assert huge.invalid_reason is InvalidReason.LENGTH


def test_anker_serial_maps_o_and_i_and_says_so() -> None:
    result = evaluate_serial(rule(CHECKER, **ANKER), "ao1b-2c3d 4e5f6gih")
    assert result.serial == "A01B2C3D4E5F6G1H"
    assert {"O→0", "I→1", "case", "spaces"} <= set(result.changes)


def test_serial_without_never_uses_keeps_letters() -> None:
    result = evaluate_serial(rule({"kind": "listed", "values": ["000I21"]}), "000I21")
    assert result.verdict is Verdict.AFFECTED
    assert result.changes == []


@pytest.mark.parametrize(("model", "serial", "verdict"), [
    ("BI-B41", "000G21", Verdict.AFFECTED),
    ("BI-B41", "000H21", Verdict.AFFECTED),
    ("BI-B41", "000I21", Verdict.AFFECTED),   # "I" is a real letter in INIU lot codes
    ("BI-B41", "000L21", Verdict.AFFECTED),
    ("BI-B41", "000K21", Verdict.NOT_AFFECTED),
    ("BI-B41", "000121", Verdict.NOT_AFFECTED),
    ("BPB002", "35S1234567890A", Verdict.AFFECTED),
    ("BPB002", "35T1234567890A", Verdict.NOT_AFFECTED),
    ("BPB002", "35S123", Verdict.SERIAL_INVALID),
    ("PB0003", None, Verdict.AFFECTED),
    ("MMA008", "57X99", Verdict.AFFECTED),
    ("MMA008", "58X99", Verdict.NOT_AFFECTED),
    ("MMA008", None, Verdict.SERIAL_NEEDED),
    ("A1642", "AZ1B2C3D4E5F6G7H", Verdict.CONFIRM_ON_CHECKER),
    ("A1642", "AZ1B2C3D4E5F", Verdict.NOT_AFFECTED),   # 2024 recall: not 16 → not affected
    ("A1263", "AZ1B2C3D4E5F", Verdict.SERIAL_INVALID),  # not stated for A1263: recheck it
])
def test_shipped_rules(kb: Knowledge, model: str, serial: str | None, verdict: Verdict) -> None:
    assert kb.check(model, serial, "US").verdict is verdict


def test_iniu_does_not_map_i_to_1(kb: Knowledge) -> None:
    campaign = kb.index.campaigns_for_model("BI-B41")[0]
    assert campaign.serial_rule.format.never_uses == ""
