"""One interaction, one answer: defer within 3 s, ask the engine, then send what it says.

Discord invalidates an interaction that has no first response 3 seconds after it was sent
(docs: interactions/receiving-and-responding, "initial response within 3 seconds"). The engine
touches SQLite and may take longer under load, so every engine-backed answer first defers with a
"thinking" state, then edits that message and sends the rest as follow-ups (token valid 15 min).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

import discord

from bot.catalog import Catalog
from bot.inbound import ChatKind, Inbound
from bot.replies import Reply

from .render import NO_MENTIONS, escape, render

log = logging.getLogger(__name__)


class EngineLike(Protocol):
    """The part of bot.engine.Engine this adapter uses."""

    @property
    def catalog(self) -> Catalog: ...

    async def handle(self, inbound: Inbound) -> list[Reply]:
        """Answer one user event."""

    def language_for(self, locale: str | None) -> str:
        """The supported language for a platform locale."""

    def autocomplete_models(self, prefix: str, lang: str) -> list[tuple[str, str]]:
        """(label, model) pairs for a typed prefix, from memory."""


def engine_of(interaction: discord.Interaction[Any]) -> EngineLike:
    """The engine of the client that received `interaction`."""
    engine: EngineLike | None = getattr(interaction.client, "engine", None)
    if engine is None:
        raise RuntimeError("no engine: this client was built only to sync commands")
    return engine


def inbound_for(interaction: discord.Interaction[Any], *, chat_kind: ChatKind = "private",
                **fields: Any) -> Inbound:
    """The engine event for an interaction. Ephemeral answers are private to the user."""
    chat_id = interaction.channel_id or interaction.user.id
    fields.setdefault("group_id", str(interaction.guild_id) if interaction.guild_id else None)
    return Inbound(platform="discord", chat_id=str(chat_id), user_id=str(interaction.user.id),
                   locale=str(interaction.locale), chat_kind=chat_kind, **fields)


async def answer(engine: EngineLike, interaction: discord.Interaction[Any], inbound: Inbound,
                 *, public: bool = False) -> None:
    """Defer first, then ask the engine and send its replies (ephemeral unless `public`)."""
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=not public, thinking=True)
    replies = await engine.handle(inbound)
    await send_replies(interaction, replies, public=public)


async def send_replies(interaction: discord.Interaction[Any], replies: Sequence[Reply],
                       *, public: bool = False) -> None:
    """Replace the deferred 'thinking' message with the first reply; follow up with the rest."""
    first = True
    for reply in replies:
        rendered = render(reply)
        ephemeral = not public or rendered.private
        if first and ephemeral == (not public):
            await interaction.edit_original_response(**rendered.kwargs())
        else:
            if first:  # a private reply cannot replace a public placeholder: remove it
                await interaction.delete_original_response()
            await interaction.followup.send(**rendered.kwargs(), ephemeral=ephemeral)
        first = False
    if first:  # nothing to say: do not leave "thinking…" forever
        await interaction.delete_original_response()


async def apologise(catalog: Catalog, lang: str, interaction: discord.Interaction[Any]) -> None:
    """Tell the user something went wrong (catalogued text) instead of 'interaction failed'."""
    text = escape(catalog.text(lang, "ui_error_apology"))
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(text, ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        log.exception("could not send the apology for interaction %s", interaction.id)
