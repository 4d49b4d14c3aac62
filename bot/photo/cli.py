"""Photos from the local machine: `/photo PATH` in `recall-bot chat`, `recall-bot check --photo`.

Only the person at the terminal can name a path here (platform users send bytes, never paths).
The file is read into memory, at most the size limit (one byte more, so the limit is reported).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.photo.limits import MAX_BYTES


def load(path: str) -> bytes:
    """The file's first MAX_BYTES + 1 bytes; b"" when it cannot be read (not a picture)."""
    try:
        with Path(path.strip().strip('"')).expanduser().open("rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError:
        return b""


def fill_check_args(args: argparse.Namespace) -> int | None:
    """`check --photo PATH`: read model and serial into args; an exit code if that failed."""
    from bot.photo.reader import READER, Outcome
    from knowledge import Knowledge

    data = load(args.photo)
    if not data:
        print(f"recall-bot check: cannot read the file {args.photo!r}", file=sys.stderr)
        return 2
    if not READER.available():
        print("recall-bot check: reading photos needs the ocr extra: pip install -e '.[ocr]'; "
              "or type the model number from the label", file=sys.stderr)
        return 2
    reading = asyncio.run(READER.read(data, Knowledge.load()))
    if reading.outcome is not Outcome.READ or reading.model is None:
        print(f"recall-bot check: could not read a recalled model on the label "
              f"({reading.outcome.value}); try a closer, sharper photo without glare, or type "
              "the model number", file=sys.stderr)
        return 2
    note = " (not sure of every character)" if reading.unsure else ""
    serial = f", serial {reading.serial}" if reading.serial else ""
    print(f"Read from the photo: model {reading.model}{serial}{note}. Compare it with the label.",
          file=sys.stderr)
    args.model = args.model or reading.model
    args.serial = args.serial or reading.serial
    return None
