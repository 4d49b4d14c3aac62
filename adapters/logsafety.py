"""Keep the bot tokens out of every log line, at every level (Telegram and Discord).

httpx logs each request URL at INFO, and the Bot API URL contains the token; python-telegram-bot
logs its base URL at DEBUG and puts the token into InvalidToken messages; discord.py logs
request payloads (user text) at DEBUG. Filters attached to a
logger do not see records propagated from child loggers, so redaction is installed as a log
record factory: it runs for every record, whoever logs it and wherever it goes.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType
from urllib.parse import quote

REDACTED = "<redacted>"
# Loggers whose chatty levels carry secrets or user data, and the most they may say:
# httpx/httpcore log request URLs (with the token) at INFO; python-telegram-bot logs whole
# updates and API results at DEBUG (user text, which can be a serial number); aiosqlite logs
# every SQL statement with its parameters at DEBUG (the conversation state, serial included);
# discord.py logs HTTP payloads and gateway events at DEBUG (user text again).
_NOISY_LOGGERS = {
    "httpx": logging.WARNING, "httpcore": logging.WARNING,
    "telegram": logging.INFO, "aiosqlite": logging.INFO, "discord": logging.INFO,
    # tornado (the webhook server) logs one line per request, a warning per refused one: under
    # a flood of refused requests that is a log flood. Our handler logs what matters.
    "tornado.access": logging.ERROR,
}


class TokenRedactor(logging.Filter):
    """Replaces secrets (and their URL-encoded forms) in a record's message and traceback."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        forms: set[str] = set()
        for raw in filter(None, secrets):
            for secret in filter(None, {raw, raw.strip()}):  # as configured and as used
                forms.update({secret, quote(secret, safe="")})
                _, _, tail = secret.partition(":")  # the secret half of "<bot id>:<secret>"
                if len(tail) >= 8:
                    forms.add(tail)
        self._forms = sorted(forms, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """`text` with every secret form replaced."""
        for form in self._forms:
            text = text.replace(form, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Bake the redacted message (and traceback) into the record; never drops it."""
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_ACTIVE: list[TokenRedactor] = []


def redact(text: str) -> str:
    """`text` with every installed secret replaced: for anything printed outside logging."""
    for redactor in _ACTIVE:
        text = redactor.redact(text)
    return text


def _print_redacted(exc_type: type[BaseException], exc: BaseException | None,
                    tb: TracebackType | None) -> None:
    sys.stderr.write(redact("".join(traceback.format_exception(exc_type, exc, tb))))


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is not SystemExit:
        _print_redacted(args.exc_type, args.exc_value, args.exc_traceback)


def install(*secrets: str) -> Callable[[], None]:
    """Redact `secrets` from all log records, and from uncaught exceptions printed by Python
    (main thread and other threads), from now on; returns a function that undoes it."""
    redactor = TokenRedactor(*secrets)
    previous = logging.getLogRecordFactory()
    _ACTIVE.append(redactor)
    hooks = (sys.excepthook, threading.excepthook)
    sys.excepthook = _print_redacted
    threading.excepthook = _thread_hook

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redactor.filter(record)
        return record

    logging.setLogRecordFactory(factory)
    levels = {name: logging.getLogger(name).level for name in _NOISY_LOGGERS}
    for name, ceiling in _NOISY_LOGGERS.items():
        logger = logging.getLogger(name)
        logger.setLevel(max(logger.getEffectiveLevel(), ceiling))

    def uninstall() -> None:
        logging.setLogRecordFactory(previous)
        _ACTIVE.remove(redactor)
        sys.excepthook, threading.excepthook = hooks
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)

    return uninstall
