"""Alerts out through the Telegram Bot API (issue #16): bot.outbox's Sender for Telegram.

Messages go through the Application's own bot, so the bot's rate limiter (ratelimit.py: ~30
a second overall, 20 a minute per group, 429 back-off per chat) applies to alerts exactly as to
replies; bot.outbox paces alerts below that, so replies keep room. Several messages to one chat
are spaced a second apart (Telegram: "avoid sending more than one message per second" in a
chat). A 403 (the person blocked the bot, or it was removed from the group) unsubscribes.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from adapters.telegram.render import render
from bot.outbox import Delivery, Turn
from bot.replies import Reply
from bot.store.community import OutboxItem

log = logging.getLogger(__name__)

PER_CHAT_INTERVAL = 1.0  # seconds between two messages of one alert in one chat
GONE = ("chat not found", "bot was kicked", "user is deactivated", "have no rights to send")


class TelegramAlerts:
    """Delivers an alert's replies to a private chat (user id) or a group (chat id)."""

    platform = "telegram"

    def __init__(self, bot: Bot, *, per_chat_interval: float = PER_CHAT_INTERVAL) -> None:
        self.bot = bot
        self.per_chat_interval = per_chat_interval

    async def deliver(self, item: OutboxItem, replies: list[Reply], pace: Turn) -> Delivery:
        chat_id = int(item.target_id)
        messages = [out for reply in replies for out in render(reply, self.bot.username)]
        for number, out in enumerate(messages):
            if number:
                await asyncio.sleep(self.per_chat_interval)
            await pace()
            try:
                await self.bot.send_message(
                    chat_id, out.text, parse_mode=ParseMode.HTML, reply_markup=out.reply_markup,
                    link_preview_options=LinkPreviewOptions(is_disabled=True))
            except Forbidden:
                return "gone"
            except BadRequest as error:
                if any(words in str(error).lower() for words in GONE):
                    return "gone"
                log.warning("Telegram refused an alert message: %s", error)
                return "sent" if number else "failed"  # never send the first part twice
            except (RetryAfter, NetworkError) as error:
                log.info("alert to Telegram delayed: %s", type(error).__name__)
                return "sent" if number else "retry"
            except TelegramError as error:
                log.warning("alert to Telegram failed: %s", type(error).__name__)
                return "sent" if number else "retry"
        return "sent"


__all__ = ["TelegramAlerts"]
