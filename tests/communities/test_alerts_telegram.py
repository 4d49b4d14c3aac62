"""Done means, part 1 (issue #16), on the real python-telegram-bot Application offline:
a transcript subscribes, a fixture campaign edit is applied, and exactly the subscribed users
and groups get one alert each, in their language; unsubscribed and forgotten users get none;
a restart in the middle of sending sends nothing twice and drops nothing."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from adapters import logsafety
from adapters.telegram.alerts import TelegramAlerts
from adapters.telegram.app import EngineLike
from bot.catalog import CATALOG
from bot.community import Community
from bot.outbox import Outbox, Pace
from bot.store.community import AlertSubscription
from tests.adapters.telegram.conftest import TOKEN, Chat, Harness
from tests.adapters.telegram.fake_bot_api import Call, FakeBotApi, telegram_html_text
from tests.communities.conftest import edit_us_remedy

GROUP, OTHER_GROUP, ADMIN, MEMBER = -100500, -100600, 21, 22


class CommunityHarness(Harness):
    """The Telegram harness with the community front over a private copy of the knowledge."""

    def __init__(self, fake: FakeBotApi, db: Path, data_dir: Path) -> None:
        super().__init__(fake, db)
        self.data_dir = data_dir

    async def open_engine(self) -> EngineLike:
        community = await Community.open(self.db, knowledge_dir=self.data_dir)
        self.engines.append(community)
        return community

    @property
    def community(self) -> Community:
        engine = self.engines[-1]
        assert isinstance(engine, Community)
        return engine

    def outbox(self, **options: Any) -> Outbox:
        assert self.app is not None
        return Outbox(self.community.store, self.community.engine.source,
                      [TelegramAlerts(self.app.bot, per_chat_interval=0.05)], **options)

    def group(self, user_id: int, chat_id: int, admin: bool) -> Chat:
        if admin:
            self.fake.chat_members[(chat_id, user_id)] = "administrator"
        return Chat(self, self.fake.user(user_id), self.fake.chat(chat_id, "supergroup"))


@pytest.fixture
def fake() -> FakeBotApi:
    return FakeBotApi(TOKEN)


@pytest.fixture
async def bot(fake: FakeBotApi, tmp_path: Path, data_dir: Path) -> Any:
    uninstall = logsafety.install(TOKEN)
    harness = CommunityHarness(fake, tmp_path / "state.db", data_dir)
    await harness.start()
    yield harness
    await harness.stop()
    uninstall()
    assert fake.rejections == [], "Telegram would have refused these requests"


def texts(calls: list[Call]) -> list[str]:
    return [telegram_html_text(c.params["text"]) for c in calls]


def alerts_to(fake: FakeBotApi, chat_id: int, lang: str, since: int) -> list[str]:
    """Alert messages (their title) that reached `chat_id` after call number `since`."""
    titles = (CATALOG.text(lang, "alert_title", models="A1263"),
              CATALOG.text(lang, "alert_channel_title"))
    sent = [c for c in fake.calls[since:] if c.method == "sendMessage" and c.status == 200
            and int(c.params["chat_id"]) == chat_id]
    return [t.split("\n", 1)[0] for t in texts(sent) if t.startswith(titles)]


async def check_and_subscribe(chat: Chat, region: str) -> list[str]:
    """/check A1263 <region>, 'I can't read the serial', then 'Tell me if this changes'."""
    lang = chat.user.get("language_code") or "en"
    await chat.say(f"/check A1263 {region}")
    verdict = await chat.press(CATALOG.text(lang, "button_no_serial"))
    assert any(CATALOG.text(lang, "alert_offer_button") in str(c.params.get("reply_markup"))
               for c in verdict), "a verdict offers alerts"
    return texts(await chat.press(CATALOG.text(lang, "alert_offer_button")))


