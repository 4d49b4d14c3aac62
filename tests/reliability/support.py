"""Shared helpers for the reliability suite: fuzz profiles, raw database reads, log capture."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, settings

from bot.catalog import CATALOG, LANGUAGES
from bot.state import ConversationState

# `HYPOTHESIS_PROFILE=long pytest tests/reliability -k fuzz` runs ≥ 10,000 conversations.
settings.register_profile(
    "quick", max_examples=150, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long", max_examples=10_000, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "quick")
FUZZ = settings(settings.get_profile(PROFILE if PROFILE in ("quick", "long") else "quick"))

APOLOGIES = frozenset(CATALOG.text(lang, "ui_error_apology") for lang in LANGUAGES)


def raw_states(db: Path) -> list[tuple[tuple[str, str, str], str]]:
    """Every stored conversation as (key, raw JSON), read by a separate connection."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT platform, chat_id, user_id, state FROM conversations")
        return [((p, c, u), s) for p, c, u, s in rows.fetchall()]


def raw_state(db: Path, key: tuple[str, str, str]) -> ConversationState | None:
    """One conversation's stored state, validated strictly (no fallback to a fresh state)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT state FROM conversations WHERE platform = ? AND chat_id = ?"
                           " AND user_id = ?", key).fetchone()
    if row is None:
        return None
    return ConversationState.model_validate(json.loads(row[0]))


def integrity(db: Path) -> str:
    """PRAGMA integrity_check's answer ('ok' when the file is sound)."""
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


class Records(logging.Handler):
    """Keeps every record (formatted, with tracebacks) from every logger at every level."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        return "\n".join(self.format(r) for r in self.records)

    def errors(self) -> list[logging.LogRecord]:
        return [r for r in self.records if r.levelno >= logging.ERROR]


@contextmanager
def capture_logs(level: int = logging.DEBUG) -> Iterator[Records]:
    """Capture all logging (root at `level`) for the duration."""
    handler = Records()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(level)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
