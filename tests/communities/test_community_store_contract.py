"""The community store contract, run against SQLite and a real PostgreSQL server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date

from bot.store.community import (
    AlertSubscription,
    ChannelSubscription,
    CommunityEvent,
    CommunityStore,
    OutboxItem,
)


def item(n: int, platform: str = "telegram", kind: str = "user") -> OutboxItem:
    return OutboxItem(f"k{n}", platform, "user" if kind == "user" else "channel", str(n), "en",
                      '{"v":"x"}')


async def test_subscriptions_keep_only_id_model_region_and_language(cstore: CommunityStore) -> None:
    assert await cstore.subscribe(AlertSubscription("telegram", "7", "A1263", "US", "en"))
    assert not await cstore.subscribe(AlertSubscription("telegram", "7", "A1263", "US", "de"))
    assert await cstore.subscribe(AlertSubscription("telegram", "7", "A1263", None, "de"))
    await cstore.subscribe(AlertSubscription("discord", "7", "A1263", "US", "ja"))
    mine = await cstore.alerts_of("telegram", "7")
    assert mine == [AlertSubscription("telegram", "7", "A1263", None, "de"),
                    AlertSubscription("telegram", "7", "A1263", "US", "de")]  # language refreshed
    assert len(await cstore.subscribers(["A1263", "A1647"])) == 3
    assert await cstore.subscribers(["A1647"]) == []
    assert await cstore.unsubscribe("telegram", "7", "A1263", "US")
    assert not await cstore.unsubscribe("telegram", "7", "A1263", "US")
    assert [a.region for a in await cstore.alerts_of("telegram", "7")] == [None]


async def test_forget_deletes_subscriptions_queued_alerts_and_visits(cstore: CommunityStore) -> None:
    await cstore.subscribe(AlertSubscription("telegram", "7", "A1263", "US", "en"))
    await cstore.subscribe(AlertSubscription("telegram", "8", "A1263", "US", "en"))
    await cstore.enqueue([item(7), item(8)])
    await cstore.set_visit("telegram", "7", "-100", until=10**12)
    assert await cstore.forget_user("telegram", "7") == 3
    assert await cstore.alerts_of("telegram", "7") == []
    assert await cstore.visit_of("telegram", "7", now=0) is None
    left = await cstore.claim("telegram", 10, now=1.0, lease=60, claim="c")
    assert [i.target_id for i in left] == ["8"]
    assert await cstore.alerts_of("telegram", "8") != []


async def test_enqueue_is_idempotent_and_each_alert_is_claimed_once(cstore: CommunityStore) -> None:
    assert await cstore.enqueue([item(n) for n in range(10)]) == 10
    assert await cstore.enqueue([item(n) for n in range(12)]) == 2  # only the new ones
    first = await cstore.claim("telegram", 5, now=100.0, lease=60, claim="a")
    second = await cstore.claim("telegram", 50, now=100.0, lease=60, claim="b")
    assert [i.target_id for i in first] == [str(n) for n in range(5)]
    assert {i.target_id for i in second} == {str(n) for n in range(5, 12)}
    assert await cstore.claim("telegram", 50, now=150.0, lease=60, claim="c") == []
    assert await cstore.mark_sent(first[0].id, "a", now=101.0)
    assert not await cstore.mark_sent(first[1].id, "b", now=101.0)  # not b's claim
    # a's lease runs out (a crashed): the unsent ones are claimed again, the sent one never
    again = await cstore.claim("telegram", 50, now=161.0, lease=60, claim="c")
    assert {i.target_id for i in again} == {str(n) for n in range(1, 12)}
    counts = await cstore.outbox_counts("telegram")
    assert counts == {"pending": 11, "sent": 1}


async def test_two_claimers_at_once_never_share_an_alert(
        make_community_store: Callable[[], CommunityStore]) -> None:
    one, two = make_community_store(), make_community_store()
    await one.open()
    await two.open()
    try:
        await one.enqueue([item(n) for n in range(300)])
        batches = await asyncio.gather(*[
            (one if n % 2 else two).claim("telegram", 20, now=5.0, lease=60, claim=f"w{n}")
            for n in range(20)])
        ids = [i.id for batch in batches for i in batch]
        assert len(ids) == len(set(ids)) == 300
    finally:
        await one.close()
        await two.close()


async def test_retry_later_and_drop(cstore: CommunityStore) -> None:
    await cstore.enqueue([item(1), item(2)])
    one, two = await cstore.claim("telegram", 2, now=0.0, lease=60, claim="a")
    await cstore.retry_later(one.id, "a", not_before=30.0)
    await cstore.drop(two.id, "a")
    assert await cstore.claim("telegram", 5, now=10.0, lease=60, claim="b") == []
    later = await cstore.claim("telegram", 5, now=31.0, lease=60, claim="b")
    assert [(i.target_id, i.attempts) for i in later] == [("1", 1)]
    assert (await cstore.outbox_counts())["dropped"] == 1
    await cstore.mark_sent(later[0].id, "b", now=32.0)
    assert await cstore.purge_outbox(older_than=10**12) == 2
    assert await cstore.outbox_counts() == {}


async def test_a_blocked_target_is_unsubscribed_and_its_queue_dropped(
        cstore: CommunityStore) -> None:
    await cstore.subscribe(AlertSubscription("discord", "5", "A1263", None, "en"))
    await cstore.subscribe_channel(ChannelSubscription("discord", "99", "1", None, None, "en"))
    await cstore.enqueue([item(5, "discord"), OutboxItem("c", "discord", "channel", "99", "en",
                                                          "{}")])
    assert await cstore.drop_target("discord", "user", "5") == 1
    assert await cstore.alerts_of("discord", "5") == []
    assert await cstore.drop_target("discord", "channel", "99") == 1
    assert await cstore.channels("discord") == []
    assert await cstore.claim("discord", 5, now=1.0, lease=5, claim="x") == []


async def test_channel_subscriptions(cstore: CommunityStore) -> None:
    sub = ChannelSubscription("telegram", "-100", "-100", "Anker", "US", "en")
    assert await cstore.subscribe_channel(sub)
    assert not await cstore.subscribe_channel(sub)
    await cstore.subscribe_channel(ChannelSubscription("telegram", "-100", "-100", None, "JP",
                                                       "en"))
    await cstore.subscribe_channel(ChannelSubscription("telegram", "-200", "-200", None, None,
                                                       "ja"))
    assert len(await cstore.channels("telegram", "-100")) == 2
    assert len(await cstore.channels()) == 3
    assert await cstore.unsubscribe_channel("telegram", "-100") == 2
    assert [c.chat_id for c in await cstore.channels()] == ["-200"]


async def test_event_counts_are_per_group_and_period(cstore: CommunityStore) -> None:
    for day, group in ((date(2026, 1, 1), "g1"), (date(2026, 1, 20), "g1"),
                       (date(2026, 1, 20), "g2")):
        await cstore.record_event(CommunityEvent("telegram", group, day, "check_started"))
        await cstore.record_event(CommunityEvent("telegram", group, day, "verdict", "A1263",
                                                 "affected"))
    counts = await cstore.event_counts("telegram", "g1", since=date(2026, 1, 14))
    assert sorted((c.event, c.count) for c in counts) == [("check_started", 1), ("verdict", 1)]
    everything = await cstore.event_counts("telegram", "g1", since=date(2025, 12, 1))
    assert sum(c.count for c in everything) == 4
    assert await cstore.event_counts("discord", "g1", since=date(2025, 1, 1)) == []


async def test_visits_expire(cstore: CommunityStore) -> None:
    await cstore.set_visit("telegram", "7", "-100", until=50.0)
    assert await cstore.visit_of("telegram", "7", now=40.0) == "-100"
    await cstore.set_visit("telegram", "7", "-200", until=80.0)
    assert await cstore.visit_of("telegram", "7", now=60.0) == "-200"
    assert await cstore.visit_of("telegram", "7", now=81.0) is None


async def test_snapshot_moves_only_from_the_expected_version(cstore: CommunityStore) -> None:
    assert await cstore.snapshot() is None
    assert await cstore.save_snapshot("v1", "[]", None)
    assert not await cstore.save_snapshot("v9", "[]", None)  # another process was first
    assert not await cstore.save_snapshot("v2", "[1]", "v0")
    assert await cstore.save_snapshot("v2", "[1]", "v1")
    assert await cstore.snapshot() == ("v2", "[1]")


async def test_reopening_keeps_everything(make_community_store: Callable[[], CommunityStore]
                                          ) -> None:
    store = make_community_store()
    await store.open()
    await store.subscribe(AlertSubscription("telegram", "7", "A1263", "US", "en"))
    await store.close()
    again = make_community_store()
    await again.open()  # migrations already applied: nothing to do, nothing lost
    try:
        assert len(await again.alerts_of("telegram", "7")) == 1
    finally:
        await again.close()
