"""A label photo through the real engine (SQLite store): confirm, fix, refuse, not supported."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.catalog import CATALOG
from bot.engine import Engine
from bot.inbound import Inbound
from bot.photo.limits import MAX_BYTES, OVERSIZED
from bot.photo.parse import grouped
from bot.photo.reader import PhotoReader
from bot.replies import Reply, VerdictCard, plain_text
from tests.photo.conftest import A1263_LABEL, label, needs_ocr, needs_pil


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    eng = await Engine.open(tmp_path / "state.db", strict_truth=True)
    yield eng
    await eng.close()


class User:
    def __init__(self, engine: Engine, chat_kind: str = "private", lang: str = "en") -> None:
        self.engine, self.kind, self.lang = engine, chat_kind, lang
        self.last: list[Reply] = []

    async def send(self, **event: object) -> str:
        inbound = Inbound(platform="console", chat_id="c", user_id="u", locale=self.lang,
                          chat_kind=self.kind, **event)  # type: ignore[arg-type]
        self.last = await self.engine.handle(inbound)
        return "\n".join(plain_text(r) for r in self.last)

    async def press(self, label: str) -> str:
        token = next(b.token for r in self.last for b in r.buttons if b.label == label)
        return await self.send(action=token)


def t(msgid: str, lang: str = "en", **kwargs: object) -> str:
    return CATALOG.text(lang, msgid, **kwargs)


@needs_ocr
async def test_photo_then_yes_continues_to_a_verdict(engine: Engine) -> None:
    data, truth = label(A1263_LABEL)
    user = User(engine)
    answer = await user.send(image=data)
    assert t("photo_confirm", model="A1263", serial=grouped(truth["serial"])) in answer
    assert [b.label for b in user.last[0].buttons] == [t("button_photo_yes"),
                                                       t("button_photo_fix")]
    assert user.last[0].private, "it shows a serial"
    await user.press(t("button_photo_yes"))
    final = [r for r in user.last if isinstance(r, VerdictCard) and "preview" not in r.about]
    if not final:  # A1263: US and Japan recalls — the country first (a preview meanwhile)
        await user.press("United States")
    verdict = next(r for r in user.last if isinstance(r, VerdictCard))
    assert "preview" not in verdict.about
    assert verdict.model == "A1263" and verdict.verdict == "confirm_on_checker"


@needs_ocr
async def test_fix_it_lets_the_user_type_the_serial(engine: Engine) -> None:
    data, _ = label(A1263_LABEL)
    user = User(engine)
    await user.send(image=data)
    assert await user.press(t("button_photo_fix")) == t("photo_fix", model="A1263")
    await user.send(text="AKF1 2Z33 0L84 19B6")
    assert "Where did you buy" in plain_text(user.last[-1]) or any(
        isinstance(r, VerdictCard) for r in user.last)


@needs_ocr
async def test_yes_pressed_after_the_conversation_moved_on_is_stale(engine: Engine) -> None:
    data, _ = label(A1263_LABEL)
    user = User(engine)
    await user.send(image=data)
    old = user.last
    await user.send(text="A1647")
    user.last = old
    assert t("button_stale") in await user.press(t("button_photo_yes"))


@needs_ocr
async def test_answers_in_the_users_language(engine: Engine) -> None:
    data, truth = label(A1263_LABEL)
    user = User(engine, lang="ja")
    answer = await user.send(image=data)
    assert t("photo_confirm", "ja", model="A1263", serial=grouped(truth["serial"])) in answer
    assert t("button_photo_yes", "ja") in [b.label for b in user.last[0].buttons]


@needs_ocr
async def test_photo_in_a_group_is_not_read(engine: Engine,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*_: object) -> None:
        raise AssertionError("a group photo must not be read")

    monkeypatch.setattr("bot.photo.reader.read_label", never)
    data, _ = label(A1263_LABEL)
    answer = await User(engine, chat_kind="group").send(image=data)
    assert t("group_continue_privately") in answer


@needs_pil
async def test_bad_and_oversized_images_get_a_clear_answer(engine: Engine) -> None:
    from PIL import Image

    user = User(engine)
    if not PhotoReader.available():
        pytest.skip("without the extra every photo gets the 'not supported' answer")
    assert t("photo_not_image") in await user.send(image=b"GIF89a but not really")
    assert t("photo_too_large") in await user.send(image=OVERSIZED)
    assert t("photo_too_large") in await user.send(image=b"\xff" * (MAX_BYTES + 1))
    bomb = io.BytesIO()  # 8000 x 6000 = 48 MP of one colour: a few KB of PNG
    Image.new("1", (8000, 6000)).save(bomb, "PNG")
    assert len(bomb.getvalue()) < 100_000
    assert t("photo_too_large") in await user.send(image=bomb.getvalue())
    blank = io.BytesIO()
    Image.new("RGB", (640, 480), "white").save(blank, "JPEG")
    assert t("photo_unclear") in await user.send(image=blank.getvalue())
    # the conversation goes on normally afterwards
    assert "serial" in await user.send(text="A1263")


async def test_without_the_extra_photos_are_not_supported(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PhotoReader, "available", staticmethod(lambda: False))
    user = User(engine)
    answer = await user.send(image=b"\xff\xd8\xff\xe0 any bytes")
    assert t("photo_unsupported") in answer
    assert t("ask_model") in answer  # and the check can go on by typing


@needs_ocr
async def test_readings_are_bounded_and_one_per_user(engine: Engine) -> None:
    """Two workers, a short queue: a flood of photos gets 'busy', never a blocked loop."""
    import asyncio

    from bot.photo import reader

    data, _ = label(A1263_LABEL)
    small = reader.PhotoReader(workers=1, max_waiting=1)
    old, reader.READER = reader.READER, small
    import bot.photo as photo_package

    photo_package.READER = small
    try:
        def photo(user: str) -> Inbound:
            return Inbound(platform="console", chat_id=user, user_id=user, image=data)

        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        clock = asyncio.create_task(ticker())
        users = ["a", "a", "b", "c"]
        answers = await asyncio.gather(*(engine.handle(photo(u)) for u in users))
        clock.cancel()
        busy = t("photo_busy")
        read = [u for u, replies in zip(users, answers, strict=True)
                if plain_text(replies[0]) != busy]
        confirmations = [a for a in answers if plain_text(a[0]) != busy]
        # one reading + one waiting: two photos read, the others told to retry; and never
        # two photos of the same user at once
        assert len(read) == 2 and read.count("a") <= 1, read
        assert all("A1263" in plain_text(a[0]) for a in confirmations)
        assert ticks > 5, "the event loop kept running while photos were read"
    finally:
        reader.READER = photo_package.READER = old
