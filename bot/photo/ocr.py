"""OCR engines behind one small interface: an RGB image → text boxes with confidences.

RapidOCR 3 (PP-OCRv6 small detection + recognition, ONNX models inside the `rapidocr` wheel, run
by onnxruntime) is what the bot uses: the `ocr` extra. The older rapidocr-onnxruntime 1.4
(PP-OCRv4) and Tesseract (Debian's tesseract-ocr through pytesseract) are kept for the comparison
in bench/ocr_bench.py and docs/photos.md; neither is installed by the extra.
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
    """Is the `ocr` extra installed (RapidOCR 3 and its ONNX runtime)?"""
    try:
        import onnxruntime  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


class RapidEngine:
    """One RapidOCR per thread (an ONNX session is safe to share, its Python wrapper less so).

    Each reading uses one CPU thread; concurrency comes from the reader's pool instead.
    """

    name = "rapidocr"

    def __init__(self, threads: int = 1) -> None:
        self._threads = threads
        self._local = threading.local()

    def _ocr(self) -> Any:
        ocr = getattr(self._local, "ocr", None)
        if ocr is None:
            from rapidocr import RapidOCR

            ocr = RapidOCR(params={
                "Global.log_level": "error",  # its INFO lines would name every file it loads
                "EngineConfig.onnxruntime.intra_op_num_threads": self._threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            })
            self._local.ocr = ocr
        return ocr

    def read(self, image: Image) -> list[TextBox]:
        import numpy as np

        pixels = np.asarray(image)[:, :, ::-1]  # RGB → BGR, as OpenCV-based code expects
        out = self._ocr()(pixels)
        if out.boxes is None:
            return []
        return [TextBox(str(text), float(score), tuple((float(x), float(y)) for x, y in corners))
                for corners, text, score in zip(out.boxes, out.txts, out.scores, strict=True)]


class LegacyRapidEngine:
    """rapidocr-onnxruntime 1.4 (PP-OCRv4 models in its wheel): for the comparison only."""

    name = "rapidocr-onnxruntime"

    def __init__(self) -> None:
        from rapidocr_onnxruntime import RapidOCR

        self._ocr = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)

    def read(self, image: Image) -> list[TextBox]:
        import numpy as np

        result, _ = self._ocr(np.asarray(image)[:, :, ::-1])
        return [TextBox(str(text), float(score), tuple((float(x), float(y)) for x, y in corners))
                for corners, text, score in result or []]


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
