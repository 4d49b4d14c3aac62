"""Runs the conversations in transcripts.yaml through the real engine and SQLite store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.replies import ChoiceReply, Reply
from bot.truth import UNSAFE_CLAIMS
from tests.engine.conftest import Chat

TRANSCRIPTS = Path(__file__).with_name("transcripts.yaml")
STORY_FILLER = ("My cousin told me about the recall at dinner, and I went through every drawer in "
                "the house looking for chargers, cables and old phones. ")


class _Loader(yaml.SafeLoader):
    """YAML with two helpers: !story (a ~4,000-character story ending in the text) and !repeat."""


def _story(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    question = loader.construct_scalar(node)  # type: ignore[arg-type]
    filler = STORY_FILLER * (3900 // len(STORY_FILLER))
    return filler + str(question)


def _repeat(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    text, count = loader.construct_sequence(node)  # type: ignore[arg-type]
    return str(text) * int(count)


_Loader.add_constructor("!story", _story)
_Loader.add_constructor("!repeat", _repeat)
CONVERSATIONS: list[dict[str, Any]] = yaml.load(TRANSCRIPTS.read_text(encoding="utf-8"),
                                                Loader=_Loader)


def test_there_are_at_least_forty_conversations() -> None:
    assert len(CONVERSATIONS) >= 40
    assert len({c["name"] for c in CONVERSATIONS}) == len(CONVERSATIONS)


def _check_invariants(replies: list[Reply]) -> None:
    for step in ("ask_serial", "ask_region"):  # one turn asks the check's question once
        asking = [r for r in replies if isinstance(r, ChoiceReply) and step in r.about]
        assert len(asking) <= 1, f"{step} asked {len(asking)} times: {[r.text for r in asking]}"
    for reply in replies:
        text = reply.plain_text()
        assert len(text) <= 4096
        assert not UNSAFE_CLAIMS.search(text), text
        assert "Traceback" not in text
        assert "went wrong on my side" not in text, "the engine hit an internal error"


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c["name"] for c in CONVERSATIONS])
async def test_conversation(chat: Chat, conversation: dict[str, Any]) -> None:
    chat.chat_kind = conversation.get("chat_kind", "private")
    chat.is_moderator = bool(conversation.get("moderator", False))
    previous: list[Reply] = []
    for number, turn in enumerate(conversation["turns"], 1):
        before = chat.last
        if "say" in turn:
            await chat.send(str(turn["say"]))
        elif "press" in turn:
            await chat.press(turn["press"])
        elif "press_token" in turn:
            chat.last = await chat.engine.handle(chat._inbound(action=turn["press_token"]))
        elif "press_previous" in turn:
            chat.last = previous
            await chat.press(turn["press_previous"])
        previous = before
        _check_invariants(chat.last)
        where = f"turn {number} of {conversation['name']!r}:\n{chat.text}"
        about = [tag for reply in chat.last for tag in reply.about]
        for tag in turn.get("about", []):
            assert tag in about, f"no reply about {tag!r} ({about}) in {where}"
        if "first" in turn:
            assert chat.last and turn["first"] in chat.last[0].about, \
                f"the first reply is not about {turn['first']!r} in {where}"
        for wanted in turn.get("expect", []):
            assert str(wanted).lower() in chat.text.lower(), f"missing {wanted!r} in {where}"
        for unwanted in turn.get("absent", []):
            assert str(unwanted).lower() not in chat.text.lower(), f"unexpected {unwanted!r} in {where}"
