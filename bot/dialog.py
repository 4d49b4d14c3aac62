"""The conversation, as a pure function: (state, event) → (replies, new state). No I/O.

    idle ──model──▶ [await_region] ──▶ [await_serial] ──▶ verdict ──▶ idle
      ▲               (only if remedies      (only if a serial rule
      └── cancel        differ by region)      can decide)

Free text goes through one visible table of rules (POLICY, below): safety first, then the answer
to what was asked (narrowed by the model and region of this message or the conversation), then
whatever the open check still needs. See docs/conversation.md and docs/understanding.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from bot import answers, flights, present
from bot.catalog import CATALOG, DEFAULT_LANGUAGE, LANGUAGES
from bot.echo import echo  # URLs in echoes are defanged (issue #18)
from bot.inbound import Inbound
from bot.language import parse_language
from bot.lexicon import (
    ASKING_WORD,
    ASKS_WHAT_NOW,
    LABEL_SAYS,
    NEXT_UNIT,
    PLACE_UNKNOWN,
    SEVERAL,
    WHAT_NOW,
)
from bot.questions import PARTS, Question, by_command, by_id
from bot.replies import (
    Button,
    ChoiceReply,
    InfoCard,
    PsaCard,
    Reply,
    SafetyCard,
    Section,
    TextReply,
    VerdictCard,
)
from bot.state import ConversationState
from bot.tokens import STATEFUL, Action, parse
from bot.understanding import CLAUSE_ALONE, Understood, lead, serial_only, understand
from knowledge import REGIONS, Knowledge, Verdict
from knowledge.normalise import model_key
from knowledge.serial_rules import evaluate_part, evaluate_serial

# Models offered as buttons when asking for the model: the recalls people have most.
POPULAR_MODELS: tuple[str, ...] = ("A1263", "A1257", "A1647", "A1652", "A1681", "A1689")
# What a message that gives a place or a serial is read as asking, besides giving it.
_GIVING_NOT_ASKING = frozenset({"region_coverage", "is_recalled", "model_only", "serial_format"})
# Topic tokens of older buttons (still in chats after an upgrade) → today's question ids.
TOPIC_ALIASES: dict[str, str] = {"claim": "claim_how", "models": "models_list", "safety": "safety"}
# Question types that are about the check itself rather than a fact to answer.
CHECK_REQUESTS: frozenset[str] = frozenset({"is_recalled", "model_only"})
# Greetings and thanks are answered only when nothing else in the message needs an answer.
SOCIAL: frozenset[str] = frozenset({"greeting", "thanks", "help"})
# Questions of people past the check (they claimed, or the unit is gone): a model they name is
# not checked again after the answer.
AFTER_THE_CLAIM: frozenset[str] = frozenset({"claim_no_reply", "already_claimed",
                                             "already_disposed", "deadline", "scam",
                                             "checker_says_no"})
# Answer parts that differ by country: a question built of them waits for the country when the
# check is about to ask it.
COUNTRY_PARTS: frozenset[str] = frozenset({"remedy", "claim_steps", "claim_photos",
                                           "proof_of_purchase", "unit_fate", "contact"})
MAX_MODELS = 4  # models checked one after another from one message
MAX_ANSWERS = 2  # question types answered from one message
_REGION_CODES: set[str] = set(REGIONS)


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
    rule: str = ""  # the policy rule that decided a free-text turn (for tests and the evaluation)


@dataclass(frozen=True)
class Context:
    """What one step needs besides the state: the event, its language and the next version."""

    inbound: Inbound
    lang: str
    version: int  # the state version this turn will be saved as (stamped on stateful buttons)

    @property
    def group(self) -> bool:
        return self.inbound.chat_kind == "group"





# ----- the policy: one table, read top to bottom ------------------------------------------------
# Each rule's `act` returns a Turn (the answer is complete) or None (go on to the next rule); it
# may add replies to `pending` (the safety card) that lead whatever comes after.

Act = Callable[["Dialog", ConversationState, Context, Understood, list[Reply]], Turn | None]


@dataclass(frozen=True)
class Rule:
    name: str
    applies: Callable[[ConversationState, Context, Understood], bool]
    act: Act


_RUN = re.compile(r"[A-Za-z0-9]{5,}")


def _code_like(text: str) -> bool:
    """A run of five or more letters and digits with a digit in it: what a mistyped serial
    looks like ("38472/F4K9"), not a question. (A loop over runs: linear on any input.)"""
    return any(any(c.isdigit() for c in run.group(0)) for run in _RUN.finditer(text))


@lru_cache(maxsize=1024)
def _regions_of_model(knowledge: Knowledge, model: str) -> tuple[str, ...]:
    """The countries a model's recalls and remedies name, in order (at most 7 buttons)."""
    regions: list[str] = []
    for campaign in knowledge.index.campaigns_for_model(model):
        for region in [*campaign.regions, *(r.region for r in campaign.remedies)]:
            if region != "*" and region not in regions:
                regions.append(region)
    return tuple(regions[:7])


_PREVIEWS: dict[tuple[int, str], tuple[VerdictCard, list[Section]]] = {}


def _preview_sections(card: VerdictCard, asked: str, prompt: str) -> list[Section]:
    """A preview's sections: the verdict card's without the line the prompt asks again, and
    the prompt. The same list object for the same (cached) card and prompt, so the truth guard
    checks it once; a card that shows a serial is never kept (no serial outlives its turn)."""
    key = (id(card), prompt)
    found = _PREVIEWS.get(key)
    if found is not None and found[0] is card:
        return found[1]
    sections = [Section(heading=s.heading, lines=[line for line in s.lines if line != asked],
                        links=s.links) for s in card.sections] + [Section(lines=[prompt])]
    if card.private:
        return sections
    if len(_PREVIEWS) >= 2048:
        del _PREVIEWS[next(iter(_PREVIEWS))]
    _PREVIEWS[key] = (card, sections)  # (the card kept alive: its id stays its own)
    return sections


@lru_cache(maxsize=1024)
def _platform_msgid(msgid: str, platform: str) -> str:
    """`msgid_<platform>` where the catalog has that variant, else `msgid` (the catalog is
    fixed for the process's life)."""
    variant = f"{msgid}_{platform}"
    return variant if CATALOG.has(DEFAULT_LANGUAGE, variant) else msgid


_CONTACT_TOKEN = Action("topic", "contact").pack()  # (a topic token carries no version)


def _names_contacts(button: Button) -> bool:
    """The 'Who to contact' button a card's text may point to (kept when cards are merged)."""
    return button.token == _CONTACT_TOKEN


def _without_prompt(card: Reply) -> Reply:
    """A model preview without the check's question at its end (asked again further down)."""
    if not isinstance(card, VerdictCard) or len(card.sections) < 2:
        return card
    return card.model_copy(update={
        "sections": card.sections[:-1], "about": tuple(a for a in card.about if a == "verdict"),
        "buttons": [b for b in card.buttons if b.url or _names_contacts(b)]})


def _naming_models(reply: Reply, model: str, brand: str, models: tuple[str, ...]) -> Reply:
    """A card built for one of a brand's models, retitled for all of them (same recall)."""
    named = f"{brand} {'/'.join(models)}" if len(models) <= 4 else brand
    alone = re.compile(rf"(?<![A-Za-z0-9]){re.escape(model)}(?![A-Za-z0-9])")  # not in 2G505B

    def rename(text: str) -> str:
        return alone.sub(lambda _: named, text)

    update: dict[str, object] = {}
    title = getattr(reply, "title", None)
    if isinstance(title, str) and alone.search(title):
        update["title"] = rename(title)
    if isinstance(reply, InfoCard) and any(alone.search(line) for s in reply.sections
                                           for line in s.lines):
        update["sections"] = [s.model_copy(update={"lines": [rename(line) for line in s.lines]})
                              for s in reply.sections]
    if isinstance(reply, TextReply) and alone.search(reply.text):
        update["text"] = rename(reply.text)
    return reply.model_copy(update=update) if update else reply


def _parts_not_yet_said(said: list[Reply], more: list[Reply]) -> list[Reply]:
    """`more` without the answer parts `said` already carries: one contacts card per message
    ("no reply? who do I contact?" answers both questions with the same card)."""
    given = {r.about[1] for r in said if len(r.about) > 1}
    lines = _card_lines(said)
    return [r for r in more if not (len(r.about) > 1 and r.about[1] in given
                                    and r.about[1] in PARTS) and not _says_nothing_new(r, lines)]


def _without_remedy_summary(replies: list[Reply], lang: str) -> list[Reply]:
    """The verdict's one-line "What you get (US): …" when the full remedy card is in the same
    message: said once, in full (the owner asked "refund or replacement?")."""
    if not any(isinstance(r, VerdictCard) for r in replies) or not any(
            isinstance(r, InfoCard) and r.topic == "remedy" for r in replies):
        return replies
    lead = _remedy_summary_lead(lang)
    return [r.model_copy(update={"sections": [
        s.model_copy(update={"lines": [line for line in s.lines if not line.startswith(lead)]})
        for s in r.sections]}) if isinstance(r, VerdictCard) else r for r in replies]


@lru_cache(maxsize=16)
def _remedy_summary_lead(lang: str) -> str:
    """The words a verdict's "What you get (…): …" line starts with, in `lang`."""
    return CATALOG.text(lang, "remedy_summary", region="\0", options="").split("\0")[0]


def _card_lines(replies: list[Reply]) -> set[str]:
    """Every line the info cards among `replies` say."""
    return {line for r in replies if isinstance(r, InfoCard) for s in r.sections for line in s.lines}


def _says_nothing_new(reply: Reply, said: set[str]) -> bool:
    """A card every line of which an earlier card of the same message said (the checker card
    after "which serials are included" repeats its "send me the serial" line)."""
    own = [line for s in reply.sections for line in s.lines] if isinstance(reply, InfoCard) else []
    return bool(own) and all(line in said for line in own)