async def test_exactly_the_subscribers_get_one_alert_each_in_their_language(
        bot: CommunityHarness, fake: FakeBotApi, data_dir: Path) -> None:
    alice = bot.private_chat(11, "en")
    bruno = bot.private_chat(12, "de")
    chika = bot.private_chat(13, "ja")
    dave = bot.private_chat(14, "en")
    erin = bot.private_chat(15, "en")
    assert "A1263" in (await check_and_subscribe(alice, "US"))[0]
    await check_and_subscribe(bruno, "US")
    await check_and_subscribe(chika, "JP")  # the US remedy change is not hers
    await check_and_subscribe(dave, "US")
    await check_and_subscribe(erin, "US")
    listed = texts(await dave.say("/alerts"))
    assert listed[0].splitlines()[1:] == ["• A1263 (United States)"]
    stopped = texts(await dave.press(CATALOG.text("en", "alert_stop_button", model="A1263")))
    assert stopped == [CATALOG.text("en", "alert_stopped", model="A1263")]
    await erin.say("/forget")
    assert await bot.community.store.alerts_of("telegram", "15") == []
    admin = bot.group(ADMIN, GROUP, admin=True)
    member = bot.group(MEMBER, GROUP, admin=False)
    refused = texts(await member.say("/psa subscribe anker"))
    assert refused == [CATALOG.text("en", "psa_admin_refused")]
    done = texts(await admin.say("/psa subscribe anker"))
    assert done == [CATALOG.text("en", "psa_subscribed", what="Anker")]
    await bot.group(ADMIN, OTHER_GROUP, admin=True).say("/psa subscribe xiaomi")

    outbox = bot.outbox()
    assert await outbox.planner.plan() == 0  # the first look only takes the snapshot
    before = len(fake.calls)
    edit_us_remedy(data_dir)  # the fixture campaign edit, picked up by a knowledge reload
    assert bot.community.engine.source.reload()
    assert await outbox.planner.plan() == 3
    assert await outbox.send_due("telegram") == 3

    assert alerts_to(fake, 11, "en", before) == [
        CATALOG.text("en", "alert_title", models="A1263")]
    assert alerts_to(fake, 12, "de", before) == [
        CATALOG.text("de", "alert_title", models="A1263")]
    assert alerts_to(fake, GROUP, "en", before) == [CATALOG.text("en", "alert_channel_title")]
    group_post = [c for c in fake.sent(GROUP) if c.at >= fake.calls[before].at][-1]
    assert "start=check-psaN100500" in str(group_post.params["reply_markup"])  # counts for stats
    for chat_id in (13, 14, 15, OTHER_GROUP):
        assert not [c for c in fake.calls[before:] if c.method == "sendMessage"
                    and int(c.params["chat_id"]) == chat_id], chat_id
    german = "\n".join(texts(fake.sent(12)[-2:]))
    assert CATALOG.text("de", "alert_change_remedy_changed", region="").rstrip() in german
    assert "Quelle" in german or "Source" in german  # the alert names its source
    # nothing more to send, and a second plan of the same change queues nothing
    assert await outbox.planner.plan() == 0
    assert await outbox.send_due("telegram") == 0


async def test_a_forged_alert_button_gets_a_clear_answer(bot: CommunityHarness,
                                                         fake: FakeBotApi) -> None:
    alice = bot.private_chat(11, "en")
    await alice.say("hello")
    message = fake.sent(11)[-1].result
    for forged in ("rc1:alert:A1263_ZZ", "rc1:alert:<script>", "rc1:alertoff:" + "X" * 40):
        calls = await bot.feed(fake.callback(forged, message, user=alice.user))
        assert texts(calls) == [CATALOG.text("en", "alert_button_invalid")]
    assert await bot.community.store.alerts_of("telegram", "11") == []


async def subscribe_many(bot: CommunityHarness, count: int) -> None:
    store = bot.community.store
    for n in range(count):
        await store.subscribe(AlertSubscription("telegram", str(1000 + n), "A1263", "US", "en"))


