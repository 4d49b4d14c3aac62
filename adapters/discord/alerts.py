"""Alerts out through Discord's HTTP API (issue #16): bot.outbox's Sender for Discord.

Sent with discord.py's own HTTP client, whose rate limiter follows Discord's per-route buckets
(X-RateLimit-* headers) and waits out 429s, global ones included; bot.outbox paces alerts well
below the 50 requests a second global limit. A DM to someone who closed their DMs or blocked
the bot fails with 50007 ("Cannot send messages to this user"): they are unsubscribed, as is a
channel that is gone or where the bot may no longer post.
"""

from __future__ import annotations

import logging

import discord

from bot.outbox import Delivery, Turn
from bot.replies import Reply
from bot.store.community import OutboxItem

from .render import render

log = logging.getLogger(__name__)

CANNOT_DM = 50007  # "Cannot send messages to this user"
GONE_CODES = {CANNOT_DM, 10003, 50001, 50013}  # unknown channel, missing access/permissions


class DiscordAlerts:
    """Delivers an alert's replies to a user's DM or to a subscribed channel."""

    platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def _channel(self, item: OutboxItem) -> discord.abc.Messageable:
        if item.target_kind == "user":
            return await self.client.create_dm(discord.Object(id=int(item.target_id)))
        return self.client.get_partial_messageable(int(item.target_id))

    async def deliver(self, item: OutboxItem, replies: list[Reply], pace: Turn) -> Delivery:
        sent = 0
        try:
            await pace()  # opening (or finding) the DM channel is a request too
            channel = await self._channel(item)
            for reply in replies:
                await pace()
                await channel.send(**render(reply).kwargs())
                sent += 1
        except (discord.Forbidden, discord.NotFound) as error:
            if error.code in GONE_CODES or isinstance(error, discord.NotFound):
                return "gone"
            log.warning("Discord refused an alert (%s)", error.code)
            return "sent" if sent else "failed"
        except discord.HTTPException as error:
            log.info("alert to Discord delayed (%s)", error.status)
            return "sent" if sent else "retry"
        return "sent"


__all__ = ["DiscordAlerts"]
