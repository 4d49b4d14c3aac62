"""Every reply type renders inside Discord's limits (official docs D15–D19)."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.discord.render import VERDICT_COLOURS, escape, render
from adapters.discord.views import modal_values
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

MARKDOWN_HEAVY = "*_~`|>\\ @everyone <@1234567890> "


def within_limits(reply: Reply) -> dict[str, Any]:
    """Render `reply` and assert every Discord limit; return the message as a dict."""
    rendered = render(reply)
    message: dict[str, Any] = {"content": rendered.content}
    if rendered.content is not None:
        assert 1 <= len(rendered.content) <= 2000
    if rendered.embed is not None:
        embed = rendered.embed
        assert len(embed.title or "") <= 256
        assert len(embed.description or "") <= 4096
        assert len(embed.fields) <= 25
        for field in embed.fields:
            assert 1 <= len(field.name or "") <= 256
            assert 1 <= len(field.value or "") <= 1024
        assert len(embed.footer.text or "") <= 2048
        assert len(embed) <= 6000
        message["embed"] = embed.to_dict()
    assert rendered.content is not None or rendered.embed is not None
    if rendered.view is not None:
        components = rendered.view.to_components()
        assert len(components) <= 5
        for row in components:
            assert len(row["components"]) <= 5
            for button in row["components"]:
                assert len(button.get("custom_id", "")) <= 100
                assert len(button["label"]) <= 80
        message["components"] = components
    assert rendered.kwargs()["allowed_mentions"].to_dict() == {"parse": []}
    return message


async def test_short_text_is_message_content() -> None:
    message = within_limits(TextReply(text="Is it hot? *Stop* charging."))
    assert message["content"] == "Is it hot? \\*Stop\\* charging."


async def test_long_text_moves_to_an_embed_description() -> None:
    message = within_limits(TextReply(text=MARKDOWN_HEAVY * 130))  # ~4,000 plain, ~6,000 escaped
    assert message["content"] is None and message["embed"]["description"].endswith("…")


async def test_the_biggest_card_the_engine_may_send_fits() -> None:
    section = Section(heading="H" * 250, lines=[(MARKDOWN_HEAVY * 30)[:1000]])
    card = VerdictCard(title="T" * 250, sections=[section] * 20, footer="F" * 3000,
                       verdict="affected", model="A1263")
    message = within_limits(card)
    assert message["embed"]["color"] == discord.Colour.red().value


async def test_more_sections_than_fields_are_cut_not_rejected() -> None:
    card = InfoCard(topic="remedy", title="t", sections=[Section(lines=["x"])] * 40)
    assert len(within_limits(card)["embed"]["fields"]) == 25


@pytest.mark.parametrize("verdict", list(VERDICT_COLOURS))
async def test_each_verdict_has_its_colour(verdict: str) -> None:
    card = VerdictCard(title="A1263", verdict=verdict, model="A1263",  # type: ignore[arg-type]
                       sections=[Section(heading="h", lines=["l"])])
    assert within_limits(card)["embed"]["color"] == VERDICT_COLOURS[verdict].value


async def test_buttons_tokens_deep_links_and_urls() -> None:
    buttons = [Button(label="What do I get?", token="rc1:topic:remedy"),
               Button(label="Check my device", deep_link="check-A1263"),
               Button(label="Recall page", url="https://www.anker.com/product-recalls")]
    buttons += [Button(label=f"b{i}", token=f"rc1:region:X{i}@7") for i in range(30)]
    message = within_limits(ChoiceReply(text="Which one?", buttons=buttons))
    first_row = message["components"][0]["components"]
    assert [b.get("custom_id") for b in first_row[:2]] == ["rc1:topic:remedy", "rcdl:check-A1263"]
    assert first_row[2]["url"] == "https://www.anker.com/product-recalls"
    assert sum(len(r["components"]) for r in message["components"]) == 25


async def test_safety_and_psa_cards_render() -> None:
    within_limits(SafetyCard(title="Stop using it", sections=[Section(lines=["Unplug it."])]))
    psa = within_limits(PsaCard(title="Recall", sections=[Section(lines=["A1263"])],
                                buttons=[Button(label="Check my device", deep_link="check")]))
    assert psa["components"][0]["components"][0]["custom_id"] == "rcdl:check"


def test_escape_neutralises_markdown_and_mentions() -> None:
    assert escape("@everyone <@123> <@&45> **x**") == \
        "@\u200beveryone <@\u200b123> <@\u200b&45> \\*\\*x\\*\\*"
    assert escape("https://example.com/a_b_c") == "https://example.com/a_b_c"  # links intact


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=4000))
def test_escaped_text_never_mentions_anyone(text: str) -> None:
    escaped = escape(text)
    assert "@everyone" not in escaped and "@here" not in escaped


def test_modal_values_read_labels_and_action_rows() -> None:
    data = {"custom_id": "rcm:check", "components": [
        {"type": 18, "component": {"type": 4, "custom_id": "model", "value": " A1263 "}},
        {"type": 1, "components": [{"type": 4, "custom_id": "serial", "value": "SN1"}]},
    ]}
    assert modal_values(data) == {"model": "A1263", "serial": "SN1"}
