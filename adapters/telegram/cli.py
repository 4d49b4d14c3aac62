"""`recall-bot telegram`: long polling by default, or a webhook with a secret token."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from pydantic import ValidationError
from telegram.error import InvalidToken

from adapters import logsafety
from adapters.telegram.app import ALLOWED_UPDATES, EngineLike, TelegramApp, build_application
from adapters.telegram.health import Health
from adapters.telegram.settings import TelegramSettings

log = logging.getLogger("adapters.telegram")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `recall-bot telegram`."""
    parser.add_argument("--webhook-url", metavar="URL",
                        help="public HTTPS URL Telegram posts updates to (default: long polling)")
    parser.add_argument("--listen", metavar="HOST:PORT", default="127.0.0.1:8443",
                        help="where the webhook server listens (default 127.0.0.1:8443)")
    parser.add_argument("--db", metavar="PATH|URL",
                        help="conversation database: an SQLite file or a postgresql:// URL "
                             "(default: $RECALL_BOT_DB or the engine's)")
    parser.add_argument("--health-listen", metavar="HOST:PORT",
                        help="serve /healthz and /readyz here (docs/deploy.md)")
    parser.add_argument("--drain-seconds", type=float, default=0.0, metavar="S",
                        help="on SIGTERM, stay up not-ready this long before stopping (default 0)")
    parser.add_argument("--log-level", default="INFO",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"])


def _listen(value: str) -> tuple[str, int] | None:
    host, _, port = value.rpartition(":")
    return (host.strip("[]") or "0.0.0.0", int(port)) if port.isdigit() and host else None


def _fail(message: str) -> int:
    print(f"recall-bot telegram: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Run the bot until SIGINT/SIGTERM; exit code 2 on bad configuration."""
    try:
        settings = TelegramSettings()
    except ValidationError as exc:
        fields = ", ".join(str(e["loc"][0]).upper() for e in exc.errors() if e["loc"])
        return _fail(f"missing or invalid setting(s): {fields}. Set them in the environment "
                     "or in .env (TELEGRAM_BOT_TOKEN comes from @BotFather).")
    listen = _listen(args.listen)
    url_ok = str(args.webhook_url or "").startswith(("https://", "http://"))
    if args.webhook_url and (listen is None or not url_ok):
        return _fail("--webhook-url needs a URL and --listen HOST:PORT (e.g. 0.0.0.0:8443)")
    health_listen = _listen(args.health_listen) if args.health_listen else None
    if args.health_listen and health_listen is None:
        return _fail("--health-listen needs HOST:PORT (e.g. 127.0.0.1:8081)")

    logging.basicConfig(level=args.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logsafety.install(settings.token, settings.webhook_secret())
    db_path: str | None = args.db or settings.recall_bot_db
    health = Health()

    async def open_engine() -> EngineLike:
        from adapters.telegram.alerts import TelegramAlerts
        from bot.community import Community  # loads knowledge: only when the bot starts

        engine = await Community.open(db_path)  # the engine, plus alerts and PSA stats (#16)
        engine.watch_knowledge()  # edits to the knowledge files go live without a restart
        engine.start_sweeping()  # idle conversations expire now and every 10 minutes
        engine.start_alerts([TelegramAlerts(app.bot)])  # alerts when a recall changes
        stopping.append(engine.stop_alerts)  # at post_stop, while the bot can still send
        health.engine = engine.engine  # readiness probes the conversation store
        health.drain_on_signals(lambda: stop_requests[-1](), args.drain_seconds)
        if health_listen is not None:
            await health.start(*health_listen)
        served: EngineLike = engine
        return served

    stopping: list[Callable[[], Awaitable[None]]] = []

    async def stop_health(_: object) -> None:
        for stop in stopping:
            await stop()
        await health.stop()

    app = build_application(
        settings.token, open_engine,
        base_url=settings.telegram_api_base_url, base_file_url=settings.base_file_url,
    )
    # How a drained SIGTERM stops the bot: PTB's own stop for polling; the webhook server's
    # stop event (appended when it starts) for webhooks.
    stop_requests: list[Callable[[], None]] = [app.stop_running]
    # Ready only while updates can arrive: polling runs, or our webhook server is up.
    health.serving = lambda: bool((app.updater and app.updater.running)
                                  or (args.webhook_url and app.running))
    app.post_stop = stop_health  # after the updates in flight are processed
    try:
        _serve(app, args, settings, listen, stop_requests)
    except InvalidToken:  # its message quotes the token: say what to do instead
        log.error("Telegram rejected the bot token (401): check TELEGRAM_BOT_TOKEN")
        return 1
    except Exception as exc:  # anything else, once, through the redacting log
        log.error("the bot stopped: %s: %s", type(exc).__name__, exc)
        return 1
    return 0


def _serve(app: TelegramApp, args: argparse.Namespace, settings: TelegramSettings,
           listen: tuple[str, int] | None, stop_requests: list[Callable[[], None]]) -> None:
    if not args.webhook_url:
        log.info("starting long polling")
        app.run_polling(allowed_updates=ALLOWED_UPDATES)
        return
    host, port = listen or ("127.0.0.1", 8443)
    log.info("starting the webhook server on %s:%d", host, port)
    from adapters.telegram.webhook import serve_webhook  # tornado: only for webhooks

    async def serve() -> None:
        stop = asyncio.Event()
        stop_requests.append(stop.set)
        await serve_webhook(
            app, host=host, port=port, url_path=urlsplit(args.webhook_url).path.lstrip("/"),
            webhook_url=args.webhook_url, secret=settings.webhook_secret(),
            allowed_updates=ALLOWED_UPDATES, stop=stop,
        )

    asyncio.run(serve())
