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
import sys
from pathlib import Path
from typing import TextIO

from bot.catalog import LANGUAGES
from bot.engine import Engine, default_db_path
from bot.inbound import Inbound
from bot.photo import cli as photo_cli
from bot.replies import Button, Reply

MAX_LINE = 100_000  # longer lines are cut before they reach the engine


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, help="SQLite state file (default: $RECALL_BOT_DB or a "
                        "per-user data directory)")
    parser.add_argument("--user", default=None, help="user id; the same id continues the same "
                        "conversation (default: your login name)")
    parser.add_argument("--lang", choices=LANGUAGES, help="answer in this language")


def render(replies: list[Reply], first_number: int = 1) -> tuple[str, list[Button]]:
    """Replies as console text, buttons numbered from `first_number`."""
    lines: list[str] = []
    buttons: list[Button] = []
    for reply in replies:
        lines.append(reply.plain_text())
        for button in reply.buttons:
            buttons.append(button)
            suffix = f" — {button.url}" if button.url else ""
            lines.append(f"  [{first_number + len(buttons) - 1}] {button.label}{suffix}")
        lines.append("")
    return "\n".join(lines), buttons


def to_inbound(line: str, buttons: list[Button], user: str, locale: str | None) -> Inbound | None:
    """A typed line as an engine event: a button number, a /command, or text."""
    base = {"platform": "console", "chat_id": user, "user_id": user, "locale": locale}
    stripped = line.strip()
    if stripped.isdecimal() and 1 <= int(stripped) <= len(buttons) and buttons[int(stripped) - 1].url:
        return None  # a web link: nothing to send (the engine resolves other numbers itself)
    if stripped.startswith("/") and len(stripped) > 1:
        name, _, args = stripped[1:].partition(" ")
        if name.lower() == "photo" and args.strip():  # issue 17: `/photo PATH` sends a label photo
            return Inbound(**base, image=photo_cli.load(args) or b"\0")
        return Inbound(**base, command=name.lower()[:32], args=args)
    return Inbound(**base, text=line[:MAX_LINE])


async def converse(engine: Engine, lines: TextIO, out: TextIO, user: str, *,
                   interactive: bool, lang: str | None) -> None:
    locale = os.environ.get("LANG", "").split(".")[0] or None
    if lang:
        await engine.handle(Inbound(platform="console", chat_id=user, user_id=user,
                                    command="language", args=lang))
    buttons: list[Button] = []
    if interactive:
        text, buttons = render(await engine.handle(Inbound(
            platform="console", chat_id=user, user_id=user, command="start", locale=locale)))
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
        text, buttons = render(await engine.handle(inbound))
        out.write(text + "\n")
        out.flush()


def run(args: argparse.Namespace) -> int:
    """Start the console bot; exit 0 at end of input."""
    db = args.db or default_db_path()
    _log_to_file(Path(db).resolve().parent / "recall-bot.log")
    user = args.user or _login_name()
    interactive = sys.stdin.isatty()

    async def main() -> None:
        engine = await Engine.open(db)
        try:
            await converse(engine, sys.stdin, sys.stdout, user, interactive=interactive,
                           lang=args.lang)
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
