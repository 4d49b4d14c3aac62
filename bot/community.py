"""The community features in front of the engine (issue #16): alert buttons and `/alerts`,
`/psa subscribe|unsubscribe|stats`, PSA statistics, and `/forget` reaching the alerts too.

`Community(engine, store)` answers what it owns and hands every other event to the engine,
so adapters talk to it exactly as to the engine. After a verdict in a private chat it adds a
"Tell me if this changes" button; nothing of the conversation itself changes.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bot.alerts import (
    ALERT_VERB,
    PSA_PAYLOAD,
    STOP_VERB,
    alert_token,
    is_alert_token,
    parse_alert_token,
    psa_payload,
)
from bot.catalog import Catalog
from bot.community_stats import PERIODS, since, stats_card
from bot.engine import Engine
from bot.inbound import Inbound
from bot.language import choose_language, from_locale
from bot.outbox import Outbox, Sender
from bot.replies import Button, PsaCard, Reply, TextReply, VerdictCard
from bot.state import ConversationState
from bot.store.community import (
    AlertSubscription,
    ChannelSubscription,
    CommunityEvent,
    CommunityStore,
    community_store_for,
)
from bot.truth import enforce
from bot.understanding import understand
from knowledge import REGIONS, Knowledge

log = logging.getLogger(__name__)

VISIT_SECONDS = 24 * 3600.0  # a check started from a PSA counts for its group this long
ADMIN_VERBS = ("subscribe", "unsubscribe", "stats")
MAX_ALERTS = 20  # subscriptions per person


class Community:
    """Adds the community features to an Engine (see module docstring)."""

    def __init__(self, engine: Engine, store: CommunityStore, *,
                 wall: Callable[[], float] = time.time,
                 today: Callable[[], date] = lambda: datetime.now(UTC).date()) -> None:
        self.engine, self.store = engine, store
        self._wall, self._today = wall, today
        self.outbox: Outbox | None = None

    @classmethod
    async def open(cls, db: str | Path | None = None, **options: Any) -> Community:
        """Open the engine (as Engine.open) and the community tables next to its store."""
        from bot.engine import default_db_target

        engine = await Engine.open(db, **options)
        store = community_store_for(db if db is not None else default_db_target())
        try:
            await store.open()
        except BaseException:
            await engine.close()
            raise
        return cls(engine, store)

    # -- what adapters use of the engine, passed through ----------------------------------------

    @property
    def catalog(self) -> Catalog:
        return self.engine.catalog

    @property
    def knowledge(self) -> Knowledge:
        return self.engine.knowledge

    def language_for(self, locale: str | None) -> str:
        return self.engine.language_for(locale)

    def inline_answers(self, query: str, lang: str) -> list[Reply]:
        return self.engine.inline_answers(query, lang)

    def autocomplete_models(self, prefix: str, lang: str) -> list[tuple[str, str]]:
        return self.engine.autocomplete_models(prefix, lang)

    def __getattr__(self, name: str) -> Any:  # the rest of the engine (psa, settle, source, …)
        return getattr(self.engine, name)

    def start_alerts(self, senders: list[Sender], **options: Any) -> Outbox:
        """Plan alerts on knowledge changes and send them in the background (bot.outbox)."""
        if self.outbox is None:
            self.outbox = Outbox(self.store, self.engine.source, senders, **options)
            self.outbox.start()
        return self.outbox

    async def stop_alerts(self) -> None:
        """Stop sending: alerts in flight finish and are marked sent; the rest waits in the
        outbox for the next start. Call it while the platform client can still send."""
        if self.outbox is not None:
            await self.outbox.stop()
            self.outbox = None

    async def close(self) -> None:
        """Stop sending (alerts in flight finish first), then close the engine and the store."""
        await self.stop_alerts()
        await self.engine.close()
        await self.store.close()

    # -- one event -----------------------------------------------------------------------------

    async def handle(self, inbound: Inbound) -> list[Reply]:
        """The replies to one event; never raises (as Engine.handle)."""
        try:  # the engine's replies are checked already; ours echo brand words and models
            return [enforce(reply) for reply in await self._handle(inbound)]
        except Exception as exc:
            log.error("community feature failed on a %s event: %s", inbound.platform,
                      type(exc).__name__)
            return [TextReply(text=self.catalog.text(self.language_for(inbound.locale),
                                                     "ui_error_apology"))]

    def _flooded(self, inbound: Inbound) -> list[Reply] | None:
        """The engine's per-user flood limit, for the events answered here (None: go ahead)."""
        verdict = self.engine.flood.hit((inbound.platform, inbound.user_id))
        if verdict == "ok":
            return None
        if verdict == "silent":
            return []
        lang = self.language_for(inbound.locale)
        return [TextReply(text=self.catalog.text(lang, "flood_notice"))]

    async def _handle(self, inbound: Inbound) -> list[Reply]:
        owned = is_alert_token(inbound.action) or inbound.command == "alerts" or (
            inbound.command == "psa" and inbound.args.split()[:1] != []
            and inbound.args.split()[0].lower() in ADMIN_VERBS)
        if owned and (flooded := self._flooded(inbound)) is not None:
            return flooded
        if is_alert_token(inbound.action):
            return await self._press_alert(inbound)
        if inbound.command == "alerts":
            lang = await self._lang(inbound)
            if inbound.chat_kind != "private":  # a list of someone's devices is not for a group
                return [TextReply(text=self.catalog.text(lang, "alert_private_only"))]
            return await self._list_alerts(inbound, lang)
        if inbound.command == "psa" and inbound.args.split()[:1] \
                and inbound.args.split()[0].lower() in ADMIN_VERBS:
            return await self._psa_admin(inbound)
        if inbound.command == "forget":
            await self.store.forget_user(inbound.platform, inbound.user_id)
        if inbound.command == "start" and (match := PSA_PAYLOAD.fullmatch(inbound.args)):
            group = f"{'-' if match.group(1) else ''}{match.group(2)}"
            await self.psa_check_started(inbound.platform, group, inbound.user_id)
            inbound = inbound.model_copy(update={"args": "check"})
        replies = await self.engine.handle(inbound)
        return await self._after(inbound, replies)

    async def _after(self, inbound: Inbound, replies: list[Reply]) -> list[Reply]:
        """Tag a group's PSA with its group; offer alerts after a verdict; count it."""
        out: list[Reply] = []
        for reply in replies:
            if isinstance(reply, PsaCard) and inbound.chat_kind == "group" \
                    and inbound.platform == "telegram":
                payload = psa_payload(inbound.chat_id)
                if payload:
                    reply = reply.model_copy(update={"buttons": [
                        b.model_copy(update={"deep_link": payload})
                        if b.deep_link == "check" else b for b in reply.buttons]})
            if isinstance(reply, VerdictCard) and "verdict" in reply.about \
                    and "preview" not in reply.about:
                await self._count_verdict(inbound, reply)
                if inbound.chat_kind == "private" and parse_alert_token(
                        alert_token(ALERT_VERB, reply.model, None)):
                    reply = await self._offer_alert(inbound, reply)
            out.append(reply)
        return out

    async def _offer_alert(self, inbound: Inbound, card: VerdictCard) -> VerdictCard:
        state = await self._state(inbound)  # after the turn: its language and country
        lang = self._lang_of(state, inbound)
        region = state.region if state.region in REGIONS and state.region != "*" else None
        button = Button(label=self.catalog.text(lang, "alert_offer_button"),
                        token=alert_token(ALERT_VERB, card.model, region))
        return card.model_copy(update={"buttons": [*card.buttons, button]})

    async def _count_verdict(self, inbound: Inbound, card: VerdictCard) -> None:
        group = await self.store.visit_of(inbound.platform, inbound.user_id, self._wall())
        if group is not None:
            await self.store.record_event(CommunityEvent(
                inbound.platform, group, self._today(), "verdict", card.model, card.verdict))

    async def psa_check_started(self, platform: str, group_id: str, user_id: str) -> None:
        """A member pressed a group's PSA button: count it, and count the verdict it reaches."""
        await self.store.record_event(CommunityEvent(platform, group_id, self._today(),
                                                     "check_started"))
        await self.store.set_visit(platform, user_id, group_id, self._wall() + VISIT_SECONDS)

    # -- personal alerts -----------------------------------------------------------------------

    async def _press_alert(self, inbound: Inbound) -> list[Reply]:
        lang = await self._lang(inbound)
        t = self.catalog.text
        parsed = parse_alert_token(inbound.action or "")
        if parsed is None:
            return [TextReply(text=t(lang, "alert_button_invalid"))]
        verb, model, region = parsed
        if verb == STOP_VERB:
            removed = await self.store.unsubscribe(inbound.platform, inbound.user_id, model,
                                                   region)
            return [TextReply(text=t(lang, "alert_stopped" if removed else "alert_not_found",
                                     model=model))]
        if inbound.chat_kind != "private":
            return [TextReply(text=t(lang, "alert_private_only"))]
        known = self.knowledge.index.canonical_model(model) if self.knowledge.index.known_model(
            model) else model
        mine = await self.store.alerts_of(inbound.platform, inbound.user_id)
        if len(mine) >= MAX_ALERTS and not any(a.model == known and a.region == region
                                               for a in mine):
            return [TextReply(text=t(lang, "alert_too_many", max=MAX_ALERTS))]
        await self.store.subscribe(AlertSubscription(inbound.platform, inbound.user_id,
                                                     known or model, region, lang))
        where = self._where(region, lang)
        return [TextReply(text=t(lang, "alert_subscribed", model=known or model, where=where),
                          buttons=[Button(label=t(lang, "alert_undo_button"),
                                          token=alert_token(STOP_VERB, known or model, region))])]

    async def _list_alerts(self, inbound: Inbound, lang: str) -> list[Reply]:
        t = self.catalog.text
        mine = await self.store.alerts_of(inbound.platform, inbound.user_id)
        if not mine:
            return [TextReply(text=t(lang, "alerts_none"))]
        lines = [t(lang, "alerts_list_intro")]
        lines += [f"• {a.model}{self._where(a.region, lang)}" for a in mine]
        buttons = [Button(label=t(lang, "alert_stop_button", model=a.model)[:80],
                          token=alert_token(STOP_VERB, a.model, a.region)) for a in mine[:25]]
        return [TextReply(text="\n".join(lines), buttons=buttons)]

    def _where(self, region: str | None, lang: str) -> str:
        from bot.present import region_name

        return f" ({region_name(region, lang)})" if region else ""

    # -- moderators ----------------------------------------------------------------------------

    async def _psa_admin(self, inbound: Inbound) -> list[Reply]:
        lang = await self._lang(inbound)
        t = self.catalog.text
        verb, _, rest = inbound.args.partition(" ")
        verb = verb.lower()
        group = inbound.group_id or inbound.chat_id
        if inbound.chat_kind != "group":
            return [TextReply(text=t(lang, "psa_admin_group_only"))]
        if not inbound.is_moderator:
            return [TextReply(text=t(lang, "psa_admin_refused"))]
        if verb == "stats":
            today = self._today()
            counts = {days: await self.store.event_counts(inbound.platform, group,
                                                          since(today, days))
                      for days in PERIODS}
            return [enforce(stats_card(counts, lang, today))]
        if verb == "unsubscribe":
            removed = await self.store.unsubscribe_channel(inbound.platform, inbound.chat_id)
            return [TextReply(text=t(lang, "psa_unsubscribed" if removed else
                                     "psa_not_subscribed"))]
        brand, region, unknown = self._filters(rest)
        if unknown:
            brands = ", ".join(sorted({c.brand for c in self.knowledge.index.campaigns}))
            return [TextReply(text=t(lang, "psa_subscribe_unknown", words=unknown[:60],
                                     brands=brands))]
        await self.store.subscribe_channel(ChannelSubscription(
            inbound.platform, inbound.chat_id, group, brand, region, lang))
        what = " · ".join(x for x in (brand, self._where(region, lang).strip(" ()")) if x) \
            or t(lang, "psa_subscribe_everything")
        return [TextReply(text=t(lang, "psa_subscribed", what=what))]

    def _filters(self, words: str) -> tuple[str | None, str | None, str]:
        """(brand, region, words not understood) of `/psa subscribe anker us`."""
        brands = {c.brand.lower(): c.brand for c in self.knowledge.index.campaigns}
        text = words.strip()[:100]
        brand = next((name for low, name in sorted(brands.items(), key=lambda x: -len(x[0]))
                      if re.search(rf"(?<!\w){re.escape(low)}(?!\w)", text.lower())), None)
        rest = re.sub(re.escape(brand), " ", text, flags=re.IGNORECASE) if brand else text
        region: str | None = None
        leftovers: list[str] = []
        for word in rest.split():
            code = word.upper().strip(",.;")
            if code in REGIONS and code != "*" and region is None:
                region = code
            else:
                leftovers.append(word)
        if leftovers and region is None:  # "japan", "台灣": the understanding's region words
            found = understand(" ".join(leftovers), self.knowledge.index).region
            if found and found != "*":
                region, leftovers = found, []
        return brand, region, " ".join(leftovers)

    # -- helpers -------------------------------------------------------------------------------

    async def _state(self, inbound: Inbound) -> ConversationState:
        stored = await self.engine.store.load(inbound.key)
        return ConversationState.from_stored(stored.state if stored else None)

    async def _lang(self, inbound: Inbound) -> str:
        return self._lang_of(await self._state(inbound), inbound)

    @staticmethod
    def _lang_of(state: ConversationState, inbound: Inbound) -> str:
        """The conversation's language (as the engine chose it), else the platform's."""
        return choose_language(state.language, None, state.last_language, inbound.locale) \
            or from_locale(inbound.locale) or "en"


__all__ = ["Community", "psa_payload"]
