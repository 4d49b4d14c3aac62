"""Done means, part 3 (issue #16): alerts to 10,000 subscribers through the offline Telegram
and Discord doubles, within the platforms' limits, while conversations keep their latency.

The real python-telegram-bot Application (HTTPXRequest over the fake Bot API's MockTransport,
the bot's own rate limiter) and the real discord.py client (its HTTP client and rate-limit
buckets, against a loopback fake that enforces Discord's limits and answers 429 when they are
broken) run in an event loop whose clock skips idle waits (virtual_time.py): sending 10,000
alerts at Telegram's and Discord's real rates takes minutes of platform time, which pass here in
the seconds the CPU needs. Every limit is checked against the times the doubles saw requests.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.alerts import DiscordAlerts
from adapters.discord.client import use_api_base
from adapters.telegram.alerts import TelegramAlerts
from adapters.telegram.ratelimit import ChatRateLimiter
from bot.outbox import DEFAULT_PACE, Outbox, Pace
from bot.store.community import AlertSubscription, ChannelSubscription
from knowledge import DATA_DIR
from tests.adapters.discord.conftest import Bot, start_bot
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.payloads import slash
from tests.adapters.telegram.conftest import TOKEN
from tests.adapters.telegram.fake_bot_api import FakeBotApi
from tests.communities.conftest import edit_us_remedy
from tests.communities.test_alerts_telegram import CommunityHarness
from tests.communities.virtual_time import VirtualClockLoop

TELEGRAM_USERS, DISCORD_USERS, GROUPS, CHANNELS = 5_000, 5_000, 20, 20
BLOCKED = 10  # per platform: blocked the bot / closed their DMs
LANGS = ("en", "es", "de", "zh-Hans", "zh-Hant", "ja")
TURN_LATENCY_MAX = 1.0  # seconds: a conversation turn while 10,000 alerts go out
PROBE_EVERY = 15.0  # seconds between conversation turns measured during the send
PROBE_USER = 100  # Telegram users 101, 102, … talk to the bot while the alerts go out

# Telegram (platform-limits.md T13-T15) and Discord (D20-D22) limits the doubles check.
TG_PER_SECOND, TG_GROUP_PER_MINUTE, TG_CHAT_GAP = 30, 20, 1.0
DC_GLOBAL_PER_SECOND, DC_BUCKET, DC_BUCKET_SECONDS = 50, 5, 5.0


class LimitedDiscord(FakeDiscord):
    """The fake Discord with Discord's limits: 50 requests a second globally (interaction
    endpoints exempt), a per-channel bucket for messages announced in X-RateLimit-* headers,
    429 when either is broken, and 50007 for a DM to someone who closed their DMs."""

    def __init__(self, closed: set[str]) -> None:
        super().__init__()
        self.closed = closed
        self.dm_user: dict[str, str] = {}
        self.seen: list[tuple[float, str, str, int]] = []  # (time, method, path, status)
        self._recent: deque[float] = deque()
        self._buckets: dict[str, deque[float]] = defaultdict(deque)

    def _limited(self, body: dict[str, Any], retry_after: float, scope: str) -> web.Response:
        response = web.Response(body=json.dumps(body).encode(), status=429,
                                content_type="application/json")
        response.headers.update({"Retry-After": str(retry_after), "X-RateLimit-Scope": scope})
        if scope == "global":
            response.headers["X-RateLimit-Global"] = "true"
        return response

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        now = asyncio.get_running_loop().time()
        path = "/" + request.match_info["path"]
        status, response = await self._answer(request, path, now)
        self.seen.append((now, request.method, path, status))
        return response

    async def _answer(self, request: web.Request, path: str,
                      now: float) -> tuple[int, web.StreamResponse]:
        exempt = path.startswith(("/interactions/", "/webhooks/"))
        if not exempt:
            while self._recent and now - self._recent[0] >= 1.0:
                self._recent.popleft()
            if len(self._recent) >= DC_GLOBAL_PER_SECOND:
                return 429, self._limited({"message": "You are being rate limited.",
                                           "retry_after": 1.0, "global": True}, 1.0, "global")
            self._recent.append(now)
        parts = path.strip("/").split("/")
        if path == "/users/@me/channels" and request.method == "POST":
            await self._record(request)
            user_id = str((await request.json())["recipient_id"])
            channel = f"7{user_id}"
            self.dm_user[channel] = user_id
            user = {"id": user_id, "username": f"u{user_id}", "discriminator": "0",
                    "global_name": None, "avatar": None}
            body = {"id": channel, "type": 1, "recipients": [user], "last_message_id": None}
            return 200, web.Response(body=json.dumps(body).encode(),
                                     content_type="application/json")
        if parts[0] == "channels" and parts[-1] == "messages" and request.method == "POST":
            channel = parts[1]
            if self.dm_user.get(channel) in self.closed:
                await self._record(request)
                body = {"message": "Cannot send messages to this user", "code": 50007}
                return 403, web.Response(body=json.dumps(body).encode(), status=403,
                                         content_type="application/json")
            bucket = self._buckets[channel]
            while bucket and now - bucket[0] >= DC_BUCKET_SECONDS:
                bucket.popleft()
            if len(bucket) >= DC_BUCKET:
                wait = DC_BUCKET_SECONDS - (now - bucket[0])
                return 429, self._limited({"message": "You are being rate limited.",
                                           "retry_after": wait, "global": False}, wait, "user")
            bucket.append(now)
            response = await super()._rest(request)
            reset = DC_BUCKET_SECONDS - (now - bucket[0])
            response.headers.update({
                "X-RateLimit-Limit": str(DC_BUCKET),
                "X-RateLimit-Remaining": str(DC_BUCKET - len(bucket)),
                "X-RateLimit-Reset-After": f"{reset:.3f}",
                "X-RateLimit-Bucket": "channel-messages"})
            return response.status, response
        response = await super()._rest(request)
        return response.status, response


def max_in_window(times: list[float], window: float) -> int:
    """The most events in any `window` seconds."""
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= window:
            start += 1
        most = max(most, end - start + 1)
    return most


@dataclass
class Run:
    """What one send measured (platform time: the loop's clock)."""

    duration: float = 0.0
    telegram_turns: list[float] = field(default_factory=list)
    discord_turns: list[float] = field(default_factory=list)


async def scenario(tmp_path: Path, telegram_users: int, discord_users: int,
                   pace: dict[str, Pace] | None = None, *, strict: bool = True) -> Run:
    """Subscribe, change the knowledge, send every alert while people talk to the bot; check
    each platform's limits and that everyone got exactly one alert. Returns the timings."""
    loop = asyncio.get_running_loop()
    run = Run()
    data_dir = tmp_path / "knowledge"
    shutil.copytree(DATA_DIR, data_dir)

    # ---- Telegram: the real Application on the fake Bot API, every call timed -----------------
    fake = FakeBotApi(TOKEN)
    telegram_calls: list[tuple[float, str, int, int]] = []  # (time, method, chat id, status)
    answer = fake.call

    async def timed_call(method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        at = loop.time()  # when the request reached "Telegram"
        status, body = await answer(method, params)
        telegram_calls.append((at, method, int(params.get("chat_id") or 0), status))
        return status, body

    fake.call = timed_call  # type: ignore[method-assign]
    harness = CommunityHarness(fake, tmp_path / "state.db", data_dir)
    app = await harness.start()
    limiter = app.bot.rate_limiter
    assert isinstance(limiter, ChatRateLimiter)  # the bot's own limiter, unchanged...
    limiter._clock = limiter._overall._clock = loop.time  # ...on the loop's (skipping) clock
    community = harness.community
    store = community.store

    # ---- Discord: the real client on the limited fake ------------------------------------------
    closed = {str(940_000_000_000_000_000 + n) for n in range(BLOCKED)}
    discord_fake = await LimitedDiscord(closed).start()
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    use_api_base(discord_fake.base_url)
    discord_bot: Bot = await start_bot(discord_fake, community)  # type: ignore[arg-type]
    try:
        # ---- 10,000 subscribers (and some groups and channels) ---------------------------------
        blocked_body = {"ok": False, "error_code": 403,
                        "description": "Forbidden: bot was blocked by the user"}
        for n in range(telegram_users):
            user = 10_000 + n
            await store.subscribe(AlertSubscription("telegram", str(user), "A1263",
                                                    "US" if n % 2 else None, LANGS[n % 6]))
            if n < BLOCKED:
                fake.chat_failures[("sendMessage", user)] = [(403, blocked_body)]
        for n in range(discord_users):
            await store.subscribe(AlertSubscription("discord", str(940_000_000_000_000_000 + n),
                                                    "A1263", "US", LANGS[n % 6]))
        for n in range(GROUPS):
            group = str(-1_000_000_000_000 - n)
            await store.subscribe_channel(ChannelSubscription("telegram", group, group, "Anker",
                                                              None, "en"))
        for n in range(CHANNELS):
            channel = str(950_000_000_000_000_000 + n)
            await store.subscribe_channel(ChannelSubscription("discord", channel, "1", None, "US",
                                                              "ja"))

        outbox = Outbox(store, community.engine.source,
                        [TelegramAlerts(app.bot), DiscordAlerts(discord_bot.client)], pace=pace,
                        wall=loop.time)  # leases and retries on the same clock
        await outbox.planner.plan()
        edit_us_remedy(data_dir)
        assert community.engine.source.reload()
        total = telegram_users + discord_users + GROUPS + CHANNELS
        assert await outbox.planner.plan() == total

        # ---- send, and talk to the bot meanwhile -----------------------------------------------
        started = loop.time()
        sent_from = len(telegram_calls)
        outbox.start()
        probe = 0
        while (await store.outbox_counts()).get("pending", 0):
            await asyncio.sleep(PROBE_EVERY)
            probe += 1  # a new person each time (the per-user flood limit counts real time)
            asked = loop.time()
            replies = await harness.private_chat(PROBE_USER + probe, "en").say("A1263")
            assert replies, "the conversation got no answer"
            run.telegram_turns.append(loop.time() - asked)
            asked = loop.time()
            await discord_bot.interact(slash("recall", "check", model="A1263", region="US"))
            run.discord_turns.append(loop.time() - asked)
        await outbox.stop()
        run.duration = loop.time() - started
        for n in range(BLOCKED):  # blocked the bot / closed their DMs: unsubscribed
            assert await store.alerts_of("telegram", str(10_000 + n)) == []
            assert await store.alerts_of("discord", str(940_000_000_000_000_000 + n)) == []
        assert len(await store.alerts_of("discord", str(940_000_000_000_000_000 + BLOCKED))) == 1
    finally:
        await discord_bot.client.close()
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway
        await discord_fake.stop()
        await harness.stop()

    if strict:  # everyone got exactly one alert, within the platforms' limits
        check_one_alert_each(telegram_calls[sent_from:], discord_fake, telegram_users,
                             discord_users)
        check_platform_limits(telegram_calls, discord_fake)
        assert outbox.sent == total - 2 * BLOCKED
    return run


def check_one_alert_each(telegram_calls: list[tuple[float, str, int, int]],
                         discord_fake: LimitedDiscord, telegram_users: int,
                         discord_users: int) -> None:
    """Two messages per person (the change, then the updated card), one per group/channel."""
    per_chat = Counter(chat for _, method, chat, status in telegram_calls
                       if method == "sendMessage" and status == 200)
    for n in range(BLOCKED, telegram_users):
        assert per_chat[10_000 + n] == 2, n
    for n in range(GROUPS):
        assert per_chat[-1_000_000_000_000 - n] == 1
    dm_posts = Counter(discord_fake.dm_user.get(path.split("/")[2]) for _, method, path, status
                       in discord_fake.seen if method == "POST" and status == 200
                       and path.startswith("/channels/") and path.endswith("/messages"))
    for n in range(BLOCKED, discord_users):
        assert dm_posts[str(940_000_000_000_000_000 + n)] == 2, n
    assert dm_posts[None] == CHANNELS  # one post in each subscribed channel


def check_platform_limits(telegram_calls: list[tuple[float, str, int, int]],
                          discord_fake: LimitedDiscord) -> None:
    """Telegram's 30 a second, 20 a minute per group, one a second per chat; Discord's 50 a
    second and its buckets — as the doubles saw the requests arrive."""
    sends = [(at, chat) for at, method, chat, _ in telegram_calls if method == "sendMessage"]
    assert max_in_window([at for at, _ in sends], 1.0) <= TG_PER_SECOND
    by_chat: dict[int, list[float]] = defaultdict(list)
    for at, chat in sends:
        by_chat[chat].append(at)
    for chat, times in by_chat.items():
        if chat < 0:
            assert max_in_window(times, 60.0) <= TG_GROUP_PER_MINUTE, chat
        elif chat >= 10_000:  # subscribers (the probes are conversations, not alerts)
            gaps = [b - a for a, b in itertools.pairwise(times)]
            assert min(gaps, default=TG_CHAT_GAP) >= TG_CHAT_GAP - 0.01, chat
    assert not [s for _, _, _, s in telegram_calls if s == 429]
    bound = [at for at, _, path, _ in discord_fake.seen
             if not path.startswith(("/interactions/", "/webhooks/"))]
    assert max_in_window(bound, 1.0) <= DC_GLOBAL_PER_SECOND
    assert not [s for *_, s in discord_fake.seen if s == 429], "Discord had to say 429"


def test_ten_thousand_alerts_within_platform_limits_while_conversations_stay_fast(
        tmp_path: Path) -> None:
    with asyncio.Runner(loop_factory=VirtualClockLoop) as runner:
        run = runner.run(scenario(tmp_path, TELEGRAM_USERS, DISCORD_USERS))
    # the pace is the platform's: 10,000 alerts take the minutes Telegram's rate needs
    telegram_requests = 2 * (TELEGRAM_USERS - BLOCKED) + GROUPS
    assert run.duration >= telegram_requests / DEFAULT_PACE["telegram"].per_second * 0.95
    # and conversations kept their latency throughout the send
    assert len(run.telegram_turns) >= run.duration / PROBE_EVERY - 2 >= 20
    assert max(run.telegram_turns) < TURN_LATENCY_MAX, sorted(run.telegram_turns)[-5:]
    assert max(run.discord_turns) < TURN_LATENCY_MAX, sorted(run.discord_turns)[-5:]


def test_unpaced_alerts_would_make_conversations_wait(tmp_path: Path) -> None:
    """The control: alerts sent as fast as the bot's limiter lets them (no pace, 128 at once)
    fill Telegram's 30 a second, and a person's answer queues behind them. This is what the
    latency assertion above catches. (Flat out, the limiter's 30 a second also arrives at
    Telegram slightly bunched — 31 in some second — and alerts start failing half-sent on the
    HTTP pool and Discord's 429s: more reasons for the headroom. Only latency is checked here.)"""
    flat_out = {"telegram": Pace(1000.0, 128), "discord": Pace(1000.0, 64)}
    with asyncio.Runner(loop_factory=VirtualClockLoop) as runner:
        run = runner.run(scenario(tmp_path, 1200, 20, flat_out, strict=False))
    assert max(run.telegram_turns) > TURN_LATENCY_MAX, sorted(run.telegram_turns)[-5:]
