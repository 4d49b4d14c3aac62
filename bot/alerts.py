"""Alerts when a recall changes: which subscribers a knowledge change concerns, and what they
are told (issue #16).

`plan_alerts(changes, …)` turns `knowledge.diff` changes into outbox items, one per person or
channel however many changes concern them. `render_alert(item, knowledge)` words an item in the
subscriber's language at send time: a short card naming each change and its source, then the
current card for each subscribed model (the verdict card every check shows, without a serial).
An alert never says a device is safe: withdrawn campaigns and removed models are not alerted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot import present
from bot.catalog import CATALOG
from bot.replies import Button, InfoCard, Link, Reply, Section
from bot.store.community import AlertSubscription, ChannelSubscription, OutboxItem
from bot.truth import enforce
from knowledge import REGIONS, Knowledge
from knowledge.diff import Change, ChangeKind
from knowledge.schema import Campaign

# What an owner wants to hear about (issue #16: new remedy, new contact, re-announcement,
# model added). Withdrawals are left out: "no longer listed" must never read as "safe".
ALERTED: frozenset[ChangeKind] = frozenset({
    ChangeKind.CAMPAIGN_ADDED, ChangeKind.MODELS_ADDED, ChangeKind.REMEDY_CHANGED,
    ChangeKind.CONTACT_CHANGED, ChangeKind.KIND_CHANGED, ChangeKind.REGIONS_CHANGED,
    ChangeKind.SERIAL_RULE_CHANGED,
})
MAX_CARDS = 3  # updated cards per personal alert (one per subscribed model)
MAX_LINES = 8  # change lines per alert
MODEL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")  # what an alert token may name
ALERT_VERB, STOP_VERB = "alert", "alertoff"
PSA_PAYLOAD = re.compile(r"check-psa(N?)(\d{1,20})")  # Telegram deep link from a group's PSA


@dataclass(frozen=True)
class ChangeRef:
    """A change as the outbox keeps it: ids only, worded at send time."""

    kind: str
    campaign: str
    models: tuple[str, ...]
    region: str | None

    @classmethod
    def of(cls, change: Change) -> ChangeRef:
        return cls(change.kind.value, change.campaign, tuple(change.models), change.region)


# ----- action tokens of the alert buttons (≤ 64 bytes; Discord's custom_id pattern) ----------

def alert_token(verb: str, model: str, region: str | None) -> str:
    """`rc1:alert:A1263_US` (subscribe) or `rc1:alertoff:A1263` (stop)."""
    return f"rc1:{verb}:{model}" + (f"_{region}" if region else "")


def parse_alert_token(token: str) -> tuple[str, str, str | None] | None:
    """(verb, model, region) of an alert button; None when forged or malformed."""
    match = re.fullmatch(r"rc1:(alert|alertoff):([A-Za-z0-9\-]{1,20})(?:_([A-Z]{2}))?", token)
    if match is None or not MODEL_RE.match(match.group(2)):
        return None
    region = match.group(3)
    if region is not None and region not in REGIONS:
        return None
    return match.group(1), match.group(2), region


def is_alert_token(token: str | None) -> bool:
    return bool(token) and str(token).startswith((f"rc1:{ALERT_VERB}:", f"rc1:{STOP_VERB}:"))


def psa_payload(chat_id: str) -> str | None:
    """The deep-link payload of a Telegram group's PSA button: `check-psaN100123` for chat
    -100123, so checks started from it count for that group's stats."""
    match = re.fullmatch(r"(-?)(\d{1,20})", chat_id)
    if match is None:
        return None
    return f"check-psa{'N' if match.group(1) else ''}{match.group(2)}"


# ----- who is concerned -----------------------------------------------------------------------

def _covers(campaign: Campaign | None, region: str | None) -> bool:
    if region is None or campaign is None:
        return True
    return "*" in campaign.regions or region in campaign.regions


def concerns(change: Change, campaign: Campaign | None, model: str, region: str | None) -> bool:
    """Does `change` matter to someone who owns `model`, bought in `region` (None: unknown)?"""
    if change.kind not in ALERTED:
        return False
    if model.upper() not in {m.upper() for m in change.models}:
        return False
    if change.region is not None:  # a remedy or contact of one region
        return region is None or change.region in ("*", region)
    return _covers(campaign, region)


def concerns_channel(change: Change, campaign: Campaign | None, sub: ChannelSubscription) -> bool:
    """Does `change` match a channel's brand and region filters?"""
    if change.kind not in ALERTED or campaign is None:
        return False
    if sub.brand and campaign.brand.lower() != sub.brand.lower():
        return False
    if change.region is not None and sub.region is not None:
        return change.region in ("*", sub.region)
    return _covers(campaign, sub.region)


