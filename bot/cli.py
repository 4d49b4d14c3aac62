"""`recall-bot` command line. Platform adapters are imported lazily, so `check` and `chat`
never import telegram or discord and start fast."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, Protocol


class _Command(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...
    def run(self, args: argparse.Namespace) -> int: ...


# subcommand -> (module implementing add_arguments/run, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "chat": ("adapters.console", "talk to the bot in this terminal (no token needed)"),
    "check": ("bot.cli_check", "check one device: MODEL [SERIAL] [--region CODE] [--json]"),
    "knowledge": ("bot.cli_knowledge", "validate, import-cpsc, diff or schema: maintain the knowledge"),
    "telegram": ("adapters.telegram.cli", "run the Telegram bot (TELEGRAM_BOT_TOKEN)"),
    "discord": ("adapters.discord.cli", "run the Discord bot, or `discord sync` its commands"),
}


class _Parser(argparse.ArgumentParser):
    """argparse that exits with code 2 and a one-line message, never a traceback."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _load(name: str) -> _Command:
    module: _Command = importlib.import_module(SUBCOMMANDS[name][0])  # type: ignore[assignment,unused-ignore]
    return module


def build_parser(selected: str | None) -> argparse.ArgumentParser:
    parser = _Parser(prog="recall-bot", description="Is my power bank recalled, and what now?")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, (_, help_text) in SUBCOMMANDS.items():
        child = sub.add_parser(name, help=help_text, description=help_text)
        if name == selected:  # import only the module that will run
            _load(name).add_arguments(child)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    selected = next((a for a in args_list if not a.startswith("-")), None)
    parser = build_parser(selected if selected in SUBCOMMANDS else None)
    args = parser.parse_args(args_list)
    run: Callable[[argparse.Namespace], int] = _load(args.command).run
    try:
        return run(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one clear line, through the same redactor as the logs
        from adapters.logsafety import redact  # holds the secrets the subcommand registered
        from bot.store import StoreError  # lazily: `check` never loads the store

        if isinstance(exc, StoreError):  # e.g. RECALL_BOT_DB unreachable: its URL, no password
            print(f"recall-bot: {redact(str(exc))}", file=sys.stderr)
        else:
            print(f"recall-bot {args.command}: {type(exc).__name__}: {redact(str(exc))}",
                  file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
