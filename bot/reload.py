"""Knowledge reload while the bots run: on a file change (mtime polling) or on SIGHUP.

`KnowledgeReloader(source).start()` inside the bot's event loop polls the data directory every
few seconds and, on Unix, reloads on SIGHUP too. Loading runs in a worker thread so the bot keeps
answering meanwhile. An invalid file logs every error (KnowledgeSource.reload) and the previous
knowledge keeps serving; the same broken files are not reported again until they change.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from bot.knowledge_source import KnowledgeSource
from knowledge import DATA_DIR

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 5.0  # seconds between looks at the files' modification times
Fingerprint = tuple[tuple[str, int, int], ...]  # (path, mtime_ns, size) of every data file


class KnowledgeReloader:
    """Watches the knowledge files of `source` and reloads them when they change."""

    def __init__(self, source: KnowledgeSource, *, interval: float = DEFAULT_INTERVAL) -> None:
        self.source = source
        self.interval = interval
        self.data_dir = source.data_dir or DATA_DIR
        self._seen = self.fingerprint()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._sighup = False
        self._pending: set[asyncio.Task[bool]] = set()  # SIGHUP reloads in flight (keep a ref)

    def fingerprint(self) -> Fingerprint:
        """(path, mtime, size) of every YAML file under the data directory."""
        entries = []
        for path in sorted(self.data_dir.rglob("*.yaml")):
            with contextlib.suppress(OSError):  # removed between listing and stat
                info = path.stat()
                entries.append((str(path.relative_to(self.data_dir)), info.st_mtime_ns,
                                info.st_size))
        return tuple(entries)

    def changed(self) -> bool:
        """Whether the files differ from the last load attempt."""
        return self.fingerprint() != self._seen

    async def reload(self) -> bool:
        """Load the files now; True if the new knowledge is being served."""
        async with self._lock:
            self._seen = self.fingerprint()
            try:
                return await asyncio.to_thread(self.source.reload)
            except Exception:  # e.g. a file vanished mid-read: keep serving what we have
                log.exception("knowledge reload failed; still serving version %s",
                              self.source.current.version)
                return False

    async def poll_once(self) -> bool | None:
        """Reload if the files changed: True/False as `reload`, None when nothing changed."""
        if not self.changed():
            return None
        return await self.reload()

    async def run(self) -> None:
        """Poll forever (until cancelled)."""
        while True:
            await asyncio.sleep(self.interval)
            await self.poll_once()

    def start(self) -> asyncio.Task[None]:
        """Start polling and listen for SIGHUP (where the platform has it) in the running loop."""
        loop = asyncio.get_running_loop()
        if self._task is None:
            self._task = loop.create_task(self.run(), name="knowledge-reload")
        hup = getattr(signal, "SIGHUP", None)
        if hup is not None and not self._sighup:
            try:
                loop.add_signal_handler(hup, self._on_sighup)
                self._sighup = True
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
                log.info("SIGHUP reload unavailable here; polling only")
        return self._task

    async def stop(self) -> None:
        """Stop polling and stop listening for SIGHUP."""
        if self._sighup:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
            self._sighup = False
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _on_sighup(self) -> None:
        log.info("SIGHUP: reloading the knowledge files from %s", self.data_dir)
        task = asyncio.get_running_loop().create_task(self.reload())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)


def watch(source: KnowledgeSource, interval: float = DEFAULT_INTERVAL) -> KnowledgeReloader:
    """Start reloading `source` on change or SIGHUP; call from inside the bot's event loop."""
    reloader = KnowledgeReloader(source, interval=interval)
    reloader.start()
    return reloader


__all__ = ["DEFAULT_INTERVAL", "KnowledgeReloader", "watch"]
