"""The conversation, as a pure function: (state, event) → (replies, new state). No I/O.

    idle ──model──▶ await_serial ──serial/skip──▶ await_region ──region──▶ verdict ──▶ idle
      ▲                 (only if a campaign            (only if campaigns or
      └── cancel / again  has a serial rule)             remedies differ by region)

See docs/conversation.md for the Mermaid diagram.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot import present
from bot.catalog import CATALOG, LANGUAGES
from bot.inbound import Inbound
from bot.language import parse_language
from bot.replies import Button, ChoiceReply, Reply, TextReply
from bot.state import ConversationState
from bot.tokens import STATEFUL, Action, parse
from bot.understanding import Intent, Understood, serial_only, understand
from knowledge import REGIONS, Knowledge, Verdict

# Models offered as buttons when asking for the model: the recalls people have most.
POPULAR_MODELS: tuple[str, ...] = ("A1263", "A1257", "A1647", "A1652", "A1681", "A1689")
TOPICS: frozenset[str] = frozenset({"remedy", "claim", "dispose", "contact", "safety", "models",
                                    "help"})
_REGION_CODES: set[str] = set(REGIONS)
MAX_ECHO = 40  # never repeat more than this many characters of what a user typed


@dataclass(frozen=True)
class CheckLog:
    model: str
    verdict: str
    region: str | None


@dataclass
class Turn:
    replies: list[Reply]
    state: ConversationState
    checks: list[CheckLog] = field(default_factory=list)
    forget: bool = False


@dataclass(frozen=True)
class Context:
    """What one step needs besides the state: the event, its language and the next version."""

    inbound: Inbound
    lang: str
    version: int  # the state version this turn will be saved as (stamped on stateful buttons)


def _await_model(state: ConversationState) -> None:
    """Asking for a model ends any check in progress, and drops its serial."""
    state.step = "await_model"
    state.model = None
    state.serial = None
    state.serial_skipped = False


def echo(text: str) -> str:
    """A short, single-line excerpt of user text, safe to repeat back."""
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_ECHO else flat[: MAX_ECHO - 1] + "…"


class Dialog:
    """Decides what to say. Holds the knowledge; everything else comes in as arguments."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge

    # ----- helpers ---------------------------------------------------------------------------

    def t(self, ctx: Context, msgid: str, /, **kwargs: object) -> str:
        return CATALOG.text(ctx.lang, msgid, **kwargs)

    def _button(self, ctx: Context, label: str, verb: str, arg: str | None = None) -> Button:
        version = ctx.version if verb in STATEFUL else None
        return Button(label=label, token=Action(verb, arg, version).pack())

    def _model_buttons(self, ctx: Context, models: list[str] | None = None) -> list[Button]:
        known = [m for m in (models or list(POPULAR_MODELS)) if self.knowledge.index.known_model(m)]
        buttons = [self._button(ctx, m, "pick", m) for m in known[:6]]
        buttons.append(self._button(ctx, self.t(ctx, "button_cant_find"), "nofind"))
        return buttons

    # ----- the guided check ------------------------------------------------------------------

    def ask_model(self, state: ConversationState, ctx: Context, greet: bool = False) -> Reply:
        _await_model(state)
        text = self.t(ctx, "ask_model")
        if greet:
            text = self.t(ctx, "greeting") + "\n\n" + text
        return ChoiceReply(text=text, buttons=self._model_buttons(ctx))

    def help_find_model(self, state: ConversationState, ctx: Context) -> Reply:
        _await_model(state)
        return ChoiceReply(text=self.t(ctx, "help_find_model"), buttons=self._model_buttons(ctx))

    def ask_serial(self, state: ConversationState, ctx: Context) -> Reply:
        assert state.model is not None
        state.step = "await_serial"
        product = self.knowledge.index.product(state.model)
        campaigns = self.knowledge.index.campaigns_for_model(state.model)
        where = next((c.serial_rule.where_printed.get(ctx.lang) for c in campaigns
                      if c.serial_rule.where_printed), self.t(ctx, "serial_where_default"))
        text = self.t(ctx, "ask_serial", model=state.model,
                      name=product.name if product else state.model, where=where)
        buttons = [self._button(ctx, self.t(ctx, "button_no_serial"), "noserial"),
                   self._button(ctx, self.t(ctx, "button_other_model"), "again")]
        if ctx.inbound.platform == "discord":  # Discord can open a form for it; elsewhere users type
            buttons.insert(0, self._button(ctx, self.t(ctx, "button_enter_serial"), "serial"))
        return ChoiceReply(text=text, buttons=buttons)

    def ask_region(self, state: ConversationState, ctx: Context) -> Reply:
        assert state.model is not None
        state.step = "await_region"
        regions: list[str] = []
        for campaign in self.knowledge.index.campaigns_for_model(state.model):
            for region in [*campaign.regions, *(r.region for r in campaign.remedies)]:
                if region != "*" and region not in regions:
                    regions.append(region)
        buttons = [self._button(ctx, present.region_name(r, ctx.lang), "region", r)
                   for r in regions[:7]]
        buttons.append(self._button(ctx, self.t(ctx, "button_region_other"), "region", "*"))
        return ChoiceReply(text=self.t(ctx, "ask_region", model=state.model), buttons=buttons)

    def needs_serial(self, state: ConversationState) -> bool:
        if state.model is None or state.serial or state.serial_skipped:
            return False
        campaigns = self.knowledge.index.campaigns_for_model(state.model)
        return any(c.serial_rule.match.kind != "all_units" for c in campaigns)

    def continue_check(self, state: ConversationState, ctx: Context) -> Turn:
        """Ask for whatever the check still needs, or give the verdict."""
        if state.model is None:
            return Turn([self.ask_model(state, ctx)], state)
        if ctx.inbound.chat_kind == "group":
            return Turn([self.continue_privately(ctx, state.model)], self._reset(state))
        if self.needs_serial(state):
            return Turn([self.ask_serial(state, ctx)], state)
        if state.region is None and self.knowledge.index.region_matters(state.model):
            return Turn([self.ask_region(state, ctx)], state)
        return self.give_verdict(state, ctx)

    def give_verdict(self, state: ConversationState, ctx: Context) -> Turn:
        assert state.model is not None
        result = self.knowledge.check(state.model, state.serial, state.region)
        card = present.verdict_card(self.knowledge, result, ctx.lang, ctx.version)
        log = CheckLog(result.model, result.verdict.value, state.region)
        replies: list[Reply] = [card]
        state.last_model = state.model
        state.last_verdict = result.verdict.value
        state.knowledge_version = self.knowledge.version
        wants_serial = result.verdict in (Verdict.SERIAL_INVALID, Verdict.SERIAL_NEEDED)
        model = state.model
        self._reset(state)
        if wants_serial:  # let them type (or enter) the serial without starting over
            state.model = model
            state.step = "await_serial"
            enter = self._button(ctx, self.t(ctx, "button_enter_serial"), "serial")
            replies[0] = card.model_copy(update={"buttons": [enter, *card.buttons]})
            replies.append(TextReply(text=self.t(ctx, "serial_retry")))
        elif state.queued_models:
            next_model = state.queued_models.pop(0)
            replies.append(TextReply(text=self.t(ctx, "next_unit", model=next_model)))
            state.model = next_model
            following = self.continue_check(state, ctx)
            replies += following.replies
        return Turn(replies, state, [log])

    def continue_privately(self, ctx: Context, model: str | None) -> Reply:
        payload = f"check-{model}" if model else "check"
        return TextReply(text=self.t(ctx, "group_continue_privately"), buttons=[
            Button(label=self.t(ctx, "ui_open_private_chat"), deep_link=payload)])

    def _reset(self, state: ConversationState) -> ConversationState:
        region = state.region
        state.reset_check()
        state.region = region
        return state

    def start_check(self, state: ConversationState, ctx: Context, model: str,
                    understood: Understood | None = None) -> Turn:
        state.reset_check()
        state.model = model
        if understood is not None:
            if understood.serial:
                state.serial = understood.serial
            if understood.region:
                state.region = understood.region
        return self.continue_check(state, ctx)

    # ----- entry points ----------------------------------------------------------------------

    def step(self, state: ConversationState, ctx: Context) -> Turn:
        inbound = ctx.inbound
        if inbound.action is not None:
            return self.on_action(state, ctx, inbound.action)
        if inbound.command is not None:
            return self.on_command(state, ctx, inbound.command, inbound.args)
        return self.on_text(state, ctx, inbound.text or "")

    def on_action(self, state: ConversationState, ctx: Context, token: str) -> Turn:
        action = parse(token)
        if action is None:
            return Turn([TextReply(text=self.t(ctx, "button_invalid")),
                         self.current_prompt(state, ctx)], state)
        stale = action.verb in STATEFUL and action.version is not None \
            and action.version != ctx.version - 1
        if stale:
            return Turn([TextReply(text=self.t(ctx, "button_stale")),
                         self.current_prompt(state, ctx)], state)
        verb, arg = action.verb, action.arg
        if verb == "pick" and arg and self.knowledge.index.known_model(arg):
            return self.start_check(state, ctx, self.knowledge.index.canonical_model(arg) or arg)
        if verb in ("check", "again"):
            state.reset_check()
            state.queued_models = [] if verb == "again" else state.queued_models
            if ctx.inbound.chat_kind == "group":
                return Turn([self.continue_privately(ctx, None)], state)
            return Turn([self.ask_model(state, ctx)], state)
        if verb == "nofind":
            return Turn([self.help_find_model(state, ctx)], state)
        if verb == "noserial" and state.model:
            state.serial_skipped = True
            state.serial = None
            return self.continue_check(state, ctx)
        if verb == "serial" and state.model:
            return Turn([self.ask_serial(state, ctx)], state)
        if verb == "region" and arg and (arg == "*" or arg in self._regions()):
            state.region = arg
            if state.model and state.step == "await_region":
                return self.continue_check(state, ctx)
            return Turn([TextReply(text=self.t(ctx, "region_noted",
                                               region=self._region_words(arg, ctx)))], state)
        if verb == "topic" and arg in TOPICS:
            return Turn(self.answer_topic(state, ctx, arg), state)
        if verb == "photo":  # issue 17: confirm or fix a label photo's reading
            from bot.photo.confirm import on_action as photo_action
            return photo_action(self, state, ctx, arg)
        if verb == "lang" and arg in LANGUAGES:
            state.language = arg
            return Turn([TextReply(text=CATALOG.text(arg, "language_set"))], state)
        return Turn([TextReply(text=self.t(ctx, "button_invalid")),
                     self.current_prompt(state, ctx)], state)

    def _region_code(self, args: str) -> str | None:
        """A region code given as a command argument ('/remedy A1257 TW')."""
        codes = self._regions()
        return next((w for w in args.upper().split() if w in codes and w != "*"), None)

    def _regions(self) -> set[str]:
        return _REGION_CODES

    def _region_words(self, region: str, ctx: Context) -> str:
        return self.t(ctx, "region_other") if region == "*" else present.region_name(region, ctx.lang)

    def current_prompt(self, state: ConversationState, ctx: Context) -> Reply:
        """Repeat the question the conversation is waiting on."""
        if state.step == "await_serial" and state.model:
            return self.ask_serial(state, ctx)
        if state.step == "await_region" and state.model:
            return self.ask_region(state, ctx)
        return self.ask_model(state, ctx)

    def on_command(self, state: ConversationState, ctx: Context, command: str, args: str) -> Turn:
        args = args.strip()[:200]
        if command == "start":
            match = re.fullmatch(r"check(?:-([A-Za-z0-9-]{2,24}))?", args)
            if match and match.group(1) and self.knowledge.index.known_model(match.group(1)):
                model = self.knowledge.index.canonical_model(match.group(1)) or match.group(1)
                return self.start_check(state, ctx, model)
            state.reset_check()
            if ctx.inbound.chat_kind == "group":
                return Turn([self.continue_privately(ctx, None)], state)
            return Turn([self.ask_model(state, ctx, greet=True)], state)
        if command == "check":
            if args:
                return self.on_text(state, ctx, args)
            state.reset_check()
            if ctx.inbound.chat_kind == "group":
                return Turn([self.continue_privately(ctx, None)], state)
            return Turn([self.ask_model(state, ctx)], state)
        if command in ("remedy", "dispose", "contact", "models", "help"):
            if args:
                understood = understand(args, self.knowledge.index)
                if understood.models:
                    state.last_model = understood.models[0]
                region = understood.region or self._region_code(args)
                if region:
                    state.region = region
            return Turn(self.answer_topic(state, ctx, command), state)
        if command == "psa":
            if ctx.inbound.chat_kind == "group" and not ctx.inbound.is_moderator:
                return Turn([TextReply(text=self.t(ctx, "psa_refused"))], state)
            return Turn([present.psa_card(self.knowledge, ctx.lang)], state)
        if command == "language":
            return self.choose_language(state, ctx, args)
        if command == "forget":
            return Turn([TextReply(text=self.t(ctx, "forgotten"))], ConversationState(), forget=True)
        if command == "cancel":
            state.reset_check()
            state.queued_models = []
            return Turn([TextReply(text=self.t(ctx, "cancelled"))], state)
        return Turn([TextReply(text=self.t(ctx, "unknown_command")),
                     self.help_reply(ctx)], state)

    def choose_language(self, state: ConversationState, ctx: Context, args: str) -> Turn:
        code = parse_language(args)  # 'ja', 'zh-tw', 'de-AT', 'Deutsch', '繁體中文'
        if code:
            state.language = code
            return Turn([TextReply(text=CATALOG.text(code, "language_set"))], state)
        buttons = [Button(label=CATALOG.text(lang, "language_name"),
                          token=Action("lang", lang).pack()) for lang in LANGUAGES]
        return Turn([ChoiceReply(text=self.t(ctx, "language_choose"), buttons=buttons)], state)

    def help_reply(self, ctx: Context) -> Reply:
        return TextReply(text=self.t(ctx, "help"))

    def answer_topic(self, state: ConversationState, ctx: Context, topic: str) -> list[Reply]:
        model = state.model or state.last_model
        k = self.knowledge
        if topic == "models":
            return [present.models_card(k, ctx.lang)]
        if topic == "help":
            return [self.help_reply(ctx)]
        if topic == "safety":
            return [present.safety_card(k, ctx.lang)]
        region = None if state.region == "*" else state.region
        if topic == "dispose":
            return [present.dispose_card(k, model, region, ctx.lang)]
        if model is None:
            state.pending_topic = topic
            state.step = "await_model"
            return [ChoiceReply(text=self.t(ctx, f"topic_{topic}_needs_model"),
                                buttons=self._model_buttons(ctx))]
        builders = {"remedy": present.remedy_card, "claim": present.claim_card,
                    "contact": present.contact_card}
        return [builders[topic](k, model, region, ctx.lang)]

    # ----- free text -------------------------------------------------------------------------

    def on_text(self, state: ConversationState, ctx: Context, text: str) -> Turn:
        if not text.strip():
            return Turn([self.current_prompt(state, ctx)], state)
        pressed = self.numbered_button(state, text)
        if pressed is not None:
            return pressed(state, ctx)
        understood = understand(text, self.knowledge.index)
        intents = understood.intents
        first: list[Reply] = []
        if Intent.EMERGENCY in intents:
            first.append(present.safety_card(self.knowledge, ctx.lang))
        turn = self._on_text(state, ctx, understood)
        turn.replies = first + turn.replies
        return turn

    def numbered_button(self, state: ConversationState, text: str) -> Callable[
            [ConversationState, Context], Turn] | None:
        """A message that is exactly N presses button N of the last turn (console, or typed)."""
        stripped = text.strip()
        if not (stripped.isdecimal() and len(stripped) <= 2):  # '①'.isdigit(), but int() fails
            return None
        number = int(stripped)
        if not 1 <= number <= len(state.last_buttons):
            return None
        target = state.last_buttons[number - 1]
        if target.startswith("start:"):
            return lambda s, c: self.on_command(s, c, "start", target.removeprefix("start:"))
        if target:
            return lambda s, c: self.on_action(s, c, target)
        return None

    def _on_text(self, state: ConversationState, ctx: Context, u: Understood) -> Turn:
        intents = u.intents
        group = ctx.inbound.chat_kind == "group"
        if Intent.INJECTION in intents:
            return Turn([TextReply(text=self.t(ctx, "injection_refused"))], state)
        if Intent.CANCEL in intents:
            return self.on_command(state, ctx, "cancel", "")
        if Intent.HELP in intents:
            return Turn([self.help_reply(ctx)], state)
        if group and u.serial:
            return Turn([self.continue_privately(ctx, u.models[0] if u.models else None)],
                        self._reset(state))
        if u.models:
            pending = state.pending_topic
            if (pending or self._asks_question_only(u)) and not group:
                state.reset_check()
                state.last_model = u.models[0]
                state.region = u.region or state.region
                replies = self._answer_intents(state, ctx, u) if not pending else []
                if pending in TOPICS:
                    replies += self.answer_topic(state, ctx, pending)
                return Turn(replies or [self.ask_model(state, ctx)], state)
            several = Intent.SEVERAL in intents or len(u.models) > 1
            state.queued_models = u.models[1:4] if several else []
            return self.start_check(state, ctx, u.models[0], u)
        if state.step == "await_serial" and state.model:
            serial = u.serial or serial_only(u.text)
            if serial:
                state.serial = serial
                if u.region:
                    state.region = u.region
                return self.continue_check(state, ctx)
        if state.step == "await_region" and state.model and u.region:
            state.region = u.region
            return self.continue_check(state, ctx)
        if u.unknown_models:
            result = self.knowledge.check(u.unknown_models[0], None, u.region)
            card = present.verdict_card(self.knowledge, result, ctx.lang, ctx.version)
            return Turn([card], state, [CheckLog(result.model, result.verdict.value, u.region)])
        if u.region:
            state.region = u.region
        replies = self._answer_intents(state, ctx, u)
        if replies:
            return Turn(replies, state)
        if u.region:
            if state.step == "idle" and state.last_model:
                return Turn(self.answer_topic(state, ctx, "remedy"), state)
            return Turn([TextReply(text=self.t(ctx, "region_noted",
                                               region=self._region_words(u.region, ctx))),
                         self.current_prompt(state, ctx)], state)
        if Intent.EMERGENCY in intents:  # the safety card already answers it
            return Turn([], state)
        return Turn([self.not_understood(state, ctx, u)], state)

    def _asks_question_only(self, u: Understood) -> bool:
        """'What do I get for my A1263?' is a question, not the start of a check."""
        questions = {Intent.REMEDY, Intent.COMPARE, Intent.CLAIM, Intent.PHOTOS, Intent.RECEIPT,
                     Intent.SEND_BACK, Intent.DISPOSE, Intent.CONTACT, Intent.KEEP_USING}
        return bool(u.intents & questions) and not u.serial

    def _answer_intents(self, state: ConversationState, ctx: Context, u: Understood) -> list[Reply]:
        """Direct answers to questions, most urgent first; at most three replies."""
        intents = u.intents
        replies: list[Reply] = []
        simple = [
            (Intent.KEEP_USING, "answer_keep_using"), (Intent.FLIGHT, "answer_flight"),
            (Intent.CHECKER_SAYS_NO, "answer_checker_says_no"),
            (Intent.ALREADY_CLAIMED, "answer_already_claimed"), (Intent.SCAM, "answer_scam"),
            (Intent.DELIVERY_TIME, "answer_delivery_time"), (Intent.DEADLINE, "answer_deadline"),
            (Intent.SEVERAL, "answer_several"), (Intent.OTHER_BRAND, "answer_other_brand"),
        ]
        for intent, msgid in simple:
            if intent in intents:
                replies.append(TextReply(text=self.t(ctx, msgid)))
        if Intent.KEEP_USING in intents:
            replies.append(TextReply(text=self.knowledge.guidance.stop_using.text.get(ctx.lang)))
        if Intent.UNREADABLE in intents:
            if state.step == "await_serial" and state.model:
                replies.append(self.ask_serial(state, ctx))
                replies.insert(-1, TextReply(text=self.t(ctx, "help_unreadable_serial")))
            else:
                replies.append(self.help_find_model(state, ctx))
        topic_for = [
            ({Intent.REMEDY, Intent.COMPARE}, "remedy"),
            ({Intent.CLAIM, Intent.PHOTOS, Intent.RECEIPT, Intent.SEND_BACK}, "claim"),
            ({Intent.DISPOSE}, "dispose"),
            ({Intent.CONTACT}, "contact"),
        ]
        for wanted, topic in topic_for:
            if intents & wanted:
                replies += self.answer_topic(state, ctx, topic)
        if Intent.MODELS in intents:
            replies.append(present.models_card(self.knowledge, ctx.lang))
        if Intent.IS_RECALLED in intents and not replies:
            replies.append(self.ask_model(state, ctx))
        if not replies:
            for intent, msgid in ((Intent.HOSTILE, "answer_hostile"),
                                  (Intent.OFF_TOPIC, "answer_off_topic"),
                                  (Intent.THANKS, "answer_thanks")):
                if intent in intents:
                    replies.append(TextReply(text=self.t(ctx, msgid)))
                    break
            if Intent.GREETING in intents and not replies:
                replies.append(self.ask_model(state, ctx, greet=True))
        return replies[:4]

    def not_understood(self, state: ConversationState, ctx: Context, u: Understood) -> Reply:
        """Garbage or a fragment: say so, and offer the likeliest models if a piece looks like one."""
        if state.step == "await_serial" and state.model:
            return ChoiceReply(text=self.t(ctx, "serial_not_understood", model=state.model),
                               buttons=self.ask_serial(state, ctx).buttons)
        suggestions = [n.product.model for n in u.names]
        for fragment in u.fragments:
            digits = re.sub(r"\D", "", fragment)
            hits = process.extract(fragment, self.knowledge.index.models, scorer=fuzz.partial_ratio,
                                   limit=3, score_cutoff=85)
            for model, _, _ in hits:
                if digits and digits in model and model not in suggestions:
                    suggestions.append(model)
        if suggestions:
            return ChoiceReply(text=self.t(ctx, "did_you_mean", text=echo(u.text)),
                               buttons=self._model_buttons(ctx, suggestions[:4]))
        return ChoiceReply(text=self.t(ctx, "not_understood"), buttons=self._model_buttons(ctx))