def plan_alerts(changes: Sequence[Change], knowledge: Knowledge,
                subscriptions: Iterable[AlertSubscription],
                channels: Iterable[ChannelSubscription], *, old_version: str) -> list[OutboxItem]:
    """One outbox item per person and per channel that a change concerns."""
    campaigns = {c.id: c for c in knowledge.index.campaigns}
    new_version = knowledge.version
    items: list[OutboxItem] = []
    people: dict[tuple[str, str], tuple[str, list[tuple[str, str | None]], list[ChangeRef]]] = {}
    for sub in subscriptions:
        hits = [ChangeRef.of(c) for c in changes
                if concerns(c, campaigns.get(c.campaign), sub.model, sub.region)]
        if not hits:
            continue
        lang, subs, refs = people.setdefault((sub.platform, sub.user_id), (sub.lang, [], []))
        subs.append((sub.model, sub.region))
        refs += [h for h in hits if h not in refs]
    for (platform, user_id), (lang, subs, refs) in sorted(people.items()):
        payload = {"v": new_version, "subs": subs, "changes": [r.__dict__ for r in refs]}
        items.append(OutboxItem(f"{old_version}>{new_version}:{platform}:user:{user_id}",
                                platform, "user", user_id, lang, _dump(payload)))
    for channel in channels:
        refs = [ChangeRef.of(c) for c in changes
                if concerns_channel(c, campaigns.get(c.campaign), channel)]
        if not refs:
            continue
        dedupe = f"{old_version}>{new_version}:{channel.platform}:channel:{channel.chat_id}"
        if any(i.dedupe == dedupe for i in items):  # two filters of one channel: one post
            continue
        payload = {"v": new_version, "changes": [r.__dict__ for r in refs]}
        items.append(OutboxItem(dedupe, channel.platform, "channel", channel.chat_id,
                                channel.lang, _dump(payload)))
    return items


def _dump(payload: Mapping[str, object]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=list)


# ----- what they are told ---------------------------------------------------------------------

def t(lang: str, msgid: str, /, **kwargs: object) -> str:
    return CATALOG.text(lang, msgid, **kwargs)


def change_line(lang: str, ref: ChangeRef, campaign: Campaign | None) -> str:
    """'• Anker A1263: what owners get changed (United States)' in the subscriber's language."""
    brand = campaign.brand if campaign else ""
    models = ", ".join(ref.models[:6]) + (" …" if len(ref.models) > 6 else "")
    where = f" ({present.region_name(ref.region, lang)})" if ref.region else ""
    text = t(lang, f"alert_change_{ref.kind}", region=where)
    return f"• {brand} {models}: {text}".replace("•  ", "• ")


def _changes(payload: dict[str, object]) -> list[ChangeRef]:
    raw = payload.get("changes")
    refs: list[ChangeRef] = []
    for entry in raw if isinstance(raw, list) else []:
        if isinstance(entry, dict):
            refs.append(ChangeRef(str(entry.get("kind")), str(entry.get("campaign")),
                                  tuple(str(m) for m in entry.get("models") or ()),
                                  entry.get("region") if isinstance(entry.get("region"), str)
                                  else None))
    return [r for r in refs if r.kind in {k.value for k in ALERTED}]


def _summary(lang: str, title: str, refs: list[ChangeRef], knowledge: Knowledge,
             buttons: list[Button]) -> InfoCard:
    campaigns = {c.id: c for c in knowledge.index.campaigns}
    lines = [change_line(lang, r, campaigns.get(r.campaign)) for r in refs[:MAX_LINES]]
    if len(refs) > MAX_LINES:
        lines.append(t(lang, "alert_more_changes", count=len(refs) - MAX_LINES))
    sources: list[Link] = []
    for ref in refs:
        campaign = campaigns.get(ref.campaign)
        if campaign is not None:
            link = present.campaign_source(lang, campaign)
            if link not in sources:
                sources.append(link)
    as_of = present.date_label(knowledge.index.as_of, lang)
    return InfoCard(topic="alert", title=title, sections=[Section(lines=lines,
                    links=sources[1:4])], source=sources[0] if sources else None,
                    footer=t(lang, "alert_as_of", date=as_of), buttons=buttons,
                    about=("alert",))


def render_alert(item: OutboxItem, knowledge: Knowledge) -> list[Reply]:
    """The messages of one alert, in the subscriber's language; [] if nothing is left to say
    (the change was undone before the alert went out)."""
    payload = json.loads(item.payload)
    lang = item.lang if item.lang in CATALOG.languages else "en"
    refs = [r for r in _changes(payload) if r.campaign in
            {c.id for c in knowledge.index.campaigns}]
    if not refs:
        return []
    if item.target_kind == "channel":  # on Telegram, checks from an update count as the PSA's
        link = psa_payload(item.target_id) if item.platform == "telegram" else None
        check = Button(label=t(lang, "ui_check_button"), deep_link=link or "check")
        card = _summary(lang, t(lang, "alert_channel_title"), refs, knowledge, [check])
        return [enforce(card)]
    subs = [(str(m), r if isinstance(r, str) else None) for m, r in payload.get("subs", [])]
    models = ", ".join(dict.fromkeys(m for m, _ in subs))
    stops = [Button(label=t(lang, "alert_stop_button", model=m)[:80],
                    token=alert_token(STOP_VERB, m, r)) for m, r in subs[:MAX_CARDS]]
    replies: list[Reply] = [enforce(_summary(lang, t(lang, "alert_title", models=models), refs,
                                             knowledge, stops))]
    for model, region in subs[:MAX_CARDS]:
        result = knowledge.check(model, None, region)
        verdict = present.verdict_card(knowledge, result, lang, None)
        links = [b for b in verdict.buttons if b.url]  # other buttons belong to a live check
        replies.append(enforce(verdict.model_copy(update={"buttons": links,
                                                          "about": ("alert",)})))
    return replies


__all__ = [
    "ALERTED", "ChangeRef", "alert_token", "concerns", "concerns_channel", "is_alert_token",
    "parse_alert_token", "plan_alerts", "psa_payload", "render_alert",
]
