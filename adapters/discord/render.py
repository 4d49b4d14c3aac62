"""Engine replies → Discord message parts (content, embed, buttons), inside Discord's limits.

Limits (official docs, see shared/reference/platform-limits.md D15–D19): content 2,000 characters;
embed title 256, description 4,096, ≤ 25 fields, field name 256 and value 1,024, footer 2,048,
6,000 characters in all embeds of a message; custom_id ≤ 100; ≤ 5 buttons a row, ≤ 5 rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import discord

from bot.replies import (
    ChoiceReply,
    InfoCard,
    Link,
    PsaCard,
    Reply,
    SafetyCard,
    TextReply,
    VerdictCard,
)

from .views import build_view

CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
BLANK = "\u200b"  # a field needs a non-empty name and value; this zero-width space shows nothing
ELLIPSIS = "…"

# Never ping anyone: every message this adapter sends carries this.
NO_MENTIONS = discord.AllowedMentions.none()

# Colour by verdict. Green only marks "not in the affected range", never "safe" (the text says so).
# A model recalled elsewhere but not where the user bought it is shown in CAUTION, never grey.
VERDICT_COLOURS: dict[str, discord.Colour] = {
    "affected": discord.Colour.red(),
    "not_affected": discord.Colour.green(),
    "confirm_on_checker": discord.Colour.gold(),
    "serial_needed": discord.Colour.blurple(),
    "serial_invalid": discord.Colour.orange(),
    "not_in_known_recall": discord.Colour.light_grey(),
}
CAUTION = discord.Colour.gold()
KIND_COLOURS: dict[str, discord.Colour] = {
    "safety": discord.Colour.dark_red(),
    "psa": discord.Colour.orange(),
    "info": discord.Colour.blurple(),
}

_MENTION = re.compile(r"@(?=everyone\b|here\b|[!&]?\d)")


def unmention(text: str) -> str:
    """Break mention syntax (@everyone, @here, <@id>, <@!id>, <@&id>) with a zero-width space."""
    return _MENTION.sub("@" + BLANK, text)


def escape(text: str) -> str:
    """Plain text → Markdown-safe text: no formatting, no mentions (@everyone, <@id>, <@&id>)."""
    return unmention(discord.utils.escape_markdown(text))


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when something was cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    if cut.endswith("\\") and not cut.endswith("\\\\"):
        cut = cut[:-1]  # never leave a dangling escape that would swallow the ellipsis
    return cut + ELLIPSIS


@dataclass(frozen=True)
class Rendered:
    """One Discord message: send it with `**kwargs()`."""

    content: str | None
    embed: discord.Embed | None
    view: discord.ui.View | None
    private: bool

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments shared by send_message, followup.send, edit and channel.send."""
        kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
        if self.content is not None:
            kwargs["content"] = self.content
        if self.embed is not None:
            kwargs["embed"] = self.embed
        if self.view is not None:
            kwargs["view"] = self.view
        return kwargs


def _text_message(text: str) -> tuple[str | None, discord.Embed | None]:
    escaped = escape(text)
    if len(escaped) <= CONTENT_MAX:
        return escaped, None
    # Longer than a message may be: an embed description holds twice as much.
    return None, discord.Embed(description=clip(escaped, DESCRIPTION_MAX))


def _colour(reply: Reply) -> discord.Colour:
    if isinstance(reply, VerdictCard):
        if reply.recalled_elsewhere:
            return CAUTION
        return VERDICT_COLOURS.get(reply.verdict, CAUTION)
    return KIND_COLOURS.get(reply.kind, discord.Colour.blurple())


def markdown_link(link: Link) -> str:
    """`[label](url)`: a masked link (embeds render it; the URL itself is not shown)."""
    label = escape(link.label).replace("[", "(").replace("]", ")")
    url = link.url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{label}]({url})"


def _value(lines: list[str], links: list[Link], limit: int = FIELD_VALUE_MAX) -> str:
    """A field value (or description): escaped lines, then the links, each whole (a cut link
    would show its URL); the lines give way to the links when both do not fit."""
    pieces: list[str] = []
    used = 0
    for link in links:
        piece = markdown_link(link)
        if used + len(piece) + 1 > limit // 2 and pieces:
            break
        pieces.append(piece)
        used += len(piece) + 1
    room = limit - used
    text = clip(escape("\n".join(lines)), room) if lines and room > len(ELLIPSIS) else ""
    return "\n".join([text, *pieces] if text else pieces) or BLANK


def _card_embed(reply: VerdictCard | InfoCard | SafetyCard | PsaCard) -> discord.Embed:
    embed = discord.Embed(title=clip(escape(reply.title), TITLE_MAX), colour=_colour(reply))
    sections = reply.sections
    if sections and sections[0].heading is None:
        # An untitled first section reads as the card's body: the description, not a field
        # with an empty name (which shows as a blank line on phones).
        first = sections[0]
        links = [*first.links, *([reply.source] if reply.source and len(sections) == 1 else [])]
        embed.description = _value(first.lines, links, DESCRIPTION_MAX)
        sections = sections[1:]
    sections = sections[:FIELDS_MAX]
    for index, section in enumerate(sections):
        name = clip(escape(section.heading), FIELD_NAME_MAX) if section.heading else BLANK
        links = list(section.links)
        if reply.source is not None and index == len(sections) - 1:
            links.append(reply.source)  # the source line closes the last field, linked
        value = _value(section.lines, links)
        if name == BLANK and value == BLANK:
            continue
        embed.add_field(name=name, value=value, inline=False)
    if reply.source is not None and not reply.sections:
        embed.description = markdown_link(reply.source)
    if reply.footer:
        # Footers show no Markdown, so they are not escaped (backslashes would show).
        embed.set_footer(text=clip(unmention(reply.footer), FOOTER_MAX))
    _fit_total(embed)
    return embed


def _fit_total(embed: discord.Embed) -> None:
    """Bring the embed within the 6,000-character total: shorten field values (last first), then
    drop trailing fields, then shorten the footer. Only pathological replies get that far."""
    for index in reversed(range(len(embed.fields))):
        excess = len(embed) - EMBED_TOTAL_MAX
        if excess <= 0:
            return
        field = embed.fields[index]
        value = field.value or BLANK
        new_value = clip(value, max(len(ELLIPSIS) + 1, len(value) - excess))
        embed.set_field_at(index, name=field.name, value=new_value, inline=False)
    while len(embed) > EMBED_TOTAL_MAX and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    excess = len(embed) - EMBED_TOTAL_MAX
    footer = embed.footer.text
    if excess > 0 and footer:
        embed.set_footer(text=clip(footer, max(len(ELLIPSIS) + 1, len(footer) - excess)))
    excess = len(embed) - EMBED_TOTAL_MAX
    if excess > 0 and embed.description:
        embed.description = clip(embed.description,
                                 max(len(ELLIPSIS) + 1, len(embed.description) - excess))


def render(reply: Reply) -> Rendered:
    """The Discord form of one engine reply."""
    view = build_view(reply.buttons)
    if isinstance(reply, TextReply | ChoiceReply):
        content, embed = _text_message(reply.text)
    else:
        content, embed = None, _card_embed(reply)
    return Rendered(content=content, embed=embed, view=view, private=reply.private)
