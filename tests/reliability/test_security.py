"""Security: forged and old buttons, secrets and serials out of logs and files, /forget, /psa."""

from __future__ import annotations

import asyncio
import io
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters import console
from bot import dialog, understanding
from bot.catalog import CATALOG
from bot.engine import Engine
from bot.inbound import Inbound
from bot.replies import ChoiceReply, PsaCard, Reply, VerdictCard

from .support import APOLOGIES, capture_logs

INVALID = CATALOG.text("en", "button_invalid")
STALE = CATALOG.text("en", "button_stale")
SECRET = "123456789:AAF-secret-token-never-to-be-logged_xyz"
# (model, serial, region) checks run to a verdict; serials written as a user would type them.
CHECKS = [("A1263", "ABCD 1234 EFGH 5678", "Ohio"), ("BPB002", "35SQ8X7Y6Z5W4V", None),
          ("BI-B41", "XX000G21ZZ99", None), ("A1647", "QW12ER34TY56UI78", "bought in Japan")]


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    eng = await Engine.open(tmp_path / "state.db", strict_truth=True)
    yield eng
    await eng.close()


def _in(user: str = "u", chat: str | None = None, platform: str = "telegram",
        **event: object) -> Inbound:
    return Inbound(platform=platform, chat_id=chat or user, user_id=user, **event)


async def _check(engine: Engine, user: str, model: str, serial: str, region: str | None) -> None:
    """One full check, answering whatever the bot asks, until the verdict."""
    replies = await engine.handle(_in(user, text=model))
    for _ in range(4):
        text = "\n".join(r.plain_text() for r in replies)
        if any(isinstance(r, VerdictCard) and "preview" not in r.about for r in replies):
            return
        if "serial number" in text:
            replies = await engine.handle(_in(user, text=serial))
        elif "Where did you buy" in text:
            replies = await engine.handle(_in(user, text=region or "United States"))
        else:
            raise AssertionError(f"unexpected question: {text[:200]}")
    raise AssertionError("no verdict")


# ----- forged and old action tokens ----------------------------------------------------------

FORGED = ["rc1:pick:ZZZZ", "rc1:bogus", "rc2:pick:A1263", "rc1:pick:A1263@999999",
          "rc1:region:XX", "rc1:topic:../../etc", "rc1:lang:xx", "rc1:pick:" + "A" * 60,
          "' OR 1=1 --", "\x00\u202e", "🔋" * 40, "", "rc1:region:US@-1"]


@pytest.mark.parametrize("token", FORGED)
async def test_forged_tokens_are_answered_gracefully(engine: Engine, token: str) -> None:
    await engine.handle(_in(text="A1263"))
    with capture_logs() as logs:
        replies = await engine.handle(_in(action=token))
    texts = [r.plain_text() for r in replies]
    assert texts[0] in (INVALID, STALE), texts
    assert isinstance(replies[-1], ChoiceReply), "the current question is asked again"
    assert not set(texts) & APOLOGIES and not logs.errors()


async def test_old_token_is_answered_as_used(engine: Engine) -> None:
    first = await engine.handle(_in(text="A1263"))
    old = next(b.token for r in first for b in r.buttons if b.token and ":region:JP" in b.token)
    await engine.handle(_in(text="Ohio"))
    replies = await engine.handle(_in(action=old))
    assert replies[0].plain_text() == STALE
    assert "serial number" in replies[1].plain_text(), "the conversation is where it was"


# ----- secrets and serials never in logs -------------------------------------------------------