async def test_a_restart_in_the_middle_of_sending_sends_nothing_twice_and_drops_nothing(
        bot: CommunityHarness, fake: FakeBotApi, data_dir: Path) -> None:
    await subscribe_many(bot, 45)
    outbox = bot.outbox(pace={"telegram": Pace(200.0, 4)})
    await outbox.planner.plan()
    edit_us_remedy(data_dir)
    bot.community.engine.source.reload()
    assert await outbox.planner.plan() == 45
    before = len(fake.calls)
    outbox.start()  # sending in the background, as in the bot
    await fake.wait_for(lambda: outbox.sent >= 15)
    await outbox.stop()  # SIGTERM: the alerts in flight finish, the rest is given back
    first_run = outbox.sent
    assert 15 <= first_run < 45
    await bot.restart()  # a new process: new Application, new engine, same database
    again = bot.outbox(pace={"telegram": Pace(200.0, 4)})
    assert await again.planner.plan() == 0  # the change was queued once, before the restart
    assert await again.send_due("telegram") == 45 - first_run
    for n in range(45):
        assert len(alerts_to(fake, 1000 + n, "en", before)) == 1, n
    assert await bot.community.store.outbox_counts("telegram") == {"sent": 45}


async def test_a_crash_after_claiming_drops_nothing(bot: CommunityHarness, fake: FakeBotApi,
                                                    data_dir: Path) -> None:
    await subscribe_many(bot, 30)
    planner = bot.outbox()
    await planner.planner.plan()
    edit_us_remedy(data_dir)
    bot.community.engine.source.reload()
    await planner.planner.plan()
    store = bot.community.store
    now = time.time()
    # a process claimed 10 alerts (a 60 s lease) and died before sending any of them
    assert len(await store.claim("telegram", 10, now, 60.0, "dead-process")) == 10
    before = len(fake.calls)
    clock = [now + 1]
    survivor = bot.outbox(pace={"telegram": Pace(200.0, 4)}, wall=lambda: clock[0])
    assert await survivor.send_due("telegram") == 20  # the claimed ten wait for their lease
    clock[0] = now + 61
    assert await survivor.send_due("telegram") == 10
    assert sum(len(alerts_to(fake, 1000 + n, "en", before)) for n in range(30)) == 30


async def test_a_user_who_blocked_the_bot_is_unsubscribed(bot: CommunityHarness, fake: FakeBotApi,
                                                          data_dir: Path) -> None:
    await subscribe_many(bot, 3)
    blocked = {"ok": False, "error_code": 403,
               "description": "Forbidden: bot was blocked by the user"}
    fake.chat_failures[("sendMessage", 1001)] = [(403, blocked)]
    outbox = bot.outbox()
    await outbox.planner.plan()
    edit_us_remedy(data_dir)
    bot.community.engine.source.reload()
    await outbox.planner.plan()
    assert await outbox.send_due("telegram") == 3
    store = bot.community.store
    assert await store.alerts_of("telegram", "1001") == []
    assert len(await store.alerts_of("telegram", "1000")) == 1
    assert await store.outbox_counts("telegram") == {"sent": 2, "dropped": 1}


async def test_alerts_are_listed_only_in_private_and_bad_subscriptions_are_explained(
        bot: CommunityHarness) -> None:
    admin = bot.group(ADMIN, GROUP, admin=True)
    assert texts(await admin.say("/alerts")) == [CATALOG.text("en", "alert_private_only")]
    (unknown,) = texts(await admin.say("/psa subscribe acme"))
    assert "“acme”" in unknown and "Anker" in unknown  # says what it knows instead
    (echoed,) = texts(await admin.say("/psa subscribe your unit is safe"))
    assert "is safe" not in echoed  # user words echoed back pass the truth rules too
    assert await bot.community.store.channels("telegram") == []
    private = bot.private_chat(11, "en")
    assert texts(await private.say("/psa subscribe anker")) == [
        CATALOG.text("en", "psa_admin_group_only")]
    assert texts(await private.say("/alerts")) == [CATALOG.text("en", "alerts_none")]


async def test_alert_buttons_and_commands_count_towards_the_flood_limit(
        bot: CommunityHarness, fake: FakeBotApi) -> None:
    alice = bot.private_chat(11, "en")
    await alice.say("hello")  # one message of the 20 a minute
    message = fake.sent(11)[-1].result
    answers = [texts(await bot.feed(fake.callback("rc1:alertoff:A1263", message,
                                                  user=alice.user))) for _ in range(21)]
    assert answers[-3] == [CATALOG.text("en", "alert_not_found", model="A1263")]
    assert answers[-2] == [CATALOG.text("en", "flood_notice")]  # the 21st event: one notice
    assert answers[-1] == []  # then silence
    assert texts(await alice.say("/alerts")) == []
