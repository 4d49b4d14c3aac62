"""An asyncio event loop whose clock jumps over idle waits, so an hour of rate-limited sending
runs in the seconds the CPU needs for it.

`loop.time()` is the real monotonic clock plus the time skipped so far. When nothing is ready,
the selector first waits a moment for real I/O (the loopback fake servers answer in well under
that), and if none came, skips the clock to the next timer instead of sleeping. Everything that
reads `loop.time()` — asyncio.sleep, timeouts, discord.py's rate-limit buckets, our pacers —
sees consistent time; CPU time still counts, so a slow turn is still slow.
"""

from __future__ import annotations

import asyncio
import selectors
import time
from typing import Any

REAL_WAIT = 0.0005  # seconds of real waiting for I/O before the clock skips ahead
LONG_SKIP = 1.0  # before skipping further than this, wait longer for real I/O
LONG_REAL_WAIT = 0.005


class _SkippingSelector(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
    def __init__(self) -> None:
        super().__init__()
        self.skipped = 0.0

    def select(self, timeout: float | None = None) -> list[Any]:
        ready = super().select(0)
        if ready or timeout == 0:
            return ready
        if timeout is None:  # no timer at all: only I/O can wake us, wait for it really
            return super().select(None)
        wait = min(timeout, LONG_REAL_WAIT if timeout > LONG_SKIP else REAL_WAIT)
        started = time.monotonic()
        ready = super().select(wait)
        if ready:
            return ready
        self.skipped += max(0.0, timeout - (time.monotonic() - started))
        return []


class VirtualClockLoop(asyncio.SelectorEventLoop):
    """See the module docstring."""

    def __init__(self) -> None:
        self._skipping = _SkippingSelector()
        super().__init__(self._skipping)

    def time(self) -> float:
        return time.monotonic() + self._skipping.skipped

    @property
    def skipped(self) -> float:
        return self._skipping.skipped
