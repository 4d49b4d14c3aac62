"""Property-based fuzzing of the engine: random conversations, every invariant after every turn.

Quick profile in the normal run; `HYPOTHESIS_PROFILE=long pytest tests/reliability -k fuzz`
runs 10,000 conversations (see docs/reliability.md for the last result).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.catalog import CATALOG, LANGUAGES
from bot.engine import Engine
from bot.inbound import COMMANDS, Inbound
from bot.replies import Reply
from knowledge import Knowledge

from .limits import all_problems
from .support import FUZZ, capture_logs, raw_state

# A failing example may hold 100 KB of text: let Hypothesis print it without erroring out.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr",
                                        "ignore:mypy_extensions.TypedDict:DeprecationWarning")

KNOWLEDGE = Knowledge.load()
MODELS = KNOWLEDGE.index.models
BUSY = frozenset(CATALOG.text(lang, "busy_retry") for lang in LANGUAGES)
APOLOGY = frozenset(CATALOG.text(lang, "ui_error_apology") for lang in LANGUAGES)
BIG = 100_000


def weighted(*pairs: tuple[int, st.SearchStrategy[str]]) -> st.SearchStrategy[str]:
    """Choose a strategy with the given integer weights."""
    table = [s for weight, s in pairs for _ in range(weight)]
    return st.integers(0, len(table) - 1).flatmap(lambda i: table[i])


def _variant(model: str, how: int) -> str:
    return [model, model.lower(), model.replace("-", " "), f"{model[:1]} {model[1:]}",
            f"my {model} is hot", f"is the {model.lower()} recalled?"][how]


valid_models = st.builds(_variant, st.sampled_from(MODELS), st.integers(0, 5))
broken_models = st.one_of(
    st.sampled_from(["A126", "A12634", "AI263", "A 126 3", "A0000", "A9999", "PB2O30MI", "BI-B4",
                     "2G5", "1263", "a1", "A-1263-", "PAC20-", "W10566"]),
    st.from_regex(r"[A-Z]{1,5}-?[0-9]{2,5}[A-Z0-9]{0,4}", fullmatch=True),
)
serials = st.one_of(
    st.from_regex(r"(SN|S/N|sn code)?[:# ]{0,2}[A-Z0-9]{4,8}([ -][A-Z0-9]{3,8}){0,4}", fullmatch=True),
    st.from_regex(r"35S[A-Z0-9]{11}|57X[A-Z0-9]{9}|[A-Z0-9]{2}000[GHIL]21[A-Z0-9]{4}", fullmatch=True),
    st.from_regex(r"[0-9]{3}[A-Z][0-9]{2}", fullmatch=True),
    st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789 -", min_size=0, max_size=60),
)
phrases = st.sampled_from([
    "bought in Ohio", "台灣", "amazon.co.jp", "Deutschland", "uk", "what do I get", "refund or gift card?",
    "how do I claim", "how do I dispose of it", "can I still use it", "it's swelling and hot",
    "can't read the serial", "which models", "ignore all previous instructions", "thanks",
    "hello", "cancel", "help", "yes", "no", "is it safe?", "deadline?", "how long does it take",
    "checker says not affected", "I have two power banks", "is this a scam", "wtf useless bot",
    "1", "2", "3", "7", "12", "0", "", "   ", "/start", "rc1:pick:A1263",
])
# RTL marks and scripts, zero-width joiners, BOM, emoji, controls — mixed into any text.
odd = st.sampled_from(["\u202e", "\u202d", "\u200f", "\u200b", "\u200d", "\ufeff", "\u2063",
                       "مرحبا", "שלום", "🔋", "🔥", "👍🏽", "👨‍👩‍👧", "\x00", "\x07", "\x1b[2J", "\r\n",
                       "\t", "\x7f", "\u0301", "Ａ１２６３", "ｓｎ：", "①②", "\ud7ff", "\U0010ffff"])
unicode_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=80)
piece = st.one_of(valid_models, broken_models, serials, phrases, odd, unicode_text)
combined = st.lists(piece, min_size=1, max_size=6).flatmap(
    lambda parts: st.sampled_from(["", " ", "\n", ", ", "\u200b"]).map(lambda sep: sep.join(parts)))
big_text = st.one_of(piece, st.sampled_from(["a", "1 ", "SN ", "A1263 ", "台", "🔋", "\u202e",
                                             "A1 ", "s/n:", "hot "])).map(
    lambda p: (p * (BIG // max(1, len(p)) + 1))[:BIG] if p else "x" * BIG)
# A whole check in one message (model, serial, region): exercises verdicts that held a serial.
whole_check = st.builds("{} SN: {} bought in {}".format, st.sampled_from(MODELS), serials,
                        st.sampled_from(["Ohio", "Japan", "Canada", "Taiwan", "Germany"]))
texts = weighted((6, combined), (3, piece), (2, whole_check), (1, big_text))

forged_tokens = st.one_of(
    st.sampled_from(["rc1:pick:ZZZZ", "rc1:pick:A1263@999999", "rc1:region:XX", "rc1:region:US@0",
                     "rc1:topic:nope", "rc1:lang:xx", "rc1:bogus", "rc2:pick:A1263", "rc1:",
                     "rc1:pick:" + "A" * 60, "rc1:pick:A1263@-1", "rc1:again@" + "9" * 30,
                     "rc1:pick:A1263\n", "RC1:PICK:A1263", "", "start:check-A1263",
                     "rc1:pick:Ａ1263", "rc1:noserial@1", "rc1:region:*@1"]),
    st.from_regex(r"rc1:[a-z]{1,12}(:[A-Za-z0-9*_\-]{1,24})?(@[0-9]{1,10})?", fullmatch=True),
    st.text(max_size=120),
)
command_names = st.one_of(st.sampled_from(COMMANDS),
                          st.sampled_from(["", "START", "foo", "check@recall_bot", "settings"]))
command_args = st.one_of(st.just(""), texts.map(lambda t: t[:300]),
                         st.sampled_from(["check-A1263", "check-ZZZ", "de", "zh-tw", "xx"]))

Event = tuple[str, object, object]
events: st.SearchStrategy[Event] = st.one_of(
    st.tuples(st.just("text"), texts, st.none()),
    st.tuples(st.just("command"), command_names, command_args),
    st.tuples(st.just("press"), st.integers(0, 30), st.none()),
    st.tuples(st.just("stale"), st.integers(0, 1000), st.none()),
    st.tuples(st.just("forged"), forged_tokens, st.none()),
)


@dataclass
class Conversation:
    platform: str
    chat_kind: str
    is_moderator: bool
    locale: str | None
    flood_limit: int
    events: list[Event]


conversations = st.builds(
    Conversation,
    platform=st.sampled_from(["console", "telegram", "discord"]),
    chat_kind=st.sampled_from(["private", "private", "group"]),
    is_moderator=st.booleans(),
    locale=st.sampled_from([None, "en", "de-DE", "zh-TW", "ja", "es-419", "xx-YY", "🔋", ""]),
    flood_limit=st.sampled_from([3, 20, 1000]),
    events=st.lists(events, min_size=1, max_size=25),
)


@dataclass
class Fuzzer:
    """One engine on one file, a fresh user per conversation."""

    runner: asyncio.Runner
    engine: Engine
    db: Path
    users: Iterator[int] = field(default_factory=itertools.count)
    turns: int = 0
    conversations: int = 0

    def play(self, conv: Conversation) -> None:
        self.runner.run(self._play(conv))
        self.conversations += 1

    async def _play(self, conv: Conversation) -> None:
        user = f"fuzz{next(self.users)}"
        chat = f"group{user}" if conv.chat_kind == "group" else user
        self.engine.flood_limit = conv.flood_limit
        last: list[Reply] = []
        seen: list[str] = []
        for kind, a, b in conv.events:
            event: dict[str, object] = {}
            if kind == "text":
                event["text"] = a
            elif kind == "command":
                event.update(command=a, args=b)
            elif kind == "press":
                buttons = [x for r in last for x in r.buttons if x.token]
                if not buttons:
                    continue
                event["action"] = buttons[int(str(a)) % len(buttons)].token
            elif kind == "stale":
                if not seen:
                    continue
                event["action"] = seen[int(str(a)) % len(seen)]
            else:
                event["action"] = a
            inbound = Inbound(platform=conv.platform, chat_id=chat, user_id=user,
                              locale=conv.locale, chat_kind=conv.chat_kind,
                              is_moderator=conv.is_moderator, **event)
            with capture_logs(logging.WARNING) as logs:
                last = await self.engine.handle(inbound)
            self.turns += 1
            check_turn(inbound, last, logs.errors())
            seen += [x.token for r in last for x in r.buttons if x.token]
            check_state(self.db, inbound)


def check_turn(inbound: Inbound, replies: list[Reply], errors: list[logging.LogRecord]) -> None:
    """The invariants on one turn's replies."""
    assert not errors, f"engine logged an error: {[r.getMessage() for r in errors]}"
    for reply in replies:
        text = reply.plain_text()
        assert text not in APOLOGY, "handle() swallowed an internal error"
        assert text not in BUSY, "a single user was told the bot is busy"
        problems = all_problems(reply)
        assert not problems, f"{reply.kind} reply breaks platform limits: {problems}"


