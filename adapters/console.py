"""The console adapter: `recall-bot chat` talks to the same engine with no token at all.

On a terminal it is interactive. With stdin not a terminal it reads one user message per line
and prints only the bot's replies (buttons as `  [N] Label`); a line that is exactly `N`
presses button N of the last turn's replies.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import re
import shutil
import sys
import unicodedata
from pathlib import Path
from typing import TextIO

from bot.catalog import LANGUAGES
from bot.engine import Engine, default_db_path, default_db_target
from bot.inbound import Inbound
from bot.photo import cli as photo_cli
from bot.replies import Button, ChoiceReply, Link, Reply, TextReply

MAX_LINE = 100_000  # longer lines are cut before they reach the engine


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="SQLite state file or postgresql:// URL (default: "
                        "$RECALL_BOT_DB or a per-user data directory)")
    parser.add_argument("--user", default=None, help="user id; the same id continues the same "
                        "conversation (default: your login name)")
    parser.add_argument("--lang", choices=LANGUAGES, help="answer in this language")


def render(replies: list[Reply], first_number: int = 1, width: int | None = None,
           hyperlinks: bool = False) -> tuple[str, list[Button]]:
    """Replies as console text, buttons numbered from `first_number`.

    Piped (the defaults): links as `label — url`, nothing wrapped. On a terminal: lines wrapped to
    `width` columns (CJK characters count two) and links as OSC 8 hyperlinks, so the label is
    clickable and the URL is not printed (terminals without OSC 8 show just the label).
    """
    lines: list[str] = []
    buttons: list[Button] = []
    links: list[Link] = []
    for reply in replies:
        text = reply.plain_text()
        if hyperlinks:
            for link in _links(reply):
                text = text.replace(link.plain_text(), link.label, 1)
                links.append(link)
        lines.append(text)
        for button in reply.buttons:
            if button.url:  # a web link is opened, not pressed: it gets no number
                label = f"  ↗ {button.label}"
                if hyperlinks:
                    links.append(Link(label=button.label, url=button.url))
                else:
                    label += f" — {button.url}"
            else:
                buttons.append(button)
                label = f"  [{first_number + len(buttons) - 1}] {button.label}"
            lines.append(label)
        lines.append("")
    text = "\n".join(lines)
    if width:
        text = wrap(text, width, keep=[link.label for link in links])
    return (_hyperlinked(text, links) if hyperlinks else text), buttons


def _links(reply: Reply) -> list[Link]:
    if isinstance(reply, TextReply | ChoiceReply):
        return []
    found = [link for section in reply.sections for link in section.links]
    return [*found, reply.source] if reply.source else found


def _hyperlinked(text: str, links: list[Link]) -> str:
    """Each link's label (in order) wrapped in an OSC 8 hyperlink; labels a wrap split stay plain."""
    out: list[str] = []
    cursor = 0
    for link in links:
        at = text.find(link.label, cursor)
        if at < 0:
            continue
        url = "".join(c for c in link.url if c.isprintable() and c != "\x1b")
        out += [text[cursor:at], f"\x1b]8;;{url}\x1b\\{link.label}\x1b]8;;\x1b\\"]
        cursor = at + len(link.label)
    out.append(text[cursor:])
    return "".join(out)


_TOKEN = re.compile(r"\s+|https?://\S+|[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]|"
                    r"[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+")


