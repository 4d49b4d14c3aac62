"""Telegram: the same scripted updates through python-telegram-bot's Application.process_update,
our adapter vs a baseline bot built the way PTB's examples do it (ConversationHandler +
PicklePersistence), offline (a BaseRequest that answers like the Bot API, no network).

    python -m bench.telegram_bench --bot ours|baseline|baseline-durable --users 1000 --turns 6000

The script is the three-step check: model → serial → region (verdict), then again. Every user's
conversation is live before timing starts (user u is just before step u % 3). Each user's updates are
sequential; up to --inflight (100) updates are processed at once. Neither bot has a rate limiter (production
uses AIORateLimiter, which holds the bot to Telegram's ~30 messages/s: the ceiling, not the bot).

- ours: adapters.telegram's handlers → Engine.handle → SQLite; each reply after its commit.
- baseline: ConversationHandler(persistent=True) + PicklePersistence as configured by default:
  the pickle is written every 60 s (update_interval), so up to a minute of state can be lost.
- baseline-durable: the same bot, plus Application.update_persistence() after every update, the
  closest PTB offers to "state saved before the next message" (each write re-pickles the file).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import pickle
import tempfile
import time
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    PicklePersistence,
    filters,
)
from telegram.request import BaseRequest, RequestData

from adapters.telegram.app import EngineLike, TelegramAdapter
from bench.common import emit, ms, peak_rss_mb, percentile, pin_one_core
from bot.engine import Engine
from bot.inbound import Inbound
from knowledge import Knowledge

TOKEN = "123456789:AAbenchmarkbenchmarkbenchmarkbench00"
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Recall", "username": "recall_bench_bot",
            "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": True}
SCRIPT: tuple[str, ...] = ("A1263", "AKF12Z330L8419B6", "US")
NO_FLOOD = 10**9
App = Application[Any, Any, Any, Any, Any, Any]


class OfflineRequest(BaseRequest):
    """Answers Bot API calls in memory, as Telegram would (sendMessage returns the Message)."""

    def __init__(self) -> None:
        self.calls = 0
        self._ids = itertools.count(1_000_000)

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: object = None, write_timeout: object = None,
                         connect_timeout: object = None, pool_timeout: object = None,
                         ) -> tuple[int, bytes]:
        """The JSON body Telegram would send back for this method."""
        self.calls += 1
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        result: object = True
        if name == "getMe":
            result = BOT_USER
        elif name == "sendMessage":
            chat = params.get("chat_id")
            result = {"message_id": next(self._ids), "date": int(time.time()),
                      "chat": {"id": chat, "type": "private"}, "from": BOT_USER,
                      "text": params.get("text", "")}
        return 200, json.dumps({"ok": True, "result": result}).encode()


def message_update(update_id: int, user: int, text: str) -> dict[str, Any]:
    """A private text message from `user`, as getUpdates delivers it."""
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": user, "type": "private", "first_name": f"U{user}"},
        "from": {"id": user, "is_bot": False, "first_name": f"U{user}", "language_code": "en"}}}


# ----- our bot ---------------------------------------------------------------------------------

async def build_ours(tmp: Path, users: int) -> App:
    """The adapter's handlers on an Application with an offline request, engine on SQLite."""
    engine = await Engine.open(tmp / "state.db", flood_limit=NO_FLOOD)
    await populate_ours(engine, users)

    async def open_engine() -> EngineLike:
        return engine

    adapter = TelegramAdapter(open_engine)
    app: App = (ApplicationBuilder().token(TOKEN).request(OfflineRequest())
                .get_updates_request(OfflineRequest())
                .post_init(adapter.post_init).post_shutdown(adapter.post_shutdown).build())
    adapter.install(app)
    return app  # the engine closes in post_shutdown


async def populate_ours(engine: Engine, users: int) -> None:
    """User u's conversation in the store, just before script step u % 3."""
    def key(user: int) -> tuple[str, str, str]:
        return ("telegram", str(user), str(user))

    template = 10**9
    after: list[dict[str, object]] = []
    for text in SCRIPT:
        await engine.handle(Inbound(platform="telegram", chat_id=str(template),
                                    user_id=str(template), text=text, locale="en"))
        stored = await engine.store.load(key(template))
        assert stored is not None
        after.append(stored.state)
    await engine.store.delete_user("telegram", str(template))
    for start in range(0, users, 2000):
        await asyncio.gather(*(engine.store.save(key(u + 1), after[(u - 1) % len(SCRIPT)], 0)
                               for u in range(start, min(users, start + 2000))))


# ----- the baseline ----------------------------------------------------------------------------

SERIAL, REGION = range(2)


