"""From OCR boxes to model and serial, on hand-made boxes (no OCR engine needed)."""

from __future__ import annotations

import math

import pytest

from bot.photo.layout import Line, lines_of
from bot.photo.ocr import TextBox
from bot.photo.parse import LabelParser, grouped
from knowledge import Knowledge


@pytest.fixture(scope="module")
def parser() -> LabelParser:
    return LabelParser(Knowledge.load())


def box(text: str, x: float, y: float, width: float = 120, height: float = 30,
        angle_deg: float = 0.0, confidence: float = 0.98) -> TextBox:
    """A box whose top-left is (x, y), turned by angle_deg around that corner."""
    a = math.radians(angle_deg)
    def at(dx: float, dy: float) -> tuple[float, float]:
        return (x + dx * math.cos(a) - dy * math.sin(a), y + dx * math.sin(a) + dy * math.cos(a))
    return TextBox(text, confidence, (at(0, 0), at(width, 0), at(width, height), at(0, height)))


def test_boxes_of_a_tilted_label_are_read_as_lines_in_order() -> None:
    # "SN AKF1 2Z33 0L84 19B6" detected as five boxes, out of order, on a label tilted by 12°.
    words = ["SN", "AKF1", "2Z33", "0L84", "19B6"]
    tilt = math.radians(12)
    boxes = [box(w, 100 + i * 130 * math.cos(tilt), 300 + i * 130 * math.sin(tilt), angle_deg=12)
             for i, w in enumerate(words)]
    boxes.append(box("Model A1263", 100 - 50 * math.sin(tilt), 300 - 50 * math.cos(tilt),
                     width=300, angle_deg=12))
    lines = lines_of(list(reversed(boxes)))
    assert [ln.text for ln in lines] == ["Model A1263", "SN AKF1 2Z33 0L84 19B6"]


def test_model_and_anker_serial_with_look_alikes(parser: LabelParser) -> None:
    lines = [Line("Anker", 0.99), Line("Model No.: A1263", 0.97), Line("Input: 5V=2A", 0.95),
             Line("SN: AKFI 2Z33 OL84 19B6", 0.95), Line("FCC ID: 2AOKB-A1642", 0.96)]
    parsed = parser.parse(lines)
    assert parsed.model == "A1263"
    assert parsed.serial == "AKF12Z330L8419B6"  # Anker never prints O or I
    assert sorted(parsed.serial_changes) == ["I→1", "O→0"]
    assert parsed.serial_complete


def test_the_fcc_line_is_not_the_model(parser: LabelParser) -> None:
    lines = [Line("FCC ID: 2AOKB-A1263", 0.99), Line("M0del: A1647", 0.9)]
    assert parser.parse(lines).model == "A1647"


def test_a_misread_model_is_found_through_look_alikes(parser: LabelParser) -> None:
    model, confidence = parser.find_model([Line("Model: A1Z63", 0.9)])
    assert model == "A1263" and confidence < 0.9  # found, but trusted less


def test_misread_sn_code_marks_and_serial_on_the_next_line(parser: LabelParser) -> None:
    assert parser.parse([Line("Model A1257", 0.9), Line("SNRCude:TTKLSQWHVXX9QGFD", 0.9)]) \
        .serial == "TTKLSQWHVXX9QGFD"
    assert parser.parse([Line("Model A1257", 0.9), Line("S/N:", 0.9),
                         Line("TTKL SQWH VXX9 QGFD", 0.8)]).serial == "TTKLSQWHVXX9QGFD"


def test_a_short_serial_is_incomplete(parser: LabelParser) -> None:
    parsed = parser.parse([Line("Model A1263", 0.9), Line("SN: AKF12Z330L84", 0.9)])
    assert parsed.serial == "AKF12Z330L84" and not parsed.serial_complete


def test_a_qr_code_wins_over_the_text(parser: LabelParser) -> None:
    lines = [Line("Model A1263", 0.9), Line("SN: AKF12Z33OL8419B8", 0.7)]
    parsed = parser.parse(lines, ["AKF12Z330L8419B6"])
    assert parsed.serial == "AKF12Z330L8419B6" and parsed.from_qr


def test_brand_rule_applies_to_models_without_a_serial_format(parser: LabelParser) -> None:
    """A1366's campaign has no serial format; Anker's other campaigns say: never O or I."""
    parsed = parser.parse([Line("Model A1366", 0.9), Line("SN ODCX DYYJ WML8 ZEL5", 0.9)])
    assert parsed.serial == "0DCXDYYJWML8ZEL5"


def test_no_known_model_on_the_label(parser: LabelParser) -> None:
    assert parser.parse([Line("Model: XZ9000", 0.99), Line("SN: 12345678", 0.99)]).model is None


def test_grouped() -> None:
    assert grouped("AKF12Z330L8419B6") == "AKF1 2Z33 0L84 19B6"
    assert grouped("000H21") == "000H21"


def test_a_qr_code_that_is_not_a_bare_serial_is_ignored(parser: LabelParser) -> None:
    lines = [Line("Model A1366", 0.95), Line("SN: B3L6 ADMH XDAU PBY0", 0.95)]
    parsed = parser.parse(lines, ["https://www.anker.com/a1366", "SN:ZZZZ9999ZZZZ9999"])
    assert parsed.serial == "ZZZZ9999ZZZZ9999" and parsed.from_qr
    parsed = parser.parse(lines, ["https://www.anker.com/products/a1366"])
    assert parsed.serial == "B3L6ADMHXDAUPBY0" and not parsed.from_qr
