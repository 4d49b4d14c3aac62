"""Every platform limit a reply must fit, checked on the engine's replies and on both renderings.

Values from shared/reference/platform-limits.md: Telegram T1 (text 4,096), T4 (callback_data
64 bytes), T12 (deep-link payload 64); Discord D15 (content 2,000), D17/D18 (embed title 256,
description 4,096, 25 fields, field name 256, value 1,024, footer 2,048, total 6,000), D19
(custom_id 100, label 80, 5×5 buttons).
"""

from __future__ import annotations

import re
from typing import Any

from bot.replies import ChoiceReply, Reply, TextReply

TG_TEXT = 4096
TG_CALLBACK_BYTES = 64
TG_DEEP_LINK = 64
DC_CONTENT = 2000
DC_TITLE = 256
DC_DESCRIPTION = 4096
DC_FIELDS = 25
DC_FIELD_NAME = 256
DC_FIELD_VALUE = 1024
DC_FOOTER = 2048
DC_EMBED_TOTAL = 6000
DC_CUSTOM_ID = 100
DC_LABEL = 80
DC_BUTTONS = 25

_DEEP_LINK = re.compile(r"[A-Za-z0-9_-]{1,64}")

try:  # the adapters' own renderers, when they import (they are built alongside this suite)
    from adapters.telegram import render as tg_render
except ImportError:  # pragma: no cover - reported by test_adapters_present
    tg_render = None  # type: ignore[assignment]
try:
    from adapters.discord import render as dc_render
except ImportError:  # pragma: no cover
    dc_render = None  # type: ignore[assignment]


def reply_problems(reply: Reply) -> list[str]:
    """What in the engine's reply breaks a limit some platform imposes (empty: fits them all)."""
    problems: list[str] = []
    if isinstance(reply, TextReply | ChoiceReply):
        if not reply.text.strip():
            problems.append("empty text (Telegram needs 1-4096 characters)")
        if len(reply.text) > TG_TEXT:
            problems.append(f"text {len(reply.text)} > {TG_TEXT}")
    else:
        problems += _card_problems(reply.title, [(s.heading, "\n".join(s.lines))
                                                 for s in reply.sections], reply.footer)
        if len(reply.plain_text()) > TG_TEXT * 4:
            problems.append("card longer than four Telegram messages")
    if len(reply.buttons) > DC_BUTTONS:
        problems.append(f"{len(reply.buttons)} buttons > {DC_BUTTONS}")
    for button in reply.buttons:
        if not 1 <= len(button.label) <= DC_LABEL:
            problems.append(f"button label length {len(button.label)}")
        if button.token is not None:
            size = len(button.token.encode())
            if not 1 <= size <= TG_CALLBACK_BYTES or len(button.token) > DC_CUSTOM_ID:
                problems.append(f"token {button.token!r} is {size} bytes")
        if button.deep_link is not None and not _DEEP_LINK.fullmatch(button.deep_link):
            problems.append(f"deep link {button.deep_link!r}")
    return problems


def _card_problems(title: str, fields: list[tuple[str | None, str]],
                   footer: str | None) -> list[str]:
    problems: list[str] = []
    if not title.strip():
        problems.append("empty card title")
    if len(title) > DC_TITLE:
        problems.append(f"title {len(title)} > {DC_TITLE}")
    if len(fields) > DC_FIELDS:
        problems.append(f"{len(fields)} sections > {DC_FIELDS}")
    total = len(title) + len(footer or "")
    for heading, value in fields:
        if heading and len(heading) > DC_FIELD_NAME:
            problems.append(f"section heading {len(heading)} > {DC_FIELD_NAME}")
        if len(value) > DC_FIELD_VALUE:
            problems.append(f"section {len(value)} > {DC_FIELD_VALUE}")
        total += len(heading or "") + len(value)
    if footer and len(footer) > DC_FOOTER:
        problems.append(f"footer {len(footer)} > {DC_FOOTER}")
    if total > DC_EMBED_TOTAL:
        problems.append(f"card total {total} > {DC_EMBED_TOTAL}")
    return problems


def telegram_problems(reply: Reply) -> list[str]:
    """The Telegram adapter's messages for `reply`, checked against Telegram's limits."""
    if tg_render is None:
        return []
    problems: list[str] = []
    for message in tg_render.render(reply, "recall_bot"):
        if not 1 <= len(message.text) <= TG_TEXT:
            problems.append(f"telegram message of {len(message.text)} characters")
        markup = message.reply_markup
        for row in markup.inline_keyboard if markup else ():
            for key in row:
                data = key.callback_data
                if isinstance(data, str) and not 1 <= len(data.encode()) <= TG_CALLBACK_BYTES:
                    problems.append(f"callback_data of {len(data.encode())} bytes")
    return problems


def discord_problems(reply: Reply) -> list[str]:
    """The Discord adapter's message for `reply`, checked against Discord's limits."""
    if dc_render is None:
        return []
    rendered = dc_render.render(reply)
    problems: list[str] = []
    if rendered.content is not None and not 1 <= len(rendered.content) <= DC_CONTENT:
        problems.append(f"discord content of {len(rendered.content)} characters")
    if rendered.embed is not None:
        problems += _embed_problems(rendered.embed)
    if rendered.content is None and rendered.embed is None:
        problems.append("discord message with neither content nor embed")
    if rendered.view is not None:
        items: list[Any] = list(rendered.view.children)
        if len(items) > DC_BUTTONS:
            problems.append(f"{len(items)} components")
        for item in items:
            button = getattr(item, "item", item)  # a DynamicItem wraps the real button
            custom_id = getattr(button, "custom_id", None)
            if custom_id is not None and not 1 <= len(custom_id) <= DC_CUSTOM_ID:
                problems.append(f"custom_id of {len(custom_id)} characters")
            label = getattr(button, "label", None)
            if label is not None and len(label) > DC_LABEL:
                problems.append(f"button label of {len(label)} characters")
    return problems


def _embed_problems(embed: Any) -> list[str]:
    problems: list[str] = []
    if embed.title and len(embed.title) > DC_TITLE:
        problems.append(f"embed title {len(embed.title)}")
    if embed.description and len(embed.description) > DC_DESCRIPTION:
        problems.append(f"embed description {len(embed.description)}")
    if len(embed.fields) > DC_FIELDS:
        problems.append(f"{len(embed.fields)} embed fields")
    for f in embed.fields:
        if not f.name or len(f.name) > DC_FIELD_NAME:
            problems.append(f"field name {len(f.name or '')}")
        if not f.value or len(f.value) > DC_FIELD_VALUE:
            problems.append(f"field value {len(f.value or '')}")
    if embed.footer.text and len(embed.footer.text) > DC_FOOTER:
        problems.append(f"footer {len(embed.footer.text)}")
    if len(embed) > DC_EMBED_TOTAL:
        problems.append(f"embed total {len(embed)}")
    return problems


def all_problems(reply: Reply) -> list[str]:
    """Engine-level and rendered problems together."""
    return reply_problems(reply) + telegram_problems(reply) + discord_problems(reply)
