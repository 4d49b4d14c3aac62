"""OCR engines behind one small interface: an RGB image → text boxes with confidences.

RapidOCR (PP-OCRv4 detection + recognition, ONNX models inside the rapidocr-onnxruntime wheel)
is what the bot uses; Tesseract (Debian's tesseract-ocr through pytesseract) is kept for the
comparison in bench/ocr_bench.py and docs/photos.md. Both are optional: the `ocr` extra.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PIL.Image import Image


@dataclass(frozen=True)
class TextBox:
    text: str
    confidence: float  # 0..1
    corners: tuple[tuple[float, float], ...]  # clockwise from top-left


class Engine(Protocol):
    name: str

    def read(self, image: Image) -> list[TextBox]: ...


def rapidocr_available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


class RapidEngine:
    """One RapidOCR per thread (an ONNX session is safe to share, its Python wrapper less so)."""

    name = "rapidocr"

    def __init__(self, threads: int = 1) -> None:
        self._threads = threads
        self._local = threading.local()

    def _ocr(self) -> Any:
        ocr = getattr(self._local, "ocr", None)
        if ocr is None:
            from rapidocr_onnxruntime import RapidOCR

            ocr = RapidOCR(intra_op_num_threads=self._threads, inter_op_num_threads=1)
            self._local.ocr = ocr
        return ocr

    def read(self, image: Image) -> list[TextBox]:
        import numpy as np

        pixels = np.asarray(image)[:, :, ::-1]  # RGB → BGR, as OpenCV-based code expects
        result, _ = self._ocr()(pixels)
        boxes: list[TextBox] = []
        for corners, text, score in result or []:
            boxes.append(TextBox(str(text), float(score),
                                 tuple((float(x), float(y)) for x, y in corners)))
        return boxes


class TesseractEngine:
    """Tesseract 5 (LSTM) through pytesseract: one box per word. --psm 11 (sparse text) read the
    tuning labels best of psm 3, 6 and 11 (12 labels: models 6/5/5, serials 4/2/2)."""

    name = "tesseract"

    def read(self, image: Image) -> list[TextBox]:
        import pytesseract

        data = pytesseract.image_to_data(image, config="--psm 11",
                                         output_type=pytesseract.Output.DICT)
        boxes: list[TextBox] = []
        for i, text in enumerate(data["text"]):
            conf = float(data["conf"][i])
            if not text.strip() or conf < 0:
                continue
            x, y, w, h = (float(data[k][i]) for k in ("left", "top", "width", "height"))
            boxes.append(TextBox(text, conf / 100, ((x, y), (x + w, y), (x + w, y + h),
                                                    (x, y + h))))
        return boxes


def qr_texts(image: Image) -> list[str]:
    """Texts of QR and Data Matrix codes in the image (zxing-cpp), if that library is present."""
    try:
        import zxingcpp
    except ImportError:
        return []
    formats = zxingcpp.barcode_formats_from_str("QRCode,DataMatrix")
    return [code.text for code in zxingcpp.read_barcodes(image, formats=formats) if code.text]
