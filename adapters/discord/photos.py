"""An image attached to a DM → the engine's label reader.

The attachment is read into memory only (never to disk), handed to the engine as
`Inbound.image`, and dropped after the turn. One Discord says is over the size limit is not
downloaded: the engine answers with the size limit instead.
"""

from __future__ import annotations

import logging

import discord

from adapters.discord.render import NO_MENTIONS, render
from adapters.discord.respond import EngineLike
from bot.inbound import Inbound
from bot.photo.limits import OVERSIZED, too_large

log = logging.getLogger(__name__)
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff")


def image_of(message: discord.Message) -> discord.Attachment | None:
    """The first image attached to a DM from a person, if any."""
    if message.author.bot or not isinstance(message.channel, discord.DMChannel):
        return None
    for attachment in message.attachments:
        kind = (attachment.content_type or "").split(";")[0]
        if kind.startswith("image/") or attachment.filename.lower().endswith(IMAGE_SUFFIXES):
            return attachment
    return None


async def on_message(engine: EngineLike, message: discord.Message) -> bool:
    """Answer a DM with an image; False when the message has none (the caller goes on)."""
    attachment = image_of(message)
    if attachment is None:
        return False
    try:
        image = OVERSIZED if too_large(attachment.size) else await attachment.read()
        inbound = Inbound(platform="discord", chat_id=str(message.channel.id),
                          user_id=str(message.author.id), text=message.content or None,
                          chat_kind="private", image=image)
        replies = await engine.handle(inbound)
        del image, inbound
    except Exception as exc:  # the type only: never the image or the user's text
        log.error("DM photo failed: %s", type(exc).__name__)
        text = engine.catalog.text(engine.language_for(None), "ui_error_apology")
        await message.channel.send(text, allowed_mentions=NO_MENTIONS)
        return True
    for reply in replies:
        await message.channel.send(**render(reply).kwargs())
    return True
