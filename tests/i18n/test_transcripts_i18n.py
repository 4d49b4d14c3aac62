"""Conversations in each of the six languages, through the real Engine and SQLite store.

Every expectation is the catalog text of that language (and the English text must be absent),
plus the regional facts from the knowledge files, read in that language (`LocalText.get` falls
back to English until a file has the translation, so these tests keep passing as translations
arrive and then check the translated text).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.catalog import CATALOG, LANGUAGES
from bot.engine import Engine
from bot.inbound import Inbound
from bot.present import MAX_TITLE_CHARS, region_name, remedy_kinds
from bot.replies import Reply
from bot.truth import UNSAFE_CLAIMS
from knowledge import Campaign, pick_regional
from knowledge.schema import Remedy

SERIAL = "AKF1 2Z33 0L84 19B6"


@dataclass(frozen=True)
class Script:
    """What an owner writing in one language says, and where the facts come from."""

    model: str
    opening: str                  # names the model (and maybe where it was bought)
    region_answer: str | None     # the answer when the bot asks where it was bought
    region: str                   # the region the answer must be for
    campaign: str                 # the campaign whose regional remedy the verdict must show
    remedy_region: str            # that remedy's region ("*" for worldwide)
    facts: list[str]              # amounts and models that must appear in any language
    remedy_question: str
    claim_question: str
    contact_question: str
    dispose_question: str
    emergency: str
    is_recalled_question: str
    contact_facts: list[str] = field(default_factory=list)


SCRIPTS: dict[str, Script] = {
    "en": Script(
        model="A1263", opening="I have an A1263", region_answer="I bought it in the United States",
        region="US", campaign="anker-a1263-us-2025", remedy_region="US", facts=["A1388", "$30"],
        remedy_question="What do I get?", claim_question="How do I claim? Do I need photos?",
        contact_question="Who do I contact?", dispose_question="How do I dispose of it?",
        emergency="My power bank is hot and swelling", is_recalled_question="Is my power bank recalled?",
        contact_facts=["support@anker.com"]),
    "es": Script(
        model="A1263", opening="Hola, tengo una batería A1263",
        region_answer="La compré en Estados Unidos", region="US", campaign="anker-a1263-us-2025",
        remedy_region="US", facts=["A1388", "$30"], remedy_question="¿Qué recibo?",
        claim_question="¿Cómo reclamo? ¿Necesito fotos?", contact_question="¿A quién contacto?",
        dispose_question="¿Cómo la desecho?", emergency="Mi batería está caliente y hinchada",
        is_recalled_question="¿Mi batería está retirada del mercado?",
        contact_facts=["support@anker.com"]),
    "de": Script(
        model="A1647", opening="Hallo, ich habe eine A1647", region_answer="In Deutschland gekauft",
        region="DE", campaign="anker-2025-06-global", remedy_region="*", facts=[],
        remedy_question="Was bekomme ich?", claim_question="Wie melde ich das an? Brauche ich Fotos?",
        contact_question="Wen kontaktiere ich?", dispose_question="Wie entsorge ich die Powerbank?",
        emergency="Meine Powerbank ist heiß und aufgebläht",
        is_recalled_question="Ist meine Powerbank vom Rückruf betroffen?"),
    "zh-Hans": Script(
        model="A1681", opening="我的充电宝是A1681", region_answer="在中国大陆买的", region="CN",
        campaign="anker-2025-06-cn", remedy_region="CN", facts=["¥50"],
        remedy_question="我能得到什么？", claim_question="怎么申请？需要拍照吗？",
        contact_question="客服电话是多少？", dispose_question="怎么处理这个充电宝？",
        emergency="充电宝发烫鼓包了，怎么办？", is_recalled_question="我的充电宝被召回了吗？",
        contact_facts=["400-055-0036", "Anker售后"]),
    "zh-Hant": Script(
        model="A1257", opening="我有一個 A1257 行動電源", region_answer="在台灣買的", region="TW",
        campaign="anker-2025-09-tw", remedy_region="TW", facts=["A1259", "NT$1,100", "NT$890"],
        remedy_question="我能得到什麼？", claim_question="怎麼申請？需要拍照嗎？",
        contact_question="要聯絡誰？", dispose_question="這個行動電源要怎麼處理？",
        emergency="行動電源發燙而且膨脹了，怎麼辦？", is_recalled_question="我的行動電源被召回了嗎？"),
    "ja": Script(
        model="A1263", opening="A1263を持っています", region_answer="日本で買いました", region="JP",
        campaign="anker-a1263-jp-2025", remedy_region="JP", facts=["A1256"],
        remedy_question="何がもらえますか？", claim_question="どうやって申し込みますか？写真は必要？",
        contact_question="問い合わせ先は？", dispose_question="どうやって処分すればいいですか？",
        emergency="バッテリーが熱くて膨らんでいます",
        is_recalled_question="私のモバイルバッテリーはリコール対象ですか？"),
}


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    eng = await Engine.open(tmp_path / "s.db", strict_truth=True)
    yield eng
    await eng.close()


class Owner:
    """One user of the console platform; `say` returns all replies of the turn as one text."""

    def __init__(self, engine: Engine, user: str = "u", locale: str | None = None) -> None:
        self.engine, self.user, self.locale = engine, user, locale
        self.replies: list[Reply] = []

    async def say(self, text: str) -> str:
        base = Inbound(platform="console", chat_id="c-" + self.user, user_id=self.user,
                       locale=self.locale)
        if text.startswith("/"):
            name, _, args = text[1:].partition(" ")
            inbound = base.model_copy(update={"command": name, "args": args})
        else:
            inbound = base.model_copy(update={"text": text})
        self.replies = await self.engine.handle(inbound)
        return self.text

    @property
    def text(self) -> str:
        return "\n\n".join(r.plain_text() for r in self.replies)

    @property
    def button_labels(self) -> list[str]:
        return [b.label for r in self.replies for b in r.buttons]


def said(lang: str, msgid: str, /, **kwargs: object) -> str:
    return CATALOG.text(lang, msgid, **kwargs)


def assert_in_language(text: str, lang: str, msgid: str, /, **kwargs: object) -> None:
    """The message is there in `lang`, and (for other languages) not in English."""
    assert said(lang, msgid, **kwargs) in text, f"{lang} {msgid} missing in:\n{text}"
    if lang != "en":
        assert said("en", msgid, **kwargs) not in text, f"English {msgid} in a {lang} reply"


def assert_clean(owner: Owner, lang: str) -> None:
    assert owner.replies, "the bot said nothing"
    assert said(lang, "ui_error_apology") not in owner.text, "the engine hit an internal error"
    assert said("en", "ui_error_apology") not in owner.text
    assert not UNSAFE_CLAIMS.search(owner.text), owner.text
    for reply in owner.replies:
        assert len(reply.plain_text()) <= 4096


def campaign(engine: Engine, campaign_id: str) -> Campaign:
    return next(c for c in engine.knowledge.index.campaigns if c.id == campaign_id)


def remedy_lines(engine: Engine, script: Script, lang: str) -> list[str]:
    """The regional remedy options of the script's campaign, in `lang` (or English fallback)."""
    remedies = [r for r in campaign(engine, script.campaign).remedies
                if r.region == script.remedy_region]
    assert remedies, f"{script.campaign} has no remedy for {script.remedy_region}"
    return [option.description.get(lang) for option in remedies[0].options]


