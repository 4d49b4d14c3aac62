"""Which knowledge changes reach whom, and what an alert says (issue #16): a real knowledge
diff of a fixture edit, planned against subscriptions, worded in all six languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.alerts import (
    ALERTED,
    alert_token,
    concerns,
    concerns_channel,
    parse_alert_token,
    plan_alerts,
    render_alert,
)
from bot.catalog import CATALOG
from bot.replies import InfoCard, VerdictCard, plain_text
from bot.store.community import AlertSubscription, ChannelSubscription
from bot.truth import violations
from knowledge import Knowledge
from knowledge.diff import Change, ChangeKind, diff_campaigns
from tests.communities.conftest import edit_us_remedy


@pytest.fixture(scope="module")
def before() -> Knowledge:
    return Knowledge.load()


@pytest.fixture
def after(data_dir: Path) -> Knowledge:
    edit_us_remedy(data_dir)
    return Knowledge.load(data_dir)


def sub(user: str, model: str = "A1263", region: str | None = "US", lang: str = "en",
        platform: str = "telegram") -> AlertSubscription:
    return AlertSubscription(platform, user, model, region, lang)


def test_the_fixture_edit_is_one_us_remedy_change(before: Knowledge, after: Knowledge) -> None:
    changes = diff_campaigns(before.files.campaigns, after.files.campaigns)
    assert [(c.kind, c.campaign, c.region) for c in changes] == [
        (ChangeKind.REMEDY_CHANGED, "anker-a1263-us-2025", "US")]


def test_only_owners_of_that_model_and_region_are_concerned(before: Knowledge,
                                                           after: Knowledge) -> None:
    changes = diff_campaigns(before.files.campaigns, after.files.campaigns)
    subscriptions = [sub("us"), sub("unknown-region", region=None), sub("japan", region="JP"),
                     sub("other-model", model="A1647"), sub("de", lang="de")]
    channels = [ChannelSubscription("discord", "c-anker", "g", "Anker", None, "ja"),
                ChannelSubscription("discord", "c-anker-us", "g", "Anker", "US", "en"),
                ChannelSubscription("discord", "c-anker-jp", "g", "anker", "JP", "en"),
                ChannelSubscription("discord", "c-xiaomi", "g", "Xiaomi", None, "en"),
                ChannelSubscription("discord", "c-all", "g", None, None, "en")]
    items = plan_alerts(changes, after, subscriptions, channels, old_version=before.version)
    assert [(i.target_kind, i.target_id, i.lang) for i in items] == [
        ("user", "de", "de"), ("user", "unknown-region", "en"), ("user", "us", "en"),
        ("channel", "c-anker", "ja"), ("channel", "c-anker-us", "en"), ("channel", "c-all", "en")]
    assert len({i.dedupe for i in items}) == len(items)
    for item in items:  # the outbox keeps ids, never a serial or anything the user typed
        assert set(json.loads(item.payload)) <= {"v", "subs", "changes"}


def test_one_alert_per_person_however_many_changes(after: Knowledge) -> None:
    changes = [Change(ChangeKind.REMEDY_CHANGED, "anker-a1263-us-2025", ["A1263"], "US"),
               Change(ChangeKind.CONTACT_CHANGED, "anker-a1263-us-2025", ["A1263"], "US"),
               Change(ChangeKind.MODELS_ADDED, "anker-a1263-us-2025", ["A1263"])]
    items = plan_alerts(changes, after, [sub("1"), sub("1", region=None)], [], old_version="v0")
    assert len(items) == 1
    payload = json.loads(items[0].payload)
    assert len(payload["changes"]) == 3 and len(payload["subs"]) == 2


def test_withdrawals_are_never_alerted(after: Knowledge) -> None:
    """'No longer listed' must never read as 'your device is fine'."""
    assert ChangeKind.CAMPAIGN_REMOVED not in ALERTED and ChangeKind.MODELS_REMOVED not in ALERTED
    removed = Change(ChangeKind.CAMPAIGN_REMOVED, "anker-a1263-us-2025", ["A1263"])
    campaign = next(c for c in after.index.campaigns if c.id == "anker-a1263-us-2025")
    assert not concerns(removed, campaign, "A1263", "US")
    channel = ChannelSubscription("telegram", "-1", "-1", None, None, "en")
    assert not concerns_channel(removed, campaign, channel)


def test_regional_changes_reach_only_that_region(after: Knowledge) -> None:
    campaign = next(c for c in after.index.campaigns if c.id == "anker-a1263-us-2025")
    remedy = Change(ChangeKind.REMEDY_CHANGED, campaign.id, ["A1263"], "US")
    assert concerns(remedy, campaign, "a1263", "US")
    assert concerns(remedy, campaign, "A1263", None)  # region unknown: told, to be safe
    assert not concerns(remedy, campaign, "A1263", "JP")
    added = Change(ChangeKind.MODELS_ADDED, campaign.id, ["A1263"])
    assert concerns(added, campaign, "A1263", "US")
    assert not concerns(added, campaign, "A1263", "DE")  # the campaign does not cover Germany


@pytest.mark.parametrize("lang", CATALOG.languages)
def test_an_alert_states_the_change_names_its_source_and_never_says_safe(
        before: Knowledge, after: Knowledge, lang: str) -> None:
    changes = diff_campaigns(before.files.campaigns, after.files.campaigns)
    channel = ChannelSubscription("telegram", "-1", "-1", None, None, lang)
    items = plan_alerts(changes, after, [sub("1", lang=lang)], [channel],
                        old_version=before.version)
    person, group = (render_alert(i, after) for i in items)
    summary, card = person
    assert isinstance(summary, InfoCard) and isinstance(card, VerdictCard)
    assert summary.title == CATALOG.text(lang, "alert_title", models="A1263")
    assert CATALOG.text(lang, "alert_change_remedy_changed", region="").strip() in \
        summary.plain_text().replace("  ", " ")
    assert summary.source is not None and summary.source.url.startswith("https://")
    assert card.model == "A1263" and card.source is not None  # the updated card, sourced
    assert all(b.url or (b.token and parse_alert_token(b.token)) for r in person
               for b in r.buttons)  # links and 'stop alerts' only: no stale check buttons
    (post,) = group
    assert post.plain_text().startswith(CATALOG.text(lang, "alert_channel_title"))
    for reply in (*person, *group):
        assert violations(reply) == [], plain_text(reply)


def test_an_alert_whose_change_was_undone_says_nothing(before: Knowledge, after: Knowledge
                                                       ) -> None:
    changes = [Change(ChangeKind.REMEDY_CHANGED, "gone-campaign", ["A1263"], "US")]
    items = plan_alerts(changes, after, [sub("1")], [], old_version="v0")
    assert items == [] or render_alert(items[0], before) == []


@pytest.mark.parametrize("token", ["rc1:alert:A1263_us", "rc1:alert:A1263_XX", "rc1:alert:",
                                   "rc1:alert:A1263_US_JP", "rc1:alertx:A1263", "rc1:alert:-a"])
def test_forged_alert_tokens_are_refused(token: str) -> None:
    assert parse_alert_token(token) is None


def test_alert_tokens_fit_both_platforms() -> None:
    longest = alert_token("alertoff", "X" * 20, "US")
    assert len(longest.encode()) <= 64  # Telegram callback_data; Discord allows 100
    assert parse_alert_token(longest) == ("alertoff", "X" * 20, "US")
