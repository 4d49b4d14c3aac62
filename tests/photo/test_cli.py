"""`recall-bot chat` with `/photo PATH` and `recall-bot check --photo PATH`, as processes —
with the `ocr` extra, and with its import blocked (as on a machine without it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.catalog import CATALOG
from tests.photo.conftest import A1263_LABEL, TEST_DIR, label, needs_ocr

ROOT = Path(__file__).resolve().parents[2]
# Run the CLI with the OCR package made unimportable: what a plain `pip install -e .` has.
WITHOUT_OCR = ("import sys; sys.modules['rapidocr'] = None; "
               "from bot.cli import main; sys.exit(main())")
WITH = "import sys; from bot.cli import main; sys.exit(main())"


def run(code: str, args: list[str], tmp_path: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RECALL_BOT_DB": str(tmp_path / "state.db"), "LANG": "C.UTF-8"}
    return subprocess.run([sys.executable, "-c", code, *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120, check=False)


def test_console_photo_without_the_extra(tmp_path: Path) -> None:
    done = run(WITHOUT_OCR, ["chat", "--user", "u1"], tmp_path,
               f"/photo {TEST_DIR / A1263_LABEL}\nA1263\n")
    assert done.returncode == 0, done.stderr
    assert CATALOG.text("en", "photo_unsupported") in done.stdout
    assert "A1263" in done.stdout.split(CATALOG.text("en", "photo_unsupported"))[1]


def test_check_photo_without_the_extra(tmp_path: Path) -> None:
    done = run(WITHOUT_OCR, ["check", "--photo", str(TEST_DIR / A1263_LABEL)], tmp_path)
    assert done.returncode == 2
    assert "ocr extra" in done.stderr and "Traceback" not in done.stderr


def test_check_needs_a_model_or_a_photo(tmp_path: Path) -> None:
    done = run(WITH, ["check"], tmp_path)
    assert done.returncode == 2 and "MODEL" in done.stderr and "Traceback" not in done.stderr


@needs_ocr
def test_console_photo_then_yes(tmp_path: Path) -> None:
    _, truth = label(A1263_LABEL)
    done = run(WITH, ["chat", "--user", "u1"], tmp_path,
               f"/photo {TEST_DIR / A1263_LABEL}\n1\n2\n/photo /no/such/file.jpg\n")
    assert done.returncode == 0, done.stderr
    assert "A1263" in done.stdout and truth["serial"][:4] in done.stdout
    assert "https://www.anker.com/product-recalls" in done.stdout  # the US verdict: the checker
    assert CATALOG.text("en", "photo_not_image") in done.stdout


@needs_ocr
def test_check_photo_reads_model_and_serial(tmp_path: Path) -> None:
    _, truth = label(A1263_LABEL)
    done = run(WITH, ["check", "--photo", str(TEST_DIR / A1263_LABEL), "--json",
                      "--region", "US"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"model A1263, serial {truth['serial']}" in done.stderr
    assert '"model": "A1263"' in done.stdout and truth["serial"] in done.stdout
