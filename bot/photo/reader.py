"""Reading a label photo: limits → OCR → lines → model and serial, off the event loop.

`read_label` is synchronous and pure (bytes in, Reading out; nothing stored, nothing logged
but the outcome's kind). `PhotoReader.read` runs it on a small thread pool so a photo never
blocks other users' turns, and refuses new photos while too many wait.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum

from bot.photo.layout import lines_of
from bot.photo.limits import PhotoRejected, Rejection, decode
from bot.photo.ocr import Engine, RapidEngine, qr_texts, rapidocr_available
from bot.photo.parse import CONFIDENT, LabelParser
from knowledge import Knowledge

log = logging.getLogger(__name__)

MAX_READING = 2  # photos read at once (the machine's cores; each reading uses one)
MAX_WAITING = 8  # photos queued behind them before new ones get "busy, try again"
LOW_CONFIDENCE = 0.6  # below this the reading is not offered: ask for a better photo


class Outcome(StrEnum):
    READ = "read"  # a known model (and maybe a serial): ask the user to confirm
    UNCLEAR = "unclear"  # little or no text: ask for a closer, sharper photo
    NO_MODEL = "no_model"  # text, but no model number the knowledge knows
    UNSUPPORTED = "unsupported"  # the `ocr` extra is not installed here
    TOO_LARGE = "too_large"
    NOT_AN_IMAGE = "not_an_image"
    BUSY = "busy"
    FAILED = "failed"


@dataclass(frozen=True)
class Reading:
    outcome: Outcome
    model: str | None = None
    serial: str | None = None
    serial_complete: bool = False
    serial_changes: list[str] = field(default_factory=list)
    unsure: bool = False  # low confidence on the serial: ask the user to compare carefully
    from_qr: bool = False
    seconds: float = 0.0


_REJECTED = {Rejection.TOO_LARGE: Outcome.TOO_LARGE, Rejection.NOT_AN_IMAGE: Outcome.NOT_AN_IMAGE,
             Rejection.TOO_SMALL: Outcome.UNCLEAR}
_parsers: dict[str, LabelParser] = {}


def parser_for(knowledge: Knowledge) -> LabelParser:
    parser = _parsers.get(knowledge.version)
    if parser is None:
        _parsers.clear()
        parser = _parsers[knowledge.version] = LabelParser(knowledge)
    return parser


def read_label(data: bytes, knowledge: Knowledge, engine: Engine) -> Reading:
    """What the label in `data` says, as far as the knowledge can confirm it."""
    started = time.perf_counter()
    try:
        image = decode(data)
    except PhotoRejected as rejected:
        return Reading(_REJECTED[rejected.reason])
    boxes = engine.read(image)
    lines = lines_of(boxes)
    parser = parser_for(knowledge)
    parsed = parser.parse(lines, qr_texts(image))
    del image
    seconds = time.perf_counter() - started
    if parsed.model is None:
        letters = sum(len(b.text) for b in boxes if b.confidence >= CONFIDENT)
        return Reading(Outcome.NO_MODEL if letters >= 20 else Outcome.UNCLEAR, seconds=seconds)
    if parsed.model_confidence < LOW_CONFIDENCE:
        return Reading(Outcome.UNCLEAR, seconds=seconds)
    unsure = parsed.serial is not None and not parsed.from_qr and (
        parsed.serial_confidence < CONFIDENT or not parsed.serial_complete)
    return Reading(Outcome.READ, parsed.model, parsed.serial, parsed.serial_complete,
                   parsed.serial_changes, unsure, parsed.from_qr, seconds)


class PhotoReader:
    """A bounded pool for readings; one per process (`READER`)."""

    def __init__(self, workers: int = MAX_READING, max_waiting: int = MAX_WAITING) -> None:
        self._workers = workers
        self._max_waiting = max_waiting
        self._pool: ThreadPoolExecutor | None = None
        self._engine: Engine | None = None
        self._inflight = 0
        self._readers: set[object] = set()  # whose photos are being read: one each at a time

    @staticmethod
    def available() -> bool:
        return rapidocr_available()

    async def read(self, data: bytes, knowledge: Knowledge, who: object = None) -> Reading:
        """Read on the pool. `who` (the user's key) may have one photo in reading at a time."""
        if not self.available():
            return Reading(Outcome.UNSUPPORTED)
        if self._inflight >= self._workers + self._max_waiting or (
                who is not None and who in self._readers):
            return Reading(Outcome.BUSY)
        if who is not None:
            self._readers.add(who)
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="photo-reader")
            self._engine = RapidEngine()
        assert self._engine is not None
        self._inflight += 1
        try:
            loop = asyncio.get_running_loop()
            reading = await loop.run_in_executor(self._pool, read_label, data, knowledge,
                                                 self._engine)
        except Exception as exc:  # never the image or the text read: only what failed
            log.error("reading a photo failed: %s", type(exc).__name__)
            return Reading(Outcome.FAILED)
        finally:
            self._inflight -= 1
            self._readers.discard(who)
        log.info("photo read: %s in %.2f s", reading.outcome.value, reading.seconds)
        return reading


READER = PhotoReader()
