"""Photos in a private chat (a photo, or an image sent as a file) → the engine's label reader.

The file is downloaded into memory only (never to disk), handed to the engine as
`Inbound.image`, and dropped after the turn. A file Telegram says is over the size limit is not
downloaded at all: the engine answers with the size limit instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Message, Update
from telegram.ext import ContextTypes, MessageHandler, filters

from adapters.telegram import parse
from bot.photo.limits import OVERSIZED, too_large

if TYPE_CHECKING:
    from adapters.telegram.app import TelegramAdapter, TelegramApp

PHOTO_MESSAGES = filters.ChatType.PRIVATE & (filters.PHOTO | filters.Document.IMAGE)


def install(adapter: TelegramAdapter, app: TelegramApp) -> None:
    """Add the photo handler; call before the catch-all message handler."""

    async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None:
            return
        inbound = parse.from_message(message, context.bot.username, context.bot.id)
        if inbound is None:
            return
        image = await download(message, context)
        replies = await adapter.engine.handle(inbound.model_copy(update={"image": image}))
        del image
        await adapter.send(context, message.chat.id, inbound.chat_kind, replies, message)

    app.add_handler(MessageHandler(PHOTO_MESSAGES, on_photo))


async def download(message: Message, context: ContextTypes.DEFAULT_TYPE) -> bytes:
    """The largest photo size (or the image document) as bytes, or OVERSIZED."""
    if message.photo:
        size = message.photo[-1]  # sizes are sent smallest first
        file_id, declared = size.file_id, size.file_size
    elif message.document is not None:
        file_id, declared = message.document.file_id, message.document.file_size
    else:
        return b""
    if too_large(declared):
        return OVERSIZED
    telegram_file = await context.bot.get_file(file_id)
    if too_large(telegram_file.file_size):
        return OVERSIZED
    return bytes(await telegram_file.download_as_bytearray())