# While the country is awaited, a message naming none that the matcher reads this weakly is an
# answer that missed ("I bought it last October"), not a new question: the country is asked again.
AWAITED_OVER = 0.5
# … unless it asks something (a question mark) that the matcher reads at least this surely:
# "¿y me devuelven el dinero aunque no tenga el ticket?" is a receipt question, not a missed answer.
AWAITED_QUESTION = 0.3


def _asks_something(u: Understood) -> bool:
    """A question of its own ("do I need the receipt?"), not "so what do I do now?"."""
    return bool(u.ranked) and u.ranked[0].question not in SOCIAL \
        and WHAT_NOW.search(u.text) is None \
        and ("?" in u.text or "？" in u.text or ASKING_WORD.search(u.text) is not None)
PLACE_ALONE_MAX = 40  # characters: a longer message that names a place asks something


def _with_pending(pending: list[Reply], turn: Turn) -> Turn:
    return Turn([*pending, *turn.replies], turn.state, turn.checks)


# A batch code as Romoss prints them in its notice ("C14-P6"), written in a message.
BATCH_CODE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]\d{2})\s?-\s?([A-Za-z]\d)(?![A-Za-z0-9])")


_MODEL_BATCHES = re.compile(r"(?<![A-Za-z0-9-])([A-Z0-9][A-Z0-9-]{2,15}):\s{0,3}([^;:]{1,400})")


@lru_cache(maxsize=64)
def _listed_batches(listed_text: str) -> dict[str, frozenset[str]]:
    """The batch codes a notice lists, by model, read from its English list ("Affected batches:
    PAC20-272: C14-P6/P7, M14-P6/P7; PAC20-392: …" → {"PAC20-272": {"C14-P6", "C14-P7", …}})."""
    listed: dict[str, frozenset[str]] = {}
    for model, codes in _MODEL_BATCHES.findall(listed_text):
        found: set[str] = set()
        for code in codes.split(","):
            head, _, tails = code.strip().rstrip(".").partition("-")
            found.update(f"{head}-{tail}".upper() for tail in tails.split("/") if head and tail)
        listed[model] = frozenset(found)
    return listed


def _awaits_region(state: ConversationState) -> bool:
    """The last turn asked where the device was bought (for the check, or for a question)."""
    return state.step == "await_region" or (
        state.pending_question is not None and state.step == "idle" and state.last_model is not None)


def _check_open(state: ConversationState) -> bool:
    return state.model is not None and state.step in ("await_serial", "await_region")


POLICY: tuple[Rule, ...] = (
    Rule("refuse prompt injection", lambda s, c, u: u.injection,
         lambda d, s, c, u, p: Turn([ChoiceReply(text=d.t(c, "injection_refused"),
                                                 buttons=d._model_buttons(c),
                                                 about=("injection", "ask_model"))], s)),
    Rule("cancel", lambda s, c, u: u.reflex == "cancel",
         lambda d, s, c, u, p: d.on_command(s, c, "cancel", "")),
    Rule("a serial in a group goes to a private chat", lambda s, c, u: c.group and bool(u.serial),
         lambda d, s, c, u, p: Turn([d.continue_privately(c, u.models[0] if u.models else None)],
                                    d.reset(s))),
    Rule("safety first", lambda s, c, u: u.safety, lambda d, s, c, u, p: d.add_safety(c, p)),
    Rule("a region in this message beats the stored one", lambda s, c, u: u.region is not None,
         lambda d, s, c, u, p: d.take_region(s, u)),
    Rule("the next of the models named", lambda s, c, u: bool(s.queued_models) and not u.models
         and NEXT_UNIT.search(u.text) is not None,
         lambda d, s, c, u, p: d.next_queued(s, c, u, p)),
    Rule("the country asked for, not given", lambda s, c, u: _awaits_region(s) and not u.region
         and not u.models and not u.serial and not u.safety and not u.reflex
         and not u.serial_part
         and (not u.ranked or u.ranked[0].score < AWAITED_OVER)
         and not (u.ranked and u.ranked[0].score >= AWAITED_QUESTION and _asks_something(u)),
         lambda d, s, c, u, p: d.ask_region_again(s, c, p, u)),
    Rule("a model its notice names as not included", lambda s, c, u: bool(u.not_included)
         and not u.models, lambda d, s, c, u, p: Turn([*p, d.not_included(c, u)], s)),
    Rule("a series name is not a model number", lambda s, c, u: bool(u.series) and not u.models,
         lambda d, s, c, u, p: d.add_series_note(c, u, p)),
    Rule("a place or a serial while choosing among models", lambda s, c, u: bool(s.candidates)
         and not u.models and not c.group and (u.region is not None or bool(u.serial))
         and not (u.suggestions and not set(u.suggestions) & set(s.candidates))  # other models
         and set(d_questions(u, s)) <= _GIVING_NOT_ASKING,
         lambda d, s, c, u, p: d.choose_again(s, c, u, p)),
    Rule("part of a serial, read against a published rule", lambda s, c, u: bool(u.serial_part)
         and not c.group, lambda d, s, c, u, p: d.add_serial_part(s, c, u, p)),
    Rule("the serial asked for, typed alone", lambda s, c, u: s.step == "await_serial"
         and _check_open(s) and not u.models and not u.serial and not u.region and not c.group
         and not _asks_something(u) and serial_only(u.text) is not None,  # "ABCD 1234 EFGH 5678"
         lambda d, s, c, u, p: d.fill_check(s, c, u, p)),  # (read by the matcher as "typing")
    Rule("answer what was asked", lambda s, c, u: bool(d_questions(u, s)),
         lambda d, s, c, u, p: d.answer_questions(s, c, u, p)),
    Rule("give the open check what it waited for", lambda s, c, u: _check_open(s),
         lambda d, s, c, u, p: d.fill_check(s, c, u, p)),
    Rule("part of a serial while the check waits", lambda s, c, u: bool(u.serial_part)
         and _check_open(s) and not u.models,  # "starts with 35S" while the country is asked:
         lambda d, s, c, u, p: Turn([*p, d.reprompt_or_prompt(s, c)], s)),  # said, then asked
    Rule("check the models named", lambda s, c, u: bool(u.models),
         lambda d, s, c, u, p: d.check_models(s, c, u, p)),
    Rule("a serial for the model spoken of", lambda s, c, u: bool(u.serial) and not u.models
         and s.last_model is not None and not c.group,
         lambda d, s, c, u, p: _with_pending(p, d.start_check(s, c, s.last_model or "", u))),
    Rule("a model number no recall names", lambda s, c, u: bool(u.unknown_models),
         lambda d, s, c, u, p: d.unknown_model(s, c, u, p)),
    Rule("did you mean this model", lambda s, c, u: bool(u.suggestions),
         lambda d, s, c, u, p: d.did_you_mean_model(s, c, u, p)),
    Rule("a question waiting for its region", lambda s, c, u: bool(s.pending_question and u.region),
         lambda d, s, c, u, p: d.answer_pending(s, c, u, p)),
    Rule("a place alone", lambda s, c, u: u.region is not None
         and not (u.unsure and len(u.masked) > PLACE_ALONE_MAX),  # else: a question, unsure
         lambda d, s, c, u, p: d.region_noted(s, c, u, p)),
    Rule("the safety steps said it all", lambda s, c, u: u.safety and not u.confident,
         lambda d, s, c, u, p: d.safety_only(s, c, p)),
    Rule("did you mean this question", lambda s, c, u: u.unsure,
         lambda d, s, c, u, p: d.did_you_mean_question(s, c, u, p)),
    Rule("not understood", lambda s, c, u: True,
         lambda d, s, c, u, p: Turn([*p, d.not_understood(s, c, u)], s)),
)


def _asked_once(replies: list[Reply]) -> list[Reply]:
    """The check's question asked once in a turn: an answer given mid-check may end with it
    and the turn's re-prompt add it again ("A1257 … is in a recall. Now the serial number: …",
    then "When you have it, send the serial"); the first, which says where to look, stays."""
    seen: set[str] = set()
    kept: list[Reply] = []
    for reply in replies:
        steps = {"ask_serial", "ask_region"} & set(reply.about) if isinstance(reply, ChoiceReply) \
            else set()
        if steps & seen:
            continue
        seen |= steps
        kept.append(reply)
    return kept


def _leave_model_choice(state: ConversationState) -> None:
    """No model is awaited any more: a serial typed ahead for the models offered goes with the
    choice (no raw serial is kept outside a live check; found by tests/reliability/test_fuzz)."""
    state.step = "idle"
    state.serial = None
    state.candidates = []


def _speak_of(state: ConversationState, model: str) -> None:
    """The model the conversation now speaks of; its last verdict is only kept for it."""
    if state.last_model != model:
        state.last_verdict = None
    state.last_model = model


def d_questions(u: Understood, state: ConversationState | None = None) -> list[str]:
    """The question types of a message that the policy answers.

    `model_only` is no question (the entity rules act on it), and "is mine recalled?" with a
    model in the message is the check itself — as it is while a check is open ("is it affected?
    bought it in Taiwan" answers the country question), and "does it cover Taiwan?" when the
    check waits for the country and the message names one.
    """
    key = (state.step, state.pending_question, state.model) if state is not None else None
    if u.asked_for is not None and u.asked_for[0] == key:  # the policy's test, then its action
        return list(u.asked_for[1])
    asked = _d_questions(u, state)
    u.asked_for = (key, tuple(asked))
    return asked


