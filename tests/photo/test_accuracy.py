"""Done means: on the frozen 40, model exact ≥ 95 % and serial exact ≥ 90 %."""

from __future__ import annotations

from bench.ocr_bench import evaluate
from tests.photo.conftest import TEST_DIR, needs_ocr


@needs_ocr
def test_reading_the_frozen_test_split() -> None:
    score = evaluate(TEST_DIR)
    assert score.count == 40
    assert score.model_exact >= 0.95, score.misses
    assert score.serial_exact >= 0.90, score.misses