def remedy(engine: Engine, script: Script) -> Remedy:
    return next(r for r in campaign(engine, script.campaign).remedies
                if r.region == script.remedy_region)


def short_name(name: str, lang: str, verdict: str, model: str, brand: str) -> str:
    """The product name as a verdict title shows it: long names lose their specs (≤ 120)."""
    title = said(lang, f"verdict_{verdict}_title", model=model, name=name, brand=brand)
    return name if len(title) <= MAX_TITLE_CHARS else name.split(" (")[0].split("（")[0]


def product_name(engine: Engine, model: str) -> str:
    product = engine.knowledge.index.product(model)
    assert product is not None
    return product.name


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_guided_check_end_to_end(engine: Engine, lang: str) -> None:
    """The model (recalled: yes) → what decides next → serial and country → that country's
    remedy, in `lang`. Where a recall covers every country the serial is asked first and the
    country after the verdict (it only changes the remedy); else the country comes first."""
    script, owner = SCRIPTS[lang], Owner(engine)
    name = product_name(engine, script.model)
    serial_first = any("*" in c.regions
                       for c in engine.knowledge.index.campaigns_for_model(script.model))
    before, after = said(lang, "ask_serial", model=script.model, name=name, where="\0").split("\0")

    text = await owner.say(script.opening)
    assert_clean(owner, lang)
    assert "verdict" in owner.replies[0].about, "the model is answered first: recalled or not"
    assert script.region_answer is not None
    if serial_first:
        assert before.strip() in text and after.strip() in text, text
        verdict = await owner.say(SERIAL)
        assert_clean(owner, lang)
        assert_in_language(verdict, lang, "reprompt_region", model=script.model)
        text = await owner.say(script.region_answer)  # what you get there
        assert_clean(owner, lang)
        assert "remedy" in owner.replies[0].about, [r.about for r in owner.replies]
        for line in remedy_lines(engine, script, lang):
            assert line in text, f"{line!r} missing from the {lang} remedy:\n{text}"
        check = engine.knowledge.check(script.model, SERIAL, None)
    else:
        assert_in_language(text, lang, "ask_region", model=script.model)
        assert said(lang, "button_region_other") in owner.button_labels
        text = await owner.say(script.region_answer)
        assert_clean(owner, lang)
        assert before.strip() in text and after.strip() in text, text
        assert said(lang, "button_no_serial") in owner.button_labels
        verdict = await owner.say(SERIAL)
        assert_clean(owner, lang)
        # Issue #12: the verdict names the remedy in one line; the options in full are one tap away.
        assert_in_language(verdict, lang, "remedy_summary",
                           region=region_name(script.remedy_region, lang),
                           options=remedy_kinds(lang, remedy(engine, script)))
        check = engine.knowledge.check(script.model, SERIAL, script.region)
    brand = check.campaigns[0].campaign.brand
    assert_in_language(verdict, lang, f"verdict_{check.verdict.value}_title", model=script.model,
                       name=short_name(name, lang, check.verdict.value, script.model, brand),
                       brand=brand)
    assert SERIAL not in verdict + text, "the verdict repeats the raw serial"
    remedy_text = await owner.say(script.remedy_question)  # the options in full, one tap away
    for fact in script.facts:
        assert fact in verdict + text + remedy_text, f"{fact!r} missing in {lang}:\n{text}"


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_questions_after_a_check(engine: Engine, lang: str) -> None:
    """Remedy, claim and photos, contact and disposal questions, each answered in `lang`."""
    script, owner = SCRIPTS[lang], Owner(engine)
    await owner.say(script.opening)
    assert script.region_answer is not None
    await owner.say(script.region_answer)
    await owner.say(SERIAL)

    text = await owner.say(script.remedy_question)
    assert_clean(owner, lang)
    assert "remedy" in owner.replies[0].about, [r.about for r in owner.replies]
    where = f" ({region_name(script.remedy_region, lang)})" if script.remedy_region != "*" else ""
    assert_in_language(text, lang, "remedy_title", model=script.model, where=where,
                       options=remedy_kinds(lang, remedy(engine, script)))
    for line in remedy_lines(engine, script, lang) + script.facts:
        assert line in text, f"{line!r} missing from the {lang} remedy answer:\n{text}"

    text = await owner.say(script.claim_question)
    assert_clean(owner, lang)
    about = {tag for r in owner.replies for tag in r.about}
    assert about & {"claim_steps", "claim_photos"}, about
    assert script.model in text.split("\n", 1)[0], text  # the claim card's title names the model

    text = await owner.say(script.contact_question)
    assert_clean(owner, lang)
    assert script.model in text.split("\n", 1)[0], text
    for fact in script.contact_facts:
        assert fact in text, f"{fact!r} missing from the {lang} contact answer:\n{text}"

    text = await owner.say(script.dispose_question)
    assert_clean(owner, lang)
    applicable = engine.knowledge.index.campaigns_for(script.model, script.region)[0]
    fates = {claim.unit_fate for c in applicable if (claim := pick_regional(c.claims, script.region))}
    goes_back = fates & {"return_kit", "courier_pickup"}
    if goes_back:  # the maker collects it (a return kit, a courier): not disposed of by the owner
        assert_in_language(text, lang, "dispose_goes_back_title")
        assert said(lang, f"unit_fate_{sorted(goes_back)[0]}") in text, text
        assert engine.knowledge.guidance.disposal.text.get(lang) not in text
    else:
        assert_in_language(text, lang, "dispose_title")
        # Issue #12: one disposal paragraph, the recall's own where it has one, else the general.
        own = [c.disposal.get(lang) for c in applicable if c.disposal]
        assert (own[0] if own else engine.knowledge.guidance.disposal.text.get(lang)) in text


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_emergency_in_a_new_conversation(engine: Engine, lang: str) -> None:
    """The first message of a stranger: the safety card, in the language of the message."""
    owner = Owner(engine, user="stranger-" + lang)
    text = await owner.say(SCRIPTS[lang].emergency)
    assert_clean(owner, lang)
    assert_in_language(text, lang, "safety_title")
    assert engine.knowledge.guidance.emergency.text.get(lang) in text
    assert text.startswith(said(lang, "safety_title")), "the safety card must come first"


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_is_it_recalled_asks_for_the_model(engine: Engine, lang: str) -> None:
    owner = Owner(engine, user="asker-" + lang)
    text = await owner.say(SCRIPTS[lang].is_recalled_question)
    assert_clean(owner, lang)
    assert_in_language(text, lang, "ask_model")
    assert said(lang, "button_cant_find") in owner.button_labels