def check_state(db: Path, inbound: Inbound) -> None:
    """The stored state loads strictly, and holds a serial only while a check is open."""
    state = raw_state(db, inbound.key)
    if inbound.command == "forget":
        assert state is None, "/forget left the conversation in the database"
        return
    assert state is not None, "a turn's state was not saved"
    if state.serial is not None:  # (a check waiting for the model among the ones offered)
        assert (state.step in ("await_serial", "await_region") and state.model) \
            or (state.step == "await_model" and state.candidates), \
            f"raw serial kept outside a live check (step {state.step})"


@pytest.fixture(scope="module")
def fuzzer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzer]:
    db = tmp_path_factory.mktemp("fuzz") / "state.db"
    with asyncio.Runner() as runner:
        engine = runner.run(Engine.open(db, strict_truth=True))
        fuzz = Fuzzer(runner, engine, db)
        try:
            yield fuzz
        finally:
            runner.run(engine.close())
    print(f"\nfuzz: {fuzz.conversations} conversations, {fuzz.turns} turns")


@FUZZ
@given(conv=conversations)
def test_fuzz_conversations_keep_every_invariant(fuzzer: Fuzzer, conv: Conversation) -> None:
    """No escaped or swallowed error, every reply inside every limit, state always loads."""
    fuzzer.play(conv)


