"""Normalisation tables: models and serials as people type them."""

from __future__ import annotations

import pytest

from knowledge import normalise_model, normalise_serial
from knowledge.normalise import model_key
from knowledge.schema import SerialFormat

ANKER = SerialFormat(lengths=[16], never_uses="OI")


@pytest.mark.parametrize(("typed", "model"), [
    ("A1263", "A1263"),
    ("a1263", "A1263"),
    ("A 1263", "A1263"),
    ("A-1263", "A1263"),
    ("  a_1263 ", "A1263"),
    ("Ａ１２６３", "A1263"),
    ("ａ－１２６３", "A1263"),
    ("A\u200b1263", "A1263"),  # zero-width space from a copy-paste
    ("BI-B41", "BI-B41"),
    ("bi-b41", "BI-B41"),
    ("bi b41", "BI-B41"),
    ("PB2030MI", "PB2030MI"),
    ("pb2030mi", "PB2030MI"),
    ("pac20–272", "PAC20-272"),  # en dash
    ("2g520", "2G520"),
])
def test_model_table(typed: str, model: str) -> None:
    assert normalise_model(typed) == model


def test_model_key_ignores_separators() -> None:
    assert model_key("BI-B41") == model_key("bib41") == model_key("BI B41") == "BIB41"


@pytest.mark.parametrize(("typed", "value", "changes"), [
    ("AZ1B2C3D4E5F6G7H", "AZ1B2C3D4E5F6G7H", []),
    ("az1b2c3d4e5f6g7h", "AZ1B2C3D4E5F6G7H", ["case"]),
    ("AZ1B 2C3D 4E5F 6G7H", "AZ1B2C3D4E5F6G7H", ["spaces"]),
    ("AZ1B-2C3D-4E5F-6G7H", "AZ1B2C3D4E5F6G7H", ["spaces"]),
    ("AZOB2C3D4E5F6G7H", "AZ0B2C3D4E5F6G7H", ["O→0"]),
    ("AZIB2C3D4E5F6G7H", "AZ1B2C3D4E5F6G7H", ["I→1"]),
    ("az0b-2c3d-4e5f-6g7h", "AZ0B2C3D4E5F6G7H", ["spaces", "case"]),
    ("ＡＺ１Ｂ２Ｃ３Ｄ４Ｅ５Ｆ６Ｇ７Ｈ", "AZ1B2C3D4E5F6G7H", []),
    ("SN: AZ1B2C3D4E5F6G7H", "AZ1B2C3D4E5F6G7H", []),
    ("SN Code AZ1B2C3D4E5F6G7H", "AZ1B2C3D4E5F6G7H", []),
])
def test_anker_serial_table(typed: str, value: str, changes: list[str]) -> None:
    result = normalise_serial(typed, ANKER)
    assert result.value == value
    assert result.changes == changes


def test_o_and_i_kept_when_the_brand_uses_them() -> None:
    assert normalise_serial("oi-12").value == "OI12"
    assert normalise_serial("000I21", SerialFormat()).value == "000I21"
