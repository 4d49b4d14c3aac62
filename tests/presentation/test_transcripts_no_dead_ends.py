"""Issue #12's conversation rules, through the real engine in all six languages: the Germany
headline, follow-ups that keep the model and country, and no button for what was just answered."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.catalog import CATALOG, LANGUAGES
from bot.engine import Engine
from bot.inbound import Inbound
from bot.replies import Reply, VerdictCard
from tests.presentation.test_headlines import GERMANY

BOUGHT_IN_GERMANY = {
    "en": "A1263 bought in Germany", "es": "A1263 comprada en Alemania",
    "de": "A1263 in Deutschland gekauft", "zh-Hans": "A1263 在德国买的",
    "zh-Hant": "A1263 在德國買的", "ja": "A1263 ドイツで買いました",
}
BOUGHT_IN_THE_US = {
    "en": "I have an A1263 bought in the US", "es": "Tengo una A1263 comprada en Estados Unidos",
    "de": "Ich habe eine A1263, in den USA gekauft", "zh-Hans": "我的 A1263 是在美国买的",
    "zh-Hant": "我的 A1263 是在美國買的", "ja": "A1263 をアメリカで買いました",
}
WHO_TO_CONTACT = {
    "en": "who do I contact?", "es": "¿a quién contacto?", "de": "Wen kontaktiere ich?",
    "zh-Hans": "联系谁？", "zh-Hant": "要聯絡誰？", "ja": "問い合わせ先は？",
}
WHAT_DO_I_GET = {
    "en": "what do I get?", "es": "¿qué me dan?", "de": "Was bekomme ich?",
    "zh-Hans": "能得到什么？", "zh-Hant": "可以拿到什麼？", "ja": "何がもらえますか？",
}
SERIAL = "AKF1 2Z33 0L84 19B6"


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    eng = await Engine.open(tmp_path / "s.db", strict_truth=True)
    yield eng
    await eng.close()


async def say(engine: Engine, text: str, user: str) -> list[Reply]:
    return await engine.handle(Inbound(platform="telegram", chat_id=user, user_id=user,
                                       text=text))


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_bought_in_germany_gets_the_headline_that_cannot_mislead(engine: Engine,
                                                                       lang: str) -> None:
    replies = await say(engine, BOUGHT_IN_GERMANY[lang], "de-" + lang)
    card = replies[0]
    assert isinstance(card, VerdictCard) and card.recalled_elsewhere
    assert card.title == GERMANY[lang]
    assert card.buttons[0].url == "https://www.anker.com/product-recalls"


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_follow_ups_keep_the_model_and_country(engine: Engine, lang: str) -> None:
    user = "follow-" + lang
    await say(engine, BOUGHT_IN_THE_US[lang], user)
    verdict = await say(engine, SERIAL, user)
    assert any(isinstance(r, VerdictCard) for r in verdict), [r.about for r in verdict]

    contact = await say(engine, WHO_TO_CONTACT[lang], user)
    assert "contact" in contact[0].about, [r.about for r in contact]  # not "which model?"
    assert "800-988-7973" in contact[0].plain_text()  # the US contact of the A1263 recall
    assert not any("ask_model" in r.about for r in contact)

    remedy = await say(engine, WHAT_DO_I_GET[lang], user)
    assert "remedy" in remedy[0].about and "A1388" in remedy[0].plain_text()
    tokens = [b.token for b in remedy[0].buttons if b.token]
    assert "rc1:topic:remedy" not in tokens, "the question just answered is not offered again"
    assert CATALOG.text(lang, "button_claim") in [b.label for b in remedy[0].buttons]
