"""The 30 most common answers, and what each platform shows of them (issue #12).

Used by the reply-shape tests (tests/presentation/) and by `python -m bench.captures`, which
writes what users see under docs/captures/. Each answer is built by the presenter and passed
through the truth guard exactly as the engine sends it; then rendered by the real adapters:
Telegram HTML (adapters.telegram.render), Discord embeds (adapters.discord.render) and the
console (adapters.console.render, on an 80-column terminal).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from bot import present
from bot.replies import Reply
from bot.truth import enforce
from knowledge import Knowledge

Build = Callable[[Knowledge, str], Reply]
CONSOLE_WIDTH = 80


@dataclass(frozen=True)
class Answer:
    """One common answer: how to build it, and the message ids one of which is its first line
    (the point: a verdict, what you get, how to dispose…)."""

    name: str
    build: Build
    points: tuple[str, ...]


def _verdict(model: str, serial: str | None = None, region: str | None = None) -> Build:
    return lambda k, lang: present.verdict_card(k, k.check(model, serial, region), lang, 3)


def _topic(topic: str, model: str | None, region: str | None = None) -> Build:
    builders = {"remedy": present.remedy_card, "claim": present.claim_card,
                "contact": present.contact_card, "dispose": present.dispose_card}
    return lambda k, lang: builders[topic](k, model, region, lang)


VERDICT_TITLES = (
    "verdict_affected_title", "verdict_not_affected_title", "verdict_confirm_on_checker_title",
    "verdict_serial_needed_title", "verdict_serial_invalid_title",
    "verdict_not_in_known_recall_title", "verdict_not_in_region_title",
)
REMEDY = ("remedy_title", "remedy_depends_title", "topic_remedy_title")
CLAIM = ("claim_title", "claim_depends_title", "topic_claim_title")
CONTACT = ("contact_title", "contact_depends_title", "topic_contact_title")

COMMON_ANSWERS: tuple[Answer, ...] = (
    Answer("verdict A1263 US with serial", _verdict("A1263", "AKF1 2Z33 0L84 19B6", "US"),
           VERDICT_TITLES),
    Answer("verdict A1263 US", _verdict("A1263", None, "US"), VERDICT_TITLES),
    Answer("verdict A1263 JP", _verdict("A1263", None, "JP"), VERDICT_TITLES),
    Answer("verdict A1263 DE (recalled elsewhere)", _verdict("A1263", None, "DE"), VERDICT_TITLES),
    Answer("verdict A1257 US", _verdict("A1257", None, "US"), VERDICT_TITLES),
    Answer("verdict A1257 TW", _verdict("A1257", None, "TW"), VERDICT_TITLES),
    Answer("verdict A1257 CN", _verdict("A1257", None, "CN"), VERDICT_TITLES),
    Answer("verdict A1647 US", _verdict("A1647", None, "US"), VERDICT_TITLES),
    Answer("verdict A1647 DE", _verdict("A1647", None, "DE"), VERDICT_TITLES),
    Answer("verdict A1652 JP", _verdict("A1652", None, "JP"), VERDICT_TITLES),
    Answer("verdict A1681 CA", _verdict("A1681", None, "CA"), VERDICT_TITLES),
    Answer("verdict A1689 US", _verdict("A1689", None, "US"), VERDICT_TITLES),
    Answer("verdict A1112", _verdict("A1112"), VERDICT_TITLES),
    Answer("verdict BI-B41 affected", _verdict("BI-B41", "000H21", "US"), VERDICT_TITLES),
    Answer("verdict BI-B41 not affected", _verdict("BI-B41", "999Z99", "US"), VERDICT_TITLES),
    Answer("verdict 2G505B", _verdict("2G505B", None, "US"), VERDICT_TITLES),
    Answer("verdict PB2030MI CN", _verdict("PB2030MI", None, "CN"), VERDICT_TITLES),
    Answer("verdict unknown model", _verdict("ZX9000"), VERDICT_TITLES),
    Answer("what do I get A1263 US", _topic("remedy", "A1263", "US"), REMEDY),
    Answer("what do I get A1263 (country unknown)", _topic("remedy", "A1263"), REMEDY),
    Answer("what do I get A1257 TW", _topic("remedy", "A1257", "TW"), REMEDY),
    Answer("how to claim A1263 US", _topic("claim", "A1263", "US"), CLAIM),
    Answer("how to claim A1647 US", _topic("claim", "A1647", "US"), CLAIM),
    Answer("who to contact A1263 US", _topic("contact", "A1263", "US"), CONTACT),
    Answer("how to dispose A1263 US", _topic("dispose", "A1263", "US"), ("dispose_title",)),
    Answer("how to dispose (no model)", _topic("dispose", None), ("dispose_title",)),
    Answer("safety", lambda k, lang: present.safety_card(k, lang), ("safety_title",)),
    Answer("who to contact A1647 US", _topic("contact", "A1647", "US"), CONTACT),
    Answer("other countries A1263 DE",
           lambda k, lang: present.details_card(k, "A1263", "DE", lang, "regions"),
           ("details_regions_title",)),
    Answer("all sources A1263 US",
           lambda k, lang: present.details_card(k, "A1263", "US", lang, "sources"),
           ("details_sources_title",)),
)

# Card types the 30 answers do not cover, for the captures. The PSA is posted by moderators, not
# an answer to an owner: its own test holds it to one Telegram message and one Discord embed.
MORE_CARDS: tuple[Answer, ...] = (
    Answer("PSA", lambda k, lang: present.psa_card(k, lang), ("psa_title",)),
    Answer("recall details A1263 US",
           lambda k, lang: present.details_card(k, "A1263", "US", lang, "recall"),
           ("details_recall_title",)),
    Answer("PSA anker us", lambda k, lang: present.psa_card(k, lang, "anker", "US"),
           ("psa_title",)),
    Answer("shared card 2G505B (Telegram inline)",
           lambda k, lang: present.shared_model_card(k, "2G505B", lang), ("inline_title",)),
    Answer("models", lambda k, lang: present.models_card(k, lang), ("topic_models_title",)),
    Answer("verdict BPB002 (serial needed)", _verdict("BPB002", None, "US"), VERDICT_TITLES),
    Answer("verdict A1263 US, serial of the wrong length", _verdict("A1263", "AKF12Z330L84", "US"),
           VERDICT_TITLES),
)


def reply(answer: Answer, knowledge: Knowledge, lang: str) -> Reply:
    """The answer as the engine sends it: through the truth guard (strict: a violation raises)."""
    return enforce(answer.build(knowledge, lang), strict=True)


# ----- what each platform shows ---------------------------------------------------------------

@dataclass(frozen=True)
class Shown:
    """What a user reads (links show their label only) and the raw form sent to the platform."""

    text: str
    source: str | None  # the source line as shown, if the reply has one
    raw: Any


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_visible(markup: str) -> str:
    parser = _Visible()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def telegram(reply_: Reply) -> Shown:
    from adapters.telegram.render import render

    outs = render(reply_, "recall_bot")
    text = "\n".join(html_visible(out.text) for out in outs)
    keyboards = [out.reply_markup.to_dict() if out.reply_markup else None for out in outs]
    source = getattr(reply_, "source", None)
    return Shown(text, source.label if source else None,
                 [{"text": out.text, "reply_markup": kb} for out, kb in zip(outs, keyboards,
                                                                           strict=True)])


_MASKED_LINK = re.compile(r"\[([^\]]*)\]\((https?://[^)\s]+)\)")
_ESCAPE = re.compile(r"\\([*_~`|>\\\[\]()#-])")


def discord_visible(markdown: str) -> str:
    """Discord Markdown as read: masked links show their label, escapes are not shown."""
    return html.unescape(_ESCAPE.sub(r"\1", _MASKED_LINK.sub(r"\1", markdown))).replace(
        "\u200b", "")


def discord(reply_: Reply) -> Shown:
    from adapters.discord.render import render

    rendered = render(reply_)
    parts: list[str] = [rendered.content or ""]
    embed: dict[str, Any] = dict(rendered.embed.to_dict()) if rendered.embed else {}
    parts += [str(embed.get("title") or ""), str(embed.get("description") or "")]
    for field in embed.get("fields") or []:
        parts += [str(field["name"]), str(field["value"])]
    parts.append(str((embed.get("footer") or {}).get("text") or ""))
    text = "\n\n".join(discord_visible(p) for p in parts if p).strip()
    source = getattr(reply_, "source", None)
    components = rendered.view.to_components() if rendered.view else []
    return Shown(text, source.label if source else None,
                 {"content": rendered.content, "embed": embed or None, "components": components})


_OSC8 = re.compile(r"\x1b\]8;;[^\x1b]*\x1b\\")


def console(reply_: Reply) -> Shown:
    """On a terminal: wrapped to 80 columns, links as OSC 8 hyperlinks (label shown)."""
    from adapters.console import render

    raw, _ = render([reply_], width=CONSOLE_WIDTH, hyperlinks=True)
    text = _OSC8.sub("", raw)
    body = text.split("\n  [1] ")[0].rstrip()  # the message; the numbered buttons follow it
    source = getattr(reply_, "source", None)
    return Shown(body, source.label if source else None, raw)


PLATFORMS: dict[str, Callable[[Reply], Shown]] = {
    "telegram": telegram, "discord": discord, "console": console,
}
