"""Discord sharding: `recall-bot discord --shards auto|N [--shard-ids 0,2]`.

discord.py's AutoShardedClient runs several gateway connections (shards) in one process; each
guild belongs to shard (guild_id >> 22) % shard_count. With `--shards auto` one process runs all
the shards Discord recommends (GET /gateway/bot). To split the guilds over several processes,
give every process the same fixed count and its own ids: `--shards 4 --shard-ids 0,1` here,
`--shards 4 --shard-ids 2,3` there (a fixed count, because "auto" could change between the
processes' start-ups and two processes would then claim the same guilds). DMs go to shard 0.
All processes share one RECALL_BOT_DB (PostgreSQL when they run on different machines).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

import discord

from .client import RecallClient
from .respond import EngineLike


class ShardedRecallClient(RecallClient, discord.AutoShardedClient):
    """The same bot (commands, buttons, DMs) over discord.py's AutoShardedClient."""


@dataclass(frozen=True)
class Sharding:
    """None count = the count the gateway recommends; None ids = every shard of the count."""

    count: int | None
    ids: tuple[int, ...] | None = None

    def options(self) -> dict[str, Any]:
        """AutoShardedClient's keyword arguments."""
        options: dict[str, Any] = {"shard_count": self.count}
        if self.ids is not None:
            options["shard_ids"] = list(self.ids)
        return options


def parse_sharding(shards: str | None, shard_ids: str | None) -> Sharding | None:
    """`--shards`/`--shard-ids` → Sharding, None for the plain (unsharded) client.

    Raises ValueError with a message for the user.
    """
    if shards is None:
        if shard_ids is not None:
            raise ValueError("--shard-ids needs --shards N (the total number of shards)")
        return None
    if shards == "auto":
        if shard_ids is not None:
            raise ValueError("--shard-ids needs a fixed --shards N: every process must agree on "
                             "the count (auto may differ between start-ups)")
        return Sharding(None)
    if not shards.isdigit() or int(shards) < 1:
        raise ValueError(f"--shards must be auto or a whole number ≥ 1, not {shards!r}")
    count = int(shards)
    if shard_ids is None:
        return Sharding(count)
    parts = [p.strip() for p in shard_ids.split(",") if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        raise ValueError(f"--shard-ids is a comma-separated list of numbers, e.g. 0,1 (got {shard_ids!r})")
    ids = tuple(sorted({int(p) for p in parts}))
    if ids[-1] >= count:
        raise ValueError(f"--shard-ids must be below --shards {count} (shards are 0..{count - 1})")
    return Sharding(count, ids)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--shards", metavar="auto|N", default=None,
                        help="run sharded: auto (the count Discord recommends) or N shards")
    parser.add_argument("--shard-ids", metavar="I,J,...", default=None,
                        help="with --shards N: run only these shards in this process")


def make_client(engine: EngineLike | None, sharding: Sharding | None) -> RecallClient:
    """The plain client, or the sharded one with the given shard options."""
    if sharding is None:
        return RecallClient(engine)
    return ShardedRecallClient(engine, **sharding.options())
