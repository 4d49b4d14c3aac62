"""The webhook server: a request is refused before its body is read, bodies and connections
are capped.

python-telegram-bot's own webhook server (tornado with its defaults) read every body whole (up
to 100 MB) before looking at the secret token: eight 95 MB POSTs without a secret grew the
process by 594 MB (docs/SECURITY.md, finding 4). This server, also tornado:

- checks the method, the path and the X-Telegram-Bot-Api-Secret-Token header as soon as the
  headers arrive, and refuses (405/404/403) without reading the body (tornado then drops the
  connection once the refusal is sent);
- accepts bodies of at most MAX_BODY_BYTES (a Telegram update is a few KB) and gives up on
  a body that takes longer than BODY_TIMEOUT;
- serves at most MAX_CONNECTIONS connections at once and closes further ones immediately.

Put a reverse proxy in front for TLS and the same caps at the edge (docs/telegram.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
from typing import Any

from telegram import Update
from tornado.httpserver import HTTPServer
from tornado.iostream import IOStream
from tornado.web import Application as TornadoApp
from tornado.web import HTTPError, RequestHandler, stream_request_body

from adapters.telegram.app import TelegramApp

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1 << 20  # 1 MiB
MAX_CONNECTIONS = 100  # Telegram opens at most 100 (setWebhook max_connections, default 40)
BODY_TIMEOUT = 10.0  # seconds to receive a body once its headers arrived
IDLE_TIMEOUT = 60.0  # seconds a kept-alive connection may sit idle
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@stream_request_body
class UpdateHandler(RequestHandler):
    """POST {path}: one update, after the secret token matched."""

    def initialize(self, app: TelegramApp, secret: str) -> None:
        self.app, self.secret = app, secret
        self.chunks: list[bytes] = []
        self.size = 0

    async def prepare(self) -> None:
        """Runs when the headers are in, before any of the body is read."""
        if self.request.method != "POST":
            raise HTTPError(405)
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.debug("webhook request without the right secret token: refused")
            raise HTTPError(403)
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            raise HTTPError(413)

    def data_received(self, chunk: bytes) -> None:
        if self._finished:  # refused: whatever still arrives is dropped, never kept
            return
        self.size += len(chunk)
        if self.size > MAX_BODY_BYTES:  # a chunked body without a length
            raise HTTPError(413)
        self.chunks.append(chunk)

    async def post(self) -> None:
        try:
            data = json.loads(b"".join(self.chunks))
            update = Update.de_json(data, self.app.bot)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("webhook body is not an update (%s)", type(exc).__name__)
            raise HTTPError(400) from None
        if update is None:
            raise HTTPError(400)
        await self.app.update_queue.put(update)
        self.set_status(200)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish()  # no body, no traceback: the status says it all

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if not isinstance(value, HTTPError):  # refusals are expected; log only real failures
            log.error("webhook handler failed: %s", typ.__name__ if typ else "?")


class CappedHTTPServer(HTTPServer):
    """An HTTPServer that closes connections beyond `max_connections` at once."""

    max_connections = MAX_CONNECTIONS
    refused = 0

    def handle_stream(self, stream: IOStream, address: tuple[Any, ...]) -> None:
        if len(self._connections) >= self.max_connections:
            self.refused += 1
            stream.close()
            return
        super().handle_stream(stream, address)


def make_server(app: TelegramApp, url_path: str, secret: str,
                max_connections: int = MAX_CONNECTIONS) -> CappedHTTPServer:
    """The server for POST /{url_path} (not yet listening)."""
    routes = [(rf"/{url_path.strip('/')}/?", UpdateHandler, {"app": app, "secret": secret})]
    server = CappedHTTPServer(
        TornadoApp(routes, default_handler_class=_NotFound),
        max_body_size=MAX_BODY_BYTES, max_buffer_size=MAX_BODY_BYTES,
        body_timeout=BODY_TIMEOUT, idle_connection_timeout=IDLE_TIMEOUT,
    )
    server.max_connections = max_connections
    return server


class _NotFound(RequestHandler):
    async def prepare(self) -> None:
        raise HTTPError(404)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish()


async def serve_webhook(app: TelegramApp, *, host: str, port: int, url_path: str,
                        webhook_url: str, secret: str, allowed_updates: list[str],
                        stop: asyncio.Event | None = None) -> None:
    """Run the Application on our webhook server until SIGINT or SIGTERM (or until `stop` is
    set: a health endpoint's drain replaces these signal handlers with its own)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
            loop.add_signal_handler(sig, stop.set)
    server = make_server(app, url_path, secret)
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        server.listen(port, host)
        await app.bot.set_webhook(url=webhook_url, secret_token=secret,
                                  allowed_updates=allowed_updates)
        await app.start()
        await stop.wait()
    finally:
        server.stop()
        await server.close_all_connections()
        if app.running:
            await app.stop()
        if app.post_stop is not None:
            await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


__all__ = ["MAX_BODY_BYTES", "MAX_CONNECTIONS", "CappedHTTPServer", "make_server", "serve_webhook"]
