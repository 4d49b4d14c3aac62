"""Health endpoint and graceful shutdown for `recall-bot telegram` (several webhook processes
behind a load balancer: docs/deploy.md).

A small aiohttp server on its own port (`--health-listen`), so the webhook server stays exactly
what python-telegram-bot (and its request caps) make it:

- `GET /healthz` — liveness: 200 while the process runs its event loop.
- `GET /readyz` — readiness: 200 only when the knowledge is loaded, the store answers a read
  (within READY_TIMEOUT) and the webhook server is up; 503 with the reason otherwise, and from
  the moment a SIGTERM arrives, so the load balancer stops sending before the process stops.

On SIGTERM (or SIGINT) the process turns not-ready, keeps serving for `drain_seconds` (requests
the balancer already routed still arrive), then python-telegram-bot stops: the webhook server
closes, every update already accepted is processed (Application.stop waits for the update
queue), and the engine closes the store last.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from collections.abc import Callable
from typing import Protocol

from aiohttp import web

log = logging.getLogger(__name__)

READY_TIMEOUT = 2.0  # seconds a readiness probe waits for the store
PROBE_KEY = ("health", "probe", "probe")  # never saved: the probe only reads


class ProbedStore(Protocol):
    async def load(self, key: tuple[str, str, str]) -> object: ...


class ProbedEngine(Protocol):
    """What readiness needs of bot.engine.Engine."""

    @property
    def store(self) -> ProbedStore: ...

    @property
    def knowledge(self) -> object: ...


class Health:
    """Readiness state of one bot process, and the server that reports it."""

    def __init__(self, *, serving: Callable[[], bool] = lambda: True) -> None:
        self.engine: ProbedEngine | None = None
        self.draining = False
        self.serving = serving  # is the webhook server up (python-telegram-bot's updater)?
        self._runner: web.AppRunner | None = None
        self._drain_task: asyncio.Task[None] | None = None

    async def reasons_not_ready(self) -> list[str]:
        """Empty when ready; otherwise what is missing."""
        reasons = []
        if self.draining:
            reasons.append("shutting down")
        engine = self.engine
        if engine is None:
            reasons.append("engine not open (knowledge and store load at start-up)")
        else:
            try:
                engine.knowledge  # noqa: B018 (raises if no knowledge was ever loaded)
            except Exception:
                reasons.append("knowledge not loaded")
            try:
                await asyncio.wait_for(engine.store.load(PROBE_KEY), READY_TIMEOUT)
            except Exception as error:  # the reason names the error type only, never a URL
                reasons.append(f"store unavailable ({type(error).__name__})")
        if not self.serving():
            reasons.append("webhook server not started")
        return reasons

    async def _live(self, _: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def _ready(self, _: web.Request) -> web.Response:
        reasons = await self.reasons_not_ready()
        body = {"status": "ready"} if not reasons else {"status": "not ready", "reasons": reasons}
        return web.Response(text=json.dumps(body), status=200 if not reasons else 503,
                            content_type="application/json")

    async def start(self, host: str, port: int) -> None:
        """Serve /healthz and /readyz on host:port."""
        app = web.Application()
        app.router.add_get("/healthz", self._live)
        app.router.add_get("/readyz", self._ready)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        self._runner = runner
        log.info("health endpoint on http://%s:%d/readyz", host, port)

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    def drain_on_signals(self, stop: Callable[[], None], drain_seconds: float) -> None:
        """On SIGTERM/SIGINT: turn not-ready, keep serving `drain_seconds`, then `stop()`.

        Replaces python-telegram-bot's own handlers (which would stop at once); call it from
        inside the running loop, after the Application installed them.
        """
        loop = asyncio.get_running_loop()

        async def drain_then_stop() -> None:
            await asyncio.sleep(drain_seconds)
            log.info("drained; finishing the updates in flight, then stopping")
            stop()

        def on_signal(name: str) -> None:
            if self.draining:
                return
            log.info("%s: not ready any more; draining for %.1f s", name, drain_seconds)
            self.draining = True
            self._drain_task = loop.create_task(drain_then_stop())

        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows, no loop
                loop.add_signal_handler(sig, on_signal, sig.name)