def cells(text: str) -> int:
    """Terminal columns `text` takes: wide (CJK, full-width) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_NO_LINE_START = frozenset("）」』】〕、。，．：；！？)]},.:;!?%")  # stays with what precedes it


def wrap(text: str, width: int, keep: list[str] | None = None) -> str:
    """Each line wrapped to `width` columns; continuation lines keep a bullet's or a button's
    indent. URLs, words and the `keep` phrases (link labels) are never split; CJK text breaks
    between characters, never before closing punctuation."""
    width = max(width, 20)
    tokens = _TOKEN
    if keep:
        phrases = "|".join(re.escape(k) for k in sorted(set(keep), key=len, reverse=True))
        tokens = re.compile(f"{phrases}|{_TOKEN.pattern}")
    out: list[str] = []
    for line in text.split("\n"):
        if cells(line) <= width:
            out.append(line)
            continue
        stripped = line.lstrip()
        indent = " " * (len(line) - len(stripped))
        marker = stripped.split(" ", 1)[0]
        hanging = indent + " " * (len(marker) + 1) \
            if marker in ("•", "-") or marker[:1] in "[0123456789" else indent
        out += _wrap_line(tokens.findall(line), width, hanging)
    return "\n".join(out)


def _wrap_line(tokens: list[str], width: int, hanging: str) -> list[str]:
    rows: list[str] = []
    current = ""
    for token in tokens:
        if token.isspace():
            if current.strip() or not rows:
                current += token
            continue
        if current.strip() and cells(current) + cells(token) > width \
                and token[0] not in _NO_LINE_START:
            rows.append(current.rstrip())
            current = hanging
        current += token
    rows.append(current.rstrip())
    return rows


def terminal_width(stream: TextIO) -> int | None:
    """The terminal's width when `stream` is a terminal, else None (piped output is not wrapped)."""
    if not stream.isatty():
        return None
    return shutil.get_terminal_size(fallback=(80, 24)).columns


def to_inbound(line: str, buttons: list[Button], user: str, locale: str | None) -> Inbound | None:
    """A typed line as an engine event: a button number, a /command, or text."""
    base = {"platform": "console", "chat_id": user, "user_id": user, "locale": locale}
    stripped = line.strip()
    if stripped.startswith("/") and len(stripped) > 1:
        name, _, args = stripped[1:].partition(" ")
        if name.lower() == "photo" and args.strip():  # issue 17: `/photo PATH` sends a label photo
            return Inbound(**base, image=photo_cli.load(args) or b"\0")
        return Inbound(**base, command=name.lower()[:32], args=args)
    return Inbound(**base, text=line[:MAX_LINE])


async def converse(engine: Engine, lines: TextIO, out: TextIO, user: str, *,
                   interactive: bool, lang: str | None, width: int | None = None) -> None:
    """Talk until end of input. `width` (a terminal's): wrap lines and show links as hyperlinks."""
    locale = os.environ.get("LANG", "").split(".")[0] or None
    if lang:
        await engine.handle(Inbound(platform="console", chat_id=user, user_id=user,
                                    command="language", args=lang))
    buttons: list[Button] = []
    if interactive:
        text, buttons = render(await engine.handle(Inbound(
            platform="console", chat_id=user, user_id=user, command="start", locale=locale)),
            width=width, hyperlinks=width is not None)
        out.write(text + "\n")
    while True:
        if interactive:
            out.write("> ")
            out.flush()
        line = await asyncio.to_thread(lines.readline)
        if not line:
            break
        inbound = to_inbound(line.rstrip("\n"), buttons, user, locale)
        if inbound is None:
            continue
        text, buttons = render(await engine.handle(inbound), width=width,
                               hyperlinks=width is not None)
        out.write(text + "\n")
        out.flush()


def run(args: argparse.Namespace) -> int:
    """Start the console bot; exit 0 at end of input."""
    db = args.db or default_db_target()
    beside = default_db_path() if "://" in str(db) else Path(db)  # a URL: the default folder
    _log_to_file(beside.resolve().parent / "recall-bot.log")
    user = args.user or _login_name()
    interactive = sys.stdin.isatty()

    async def main() -> None:
        engine = await Engine.open(db)
        try:
            await converse(engine, sys.stdin, sys.stdout, user, interactive=interactive,
                           lang=args.lang, width=terminal_width(sys.stdout))
        finally:
            await engine.close()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        return 0
    return 0


def _log_to_file(path: Path) -> None:
    """Problems go to a log file beside the database, never onto the user's terminal."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # 0600 like the database beside it: created so, and tightened if it already existed.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        os.chmod(path, 0o600)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)


def _login_name() -> str:
    try:
        return getpass.getuser()[:64]
    except (KeyError, OSError):
        return "local"
