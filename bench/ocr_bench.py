"""The photo reader on the generated labels: exact model and serial rates, time per photo.

    python -m bench.ocr_bench                       # the frozen test split, RapidOCR, one core
    python -m bench.ocr_bench --engine tesseract    # a comparison engine (docs/photos.md)
    python -m bench.ocr_bench --split train         # the tuning labels (generated to a temp dir)

Prints one JSON line (suite "ocr"). Needs the `ocr` extra; without it prints an "ocr skipped" line.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import emit, percentile, pin_one_core

ROOT = Path(__file__).resolve().parent.parent
TEST_DIR = ROOT / "evaluation" / "labels" / "test"


@dataclass(frozen=True)
class Score:
    count: int
    model_exact: float
    serial_exact: float
    median_s: float
    p95_s: float
    cpu_median_s: float  # CPU seconds the process got per photo: less sensitive to neighbours
    cpu_p95_s: float
    misses: list[dict[str, object]]


def evaluate(directory: Path, engine_name: str = "rapidocr", limit: int | None = None) -> Score:
    """Read every label listed in directory/manifest.json (or truth.json); compare with truth."""
    from bot.photo.ocr import Engine, LegacyRapidEngine, RapidEngine, TesseractEngine
    from bot.photo.reader import read_label
    from knowledge import Knowledge

    manifest = directory / "manifest.json"
    truths = json.loads((manifest if manifest.exists() else directory / "truth.json").read_text())
    truths = truths["labels"] if isinstance(truths, dict) else truths
    truths = truths[:limit] if limit else truths
    knowledge = Knowledge.load()
    engines: dict[str, type[Engine]] = {"rapidocr": RapidEngine, "tesseract": TesseractEngine,
                                        "rapidocr-onnxruntime": LegacyRapidEngine}
    engine = engines[engine_name]()
    read_label((directory / truths[0]["file"]).read_bytes(), knowledge, engine)  # warm up
    models = serials = 0
    times: list[float] = []
    cpu: list[float] = []
    misses: list[dict[str, object]] = []
    for truth in truths:
        data = (directory / truth["file"]).read_bytes()
        started, cpu_started = time.perf_counter(), time.process_time()
        reading = read_label(data, knowledge, engine)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        models += reading.model == truth["model"]
        serials += reading.serial == truth["serial"]
        if reading.model != truth["model"] or reading.serial != truth["serial"]:
            misses.append({"file": truth["file"], "model": reading.model, "serial": reading.serial,
                           "want": [truth["model"], truth["serial"]]})
    times.sort()
    cpu.sort()
    n = len(truths)
    return Score(n, round(models / n, 3), round(serials / n, 3),
                 round(percentile(times, 0.5), 3), round(percentile(times, 0.95), 3),
                 round(percentile(cpu, 0.5), 3), round(percentile(cpu, 0.95), 3), misses)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=("rapidocr", "tesseract", "rapidocr-onnxruntime"),
                        default="rapidocr", help="the others are for the comparison (docs/photos.md)")
    parser.add_argument("--split", choices=("test", "train"), default="test")
    parser.add_argument("--limit", type=int, default=None, help="only the first N labels")
    parser.add_argument("--no-pin", action="store_true", help="do not pin to one core")
    parser.add_argument("--misses", action="store_true", help="list the labels read wrong")
    args = parser.parse_args(argv)
    from bot.photo.reader import PhotoReader

    if args.engine == "rapidocr" and not PhotoReader.available():  # the extra is optional
        emit("ocr", "skipped", problem="the ocr extra is not installed: pip install -e '.[ocr]'")
        return 0
    core = None if args.no_pin else pin_one_core()
    with tempfile.TemporaryDirectory() as tmp:
        directory = TEST_DIR
        if args.split == "train":
            from evaluation.labels.generate import TEST_COUNT, TRAIN_COUNT, generate, write_truth

            directory = Path(tmp)
            write_truth(directory, generate(directory, TEST_COUNT + TRAIN_COUNT,
                                            only=range(TEST_COUNT, TEST_COUNT + TRAIN_COUNT)))
        score = evaluate(directory, args.engine, args.limit)
    extra: dict[str, object] = {"misses": score.misses} if args.misses else {}
    emit("ocr", args.engine, split=args.split, labels=score.count, model_exact=score.model_exact,
         serial_exact=score.serial_exact, median_s=score.median_s, p95_s=score.p95_s,
         cpu_median_s=score.cpu_median_s, cpu_p95_s=score.cpu_p95_s,
         load_average=round(os.getloadavg()[0], 2), pinned_core=core, **extra)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