def _d_questions(u: Understood, state: ConversationState | None) -> list[str]:
    named = bool(u.models or u.suggestions or u.unknown_models)
    checking = state is not None and _check_open(state)
    answering_region = checking and state is not None and state.step == "await_region" \
        and u.region is not None
    answering_serial = checking and state is not None and u.serial is not None  # (typed ahead
    # while the country is asked, too: "serial is 000K21")
    # "does the recall cover the A1642 I got at Target?" asks for the check, where it was bought
    # (one country: "美国那个召回跟我有关系吗", bought in Shanghai, asks about another's recall)
    checked_there = bool(u.models) and u.region is not None and len(u.regions) == 1 \
        and u.questions[:1] == ["is_recalled"]
    asked = [q for q in u.questions if q != "model_only"
             and not (q == "is_recalled" and (named or checking))
             and not (q == "region_coverage" and (answering_region or checked_there))
             and not (q == "serial_format" and answering_serial)  # "the serial is …": the check
             and not (q == "find_label" and u.serial)  # "the back says … SN code …": found it
             and not (q == "find_label" and u.models and LABEL_SAYS.search(u.text)
                      and u.questions[:1] != ["find_label"])  # "the label on the bottom says
             # A1263. Do I mail it back?": read already (not "…says A1652, which is the serial?")
             and not (q in ("find_label", "serial_format") and u.serial_part)  # "the label says
             # BS-30KP365 and the serial ends in D": read against the rule, not asked
             and not (q == "serial_ranges" and u.serial and u.models)  # its verdict answers it
             and not (q == "several_units" and len(u.models) == 1  # one model named: one
                      and not SEVERAL.search(u.text.lower()))      # unit, unless "two A1647s"
             and not (q == "several_units" and len(u.models) + len(u.unknown_models) >= 2
                      and {"is_recalled", "models_list"} & set(u.questions))  # "which of
             # these are recalled?": each named model is checked (no "send them one by one")
             and not (q == "models_list" and len(u.models) >= 2)]  # "which of these…": them
    if not asked and u.already_checked and len(u.models) == 1 and "is_recalled" in u.questions:
        asked = ["claim_how"]  # "输SN查了显示在召回范围，拿去小米之家能退钱吗？": checked, so how
    if answering_region and not _asks_something(u) and not u.safety \
            and (not u.ranked or u.ranked[0].score < AWAITED_OVER):
        asked = []  # "I'm in texas, got it direct from casely's own site": the answer, no question
    if named or u.serial or u.region or any(q not in SOCIAL for q in asked):
        asked = [q for q in asked if q not in SOCIAL]  # "Hi, I have an A1263": the model speaks
    waited = state is not None and (bool(state.pending_question) or answering_region)
    if named or u.serial or (u.region and waited):  # "we're in the US" answers the question
        asked = [q for q in asked if q != "off_topic"]  # asked; "weather in Denver?" is chat
    return asked


