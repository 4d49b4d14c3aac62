"""Shared pieces for the photo tests: the frozen test labels and the `ocr` extra's presence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.photo.reader import PhotoReader

TEST_DIR = Path(__file__).resolve().parents[2] / "evaluation" / "labels" / "test"
MANIFEST: dict[str, Any] = json.loads((TEST_DIR / "manifest.json").read_text())

needs_ocr = pytest.mark.skipif(not PhotoReader.available(),
                               reason="the ocr extra is not installed (pip install -e '.[ocr]')")
try:
    import PIL  # noqa: F401

    HAVE_PIL = True
except ImportError:
    HAVE_PIL = False
needs_pil = pytest.mark.skipif(not HAVE_PIL, reason="Pillow comes with the ocr extra")


def label(file: str) -> tuple[bytes, dict[str, Any]]:
    """A frozen test label's bytes and its truth."""
    truth = next(t for t in MANIFEST["labels"] if t["file"] == file)
    return (TEST_DIR / file).read_bytes(), truth


# An A1263 label without a QR code: the serial comes from OCR alone.
A1263_LABEL = "label-014.jpg"