async def test_taiwan_in_traditional_chinese_gets_the_taiwan_remedy(engine: Engine) -> None:
    """The issue's example: 我在台灣買的A1257 → Traditional Chinese and Taiwan's three options."""
    owner = Owner(engine)
    await owner.say("我在台灣買的A1257")
    assert said("zh-Hant", "button_no_serial") in owner.button_labels  # no country question
    text = await owner.say(SERIAL)
    assert said("zh-Hant", "ask_region", model="A1257") not in text
    assert_in_language(text, "zh-Hant", "remedy_summary", region=region_name("TW", "zh-Hant"),
                       options=remedy_kinds("zh-Hant", remedy(engine, SCRIPTS["zh-Hant"])))
    for fact in ("A1259", "NT$1,100", "NT$890"):
        assert fact in text
    assert said("zh-Hans", "heading_now") not in text  # 现在该做什么 is the Simplified form
    assert_clean(owner, "zh-Hant")


async def test_taobao_in_simplified_chinese_gets_the_china_remedy(engine: Engine) -> None:
    owner = Owner(engine)
    await owner.say("我在淘宝买的A1647")
    text = await owner.say(SERIAL)
    script = SCRIPTS["zh-Hans"]
    assert_in_language(text, "zh-Hans", "remedy_summary", region=region_name("CN", "zh-Hans"),
                       options=remedy_kinds("zh-Hans", remedy(engine, script)))
    assert said("zh-Hant", "heading_now") not in text
    assert_clean(owner, "zh-Hans")