async def test_engine_and_console_never_log_secrets_or_serials(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A whole console session at DEBUG, including an internal failure quoting its input."""
    for name in ("TELEGRAM_BOT_TOKEN", "DISCORD_TOKEN", "DISCORD_BOT_TOKEN"):
        monkeypatch.setenv(name, SECRET)
    engine = await Engine.open(tmp_path / "state.db")
    lines = ["A1263", "ABCD1234EFGH5678", "Ohio", "/check", "A1263 SN: QW12ER34TY56UI78",
             "/ABCD1234EFGH5678", "1", "/forget", "explode QW12ER34TY56UI78"]
    real_understand = understanding.understand

    def failing(text: str, index: object) -> object:
        if text.startswith("explode"):  # libraries (pydantic, re) quote their input in errors
            raise ValueError(f"cannot read {text!r}")
        return real_understand(text, index)  # type: ignore[arg-type]

    monkeypatch.setattr(dialog, "understand", failing)
    out = io.StringIO()
    with capture_logs(logging.DEBUG) as logs:
        await console.converse(engine, io.StringIO("\n".join(lines) + "\n"), out, "u",
                               interactive=False, lang=None)
        await engine.close()
    assert CATALOG.text("en", "ui_error_apology") in out.getvalue(), "the failure happened"
    assert logs.errors(), "and was logged"
    logged = logs.text()
    for secret in (SECRET, "ABCD1234EFGH5678", "QW12ER34TY56UI78", "abcd1234efgh5678"):
        assert secret not in logged, f"{secret!r} is in the log"


# ----- no raw serial at rest after checks --------------------------------------------------------

def _files(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in db.parent.glob(db.name + "*")}


def _forms(serial: str) -> set[bytes]:
    compact = serial.replace(" ", "").replace("-", "")
    return {f.encode() for f in (serial, compact, compact.upper(), compact.lower())
            } | {compact.encode("utf-16-le")}


async def test_no_raw_serial_at_rest_after_checks(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    engine = await Engine.open(db, strict_truth=True)
    try:
        for n, (model, serial, region) in enumerate(CHECKS):
            await _check(engine, f"user{n}", model, serial, region)
        # the same serial given in the first message, and a serial that is first invalid
        await _check(engine, "early", "A1263 SN: ABCD 1234 EFGH 5678 bought in Ohio", "", None)
        await asyncio.sleep(engine.scrub_delay + 0.5)  # the batched scrub runs by itself
        files = _files(db)
        assert any(name.endswith("-wal") for name in files), "scan while the WAL is live"
        for name, data in files.items():
            for model, serial, _ in CHECKS:
                for form in _forms(serial):
                    assert form not in data, f"serial {serial!r} ({model}) found in {name}"
    finally:
        await engine.close()
    for name, data in _files(db).items():
        for _, serial, _ in CHECKS:
            assert not any(form in data for form in _forms(serial)), name


# ----- /forget ------------------------------------------------------------------------------

async def test_forget_removes_every_row_of_that_user(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    engine = await Engine.open(db, strict_truth=True)
    victim = "forgetme-5f3a9c"
    try:
        await engine.handle(_in(victim, text="A1263"))
        await engine.handle(_in(victim, chat="group-1", text="hello", chat_kind="group"))
        await engine.handle(_in(victim, chat="group-2", text="A1647", chat_kind="group"))
        await engine.handle(_in("neighbour", text="A1263"))
        await engine.handle(_in(victim, platform="discord", text="A1263"))
        replies = await engine.handle(_in(victim, command="forget"))
        assert replies[0].plain_text() == CATALOG.text("en", "forgotten")
        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT platform, chat_id, user_id FROM conversations").fetchall()
        assert ("telegram", "neighbour", "neighbour") in rows
        assert ("discord", victim, victim) in rows, "another platform's account is not touched"
        assert not [r for r in rows if r[0] == "telegram" and r[2] == victim], rows
        await engine.handle(_in(victim, platform="discord", command="forget"))
        for name, data in _files(db).items():
            assert victim.encode() not in data, f"the user id is still in {name}"
    finally:
        await engine.close()


# ----- moderator-only actions (engine side; adapters in test_adapters.py) ----------------------

async def test_psa_in_a_group_only_for_moderators(engine: Engine) -> None:
    member = await engine.handle(_in(chat="g", command="psa", chat_kind="group"))
    assert [r.plain_text() for r in member] == [CATALOG.text("en", "psa_refused")]
    moderator = await engine.handle(_in("mod", chat="g", command="psa", chat_kind="group",
                                        is_moderator=True))
    assert any(isinstance(r, PsaCard) for r in moderator)


def _kinds(replies: list[Reply]) -> list[str]:
    return [r.kind for r in replies]
