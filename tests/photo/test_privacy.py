"""No image bytes at rest: not in the database, not in its WAL, not in any log, not on disk."""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from pathlib import Path

from bot.engine import Engine
from bot.inbound import Inbound
from bot.replies import VerdictCard
from tests.photo.conftest import A1263_LABEL, label, needs_ocr
from tests.reliability.support import capture_logs


def _chunks(data: bytes) -> list[bytes]:
    """Pieces of the image anyone storing it (raw, or in part) would store."""
    size = 48
    return [data[i:i + size] for i in range(200, len(data) - size, len(data) // 16)]


def _files(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _new_temp_files(before: set[str]) -> list[Path]:
    root = Path(tempfile.gettempdir())
    return [root / n for n in os.listdir(root) if n not in before and (root / n).is_file()]


def test_inbound_never_shows_the_image() -> None:
    inbound = Inbound(platform="console", chat_id="c", user_id="u", image=b"\x89PNG-secret")
    assert "secret" not in repr(inbound) and "secret" not in str(inbound)


@needs_ocr
async def test_no_image_bytes_in_database_wal_logs_or_files(tmp_path: Path) -> None:
    data, truth = label(A1263_LABEL)
    chunks = _chunks(data)
    serial = truth["serial"].encode()
    temp_before = set(os.listdir(tempfile.gettempdir()))
    db = tmp_path / "state.db"
    engine = await Engine.open(db, strict_truth=True)
    with capture_logs(logging.DEBUG) as logs:
        try:
            base = {"platform": "telegram", "chat_id": "9", "user_id": "9"}
            replies = await engine.handle(Inbound(**base, image=data))  # type: ignore[arg-type]
            # while the check is open: the serial is in the state (as typed ones are), no image
            for path, content in _files(tmp_path).items():
                assert not any(c in content for c in chunks), f"image bytes in {path.name}"
            yes = replies[0].buttons[0].token
            replies = await engine.handle(Inbound(**base, action=yes))  # type: ignore[arg-type]
            # (a preview card while the country is asked is not the verdict: the check is open)
            if not any(isinstance(r, VerdictCard) and "preview" not in r.about for r in replies):
                region = next(b.token for b in replies[-1].buttons if b.token
                              and ":region:US" in b.token)
                replies = await engine.handle(Inbound(**base, action=region))  # type: ignore[arg-type]
            assert any(isinstance(r, VerdictCard) and "preview" not in r.about for r in replies)
            await asyncio.sleep(engine.scrub_delay + 0.5)
            files = _files(tmp_path)
            assert any(p.name.endswith("-wal") for p in files), "scan while the WAL is live"
            for path, content in files.items():
                assert not any(c in content for c in chunks), f"image bytes in {path.name}"
                assert serial not in content, f"the serial stayed in {path.name}"
        finally:
            await engine.close()
    logged = logs.text()
    assert "photo read: read" in logged, "the reading is logged — as an outcome only"
    assert truth["serial"] not in logged
    raw = logged.encode("utf-8", "surrogateescape")
    assert not any(c in raw for c in chunks)
    assert data[:64].hex() not in logged and repr(data[200:240])[2:-1] not in logged
    for path in _new_temp_files(temp_before):  # nothing spilled into the temp folder either
        try:
            content = path.read_bytes()
        except OSError:
            continue
        assert not any(c in content for c in chunks), f"image bytes in {path}"