def baseline_handlers(knowledge: Knowledge) -> ConversationHandler[Any]:
    """model → serial → region → verdict, the ConversationHandler way, state persisted by PTB."""

    async def got_model(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert update.message is not None and update.message.text is not None
        assert context.user_data is not None
        model = knowledge.index.canonical_model(update.message.text.strip())
        if model is None:
            await update.message.reply_text("That model is not in any recall I know.")
            return ConversationHandler.END
        context.user_data["model"] = model
        await update.message.reply_text(f"{model} is in a recall. What is its serial number?")
        return SERIAL

    async def got_serial(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert update.message is not None and context.user_data is not None
        context.user_data["serial"] = update.message.text
        await update.message.reply_text("Where did you buy it?")
        return REGION

    async def got_region(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert update.message is not None and update.message.text is not None
        assert context.user_data is not None
        result = knowledge.check(context.user_data["model"], context.user_data.get("serial"),
                                 update.message.text.strip().upper())
        context.user_data.clear()
        await update.message.reply_text(f"{result.model}: {result.verdict.value}")
        return ConversationHandler.END

    async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        return ConversationHandler.END

    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[MessageHandler(text, got_model)],
        states={SERIAL: [MessageHandler(text, got_serial)],
                REGION: [MessageHandler(text, got_region)]},
        fallbacks=[CommandHandler("cancel", cancel)], name="check", persistent=True)


async def build_baseline(tmp: Path, users: int) -> App:
    """The baseline Application on a pickle holding every user's live conversation."""
    path = tmp / "baseline.pickle"
    conversations: dict[tuple[int, int], object] = {}
    user_data: dict[int, dict[str, object]] = {}
    for u in range(users):
        user, step = u + 1, u % len(SCRIPT)
        user_data[user] = {}
        if step >= 1:
            user_data[user]["model"] = "A1263"
            conversations[(user, user)] = SERIAL if step == 1 else REGION
        if step >= 2:
            user_data[user]["serial"] = SCRIPT[1]
    with path.open("wb") as file:  # PicklePersistence's single-file layout
        pickle.dump({"conversations": {"check": conversations}, "user_data": user_data,
                     "chat_data": {user: {} for user in user_data}, "bot_data": {},
                     "callback_data": None}, file, protocol=pickle.HIGHEST_PROTOCOL)
    knowledge = Knowledge.load()
    app: App = (ApplicationBuilder().token(TOKEN).request(OfflineRequest())
                .get_updates_request(OfflineRequest())
                .persistence(PicklePersistence(path)).build())
    app.add_handler(baseline_handlers(knowledge))
    return app


# ----- the timed phase -------------------------------------------------------------------------

async def drive(app: App, users: int, turns: int, cap: float, durable_ptb: bool, inflight: int
                ) -> tuple[list[float], int, float, float]:
    """Every user's turns sequential, at most `inflight` updates in process at once (PTB's own
    updater has a concurrency limit too); stop issuing turns after `cap` seconds."""
    latencies: list[float] = []
    gate = asyncio.Semaphore(inflight)
    ids = itertools.count(1)
    skipped = 0
    t0 = time.perf_counter()

    async def user(u: int, count: int) -> None:
        nonlocal skipped
        for step in range(count):
            text = SCRIPT[(u + step) % len(SCRIPT)]
            async with gate:
                if time.perf_counter() - t0 > cap:
                    skipped += count - step
                    return
                start = time.perf_counter()
                update = Update.de_json(message_update(next(ids), u + 1, text), app.bot)
                await app.process_update(update)
                if durable_ptb:
                    await app.update_persistence()
                latencies.append(time.perf_counter() - start)

    cpu0 = time.process_time()
    share, extra = divmod(turns, users)
    await asyncio.gather(*(user(u, share + (u < extra)) for u in range(min(users, turns))))
    return latencies, skipped, time.perf_counter() - t0, time.process_time() - cpu0


async def measure(args: argparse.Namespace) -> None:
    core = pin_one_core() if args.pin else None
    with tempfile.TemporaryDirectory() as tmp:
        if args.bot == "ours":
            app = await build_ours(Path(tmp), args.users)
        else:
            app = await build_baseline(Path(tmp), args.users)
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)
        try:
            lat, skipped, elapsed, cpu = await drive(app, args.users, args.turns, args.cap,
                                                     args.bot == "baseline-durable", args.inflight)
            sent = app.bot.request.calls if isinstance(app.bot.request, OfflineRequest) else None
            report(args, lat, skipped, elapsed, cpu, sent, core)
        finally:
            if args.bot == "ours":
                await app.shutdown()
                if app.post_shutdown is not None:
                    await app.post_shutdown(app)
    if args.bot != "ours":
        # Not timed, not run: PTB's final persistence write re-pickles the whole file once per
        # user touched (minutes at 10,000 users). The measurement is already printed.
        os._exit(0)


def report(args: argparse.Namespace, lat: list[float], skipped: int, elapsed: float, cpu: float,
           sent: int | None, core: int | None) -> None:
    """Print the measurement line."""
    lat.sort()
    done = len(lat)
    emit("telegram", args.bot, users=args.users, turns=done, seconds=round(elapsed, 3),
         turns_per_s=round(done / elapsed), turns_per_cpu_s=round(done / cpu),
         p50_ms=ms(percentile(lat, 0.5)), p99_ms=ms(percentile(lat, 0.99)),
         skipped_after_cap=skipped, bot_api_calls=sent, peak_rss_mb=peak_rss_mb(),
         pinned_cpu=core, load_avg=round(os.getloadavg()[0], 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bot", choices=("ours", "baseline", "baseline-durable"), default="ours")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=6000)
    parser.add_argument("--cap", type=float, default=15.0,
                        help="stop issuing updates after this many seconds")
    parser.add_argument("--inflight", type=int, default=100,
                        help="updates being processed at once (users beyond wait their turn)")
    parser.add_argument("--no-pin", dest="pin", action="store_false")
    asyncio.run(measure(parser.parse_args()))


if __name__ == "__main__":
    main()
