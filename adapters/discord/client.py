"""The discord.py client: commands, the button router, modal answers and DM conversations."""

from __future__ import annotations

import logging
from typing import Any

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.inbound import Inbound

from . import photos
from .commands import build_tree
from .render import NO_MENTIONS, render
from .respond import EngineLike, answer, apologise, inbound_for
from .translator import CatalogTranslator
from .views import (
    DEEP_LINK_PREFIX,
    MODAL_PREFIX,
    EngineButton,
    modal_for,
    modal_values,
    opens_modal,
)

log = logging.getLogger(__name__)


def use_api_base(base_url: str) -> None:
    """Send every REST call, interaction callbacks and webhooks included, to `base_url`."""
    # discord.py builds each request URL from this class attribute (discord/http.py Route).
    Route.BASE = base_url.rstrip("/")


class RecallClient(discord.Client):
    """A stateless Discord front for the engine: every event becomes one engine turn."""

    def __init__(self, engine: EngineLike | None, **options: Any) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # channel and guild objects for interactions
        intents.dm_messages = True  # DM text reaches us (content included, no privileged intent)
        # options: shard_count/shard_ids for the sharded client (adapters/discord/sharding.py)
        super().__init__(intents=intents, allowed_mentions=NO_MENTIONS, **options)
        self.engine = engine
        self.tree = build_tree(self)

    async def setup_hook(self) -> None:
        """Register the button router and the description translator (no command sync here)."""
        self.add_dynamic_items(EngineButton)
        await self.tree.set_translator(CatalogTranslator())

    def _engine(self) -> EngineLike:
        if self.engine is None:
            raise RuntimeError("no engine: this client was built only to sync commands")
        return self.engine

    async def serve(self, token: str) -> None:
        """Log in, connect to the gateway that GET /gateway/bot names, and run until closed."""
        await self.login(token)
        _, url, _ = await self.http.get_bot_gateway()
        # discord.py's Client connects to a fixed default gateway; use the one the API names.
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        await self.connect(reconnect=True)

    async def press_button(self, interaction: discord.Interaction[Any], custom_id: str) -> None:
        """A pressed engine button: open the check/serial modal, or ask the engine."""
        engine = self._engine()
        lang = engine.language_for(str(interaction.locale))
        try:
            if opens_modal(custom_id):
                # A modal must be the first response: nothing slow may run before it.
                await interaction.response.send_modal(modal_for(custom_id, lang))
                if custom_id == DEEP_LINK_PREFIX + "check" and interaction.guild_id:
                    await _count_psa_check(engine, interaction)  # issue #16: PSA stats
            elif custom_id.startswith(DEEP_LINK_PREFIX):
                payload = custom_id[len(DEEP_LINK_PREFIX):]
                await answer(engine, interaction,
                             inbound_for(interaction, command="start", args=payload))
            else:
                await answer(engine, interaction, inbound_for(interaction, action=custom_id))
        except Exception:
            log.exception("button %s failed", custom_id)
            await apologise(engine.catalog, lang, interaction)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Answer our modals by custom_id (commands and buttons are routed elsewhere)."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        if not custom_id.startswith(MODAL_PREFIX):
            return
        engine = self._engine()
        lang = engine.language_for(str(interaction.locale))
        values = modal_values(data)
        try:
            if custom_id.startswith(MODAL_PREFIX + "serial"):
                inbound = inbound_for(interaction, text=values.get("serial", ""))
            else:
                args = " ".join(v for k in ("model", "serial", "region") if (v := values.get(k)))
                inbound = inbound_for(interaction, command="check", args=args)
            await answer(engine, interaction, inbound)
        except Exception:
            log.exception("modal %s failed", custom_id)
            await apologise(engine.catalog, lang, interaction)

    async def on_message(self, message: discord.Message) -> None:
        """Plain DM text goes to the engine; server messages and bots are ignored."""
        # A message from an uncached server has guild None too: test the channel's kind.
        direct = isinstance(message.channel, discord.DMChannel)
        if photos.image_of(message) and await photos.on_message(self._engine(), message):
            return  # issue 17: an image in a DM is a label photo
        if message.author.bot or not direct or not message.content.strip():
            return
        engine = self._engine()
        inbound = Inbound(platform="discord", chat_id=str(message.channel.id),
                          user_id=str(message.author.id), text=message.content,
                          chat_kind="private")
        try:
            replies = await engine.handle(inbound)
        except Exception:
            log.exception("DM message failed")
            text = engine.catalog.text(engine.language_for(None), "ui_error_apology")
            await message.channel.send(text, allowed_mentions=NO_MENTIONS)
            return
        for reply in replies:
            await message.channel.send(**render(reply).kwargs())


async def _count_psa_check(engine: EngineLike, interaction: discord.Interaction[Any]) -> None:
    """A member pressed a server's PSA button: count it for that server's /recall-psa stats."""
    count = getattr(engine, "psa_check_started", None)  # bot.community.Community only
    if count is not None:
        try:
            await count("discord", str(interaction.guild_id), str(interaction.user.id))
        except Exception:  # stats never cost the member their check
            log.exception("could not count a PSA check")