class Dialog:
    """Decides what to say. Holds the knowledge; everything else comes in as arguments."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge

    # ----- helpers ---------------------------------------------------------------------------

    def t(self, ctx: Context, msgid: str, /, **kwargs: object) -> str:
        """A catalog message, in the platform's own wording where the catalog has one
        (`help_discord` lists /recall commands; `ask_serial_discord` points to the private form)."""
        return CATALOG.text(ctx.lang, _platform_msgid(msgid, ctx.inbound.platform), **kwargs)

    def _button(self, ctx: Context, label: str, verb: str, arg: str | None = None) -> Button:
        version = ctx.version if verb in STATEFUL else None
        return Button(label=label, token=Action(verb, arg, version).pack())


    def _model_buttons(self, ctx: Context, models: list[str] | None = None) -> list[Button]:
        known = [m for m in (models or list(POPULAR_MODELS)) if self.knowledge.index.known_model(m)]
        buttons = [self._button(ctx, m, "pick", m) for m in known[:6]]
        buttons.append(self._button(ctx, self.t(ctx, "button_cant_find"), "nofind"))
        return buttons

    def reset(self, state: ConversationState) -> ConversationState:
        """End the check in progress (and drop its serial); keep the region and the context."""
        region = state.region
        state.reset_check()
        state.region = region
        return state

    # ----- the guided check ------------------------------------------------------------------

    def ask_model(self, state: ConversationState, ctx: Context, greet: bool = False) -> Reply:
        state.step = "await_model"
        state.model = None
        state.serial = None
        state.serial_skipped = False
        text = self.t(ctx, "ask_model")
        if greet:
            text = self.t(ctx, "greeting") + "\n\n" + text
        of_brand = self.knowledge.index.brand_models(state.brand) if state.brand else []
        return ChoiceReply(text=text, buttons=self._model_buttons(ctx, of_brand or None),
                           about=("ask_model",))

    def help_find_model(self, state: ConversationState, ctx: Context) -> Reply:
        self.ask_model(state, ctx)
        return ChoiceReply(text=self.t(ctx, "help_find_model"), buttons=self._model_buttons(ctx))

    def ask_serial(self, state: ConversationState, ctx: Context) -> Reply:
        assert state.model is not None
        state.step = "await_serial"
        product = self.knowledge.index.product(state.model)
        campaigns = self.knowledge.index.campaigns_for_model(state.model)
        where = next((printed.get(ctx.lang) for c in campaigns  # (a notice's batch codes too)
                      if (printed := c.serial_rule.where_printed
                          or c.serial_rule.published_batches)),
                     self.t(ctx, "serial_where_default"))
        text = self.t(ctx, "ask_serial", model=state.model,
                      name=product.name if product else state.model, where=where)
        buttons = [self._button(ctx, self.t(ctx, "button_no_serial"), "noserial"),
                   self._button(ctx, self.t(ctx, "button_other_model"), "again")]
        if ctx.inbound.platform == "discord":  # Discord can open a form for it; elsewhere users type
            buttons.insert(0, self._button(ctx, self.t(ctx, "button_enter_serial"), "serial"))
        return ChoiceReply(text=text, buttons=buttons, about=("ask_serial",))

    def _region_buttons(self, ctx: Context, model: str) -> list[Button]:
        buttons = [self._button(ctx, present.region_name(r, ctx.lang), "region", r)
                   for r in _regions_of_model(self.knowledge, model)]
        buttons.append(self._button(ctx, self.t(ctx, "button_region_other"), "region", "*"))
        return buttons

    def ask_region(self, state: ConversationState, ctx: Context) -> Reply:
        assert state.model is not None
        state.step = "await_region"
        return ChoiceReply(text=self.t(ctx, "ask_region", model=state.model),
                           buttons=self._region_buttons(ctx, state.model), about=("ask_region",))

    def needs_serial(self, state: ConversationState) -> bool:
        """Ask for the serial unless every campaign covers all units.

        Where only the manufacturer's checker decides (most Anker recalls) the serial is still
        asked for: its length and look-alike letters are checked and the cleaned serial shown,
        the typos behind most "the checker says no" questions (the prompt can be skipped).
        """
        if state.model is None or state.serial or state.serial_skipped:
            return False
        campaigns = self.knowledge.index.campaigns_for_model(state.model)
        return any(c.serial_rule.match.kind != "all_units" for c in campaigns)

    def continue_check(self, state: ConversationState, ctx: Context) -> Turn:
        """Ask for whatever the check still needs (the country first), or give the verdict."""
        if state.model is None:
            return Turn([self.ask_model(state, ctx)], state)
        if ctx.group:
            return Turn([self.continue_privately(ctx, state.model)], self.reset(state))
        index = self.knowledge.index
        if state.region is None and self.country_decides(state.model):
            ask = self.ask_region(state, ctx)  # a serial given waits for the country: say
            if state.serial:                   # where the model is recalled, then ask it
                published = self.serial_rule_published(state.model)
                ask = self.model_preview(state.model, None, ctx, ask,  # (checked against a
                                         state.serial if published else None)  # published rule)
            return Turn([ask], state)
        if state.serial and state.region is None:  # recalled everywhere: the serial decides
            turn = self.give_verdict(state, ctx)   # now; the country follows, for the remedy
            turn.replies += self.remedy_region_prompt(turn, ctx)
            return turn
        if state.region not in (None, "*") and not index.campaigns_for(state.model, state.region)[0]:
            return self.give_verdict(state, ctx)  # no campaign there: the serial cannot matter
        if self.needs_serial(state):
            return Turn([self.ask_serial(state, ctx)], state)
        if state.region is None and index.region_matters(state.model):
            turn = self.give_verdict(state, ctx)  # recalled everywhere: the country only
            turn.replies += self.remedy_region_prompt(turn, ctx)  # changes what you get
            return turn
        return self.give_verdict(state, ctx)

    def serial_rule_published(self, model: str) -> bool:
        """A recall of the model publishes which serials it covers: a serial can be checked
        here before the country is known."""
        return any(c.serial_rule.match.kind in answers.PUBLISHED_RULES
                   for c in self.knowledge.index.campaigns_for_model(model))

    def country_decides(self, model: str) -> bool:
        """Ask what decides first: where no campaign covers every country, the country decides
        whether the model is recalled at all, so it is asked before the serial; where one does
        (the June 2025 recall), the serial decides and the country only changes the remedy."""
        return not any("*" in c.regions for c in self.knowledge.index.campaigns_for_model(model))

    def give_verdict(self, state: ConversationState, ctx: Context) -> Turn:
        assert state.model is not None
        result = self.knowledge.check(state.model, state.serial, state.region)
        card = present.verdict_card(self.knowledge, result, ctx.lang, ctx.version)
        card = card.model_copy(update={"about": ("verdict",)})
        log = CheckLog(result.model, result.verdict.value, state.region)
        replies: list[Reply] = [card]
        state.last_model = state.model
        state.last_verdict = result.verdict.value
        state.knowledge_version = self.knowledge.version
        wants_serial = result.verdict in (Verdict.SERIAL_INVALID, Verdict.SERIAL_NEEDED)
        model = state.model
        self.reset(state)
        if wants_serial:  # let them type (or enter) the serial without starting over
            state.model = model
            state.step = "await_serial"
            enter = self._button(ctx, self.t(ctx, "button_enter_serial"), "serial")
            about = ("verdict", "serial_format") if result.verdict == Verdict.SERIAL_INVALID \
                else ("verdict",)  # the card says what is wrong with the serial typed
            replies[0] = card.model_copy(update={"buttons": [enter, *card.buttons], "about": about})
            replies.append(TextReply(text=self.t(ctx, "serial_retry"), about=("ask_serial",)))
        elif state.queued_models:
            next_model = state.queued_models.pop(0)
            replies.append(TextReply(text=self.t(ctx, "next_unit", model=next_model)))
            state.model = next_model
            state.serial = None
            following = self.continue_check(state, ctx)
            replies += following.replies
            return Turn(replies, state, [log, *following.checks])
        return Turn(replies, state, [log])

    def continue_privately(self, ctx: Context, model: str | None) -> Reply:
        payload = f"check-{model}" if model else "check"
        return TextReply(text=self.t(ctx, "group_continue_privately"), buttons=[
            Button(label=self.t(ctx, "ui_open_private_chat"), deep_link=payload)])

    def start_check(self, state: ConversationState, ctx: Context, model: str,
                    understood: Understood | None = None) -> Turn:
        region = state.region
        kept = state.serial if state.model is None else None  # typed while the model was asked
        state.reset_check()
        state.model = model
        state.region = region
        serial = (understood.serial if understood is not None else None) or kept
        if serial:
            problem = self.serial_problem(model, serial, ctx)
            if problem is not None:
                state.step = "await_serial"
                return Turn([problem, self.ask_serial(state, ctx)], state)
            state.serial = serial
        if understood is not None and understood.region:
            state.region = understood.region
        turn = self.continue_check(state, ctx)
        if turn.replies and turn.replies[0].about in (("ask_region",), ("ask_serial",)):
            turn.replies[0] = self.model_preview(model, state.region, ctx, turn.replies[0])
        if understood is not None and BATCH_CODE.search(understood.text):
            turn.replies[1:1] = self.batches_listed(model, understood.text, ctx)
        return turn

    def batches_listed(self, model: str, text: str, ctx: Context) -> list[Reply]:
        """"PAC20-272, batch C14-P6": a batch the user wrote that the notice lists for the model
        is said to be listed (the brand still confirms; a batch not listed is not called safe)."""
        written = {f"{m.group(1)}-{m.group(2)}".upper() for m in BATCH_CODE.finditer(text)}
        for campaign in self.knowledge.index.campaigns_for_model(model):
            batches = campaign.serial_rule.published_batches
            listed = _listed_batches(batches.get("en")).get(model, frozenset()) & written \
                if batches is not None else set()
            if listed:
                return [TextReply(text=self.t(ctx, "batch_listed", batch=", ".join(sorted(listed)),
                                              model=model, brand=campaign.brand),
                                  about=("batch_listed",))]
        return []

    def model_preview(self, model: str, region: str | None, ctx: Context, prompt: Reply,
                      serial: str | None = None) -> Reply:
        """Is this model recalled? Said first, in the same message as the check's next question
        (its country or serial), whose buttons follow the card's links: one message, not two.
        A serial already given is checked against the published rules (the country decides
        only which recall, and so the remedy)."""
        result = self.knowledge.check(model, serial, None if region == "*" else region)
        card = present.verdict_card(self.knowledge, result, ctx.lang, None)
        asked = self.t(ctx, "remedy_depends_on_region")  # the question below asks it anyway
        sections = _preview_sections(card, asked, prompt.plain_text())
        return card.model_copy(update={
            "about": ("verdict", "preview", *prompt.about), "sections": sections,
            "buttons": [*(b for b in card.buttons if b.url or _names_contacts(b)),
                        *prompt.buttons]})

    def serial_problem(self, model: str, serial: str, ctx: Context) -> Reply | None:
        """A serial that cannot be this model's (wrong length or letters): say so at once."""
        results = [evaluate_serial(c.serial_rule, serial)
                   for c in self.knowledge.index.campaigns_for_model(model)
                   if c.serial_rule.format.lengths or c.serial_rule.format.alphabet == "digits"]
        if not results or not all(r.invalid_reason is not None for r in results):
            return None
        first = results[0]
        lengths = "/".join(str(n) for n in first.expected_lengths) or "?"
        cleaned = first.serial or serial
        reason = first.invalid_reason.value if first.invalid_reason else "length"
        lines = [self.t(ctx, "verdict_serial_invalid_title", model=model),
                 self.t(ctx, f"serial_invalid_{reason}", length=len(cleaned), expected=lengths),
                 self.t(ctx, "serial_cleaned", serial=cleaned)]
        return TextReply(text="\n".join(lines), private=True, about=("serial_format",))

    # ----- entry points ----------------------------------------------------------------------

    def step(self, state: ConversationState, ctx: Context) -> Turn:
        inbound = ctx.inbound
        if inbound.action is not None:
            turn = self.on_action(state, ctx, inbound.action)
        elif inbound.command is not None:
            turn = self.on_command(state, ctx, inbound.command, inbound.args)
        else:
            turn = self.on_text(state, ctx, inbound.text or "")
        kept = turn.state
        if kept.serial and kept.model is None and not (kept.step == "await_model"
                                                       and kept.candidates):
            kept.serial = None  # a serial typed before the model is kept only while it is chosen
        return turn

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
            model = self.knowledge.index.canonical_model(arg) or arg
            if state.pending_question:
                return self.answer_pending(state, ctx, None, [], model=model)
            return self.start_check(state, ctx, model)
        if verb in ("check", "again"):
            state.reset_check()
            state.queued_models = [] if verb == "again" else state.queued_models
            if ctx.group:
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
        if verb == "region" and arg and (arg == "*" or arg in _REGION_CODES):
            state.region = arg
            if state.pending_question:
                return self.answer_pending(state, ctx, None, [])
            if state.model and state.step == "await_region":
                line = self.region_line(state.model, arg, ctx)
                turn = self.continue_check(state, ctx)
                turn.replies.insert(0, line)
                return turn
            return Turn([TextReply(text=self.t(ctx, "region_noted",
                                               region=self._region_words(arg, ctx)))], state)
        if verb == "topic" and arg:
            question = TOPIC_ALIASES.get(arg, arg)
            if question == "safety":
                return Turn([self.safety_card(ctx)], state)
            if question in by_id():
                return self.ask_question(state, ctx, by_id()[question], None, [])
        if verb == "more" and arg in present.DETAILS:  # details behind a card (issue #12)
            region = None if state.region == "*" else state.region
            return Turn([present.details_card(self.knowledge, state.model or state.last_model,
                                              region, ctx.lang, arg)], state)
        if verb == "photo":  # issue 17: confirm or fix a label photo's reading
            from bot.photo.confirm import on_action as photo_action
            return photo_action(self, state, ctx, arg)
        if verb == "lang" and arg in LANGUAGES:
            state.language = arg
            return Turn([TextReply(text=CATALOG.text(arg, "language_set"))], state)
        return Turn([TextReply(text=self.t(ctx, "button_invalid")),
                     self.current_prompt(state, ctx)], state)

    def _region_words(self, region: str, ctx: Context) -> str:
        return self.t(ctx, "region_other") if region == "*" else present.region_name(region, ctx.lang)

    def _region_code(self, args: str) -> str | None:
        """A region code given as a command argument ('/remedy A1257 TW', Discord's region:JP)."""
        return next((w for w in args.upper().split() if w in _REGION_CODES and w != "*"), None)

    def current_prompt(self, state: ConversationState, ctx: Context) -> Reply:
        """Repeat the question the conversation is waiting on."""
        if state.step == "await_serial" and state.model:
            return self.ask_serial(state, ctx)
        if state.step == "await_region" and state.model:
            return self.ask_region(state, ctx)
        return self.ask_model(state, ctx)

    def reprompt(self, state: ConversationState, ctx: Context) -> Reply | None:
        """One line back to the open check after answering something else."""
        if state.step == "await_serial" and state.model:
            return ChoiceReply(text=self.t(ctx, "reprompt_serial", model=state.model),
                               buttons=self.ask_serial(state, ctx).buttons, about=("ask_serial",))
        if state.step == "await_region" and state.model:
            return ChoiceReply(text=self.t(ctx, "reprompt_region", model=state.model),
                               buttons=self._region_buttons(ctx, state.model), about=("ask_region",))
        return None

    def on_command(self, state: ConversationState, ctx: Context, command: str, args: str) -> Turn:
        args = args.strip()[:200]
        if command == "start":
            match = re.fullmatch(r"check(?:-([A-Za-z0-9-]{2,24}))?", args)
            if match and match.group(1) and self.knowledge.index.known_model(match.group(1)):
                model = self.knowledge.index.canonical_model(match.group(1)) or match.group(1)
                return self.start_check(state, ctx, model)
            state.reset_check()
            if ctx.group:
                return Turn([self.continue_privately(ctx, None)], state)
            return Turn([self.ask_model(state, ctx, greet=True)], state)
        if command == "check":
            explicit = self._region_code(args)
            if explicit:  # an explicit option beats the stored region
                state.region = explicit
            if args:
                return self.on_text(state, ctx, args)
            state.reset_check()
            if ctx.group:
                return Turn([self.continue_privately(ctx, None)], state)
            return Turn([self.ask_model(state, ctx)], state)
        question = by_command().get(command)
        if question is not None:
            understood = understand(args, self.knowledge.index) if args else None
            region = self._region_code(args) or (understood.region if understood else None)
            if region:
                state.region = region
            return self.ask_question(state, ctx, question, understood, [])
        if command == "psa":
            if ctx.group and not ctx.inbound.is_moderator:
                return Turn([TextReply(text=self.t(ctx, "psa_refused"))], state)
            brand = present.psa_brand(self.knowledge, args)  # issue #12: /psa anker us
            return Turn([present.psa_card(self.knowledge, ctx.lang, brand,
                                          understand(args, self.knowledge.index).region
                                          or self._region_code(args))], state)
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
        return TextReply(text=self.t(ctx, "help"), about=("help",))

    def as_of(self, ctx: Context) -> str:
        """The date the knowledge is current to, in the user's language."""
        return present.date_label(self.knowledge.index.as_of, ctx.lang)

    def safety_card(self, ctx: Context) -> Reply:
        card = present.safety_card(self.knowledge, ctx.lang)
        return card.model_copy(update={"about": ("safety", "safety_steps")})

    # ----- free text -------------------------------------------------------------------------

    def on_text(self, state: ConversationState, ctx: Context, text: str) -> Turn:
        if not text.strip():
            return Turn([self.current_prompt(state, ctx)], state)
        pressed = self.numbered_button(state, text)
        if pressed is not None:
            return pressed(state, ctx)
        understood = understand(text, self.knowledge.index)
        if understood.ranked and understood.ranked[0].question != "flight" \
                and understood.ranked[0].score < CLAUSE_ALONE \
                and flights.find_airline(text, self.knowledge):
            # "聽講搭國泰唔可以用充電寶叉電？": an airline named, and no surer question: its rules
            understood.ranked = lead("flight", CLAUSE_ALONE, understood.ranked)
        if _check_open(state) and understood.described_as == state.model \
                and understood.models == [state.model]:  # "西单那家小米的线下店": where it was
            understood.models, understood.described_as = [], None  # bought, not a new model
        described_only = bool(understood.models) and understood.models == [understood.described_as]
        if understood.serial_part and understood.brand and (not understood.models or described_only):
            # "Belkin … my serial starts with 35S": BPB002's rule, and no other's — also when the
            # words alone were read as another of the brand's models ("boostcharge power bank"
            # read as BPD005: "outside BPD005's rule" would read as "not affected")
            fits = self.model_by_serial_part(understood.brand, *understood.serial_part)
            if fits is not None:
                understood.models, understood.suggestions = [fits], []
                understood.described_as = fits
        if _check_open(state) and not understood.models and state.model in understood.suggestions:
            understood.suggestions = []  # "… do I get a new maggo or cash?" of the A1652 checked
        if understood.brand or understood.models:  # a model named moves the talk off the brand
            state.brand = understood.brand if not understood.models else None
        pending: list[Reply] = []
        queued = list(state.queued_models)
        for rule in POLICY:
            if rule.applies(state, ctx, understood):
                turn = rule.act(self, state, ctx, understood, pending)
                if turn is not None:
                    turn.rule = rule.name
                    if understood.read_as or understood.described_as:
                        self.say_read_as(turn, ctx, understood)
                    if understood.region and queued and not ctx.group:
                        self.say_queued_there(turn, ctx, queued, understood.region)
                    model = turn.state.model or turn.state.last_model
                    if model in self.knowledge.index.models_with_batches \
                            and BATCH_CODE.search(text) and not any(
                            "batch_listed" in r.about for r in turn.replies):  # "C14-P6" mid-check
                        at = len(turn.replies) - 1 if turn.replies and isinstance(
                            turn.replies[-1], ChoiceReply) else len(turn.replies)
                        turn.replies[at:at] = self.batches_listed(model, text, ctx)
                    turn.replies = _asked_once(turn.replies)
                    return turn
        raise AssertionError("the last rule always applies")  # pragma: no cover

    def say_queued_there(self, turn: Turn, ctx: Context, models: list[str], region: str) -> None:
        """"A1642 and A1263?" → "bought in China": the other models named are covered there or
        not, said in a line each before the check's question (their checks come next)."""
        lines = [self.region_line(m, region, ctx) for m in models if m in turn.state.queued_models]
        if not lines:
            return
        at = len(turn.replies) - 1 if turn.replies and isinstance(turn.replies[-1], ChoiceReply) \
            else len(turn.replies)
        turn.replies[at:at] = lines

    def say_read_as(self, turn: Turn, ctx: Context, u: Understood) -> None:
        """A model number read through a typo ("a1236" → A1263), or the one model a description
        fits ("xiaomi 33w 20000 with the cable"), is said in the first answer, under its
        headline, so a wrong guess is seen at once."""
        notes = [self.t(ctx, "read_model_as", typed=echo(typed), model=model)
                 for typed, model in u.read_as]
        if u.described_as:
            notes.append(self.t(ctx, "read_description_as", model=u.described_as))
        at = next((i for i, r in enumerate(turn.replies) if not isinstance(r, SafetyCard)), None)
        if at is None:
            return
        reply = turn.replies[at]
        if isinstance(reply, (VerdictCard, InfoCard, PsaCard)):
            update: dict[str, object] = {"sections": [Section(lines=notes), *reply.sections]}
        elif isinstance(reply, (TextReply, ChoiceReply)):
            update = {"text": "\n".join([reply.text, *notes])}
        else:  # pragma: no cover - every reply kind is one of the above
            return
        turn.replies[at] = reply.model_copy(update=update)

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

    # ----- the policy's actions --------------------------------------------------------------

    def safety_only(self, state: ConversationState, ctx: Context, pending: list[Reply]) -> Turn:
        """The safety steps are the whole answer; an open check gets its one-line re-prompt."""
        prompt = self.reprompt(state, ctx)
        return Turn([*pending, *([prompt] if prompt else [])], state)

    def not_included(self, ctx: Context, u: Understood) -> Reply:
        """"Is the PPCXM06A recalled?": its recall's notice says it is not included — said
        with that notice as the source, and without calling it safe."""
        found = self.knowledge.index.not_included_in(u.not_included[0])
        assert found is not None
        model, campaign = found
        recalled = ", ".join(p.model for p in campaign.products)
        return InfoCard(topic="not_included",
                        title=self.t(ctx, "not_included_title", model=model, brand=campaign.brand),
                        sections=[Section(lines=[self.t(ctx, "not_included_body", model=model,
                                                        recall=campaign.title.get(ctx.lang),
                                                        models=recalled)])],
                        source=present.campaign_source(ctx.lang, campaign),
                        about=("not_included",))

    def add_series_note(self, ctx: Context, u: Understood, pending: list[Reply]) -> None:
        """"Is my Anker 621 recalled?": recalls list model numbers; the label's decides."""
        pending.append(TextReply(text=self.t(ctx, "series_name_unknown", name=u.series or ""),
                                 about=("series_name",)))

    def add_safety(self, ctx: Context, pending: list[Reply]) -> None:
        pending.append(self.safety_card(ctx))

    def add_serial_part(self, state: ConversationState, ctx: Context, u: Understood,
                        pending: list[Reply]) -> None:
        """"BPB002, serial starts with 35S", "my Baseus ends in D": the part read against the
        rule the recall publishes, said first (the whole serial still confirms it)."""
        model = (u.models[0] if u.models else None) or state.model or state.last_model
        if model is None or u.serial_part is None:
            return
        where, part = u.serial_part
        region = u.region or state.region
        campaigns = self.knowledge.index.campaigns_for(model, region)[0] \
            if region not in (None, "*") else self.knowledge.index.campaigns_for_model(model)
        decided = {(c.brand, evaluate_part(c.serial_rule, where, part))  # (bought where no
                   for c in campaigns}  # recall of it is listed: no rule there to speak of)
        decided = {(brand, verdict) for brand, verdict in decided if verdict is not None}
        if len(decided) != 1:
            return  # no published rule decides on this part, or two disagree: the check asks
        brand, verdict = decided.pop()
        said = self.t(ctx, f"serial_part_{where}", part=part)
        key = "serial_part_in_rule" if verdict == Verdict.AFFECTED else "serial_part_outside_rule"
        pending.append(TextReply(text=self.t(ctx, key, said=said, brand=brand, model=model),
                                 about=("serial_part", "verdict")))

    def model_by_serial_part(self, brand: str, where: str, part: str) -> str | None:
        """The one model of a brand whose published serial rule this part fits."""
        index = self.knowledge.index
        fits = [m for m in index.brand_models(brand)
                if any(evaluate_part(c.serial_rule, where, part) == Verdict.AFFECTED
                       for c in index.campaigns_for_model(m))]
        return fits[0] if len(fits) == 1 else None

    def take_region(self, state: ConversationState, u: Understood) -> None:
        state.region = u.region

    def answer_questions(self, state: ConversationState, ctx: Context, u: Understood,
                         pending: list[Reply]) -> Turn:
        """Answer each question asked (at most two), then go on with the check, if any."""
        asked = [by_id()[q] for q in d_questions(u, state) if q in by_id()][:MAX_ANSWERS]
        unknown = self.unknown_owned(state, u)
        if unknown and not u.models and not ctx.group:  # "A1631 — recalled? refund?": that it
            result = self.knowledge.check(unknown[0], None, u.region)  # is in
            pending = [*pending, present.verdict_card(  # no recall known, first
                self.knowledge, result, ctx.lang, ctx.version).model_copy(
                update={"about": ("verdict",)})]
        if any(q.id == "checker_says_no" for q in asked):  # "the checker says mine isn't in it,
            asked = [q for q in asked if q.id != "keep_using"]  # can I use it?": its answer says
            # what that result means; "stop while it may be recalled" contradicted it
        if u.safety and len(asked) > 1:  # "swollen — can I still use it on the train?": the
            asked = [q for q in asked if q.id != "keep_using"]  # safety card said stop already
        if u.models and any(q.id == "other_products" for q in asked) and next(
                (r.score for r in u.ranked if r.question == "other_products"), 0.0) < CLAUSE_ALONE:
            # "PB2030MI 回収してる？" read weakly as "what else is recalled?": the model named is
            # what is asked about (its check follows)
            asked = [q for q in asked if q.id != "other_products"]
        if state.pending_question and u.region \
                and all(q.id in ("region_coverage", *CHECK_REQUESTS) for q in asked):
            return self.answer_pending(state, ctx, u, pending)  # "bought it in Taipei": the answer
        filled = _check_open(state) and not u.models and (
            (state.step == "await_region" and u.region is not None)
            or (state.step == "await_serial" and u.serial is not None))
        if filled and state.step == "await_region" and state.model and u.region not in (None, "*") \
                and self.knowledge.index.campaigns_for(state.model, u.region)[0]:
            # "momo買的 那要怎麼申請?": what its country means for the check, then the question
            pending = [*pending, self.region_line(state.model, u.region or "", ctx)]
        if u.models and not ctx.group:
            _speak_of(state, u.models[0])
            state.queued_models = u.models[1:MAX_MODELS]
        state.follow_up = "contact" if any(q.id in ("claim_no_reply", "already_claimed")
                                           for q in asked) \
            else "claim_how" if u.already_checked else None  # (a model named next: see check_models)
        if u.models and ("is_recalled" in u.questions or len(u.models) > 1) and asked \
                and not _check_open(state) and not ctx.group and not u.already_checked \
                and (u.questions[0] == "is_recalled"  # asked first: checked; several models
                     or not any(q.id in AFTER_THE_CLAIM for q in asked)):  # named: each verdict
            return self.check_then_answer(state, ctx, u, asked, pending)
        replies = list(pending)
        if filled and state.step == "await_serial" and u.serial:
            # "AZ8W…, and if it's recalled do I get a new one or cash?": when the serial ends the
            # check, its verdict is the point; the answers follow it
            trial = state.model_copy(deep=True)
            trial.serial = u.serial
            following = self.continue_check(trial, ctx)
            if not _check_open(following.state):
                return self.answers_after(following, ctx, u, asked, replies)
        for question in asked:
            turn = self.ask_question(state, ctx, question, u, [])
            if any("ask_model" in r.about for r in turn.replies):  # "which model?" once, after
                replies = [r for r in replies if "ask_model" not in r.about]  # both answers
            replies += _parts_not_yet_said(replies, turn.replies)
            if state.pending_question:  # it needs a model or region first: that is asked, after
                prompt = replies.pop() if replies and isinstance(replies[-1], ChoiceReply) \
                    else None
                model = u.models[0] if u.models else state.last_model
                for other in asked[asked.index(question) + 1:]:  # any other question that
                    if not other.needs or (model and "model" in question.needs  # needs neither
                                           and state.pending_question == question.id
                                           and set(other.needs) <= {"model", "region"}):
                        # ("…and where do I dispose of it?"), or only the country asked now
                        # ("write on it or on paper? and the receipt, I lost it": both, for
                        # every country, then "where did you buy it?")
                        replies += _parts_not_yet_said(
                            replies, self.answer(ctx, other, model, state.region,
                                                 u.brand or state.brand, u))
                return Turn(replies + ([prompt] if prompt else []), state)
        asks = [r for r in replies if "ask_model" in r.about]  # "which model?" after every answer
        if asks and asks[-1] is not replies[-1]:
            replies = [r for r in replies if "ask_model" not in r.about] + asks[-1:]
        # A model named with a question: the answer first, then that model's check goes on
        # ("my daughter's A1263 — who claims?" → who claims, then: recalled? where bought?)
        checked_there = any(q.id == "checker_says_no" for q in asked)  # on the brand's page
        wants_check = u.serial or (not checked_there and not u.already_checked and (
            any(q.after == "check" for q in asked)
            or (u.models and not any(q.id in AFTER_THE_CLAIM for q in asked))
            or (u.models and "is_recalled" in u.questions)))  # "PAC20-392 在召回范围吗？退款
        # 排队十几万位": asked outright, the check runs beside the claim's answer
        checked = any(isinstance(r, VerdictCard) for r in replies)  # (a question answered by it)
        if u.serial and not u.models and not _check_open(state) and state.last_model \
                and not ctx.group:  # "the serial is …" after the model was spoken of: check it
            following = self.start_check(state, ctx, state.last_model, u)
            return Turn(replies + following.replies, following.state, following.checks)
        if u.models and wants_check and not _check_open(state) and not checked:
            following = self.start_check(state, ctx, u.models[0], u)
            by_country = next((r for r in replies if "by_country" in r.about), None)
            if by_country is not None and following.state.pending_question is None \
                    and following.state.region in (None, "*") and not ctx.group:
                # "who do I contact about my A1689?" → a line per country and the check; "canada"
                # next answers the contact for Canada (it got the coverage card: strangers)
                following.state.pending_question = by_country.about[0]
            return Turn(_without_remedy_summary(replies + following.replies, ctx.lang),
                        following.state, following.checks)
        if filled:  # the message also gave what the open check waited for
            if u.serial:
                state.serial = u.serial
            following = self.continue_check(state, ctx)
            return Turn(replies + following.replies, following.state, following.checks)
        prompt = self.reprompt(state, ctx)
        if prompt is not None and any("preview" in r.about for r in replies):
            if "preview" in replies[-1].about:
                prompt = None  # the preview ends with the check's question: asked once
            else:  # answers came after it: the question moves to the end
                replies = [_without_prompt(r) if "preview" in r.about else r for r in replies]
        asked_model = any("ask_model" in r.about for r in replies)
        if prompt is None and u.suggestions and not u.models and not asked_model and not ctx.group:
            return Turn(replies + self.did_you_mean_model(state, ctx, u, []).replies, state)
        if prompt is None and any(q.after == "check" for q in asked) and not ctx.group \
                and state.step in ("idle", "await_model") and not asked_model \
                and state.last_model is None:  # no model spoken of yet: which one?
            prompt = self.ask_model(state, ctx)  # the answer leads into a check: which model?
        by_country = next((r for r in replies if "by_country" in r.about), None) or next(
            (r for r in replies if r.about[:1] == ("contact",) and state.region is None
             and state.last_model is None), None)  # a brand's line for a country guessed at
        if by_country is not None and state.pending_question is None and state.step == "idle" \
                and (state.last_model or state.brand) and not ctx.group:
            # "no reply for weeks, who do I contact?" → a line per country, "tell me the
            # country" → "US": that country's answer to the same question
            state.pending_question = by_country.about[0]
        return Turn(_without_remedy_summary(replies, ctx.lang) + ([prompt] if prompt else []),
                    state)

    def answers_after(self, verdict: Turn, ctx: Context, u: Understood, asked: list[Question],
                      pending: list[Reply]) -> Turn:
        """The check's verdict, then the answers to what the message also asked."""
        replies = [*pending, *verdict.replies]
        for question in asked:
            more = self.ask_question(verdict.state, ctx, question, u, []).replies
            replies += _parts_not_yet_said(replies, [r for r in more if "verdict" not in r.about])
        return Turn(_without_remedy_summary(replies, ctx.lang), verdict.state, verdict.checks)

    def check_then_answer(self, state: ConversationState, ctx: Context, u: Understood,
                          asked: list[Question], pending: list[Reply]) -> Turn:
        """"Is my X recalled, and how do I claim?": the verdict first, then the other question.
        One that needs the country the check is asking for waits for it (answered with the
        country, in `fill_check`), so the country is asked once."""
        model = u.models[0]
        turn = self.start_check(state, ctx, model, u)
        replies = [*pending, *turn.replies]
        if len(u.models) > 1:  # "A1257, A1263 and a 737 — which are affected?"
            replies.insert(len(pending), self.models_note(ctx, u.models, state.region, u))
        answered = False
        by_country = state.region in (None, "*") and self.knowledge.index.region_matters(model)
        for question in asked:
            if question.id in CHECK_REQUESTS or (question.id == "region_coverage" and u.region):
                continue  # the check just started answers it (its card was not to come twice)
            if state.step == "await_region" and by_country and state.pending_question is None \
                    and ("region" in question.needs or any(item.part in COUNTRY_PARTS
                                                           and not item.no_model_only
                                                           for item in question.answer)):
                state.pending_question = question.id  # the check asks the country (now, or
                # after the verdict): answered with it, and said so (not a question ignored)
                replies.append(TextReply(text=self.t(ctx, "answer_after_region",
                                                     question=question.label[ctx.lang]),
                                         about=("pending", question.id)))
                continue
            step, checking, waiting = state.step, state.model, state.pending_question
            more = self.ask_question(state, ctx, question, u, []).replies
            state.step, state.model = step, checking  # the check stays where it was
            state.pending_question = waiting or state.pending_question  # (and what waits)
            if _check_open(state):  # its answer per country is given; the check asks next
                more = [r for r in more if "ask_region" not in r.about]
            replies += _parts_not_yet_said(replies, more)
            answered = True
        prompt = self.reprompt(state, ctx) if answered else None
        asked_already = [r for r in replies if isinstance(r, ChoiceReply)
                         and {"ask_serial", "ask_region"} & set(r.about)]
        if prompt is not None:  # the check's question moves after the answers: asked once
            replies = [_without_prompt(r) if "preview" in r.about else r for r in replies]
        if prompt is not None and asked_already:  # (the fuller one, saying where the serial
            replies = [r for r in replies if r is not asked_already[-1]]  # is, if an answer
            prompt = asked_already[-1]                                     # asked it already)
        replies = _without_remedy_summary(replies, ctx.lang)
        return Turn(replies + ([prompt] if prompt else []), turn.state, turn.checks)

    def unknown_owned(self, state: ConversationState, u: Understood) -> list[str]:
        """Model numbers no recall names that may be the owner's: not a replacement a remedy
        hands out, spoken of beside the model being checked ("refund or the A1259?")."""
        return [m for m in u.unknown_models
                if model_key(m) not in self.knowledge.index.remedy_models
                or not (state.model or state.last_model)]

    def ask_question(self, state: ConversationState, ctx: Context, question: Question,
                     u: Understood | None, pending: list[Reply]) -> Turn:
        """Answer one question for the model and region in play, or ask for what it needs."""
        model = (u.models[0] if u and u.models else None) or state.model or state.last_model
        named_other = u is not None and not u.models and bool(
            u.suggestions or self.unknown_owned(state, u))
        if named_other:
            model = None  # "my maggo" is not the A1263 we spoke of: answer in general, then ask
        brand = u.brand if u else None
        unknown = named_other and u is not None and bool(u.unknown_models)
        if unknown:
            brand = None  # "Anker A1631: refund?": not what Anker's other recalls give
        if brand is None and u is not None and (u.models or u.suggestions) and not unknown:
            # "my Zolo": Anker's, whichever Zolo
            brands = {c.brand for m in (u.models or u.suggestions)
                      for c in self.knowledge.index.campaigns_for_model(m)}
            brand = brands.pop() if len(brands) == 1 else None
        if brand is None and model is None and not named_other:
            brand = state.brand  # "Romoss?" … "their phone number?": still Romoss's
        covered_here = question.id == "region_coverage" and u is not None and bool(u.region)
        if question.id in CHECK_REQUESTS or (covered_here and u is not None and u.models):
            # "A1263 bought in Germany — is it covered?": the check there answers it
            if model and u and u.models:
                return self.start_check(state, ctx, model, u)
            in_danger = u is not None and u.safety  # for someone in danger, only the one
            listed = [] if in_danger and brand is None else \
                self.answer(ctx, question, None, state.region, brand)  # brand's short list
            return Turn([*pending, *listed, self.ask_model(state, ctx)], state)
        alike = self.knowledge.index.models_recalled_alike(brand) if brand and model is None \
            and "model" in question.needs else ()
        if alike and not (u is not None and self.none_recalled_there(ctx, u)):
            # "罗马仕 refund or replacement?": one recall covers all of Romoss's models,
            # so its answer is theirs (the titles name them all); then which one, for the check
            replies = [_naming_models(r, alike[0], brand or "", alike)
                       for r in self.answer(ctx, question, alike[0], state.region, brand, u)]
            if not _check_open(state):
                state.step = "await_model"
            return Turn([*pending, *replies, ChoiceReply(
                text=self.t(ctx, "ask_model"), buttons=self._model_buttons(ctx, list(alike)),
                about=("ask_model",))], state)
        if "model" in question.needs and model is None:
            # What holds for every recall first, then the model for the exact answer.
            general = self.answer(ctx, question, None, state.region, brand)
            state.pending_question = question.id
            text = self.t(ctx, "which_model_exact") if general else \
                self.t(ctx, "question_needs_model", question=question.label.get(ctx.lang, ""))
            if not _check_open(state):
                state.step = "await_model"
            likely = u.suggestions[:4] if u is not None and u.suggestions else None
            if likely is None and brand:  # "Romoss batches?": Romoss's models to pick from
                likely = sorted({p.model for c in self.knowledge.index.campaigns
                                 if c.brand.lower() == brand.lower() for p in c.products})[:4] \
                    or None
            there = self.none_recalled_there(ctx, u) if u is not None else None
            if there:  # (then "which of them?" as usual: the label decides)
                general = [TextReply(text=there, about=("region_campaigns",))]
            return Turn([*pending, *general, ChoiceReply(text=text,
                                                         buttons=self._model_buttons(ctx, likely),
                                                         about=("ask_model",))], state)
        if "region" in question.needs and model and state.region is None \
                and self.knowledge.index.region_matters(model):
            # The answer for every country first; the country then narrows it down.
            replies = self.answer(ctx, question, model, None, brand)
            if state.step == "await_serial" and state.model == model:
                # asked while the serial is looked for ("before I type it in, do I write on
                # it?"): the answer for every country, and the check goes on where it was (its
                # verdict asks the country where it matters)
                return Turn([*pending, *replies, self.ask_serial(state, ctx)], state)
            state.pending_question = question.id
            _speak_of(state, model)
            text = self.t(ctx, "question_needs_region", model=model, question="").strip()
            return Turn([*pending, *replies,
                         ChoiceReply(text=text, buttons=self._region_buttons(ctx, model),
                                     about=("ask_region",))], state)
        state.pending_question = None
        if state.step == "await_model":
            _leave_model_choice(state)
        return Turn([*pending, *self.answer(ctx, question, model, state.region, brand, u)], state)

    def answer(self, ctx: Context, question: Question, model: str | None, region: str | None,
               brand: str | None, u: Understood | None = None) -> list[Reply]:
        """The replies that answer `question`, built from its answer items."""
        replies: list[Reply] = []
        flying = u is not None and any(item.part == "flight_rules" for item in question.answer)
        if flying and u is not None and u.safety:  # "it's swollen — can I fly with it?": no rule
            return [TextReply(text=self.t(ctx, "danger_no_travel"),  # list, a plain "don't"
                              about=(question.id, "danger_no_travel"))]
        airline = flights.find_airline(u.text, self.knowledge) if flying and u else None
        for item in question.answer:
            if item.no_model_only and model is not None:
                continue
            if item.part is not None:
                reply = answers.build(self.knowledge, item.part, model, region, brand, ctx.lang,
                                      places=u.regions if u is not None else None,
                                      airline=airline)
            else:
                assert item.message is not None  # placeholders any answer message may use:
                text = self.t(ctx, item.message, model=model or "", brand=brand or "",
                              date=self.as_of(ctx))
                owner = brand or self.knowledge.index.brand_of(model)
                own = f"{item.message}_{owner.lower()}" if owner else ""
                if own and CATALOG.has(ctx.lang, own):  # what one brand adds ("Anker's recall
                    text = f"{text} {self.t(ctx, own)}"  # page says to contact them if faded")
                reply = TextReply(text=text)
            about = (question.id, *(reply.about or ((item.part,) if item.part else ())))
            if replies and _says_nothing_new(reply, _card_lines(replies)):
                last = replies[-1]  # said already: that card answers for this part too
                replies[-1] = last.model_copy(update={"about": (*last.about, *about[1:])})
                continue
            replies.append(reply.model_copy(update={"about": about}))
        return replies

    def answer_pending(self, state: ConversationState, ctx: Context, u: Understood | None,
                       pending: list[Reply], model: str | None = None) -> Turn:
        """The model or region a waiting question needed has come: answer it now."""
        question = by_id().get(state.pending_question or "")
        state.pending_question = None
        if question is None:
            return self.continue_check(state, ctx)
        if model:
            _speak_of(state, model)
            if state.step == "await_model":
                _leave_model_choice(state)
        if u is not None and u.models:
            _speak_of(state, u.models[0])
        turn = self.ask_question(state, ctx, question, u, pending)
        if not state.pending_question and not _check_open(state) and state.last_model \
                and state.last_verdict is None \
                and not ctx.group and question.id not in AFTER_THE_CLAIM \
                and not any(isinstance(r, VerdictCard) for r in turn.replies):  # (a verdict
            # given already, "where did you buy it?" → "日本" answers what you get there, and
            # does not start the check again: it asked for the serial a second time)
            # "A1647: what do I get?" → "the US" → what you get there, then its check goes on
            following = self.start_check(state, ctx, state.last_model, None)
            return Turn(turn.replies + following.replies, following.state, following.checks)
        prompt = None if state.pending_question else self.reprompt(state, ctx)
        return Turn(turn.replies + ([prompt] if prompt else []), state)

    def fill_check(self, state: ConversationState, ctx: Context, u: Understood,
                   pending: list[Reply]) -> Turn | None:
        """A serial or a place, when the open check asked for it."""
        assert state.model is not None
        if u.questions[:1] == ["is_recalled"] and not (u.serial or u.region or u.models) \
                and ("?" in u.text or "？" in u.text):
            # "is it even recalled? it's already the replacement": the verdict again, then the
            # same question (a bare re-prompt read as if the question was not heard)
            turn = self.start_check(state, ctx, state.model, u)
            turn.replies = pending + turn.replies
            return turn
        if state.step == "await_serial" and not u.models:
            serial = u.serial or serial_only(u.text)
            if serial:
                problem = self.serial_problem(state.model, serial, ctx)
                if problem is not None:
                    return Turn([*pending, problem, self.reprompt_or_prompt(state, ctx)], state)
                state.serial = serial
                turn = self.continue_check(state, ctx)
                turn.replies = pending + turn.replies
                return turn
        if state.step == "await_region" and u.serial and not u.models and not u.region:
            problem = self.serial_problem(state.model, u.serial, ctx)  # typed ahead: welcome
            if problem is not None:
                return Turn([*pending, problem, self.reprompt_or_prompt(state, ctx)], state)
            state.serial = u.serial
            if not self.serial_rule_published(state.model) and state.region is None \
                    and self.country_decides(state.model):
                # nothing to check it against yet: kept, and the country asked again in a
                # line (the whole verdict again read as if the serial was ignored; a stranger)
                return Turn([*pending, TextReply(text=self.t(ctx, "serial_waits_for_region"),
                                                 about=("serial_noted",)),
                             self.ask_region(state, ctx)], state)
            turn = self.continue_check(state, ctx)
            turn.replies = pending + turn.replies
            return turn
        if state.step == "await_region" and u.region and not u.models:
            checking = state.model
            if u.serial and state.serial is None \
                    and self.serial_problem(checking, u.serial, ctx) is None:
                state.serial = u.serial  # "in the US. serial AKF2 9QX7 3LM1 0B45": both taken
            line = self.region_line(checking, u.region, ctx)
            waiting = by_id().get(state.pending_question or "")
            answer: list[Reply] = []
            if waiting is not None:  # a question asked with the model waited for the country
                state.pending_question = None
                answer = self.answer(ctx, waiting, state.model, u.region, u.brand, u)
            turn = self.continue_check(state, ctx)
            covered = self.knowledge.index.campaigns_for(
                checking, None if u.region == "*" else u.region)[0]
            if not covered and any(isinstance(r, VerdictCard) for r in turn.replies):
                turn.replies = [*pending, *answer, *turn.replies]  # its title says "none there"
            else:
                turn.replies = [*pending, line, *answer, *turn.replies]
            return turn
        return None

    def region_line(self, model: str, region: str, ctx: Context) -> Reply:
        """One line: which recall covers this model where it was bought (or that none does)."""
        where = self._region_words(region, ctx)
        applicable, _ = self.knowledge.index.campaigns_for(model, None if region == "*" else region)
        if applicable and region != "*":
            titles = "; ".join(c.title.get(ctx.lang) for c in applicable[:2])
            text = self.t(ctx, "region_covered", model=model, region=where, campaigns=titles)
            window = present.sold_window_line(ctx.lang, applicable[0])
            if window is not None:  # the country's own recall, by its sales window
                text += ("" if ctx.lang in ("ja", "zh-Hans", "zh-Hant") else " ") + window
        else:
            text = self.t(ctx, "region_not_listed", model=model, region=where)
        return TextReply(text=text, about=("region_campaigns",))

    def remedy_region_prompt(self, turn: Turn, ctx: Context) -> list[Reply]:
        """After a verdict given before the country was known: where was it bought? (the
        remedy follows the answer). Not when the country changes nothing for this model."""
        model = turn.state.last_model
        if model is None or turn.state.model is not None or ctx.group:
            return []
        if not (self.knowledge.index.region_matters(model) or self.country_decides(model)):
            return []
        turn.state.pending_question = turn.state.pending_question or "remedy"  # (a claim
        # question asked with the model waits for the same answer)
        return [ChoiceReply(text=self.t(ctx, "reprompt_region", model=model),
                            buttons=self._region_buttons(ctx, model), about=("ask_region",))]

    def reprompt_or_prompt(self, state: ConversationState, ctx: Context) -> Reply:
        return self.reprompt(state, ctx) or self.current_prompt(state, ctx)

    def check_models(self, state: ConversationState, ctx: Context, u: Understood,
                     pending: list[Reply]) -> Turn:
        """A message naming models: check the first, queue the others (up to four)."""
        if state.follow_up and not u.serial and not ctx.group and not _check_open(state):
            # "applied 3 weeks ago, no kit" → "A1263, bought in Japan": who to chase for that
            # model there, not the check again (it asked for the serial of a unit claimed already)
            question = by_id()[state.follow_up]
            state.follow_up = None
            _speak_of(state, u.models[0])
            return self.ask_question(state, ctx, question, u, pending)
        if state.pending_question and not ctx.group:
            turn = self.answer_pending(state, ctx, u, pending, model=u.models[0])
            if len(u.models) > 1:  # "an a1257, an a1647 and an a1263": each one's verdict in
                turn.state.queued_models = u.models[1:MAX_MODELS]  # a line, then one by one
                turn.replies.insert(len(pending), self.models_note(ctx, u.models, state.region, u))
            return turn
        state.queued_models = u.models[1:MAX_MODELS]
        turn = self.start_check(state, ctx, u.models[0], u)
        if len(u.models) > 1 and not ctx.group:
            turn.replies = [self.models_note(ctx, u.models, state.region, u), *turn.replies]
        turn.replies = pending + turn.replies
        return turn

    def models_note(self, ctx: Context, models: list[str], region: str | None,
                    u: Understood | None = None) -> Reply:
        """"A1257, A1263 and A1647: which are affected?": each one's verdict in a line, then
        they are checked one after another (the serial decides for each). "What do I get for
        each?": each line also says what that model's recall gives there."""
        named = models[:MAX_MODELS]
        others = [m for m in (u.unknown_models if u is not None else [])  # "… and an a1229":
                  if model_key(m) not in self.knowledge.index.remedy_models]  # in no recall known
        cards = [present.verdict_card(self.knowledge, self.knowledge.check(
            m, None, None if region == "*" else region), ctx.lang)
            for m in [*named, *others[:MAX_MODELS - len(named)]]]
        lead = _remedy_summary_lead(ctx.lang)
        with_remedy = u is not None and "remedy" in u.questions
        said = [*named, *others[:MAX_MODELS - len(named)]]  # as written ("Anker 733", not the
        lines = [card.title.replace(card.model, as_written) if card.model else card.title  # key)
                 for card, as_written in zip(cards, said, strict=True)]
        lines = [line + next((f" — {x}" for s in card.sections for x in s.lines
                              if with_remedy and x.startswith(lead)), "")
                 for line, card in zip(lines, cards, strict=True)]
        text = self.t(ctx, "several_models", count=len(named), models=", ".join(named))
        return TextReply(text="\n".join([text, *(f"• {line}" for line in lines)]),
                         about=("several_models",))

    def ask_region_again(self, state: ConversationState, ctx: Context,
                         pending: list[Reply], u: Understood | None = None) -> Turn:
        """"I bought it last October" when the country was asked: ask it again, same buttons.
        "So what do I do?": first what holds everywhere (stop using it until you know)."""
        model = state.model or state.last_model
        assert model is not None
        if u is not None and ASKS_WHAT_NOW.search(u.text) \
                and state.last_verdict != Verdict.AFFECTED:  # (not "until you know": it is known)
            pending = [*pending, TextReply(text=self.t(ctx, "until_you_know"),
                                           about=("keep_using", "stop_using"))]
        # where it is recalled, and what to say when the shop is not known ("online, I don't
        # remember where", "does it matter where I bought it?")
        if u is not None and (PLACE_UNKNOWN.search(u.text) or _asks_something(u)):
            places = sorted({r for c in self.knowledge.index.campaigns_for_model(model)
                             for r in c.regions})
            where = self.t(ctx, "region_recalled_in", model=model,
                           regions=", ".join(present.region_name(r, ctx.lang) for r in places))
            pending = [*pending, TextReply(text=f"{where}\n{self.t(ctx, 'ask_region_online')}",
                                           about=("region_campaigns",))]
        return Turn([*pending, ChoiceReply(text=self.t(ctx, "ask_region", model=model),
                                           buttons=self._region_buttons(ctx, model),
                                           about=("ask_region",))], state)

    def next_queued(self, state: ConversationState, ctx: Context, u: Understood,
                    pending: list[Reply]) -> Turn:
        """"And my second one?": the check moves on to the next model the user named."""
        model = state.queued_models.pop(0)
        note = TextReply(text=self.t(ctx, "next_unit", model=model))
        turn = self.start_check(state, ctx, model, u)
        turn.replies = [*pending, note, *turn.replies]
        return turn

    def unknown_model(self, state: ConversationState, ctx: Context, u: Understood,
                      pending: list[Reply]) -> Turn:
        """A model-shaped word no recall names: near misses first, else the honest verdict."""
        if u.suggestions:
            return self.did_you_mean_model(state, ctx, u, pending)
        result = self.knowledge.check(u.unknown_models[0], None, u.region)
        card = present.verdict_card(self.knowledge, result, ctx.lang, ctx.version)
        card = card.model_copy(update={"about": ("verdict",)})
        return Turn([*pending, card], state, [CheckLog(result.model, result.verdict.value, u.region)])

    def did_you_mean_model(self, state: ConversationState, ctx: Context, u: Understood,
                           pending: list[Reply]) -> Turn:
        models = ", ".join(u.suggestions[:4])
        if u.unknown_models:
            text = self.t(ctx, "did_you_mean_model", text=u.unknown_models[0], models=models)
        else:  # a name or description several models fit ("my zolo", "anker 20k with cable")
            text = self.t(ctx, "which_of_models", models=models)
            shared = self.knowledge.index.recall_of_all(u.suggestions[:4])
            if shared is not None:  # "is the 20K with cable recalled?": whichever it is, yes
                text = self.t(ctx, "suggestions_all_recalled",
                              recall=shared.title.get(ctx.lang)) + "\n\n" + text
        there = self.none_recalled_there(ctx, u)
        if there:
            text = there + "\n\n" + text
        if not ctx.group:
            state.candidates = u.suggestions[:4]  # a place or serial next: these are offered again
        return Turn([*pending, ChoiceReply(text=text,
                                           buttons=self._model_buttons(ctx, u.suggestions[:4]),
                                           about=("did_you_mean",))], state)

    def choose_again(self, state: ConversationState, ctx: Context, u: Understood,
                     pending: list[Reply]) -> Turn:
        """"Which one is yours: A1681, A1689?" → "US, bought on amazon" or a serial: noted (the
        serial kept for the check), and the same models offered again."""
        lines = []
        if u.serial and any(self.serial_problem(m, u.serial, ctx) is None for m in state.candidates):
            state.serial = u.serial  # kept for the check the choice starts (the conversation's
            state.step = "await_model"  # TTL and /forget delete it like any open check's)
            lines.append(self.t(ctx, "serial_waits_for_model"))
        if u.region:
            lines.append(self.t(ctx, "region_noted", region=self._region_words(u.region, ctx)))
        lines.append(self.t(ctx, "which_of_models", models=", ".join(state.candidates)))
        return Turn([*pending, ChoiceReply(text="\n".join(lines),
                                           buttons=self._model_buttons(ctx, state.candidates),
                                           about=("did_you_mean",))], state)

    def none_recalled_there(self, ctx: Context, u: Understood) -> str | None:
        """"My ESR HaloLock, bought in Japan": none of the models it may be is recalled there."""
        if not (u.region and u.region != "*" and u.suggestions) or any(
                self.knowledge.index.campaigns_for(m, u.region)[0] for m in u.suggestions[:4]):
            return None
        return self.t(ctx, "region_not_listed", model=" / ".join(u.suggestions[:4]),
                      region=present.region_name(u.region, ctx.lang))

    def region_noted(self, state: ConversationState, ctx: Context, u: Understood,
                     pending: list[Reply]) -> Turn:
        assert u.region is not None
        if state.step == "idle" and state.last_model:
            turn = self.ask_question(state, ctx, by_id()["remedy"], None, pending)
            return turn
        if state.model is not None:  # a check is open: say which recall covers it there
            return Turn([*pending, self.region_line(state.model, u.region, ctx),
                         self.current_prompt(state, ctx)], state)
        note = TextReply(text=self.t(ctx, "region_noted", region=self._region_words(u.region, ctx)))
        return Turn([*pending, note, self.current_prompt(state, ctx)], state)

    def did_you_mean_question(self, state: ConversationState, ctx: Context, u: Understood,
                              pending: list[Reply]) -> Turn:
        """Not sure what was asked: offer the likeliest questions as buttons."""
        if state.step == "await_serial" and state.model and not pending \
                and _code_like(u.text):  # a serial gone wrong, not a question
            return Turn([ChoiceReply(text=self.t(ctx, "serial_not_understood", model=state.model),
                                     buttons=self.ask_serial(state, ctx).buttons,
                                     about=("ask_serial",))], state)
        likely = [s.question for s in u.ranked if s.question in by_id()
                  and s.question not in ("greeting", "thanks", "off_topic", "hostile")][:3]
        if u.models:
            _speak_of(state, u.models[0])
        buttons = [self._button(ctx, by_id()[q].label[ctx.lang], "topic", q) for q in likely]
        prompt = self.reprompt(state, ctx)  # a check is open: it goes on after the choice
        return Turn([*pending, ChoiceReply(text=self.t(ctx, "did_you_mean_question"),
                                           buttons=buttons, about=("did_you_mean",)),
                     *([prompt] if prompt else [])], state)

    def not_understood(self, state: ConversationState, ctx: Context, u: Understood) -> Reply:
        """Garbage: say so, and offer the popular models."""
        if state.step == "await_serial" and state.model:
            return ChoiceReply(text=self.t(ctx, "serial_not_understood", model=state.model),
                               buttons=self.ask_serial(state, ctx).buttons, about=("ask_serial",))
        return ChoiceReply(text=self.t(ctx, "not_understood"), buttons=self._model_buttons(ctx))
