"""What an image must be before anything reads it: small enough, a real picture, not a bomb.

Checked from the header (Pillow reads the size without decoding the pixels), so a
decompression bomb — a tiny file that claims 50,000 × 50,000 pixels — is refused before it
costs any memory. Everything happens in memory; nothing is written anywhere.
"""

from __future__ import annotations

import io
import warnings
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_BYTES = 10 * 1024 * 1024  # Telegram's own photos are ≤ ~1 MB; documents can be larger
MAX_PIXELS = 40_000_000  # a 48-MP phone sensor is ~48 M: ask for a resized photo past this
MAX_SIDE = 12_000
MIN_SIDE = 32
READ_SIDE = 1600  # longest side the reader works on: labels stay legible, time stays short
FORMATS = frozenset({"JPEG", "PNG", "WEBP", "BMP", "GIF", "TIFF"})


class Rejection(StrEnum):
    TOO_LARGE = "too_large"  # bytes or pixels over the limits
    NOT_AN_IMAGE = "not_an_image"  # not a format we decode, or a broken file
    TOO_SMALL = "too_small"


class PhotoRejected(Exception):
    def __init__(self, reason: Rejection) -> None:
        super().__init__(reason.value)
        self.reason = reason


# What an adapter hands over instead of downloading a file the platform says is too large.
OVERSIZED = b"recall-bot:image-over-the-size-limit"


def too_large(size: int | None) -> bool:
    """For adapters: a platform-declared file size over the limit (don't even download it)."""
    return size is not None and size > MAX_BYTES


def decode(data: bytes) -> Image:
    """The image in `data` as RGB, longest side ≤ READ_SIDE; raises PhotoRejected."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_BYTES or data == OVERSIZED:
        raise PhotoRejected(Rejection.TOO_LARGE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
            if opened.format not in FORMATS:
                raise PhotoRejected(Rejection.NOT_AN_IMAGE)
            width, height = opened.size
            if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
                raise PhotoRejected(Rejection.TOO_LARGE)
            if min(width, height) < MIN_SIDE:
                raise PhotoRejected(Rejection.TOO_SMALL)
            if opened.format == "JPEG":
                opened.draft("RGB", (READ_SIDE, READ_SIDE))  # decode at 1/2, 1/4 or 1/8 scale
            image = opened.convert("RGB")
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise PhotoRejected(Rejection.TOO_LARGE) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise PhotoRejected(Rejection.NOT_AN_IMAGE) from exc
    if max(image.size) > READ_SIDE:
        image.thumbnail((READ_SIDE, READ_SIDE), Image.Resampling.BILINEAR)
    return image
