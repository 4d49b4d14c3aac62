"""Done means: `python -m bench --only ocr` reads the frozen 40 — model exact ≥ 95 %, serial
exact ≥ 90 % — and prints those rates with the median and p95 seconds per photo on one core.
(Timings are printed, never asserted: CI machines vary.)"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

from tests.photo.conftest import needs_ocr

ROOT = Path(__file__).resolve().parents[2]


@needs_ocr
def test_bench_only_ocr_on_the_frozen_test_split() -> None:
    done = subprocess.run([sys.executable, "-m", "bench", "--only", "ocr"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    records = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    ocr = next(r for r in records if r["suite"] == "ocr")
    assert ocr["labels"] == 40 and ocr["split"] == "test"
    assert ocr["model_exact"] >= 0.95, ocr
    assert ocr["serial_exact"] >= 0.90, ocr
    assert 0 < ocr["median_s"] <= ocr["p95_s"] and math.isfinite(ocr["p95_s"])
    targets = {r["name"] for r in records if r["suite"] == "summary"}
    assert {"photo: model read exactly, frozen 40", "photo: serial read exactly, frozen 40",
            "photo: p95 seconds per photo (one core)"} <= targets
