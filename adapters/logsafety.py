"""Keep the bot tokens out of every log line, at every level (Telegram and Discord).

httpx logs each request URL at INFO, and the Bot API URL contains the token; python-telegram-bot
logs its base URL at DEBUG and puts the token into InvalidToken messages; discord.py logs
request payloads (user text) at DEBUG. Filters attached to a
logger do not see records propagated from child loggers, so redaction is installed as a log
record factory: it runs for every record, whoever logs it and wherever it goes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
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
}


class TokenRedactor(logging.Filter):
    """Replaces secrets (and their URL-encoded forms) in a record's message and traceback."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        forms: set[str] = set()
        for secret in filter(None, secrets):
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


def install(*secrets: str) -> Callable[[], None]:
    """Redact `secrets` from all log records from now on; returns a function that undoes it."""
    redactor = TokenRedactor(*secrets)
    previous = logging.getLogRecordFactory()

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
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)

    return uninstall
