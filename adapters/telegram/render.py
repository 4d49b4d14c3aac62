"""Engine replies → Telegram messages: HTML with every piece of text escaped, inline keyboards.

Telegram rejects a whole message when its HTML does not parse, so nothing from the engine (which
may echo user text) reaches the wire unescaped: only the tags made here are real tags.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, TelegramObject

from bot.replies import Button, ChoiceReply, Link, Reply, TextReply

# "1-4096 characters after entities parsing"; we keep the HTML source itself within the limit,
# which is stricter and needs no entity arithmetic.
MAX_MESSAGE = 4096
MAX_LINK_LABEL = 200
PAIR_LABEL_MAX = 18  # action buttons with labels up to this long share a row (phone width)


@dataclass(frozen=True)
class Outgoing:
    """One sendMessage worth of HTML text and an optional keyboard."""

    text: str
    reply_markup: InlineKeyboardMarkup | None = None


def deep_link(bot_username: str, payload: str) -> str:
    """The private-chat link that starts the bot with `payload` (t.me/<bot>?start=<payload>)."""
    return f"https://t.me/{bot_username}?start={payload}"


def keyboard(buttons: list[Button], bot_username: str) -> InlineKeyboardMarkup | None:
    """The inline keyboard for `buttons` (see _keyboard), remembered: most cards' buttons come
    back turn after turn (PTB's keyboard objects are immutable once built)."""
    if not buttons:
        return None
    key = (tuple(buttons), bot_username)
    markup = _keyboards.get(key)
    if markup is None:
        markup = _keyboard(buttons, bot_username)
        if len(_keyboards) >= KEYBOARD_CACHE:
            del _keyboards[next(iter(_keyboards))]
        _keyboards[key] = markup
    return markup


class FrozenKeyboard(InlineKeyboardMarkup):
    """An inline keyboard whose Bot API JSON is built once. PTB's objects cannot change after
    they are built, and PTB calls to_dict() on every send (it was ~10% of a send's time);
    the dict is only serialised, never changed."""

    __slots__ = ("_json",)

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        if not recursive:
            return super().to_dict(recursive)
        return _built_once(self, super().to_dict)


class FrozenLinkPreview(LinkPreviewOptions):
    """Link-preview options whose Bot API JSON is built once (as FrozenKeyboard): every message
    carries the same one, and its to_dict() was ~3 % of an update's time."""

    __slots__ = ("_json",)

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        if not recursive:
            return super().to_dict(recursive)
        return _built_once(self, super().to_dict)


def _built_once(obj: TelegramObject, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        cached: dict[str, Any] = object.__getattribute__(obj, "_json")
    except AttributeError:
        cached = build()
        object.__setattr__(obj, "_json", cached)  # PTB objects are frozen after __init__
    return cached


KEYBOARD_CACHE = 4096
_keyboards: dict[tuple[tuple[Button, ...], str], InlineKeyboardMarkup | None] = {}


def _keyboard(buttons: list[Button], bot_username: str) -> InlineKeyboardMarkup | None:
    """Link buttons (web links, deep links) one to a row, in the engine's order (the engine puts
    the official checker and claim form first); runs of action buttons two to a row, so a card's
    follow-ups fit a phone screen."""
    rows: list[list[InlineKeyboardButton]] = []
    paired = False  # the last row holds one action button and may take a second
    for button in buttons:
        if button.token is not None:
            key = InlineKeyboardButton(button.label, callback_data=button.token)
            if paired and len(button.label) <= PAIR_LABEL_MAX:
                rows[-1].append(key)
                paired = False
                continue
            rows.append([key])
            paired = len(button.label) <= PAIR_LABEL_MAX
            continue
        if button.deep_link is not None:
            key = InlineKeyboardButton(button.label, url=deep_link(bot_username, button.deep_link))
        else:
            key = InlineKeyboardButton(button.label, url=button.url)
        rows.append([key])
        paired = False
    return FrozenKeyboard(rows) if rows else None


def _escaped_pieces(text: str, limit: int) -> list[str]:
    """`text` escaped and cut into pieces of at most `limit` HTML characters.

    Escaped as one string (one C-level pass) when it fits, which is nearly always; only a
    line longer than a message is cut, character by character, so no entity is split.
    """
    escaped = html.escape(text, quote=False)
    if len(escaped) <= limit:
        return [escaped]
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        escaped = html.escape(char, quote=False)
        if size + len(escaped) > limit:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(escaped)
        size += len(escaped)
    pieces.append("".join(current))
    return pieces


def _wrap(tag: str | None, text: str, limit: int) -> list[str]:
    """Escaped `text` inside `<tag>` (if any), split so each fragment fits `limit`."""
    if tag is None:
        return _escaped_pieces(text, limit)
    overhead = len(tag) * 2 + 5  # <b></b>
    return [f"<{tag}>{piece}</{tag}>" for piece in _escaped_pieces(text, limit - overhead)]


def _blocks(reply: Reply) -> list[list[str]]:
    """The reply as blocks (separated by a blank line) of self-contained HTML lines."""
    if isinstance(reply, TextReply | ChoiceReply):
        return [_lines(None, reply.text)]
    blocks = [_lines("b", reply.title)] if reply.title else []
    for section in reply.sections:
        block = _lines("b", section.heading) if section.heading else []
        for line in section.lines:
            block += _lines(None, line)
        block += [link_html(link) for link in section.links]
        if block:
            blocks.append(block)
    if reply.source:
        blocks.append([f"<i>{link_html(reply.source)}</i>"])
    if reply.footer:
        blocks.append(_lines("i", reply.footer))
    return blocks


def link_html(link: Link) -> str:
    """`<a href="url">label</a>`, both escaped: the label is what users read, never the URL."""
    label = html.escape(link.label[:MAX_LINK_LABEL], quote=False)
    return f'<a href="{html.escape(link.url, quote=True)}">{label}</a>'


def _lines(tag: str | None, text: str) -> list[str]:
    return [fragment for line in text.split("\n") for fragment in _wrap(tag, line, MAX_MESSAGE)]


def html_chunks(reply: Reply, limit: int = MAX_MESSAGE) -> list[str]:
    """The reply as HTML, split at line boundaries into messages of at most `limit` characters."""
    chunks: list[str] = []
    current = ""
    for b, block in enumerate(_blocks(reply)):
        for n, line in enumerate(block):
            sep = ("\n\n" if n == 0 else "\n") if (b or n) else ""
            if current and len(current) + len(sep) + len(line) > limit:
                chunks.append(current)
                current, sep = "", ""
            current += (sep if current else "") + line
    if current.strip() or not chunks:
        chunks.append(current)
    return [chunk if chunk.strip() else "\u2063" for chunk in chunks]  # Telegram needs ≥ 1 char


def render(reply: Reply, bot_username: str) -> list[Outgoing]:
    """The messages that show `reply`; its keyboard goes on the last one."""
    chunks = html_chunks(reply)
    markup = keyboard(reply.buttons, bot_username)
    return [Outgoing(c, markup if i == len(chunks) - 1 else None) for i, c in enumerate(chunks)]