async def test_a_bare_model_number_keeps_the_conversation_language(engine: Engine) -> None:
    owner = Owner(engine)
    await owner.say("你好，我的行動電源有問題")
    text = await owner.say("A1263")
    assert said("zh-Hant", "button_region_other") in owner.button_labels, text
    assert_in_language(text, "zh-Hant", "ask_region", model="A1263")


async def test_explicit_choice_beats_the_text_language(engine: Engine) -> None:
    owner = Owner(engine)
    text = await owner.say("/language de")
    assert text == said("de", "language_set")
    text = await owner.say("我在台灣買的A1257")
    assert said("de", "button_no_serial") in owner.button_labels, text


async def test_platform_locale_is_used_when_the_text_has_no_language(engine: Engine) -> None:
    owner = Owner(engine, locale="ja-JP")
    await owner.say("A1263")
    assert said("ja", "button_region_other") in owner.button_labels
    english = Owner(engine, user="nobody", locale=None)
    await english.say("A1263")
    assert said("en", "button_region_other") in english.button_labels


async def test_a_single_weak_word_does_not_switch_the_language(engine: Engine) -> None:
    owner = Owner(engine)
    await owner.say("Hallo, ich habe eine A1647")
    text = await owner.say("gracias")
    assert_in_language(text, "de", "answer_thanks")
    text = await owner.say("Muchas gracias, ¿qué recibo por mi batería?")
    assert_in_language(text, "es", "remedy_depends_title", model="A1647")


@pytest.mark.parametrize(("choice", "lang"), [("ja", "ja"), ("zh-tw", "zh-Hant"),
                                              ("Deutsch", "de"), ("简体中文", "zh-Hans")])
async def test_language_command_accepts_codes_and_native_names(engine: Engine, choice: str,
                                                              lang: str) -> None:
    owner = Owner(engine, user="chooser")
    assert await owner.say(f"/language {choice}") == said(lang, "language_set")
    await owner.say("A1263")
    assert said(lang, "button_region_other") in owner.button_labels


async def test_language_command_without_a_known_language_offers_buttons(engine: Engine) -> None:
    owner = Owner(engine, user="chooser", locale="es-MX")
    text = await owner.say("/language")
    assert text == said("es", "language_choose")
    assert owner.button_labels == [said(lang, "language_name") for lang in LANGUAGES]
