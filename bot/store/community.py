"""What the community features keep (issue #16): alert subscriptions, channel subscriptions,
the alert outbox, anonymous PSA statistics and the last knowledge alerted on.

Kept apart from the conversation store (its own tables and its own schema version), so the two
evolve independently. Only the platform user id, model, region and language are kept for a
personal alert — never a serial. `forget_user` deletes all of a user's rows here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Protocol

TargetKind = Literal["user", "channel"]
OutboxState = Literal["pending", "sent", "dropped"]
EventKind = Literal["check_started", "verdict"]


@dataclass(frozen=True)
class AlertSubscription:
    """One person wants to hear when the recall of `model` (bought in `region`) changes."""

    platform: str
    user_id: str
    model: str
    region: str | None
    lang: str


@dataclass(frozen=True)
class ChannelSubscription:
    """A group or channel wants a short update when recalls of `brand` / in `region` change.

    `group_id` is the Telegram group or the Discord server (for permission and stats scope);
    `chat_id` is where the update is posted. None for brand or region means "any".
    """

    platform: str
    chat_id: str
    group_id: str
    brand: str | None
    region: str | None
    lang: str


@dataclass(frozen=True)
class OutboxItem:
    """One alert to send to one person or channel. `payload` is JSON with no personal data."""

    dedupe: str  # unique: the same alert is never queued twice
    platform: str
    target_kind: TargetKind
    target_id: str
    lang: str
    payload: str
    id: int = 0
    attempts: int = 0
    claim: str = field(default="", compare=False)


@dataclass(frozen=True)
class CommunityEvent:
    """An anonymous count line for a group's stats: no user id."""

    platform: str
    group_id: str
    day: date
    event: EventKind
    model: str | None = None
    verdict: str | None = None


@dataclass(frozen=True)
class EventCount:
    event: str
    model: str | None
    verdict: str | None
    count: int


class CommunityStore(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    # personal alerts
    async def subscribe(self, sub: AlertSubscription) -> bool:
        """Add (or refresh the language of) a subscription; True if it is new."""

    async def unsubscribe(self, platform: str, user_id: str, model: str, region: str | None) -> bool:
        """Remove one subscription; True if there was one."""

    async def alerts_of(self, platform: str, user_id: str) -> list[AlertSubscription]:
        """A user's subscriptions, by model then region."""

    async def subscribers(self, models: list[str]) -> list[AlertSubscription]:
        """Every subscription to one of `models`."""

    # channels
    async def subscribe_channel(self, sub: ChannelSubscription) -> bool: ...

    async def unsubscribe_channel(self, platform: str, chat_id: str) -> int:
        """Remove every subscription of this channel; returns rows removed."""

    async def channels(self, platform: str | None = None,
                       chat_id: str | None = None) -> list[ChannelSubscription]: ...

    # privacy and blocked targets
    async def forget_user(self, platform: str, user_id: str) -> int:
        """Delete the user's subscriptions, queued alerts and PSA visit; returns rows removed."""

    # the outbox
    async def enqueue(self, items: list[OutboxItem]) -> int:
        """Queue alerts, skipping any whose dedupe key was queued before; returns new rows."""

    async def claim(self, platform: str, limit: int, now: float, lease: float,
                    claim: str) -> list[OutboxItem]:
        """Take up to `limit` due alerts of `platform` for `lease` seconds (oldest first)."""

    async def mark_sent(self, item_id: int, claim: str, now: float) -> bool:
        """Record that the alert went out (only by the claim that holds it)."""

    async def retry_later(self, item_id: int, claim: str, not_before: float) -> None:
        """Give the alert back, to be claimed again from `not_before` (attempts + 1)."""

    async def drop(self, item_id: int, claim: str) -> None:
        """Give up on the alert (the target is gone or it failed too often)."""

    async def drop_target(self, platform: str, target_kind: TargetKind, target_id: str) -> int:
        """The person blocked the bot or the channel is gone: unsubscribe, drop queued alerts."""

    async def outbox_counts(self, platform: str | None = None) -> dict[str, int]:
        """Outbox rows by state (pending, sent, dropped)."""

    async def purge_outbox(self, older_than: float) -> int:
        """Delete sent and dropped alerts created before `older_than`."""

    # PSA statistics
    async def record_event(self, event: CommunityEvent) -> None: ...

    async def event_counts(self, platform: str, group_id: str, since: date) -> list[EventCount]: ...

    async def set_visit(self, platform: str, user_id: str, group_id: str, until: float) -> None:
        """Remember for a while that this user started a check from `group_id`'s PSA."""

    async def visit_of(self, platform: str, user_id: str, now: float) -> str | None: ...

    # the knowledge the last alerts were planned from
    async def snapshot(self) -> tuple[str, str] | None:
        """(knowledge version, campaigns as JSON) last alerted on, or None."""

    async def save_snapshot(self, version: str, campaigns: str, expected: str | None) -> bool:
        """Replace the snapshot if it is still `expected`; False if another process moved it."""


POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def community_store_for(target: str | os.PathLike[str]) -> CommunityStore:
    """The community store next to the conversation store RECALL_BOT_DB (or --db) names."""
    text = os.fspath(target)
    if text.startswith(POSTGRES_SCHEMES):
        from bot.store.community_postgres import PostgresCommunityStore

        return PostgresCommunityStore(text)
    if text.startswith("sqlite:"):
        text = text.removeprefix("sqlite:")
        if text.startswith("//"):
            text = text[2:]
    from bot.store.community_sqlite import SQLiteCommunityStore

    return SQLiteCommunityStore(text)


__all__ = [
    "AlertSubscription", "ChannelSubscription", "CommunityEvent", "CommunityStore", "EventCount",
    "OutboxItem", "community_store_for",
]
