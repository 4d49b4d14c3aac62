"""Reading a photo of a power bank's label: the model and serial, confirmed by the user.

    reading = await read_for(inbound, knowledge)        # engine: off the event loop, bounded
    turn = on_reading(dialog, state, ctx, reading)      # what to say about it (confirm.py)

OCR is the optional `ocr` extra (RapidOCR; docs/photos.md). Without it every photo gets the
"not supported here, please type it" answer. bot/ never imports telegram or discord; adapters
hand the image bytes in `Inbound.image`. Images live only in memory for the one reading.
"""

from __future__ import annotations

from bot.inbound import Inbound
from bot.photo.confirm import on_action, on_reading
from bot.photo.reader import READER, Outcome, PhotoReader, Reading, read_label
from knowledge import Knowledge


async def read_for(inbound: Inbound, knowledge: Knowledge) -> Reading:
    """The reading of `inbound.image` (none in groups: a label shows a serial)."""
    if inbound.image is None or inbound.chat_kind != "private":
        return Reading(Outcome.UNCLEAR)
    return await READER.read(inbound.image, knowledge, inbound.key)


__all__ = ["READER", "Outcome", "PhotoReader", "Reading", "on_action", "on_reading", "read_for",
           "read_label"]