@pytest.mark.parametrize("line", ["①", "①②", "²", "١٢", "１", "𝟙", "99", "0"])
def test_odd_digits_are_text_not_a_crash(fuzzer: Fuzzer, line: str) -> None:
    """Unicode digits ('①'.isdigit() but int() fails) in the console and in the engine."""
    from adapters.console import to_inbound
    from bot.replies import Button

    web = [Button(label="web", url="https://example.com")]
    inbound = to_inbound(line, web, "odd", None)  # '１' and '𝟙' press button 1 (a link: nothing)
    assert inbound is not None or int(line) == 1
    conv = Conversation("console", "private", False, None, 1000,
                        [("text", "A1263", None), ("text", line, None)])
    fuzzer.play(conv)


def test_a_serial_typed_for_an_offered_model_goes_when_a_command_ends_the_choice(
        fuzzer: Fuzzer) -> None:
    """Found by the fuzz test (CI, session 10): a serial sent while the bot offered models
    ('BPR-02?') stayed stored after /models ended the choice, outside any live check."""
    conv = Conversation("console", "private", False, None, 1000,
                        [("text", "A1263", None), ("text", "B PR-02", None),
                         ("text", "2G5052G505", None), ("command", "models", "")])
    fuzzer.play(conv)  # check_state: no raw serial outside a live check
