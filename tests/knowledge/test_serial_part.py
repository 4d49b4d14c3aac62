"""A part of a serial said in words, read against a published rule (knowledge/serial_rules.py)."""

import pytest

from knowledge import Knowledge
from knowledge.serial_rules import Verdict, evaluate_part

KNOWLEDGE = Knowledge.load()


def rule_of(model: str):  # type: ignore[no-untyped-def]
    return KNOWLEDGE.index.campaigns_for_model(model)[0].serial_rule


@pytest.mark.parametrize(("model", "where", "part", "verdict"), [
    ("BPB002", "start", "35S", Verdict.AFFECTED),
    ("BPB002", "start", "35S2A", Verdict.AFFECTED),
    ("BPB002", "start", "35R", Verdict.NOT_AFFECTED),
    ("BPB002", "start", "35", None),            # too short to compare with "35S"
    ("BPB002", "end", "D", None),               # a prefix rule says nothing of the end
    ("BS-30KP365", "end", "D", Verdict.AFFECTED),
    ("BS-30KP365", "end", "7", Verdict.AFFECTED),
    ("BS-30KP365", "end", "A", Verdict.NOT_AFFECTED),  # a replacement's serial ends in A
    ("BS-30KP365", "start", "B3", None),
    ("A1263", "start", "AK", None),             # no published rule: only the checker decides
])
def test_a_part_decides_only_under_a_rule_about_that_part(model: str, where: str, part: str,
                                                          verdict: Verdict | None) -> None:
    assert evaluate_part(rule_of(model), where, part) == verdict
