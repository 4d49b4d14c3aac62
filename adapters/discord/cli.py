"""`recall-bot discord [--db PATH]` runs the bot; `recall-bot discord sync [--guild ID]` registers
its slash commands and exits (the bot itself never syncs: on_ready fires on every reconnect)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys

import discord
from pydantic import ValidationError

from adapters import logsafety

from . import sharding
from .client import RecallClient, use_api_base
from .settings import DiscordSettings

log = logging.getLogger("recall-bot.discord")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `recall-bot discord`."""
    parser.add_argument("action", nargs="?", choices=("run", "sync"), default="run",
                        help="run the bot (default), or sync its slash commands and exit")
    parser.add_argument("--db", metavar="PATH|URL", default=None,
                        help="state: an SQLite file or a postgresql:// URL "
                             "(default: $RECALL_BOT_DB, else the engine's default)")
    parser.add_argument("--guild", type=int, default=None,
                        help="with sync: register in this server only (instant, for testing)")
    sharding.add_arguments(parser)


def _settings() -> DiscordSettings | None:
    try:
        return DiscordSettings()  # filled from the environment
    except ValidationError as error:
        fields = ", ".join(str(e["loc"][0]).upper() for e in error.errors() if e["loc"])
        print(f"recall-bot discord: set {fields} (see docs/discord.md)", file=sys.stderr)
        return None


async def sync_commands(settings: DiscordSettings, guild_id: int | None) -> int:
    """Register the slash commands globally, or in one guild; return the number registered."""
    use_api_base(settings.discord_api_base_url)
    client = RecallClient(engine=None)
    async with client:
        await client.login(settings.token)
        if guild_id is None:
            synced = await client.tree.sync()
        else:
            guild = discord.Object(id=guild_id)
            client.tree.copy_global_to(guild=guild)
            synced = await client.tree.sync(guild=guild)
    return len(synced)


async def serve(settings: DiscordSettings, db: str | None,
                shards: sharding.Sharding | None = None) -> None:
    """Open the engine and run the bot (sharded if asked) until SIGINT/SIGTERM."""
    from bot.community import Community  # the engine loads the knowledge: only when running

    from .alerts import DiscordAlerts

    use_api_base(settings.discord_api_base_url)
    engine = await Community.open(db)  # the engine, plus alerts and PSA stats (issue #16)
    engine.watch_knowledge()  # edits to the knowledge files go live without a restart
    engine.start_sweeping()  # idle conversations expire now and every 10 minutes
    alerts: asyncio.Task[None] | None = None
    try:
        client = sharding.make_client(engine, shards)

        async def alerts_when_ready() -> None:  # alerts when a recall changes (issue #16)
            await client.wait_until_ready()
            engine.start_alerts([DiscordAlerts(client)])

        async def stop() -> None:  # alerts in flight finish while the client can still send
            await engine.stop_alerts()
            await client.close()

        loop = asyncio.get_running_loop()
        alerts = loop.create_task(alerts_when_ready())
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
            loop.add_signal_handler(signal.SIGTERM, lambda: loop.create_task(stop()))
        async with client:
            await client.serve(settings.token)
    finally:
        if alerts is not None:
            alerts.cancel()
        await engine.close()


def run(args: argparse.Namespace) -> int:
    """Run the bot, or sync its commands."""
    discord.utils.setup_logging(level=logging.INFO)
    settings = _settings()
    if settings is None:
        return 2
    try:
        shards = sharding.parse_sharding(args.shards, args.shard_ids)
    except ValueError as error:
        print(f"recall-bot discord: {error}", file=sys.stderr)
        return 2
    logsafety.install(settings.token)
    try:
        if args.action == "sync":
            count = asyncio.run(sync_commands(settings, args.guild))
            where = f"guild {args.guild}" if args.guild else "globally (may take up to an hour)"
            log.info("synced %d commands %s", count, where)
            return 0
        asyncio.run(serve(settings, args.db or settings.recall_bot_db, shards))
    except discord.LoginFailure:
        log.error("Discord refused the token: check DISCORD_BOT_TOKEN")
        return 1
    except discord.Forbidden as error:
        log.error("Discord refused (%s): invite the bot with the applications.commands scope",
                  error.text)
        return 1
    return 0
