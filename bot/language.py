"""Which language to answer in.

Order (docs/languages.md): an explicit choice (/language, --lang) > the message's own language >
the conversation's last language > the platform locale > English.

The message's language is read from its script and common words, with no model and no network:
kana → Japanese; Han characters → Simplified or Traditional Chinese by the character forms used
(a place or currency named — 台灣/NT$ or 淘宝/大陆/¥ — decides only when the forms don't);
Latin script → Spanish, German or English by common words, ñ/¿/¡/accents and umlauts/ß.
A message with no language in it (a model number, a serial, "ok") gives None, so the
conversation keeps its language, and a single weak clue ("gracias" inside a German chat)
does not switch a conversation that already has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.catalog import DEFAULT_LANGUAGE, LANGUAGES
from bot.lexicon import CJK_PLACES

MAX_SAMPLE = 2_000  # the start of a message is enough to tell its language
STRONG = 2  # evidence needed to switch a conversation that already has a language

_KANA = re.compile(r"[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _split(words: str) -> list[str]:
    """Whitespace-separated words (keeps the tables below readable)."""
    return words.split()


# Common characters whose Simplified and Traditional forms differ: (simplified, traditional).
_ZH_PAIRS = _split(
    "这這 个個 们們 来來 说說 么麼 买買 卖賣 东東 发發 时時 会會 对對 问問 题題 还還 没沒 关關 电電 "
    "与與 门門 见見 长長 车車 书書 业業 务務 实實 区區 过過 为為 从從 给給 让讓 网網 湾灣 国國 陆陸 "
    "换換 货貨 钱錢 号號 码碼 购購 开開 应應 该該 吗嗎 样樣 办辦 联聯 络絡 请請 谢謝 帮幫 处處 弃棄 "
    "烫燙 胀脹 烟煙 烧燒 认認 确確 记記 录錄 单單 丢丟 线線 热熱 无無 产產 边邊 头頭 现現 经經 验驗 "
    "险險 将將 点點 机機 飞飛 场場 检檢 宝寶 并並 马馬 两兩 须須 几幾 万萬 员員 运運 动動 听聽 语語 "
    "简簡 体體 华華 统統 总總 补補 偿償 领領 写寫 张張 显顯 标標 签籤 贴貼 订訂 邮郵 费費 赔賠 错錯 "
    "仅僅 紧緊 觉覺 够夠 坏壞 启啟 设設 备備 装裝 厂廠 块塊 种種 态態 决決 况況 话話 选選 条條 类類 "
    "质質 讯訊 视視 轻輕 难難 间間 报報 级級 导導 亿億 灯燈 软軟 输輸 达達 远遠 适適 铁鐵 银銀 锂鋰 "
    "际際 随隨 页頁 预預 额額 后後 坛壇 汇匯 颗顆 亚亞 脑腦 码碼 钟鐘 礼禮 乐樂 欢歡 气氣 离離 "
    "里裡 着著 尔爾 岛島 兰蘭 义義 产產 观觀 庆慶 满滿 缩縮 亲親 称稱 习習 传傳 转轉 众眾 护護"
)
_SIMPLIFIED = frozenset(p[0] for p in _ZH_PAIRS if p[0] != p[1])
_TRADITIONAL = frozenset(p[1] for p in _ZH_PAIRS if p[0] != p[1])
# Japanese kanji forms that are neither Simplified nor Traditional Chinese (shinjitai, kokuji).
_JA_KANJI = frozenset("対売気変済転図広払沢駅県円様処価覧帰戻発読険検験続営労悪楽関歳効圧拡桜焼"
                      "経総絵児両剤単応戦拠満証譲豊軽鉄銭隠雑頼黒歩伝働込匂枠")
# Written Cantonese: Hong Kong writes it with Traditional forms ("尿袋有冇份回收㗎？" has no other
# telling character), so each counts as a Traditional form.
_CANTONESE = frozenset("冇㗎嘅喺咗唔嗰啲乜嘢佢睇噉哋嚟諗揾搵畀係咩喇囉")
# Places and currencies: they decide Simplified vs Traditional only when the forms don't.
_TW_HINT = re.compile(r"台灣|臺灣|台湾|NT\$|新台幣|新臺幣|香港|澳門|蝦皮|"
                      r"尿袋|叉電|[一兩两三四五幾几呢嗰]粒")  # Hong Kong words for power banks
_CN_HINT = re.compile(r"大陆|大陸|内地|淘宝|淘寶|京东|天猫|拼多多|人民币|¥|￥|支付宝")

_ES_WORDS = frozenset(_split("""
el la los las mi mis tu tus su sus un una unos unas del al con sin para por pero que qué
cómo como dónde donde cuándo cuando cuál cual quién porque también muy hay está están estoy
esta este esto eso ese tengo tiene tienen puedo puede hago hacer quiero necesito compré
comprado comprada batería bateria baterías cargador pila celular móvil número serie modelo
retiro retirada retirado reembolso recibo devolver tirar desechar basura humo caliente
hinchada hinchado quemado gracias hola buenas sí ya ahora aquí nada todo bien mucho se lo le
yo nos afectado afectada y o en de es son
"""))
_DE_WORDS = frozenset(_split("""
ich du er wir ihr ist sind bin bist hat habe hab haben wird werden das der die dem den des
ein eine einen einem einer und oder aber nicht kein keine keinen mein meine meinen meinem
mir mich dir sich wie wo wann warum welche welches welcher kann können muss soll
gekauft bekomme bekommen entsorgen zurück rückruf betroffen gerät akku ladegerät
seriennummer modell heiß warm qualmt raucht riecht hallo danke bitte mit für bei auf aus
von vom zum zur im ins noch auch schon jetzt hier dass gibt es sie ja nein gut
"""))
_EN_WORDS = frozenset(_split("""
the is are my mine i me you your it its this that what how why where when which who do
does did don can could should would will have has had get got bought buy and of to for with
from on at if or not no yes please thanks thank hello hi hey help refund replacement
recalled recall serial number model charger battery safe affected still use keep hot
smoke smell dispose contact am be there here one any
"""))
_ES_CHARS = re.compile(r"[ñ¿¡áéíóú]", re.IGNORECASE)
_DE_CHARS = re.compile(r"[äöüß]", re.IGNORECASE)
_LETTERS = re.compile(r"[^\W\d_]+")
_ADDRESS = re.compile(r"\w[./@]\w")


@dataclass(frozen=True)
class Detected:
    """A message's language and how sure we are (0 = no clue)."""

    language: str | None
    strength: int
    variant_unclear: bool = False  # Chinese, but the forms and places don't say which script


_NO_CLUE = Detected(None, 0)  # (frozen: one for every message without a clue)
_LATIN = ("es", "de", "en")

# Country names only one of the Latin-script languages writes this way ("Deutschland" alone is
# German, "España" Spanish): strong evidence even as the whole message.
_ENDONYMS: dict[str, str] = {
    "deutschland": "de", "österreich": "de", "schweiz": "de", "frankreich": "de",
    "vereinigten": "de", "spanien": "de", "italien": "de",
    "españa": "es", "méxico": "es", "alemania": "es", "japón": "es", "francia": "es",
    "unidos": "es", "perú": "es",
}


def detect(text: str) -> Detected:
    """The language of a message with the strength of the evidence."""
    sample = text[:MAX_SAMPLE]
    if sample.isascii():  # no kana, no Han: skip both scans
        return _detect_latin(sample)
    if _KANA.search(sample):
        return Detected("ja", STRONG + 1)
    if _HAN.search(sample):
        return _detect_han(sample)
    return _detect_latin(sample)


def detect_language(text: str) -> str | None:
    """The language a message is written in, if it says; None for model numbers alone."""
    return detect(text).language


def _detect_han(sample: str) -> Detected:
    simplified = sum(ch in _SIMPLIFIED for ch in sample)
    traditional = sum(ch in _TRADITIONAL or ch in _CANTONESE for ch in sample)
    japanese = sum(ch in _JA_KANJI for ch in sample)
    if japanese > max(simplified, traditional):
        return Detected("ja", STRONG + 1)
    # Forms count double, so a place name only breaks a tie ("我在台灣買的" is Traditional by
    # its forms; "NT$890 退款" has no telling form, so Taiwan decides).
    trad_score = 2 * traditional + (1 if _TW_HINT.search(sample) else 0)
    simp_score = 2 * simplified + (1 if _CN_HINT.search(sample) else 0)
    if trad_score > simp_score:
        return Detected("zh-Hant", STRONG + 1)
    if simp_score > trad_score:
        return Detected("zh-Hans", STRONG + 1)
    return Detected("zh-Hans", STRONG + 1, variant_unclear=True)


def _detect_latin(sample: str) -> Detected:
    words: list[str] = []
    for token in sample.lower().split():
        if token.isalpha():  # the common case: one word, no digits, no address (same result)
            words.append(token)
        elif not _is_noise(token):
            words += _LETTERS.findall(token)
    if sample.isascii():  # none of the accents and umlauts below
        if not words:  # a model number, a serial: no clue at all
            return _NO_CLUE
        es = de = 0
    else:
        es, de = len(_ES_CHARS.findall(sample)), len(_DE_CHARS.findall(sample))
    en = 0
    for word in words:  # one pass: this runs on every message
        if word in _ES_WORDS:
            es += 1
        if word in _DE_WORDS:
            de += 1
        if word in _EN_WORDS:
            en += 1
    for word in words:  # a country named in its own language says which language it is
        endonym = _ENDONYMS.get(word)
        if endonym == "es":
            es += STRONG
        elif endonym == "de":
            de += STRONG
        elif endonym == "en":
            en += STRONG
    # The best and the runner-up, ties going to the earlier of es, de, en (as a stable sort did)
    scores = (es, de, en)
    top = max(scores)
    if top == 0 or scores.count(top) > 1:
        return _NO_CLUE
    return Detected(_LATIN[scores.index(top)], top - sorted(scores)[1])


def _is_noise(token: str) -> bool:
    """Web addresses and model or serial numbers say nothing about language ("amazon.de")."""
    return any(map(str.isdigit, token)) or _ADDRESS.search(token) is not None


def from_locale(locale: str | None) -> str | None:
    """A platform language tag ('de-DE', 'zh-TW', 'zh_CN', 'zh-hant', 'es-419') → our language."""
    if not locale:
        return None
    tag = locale.replace("_", "-").lower()
    if tag.startswith("zh"):
        return "zh-Hant" if any(x in tag for x in ("tw", "hk", "mo", "hant")) else "zh-Hans"
    base = tag.split("-")[0]
    return base if base in LANGUAGES else None


_NAMES = {
    "english": "en", "spanish": "es", "español": "es", "espanol": "es", "castellano": "es",
    "german": "de", "deutsch": "de", "japanese": "ja", "日本語": "ja", "chinese": "zh-Hans",
    "中文": "zh-Hans", "simplified chinese": "zh-Hans", "简体中文": "zh-Hans", "简体": "zh-Hans",
    "traditional chinese": "zh-Hant", "繁體中文": "zh-Hant", "繁體": "zh-Hant", "繁体中文": "zh-Hant",
}


def parse_language(value: str | None) -> str | None:
    """A user's language choice ('ja', 'zh-tw', 'ZH_Hant', 'de-AT', 'Deutsch', '繁體中文') → code."""
    if not value:
        return None
    cleaned = " ".join(value.strip().replace("_", "-").split())[:40]
    for lang in LANGUAGES:
        if cleaned.lower() == lang.lower():
            return lang
    named = _NAMES.get(cleaned.lower())
    if named:
        return named
    return from_locale(cleaned) if re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", cleaned) \
        else None


def choose_language(explicit: str | None, text: str | None, last: str | None,
                    locale: str | None) -> str:
    """Explicit choice > the text's language > the conversation's last > locale > English."""
    return pick_language(explicit, text, last, locale)[0]


def pick_language(explicit: str | None, text: str | None, last: str | None,
                  locale: str | None) -> tuple[str, bool]:
    """The language to answer in, and whether anything said so (False: English by default).

    A conversation that opened with a model number alone ("A1647") is answered in English, but
    that is no evidence: the engine does not keep it as the conversation's language, so the next
    message ("Canadá", "日本") is answered in its own.
    """
    if explicit is not None and explicit in LANGUAGES:
        return explicit, True
    previous = last if last in LANGUAGES else None
    detected = detect(text) if text else _NO_CLUE
    if detected.variant_unclear:
        # Han characters both scripts (and Japanese) share: keep the variant the user already
        # has; a place name alone ("日本" answering "where did you buy it?") is no reason to
        # leave the conversation's language, whichever it is.
        for candidate in (previous, from_locale(locale)):
            if candidate in ("zh-Hans", "zh-Hant", "ja"):
                return candidate, True
        place = text.strip(" 。.!！?？、") if text is not None else ""
        if previous is not None and place in CJK_PLACES:  # "日本", "台北": the country asked for
            return previous, True
        # Japan named alone, in a conversation with no language yet: most likely a Japanese owner
        return ("ja" if place in _JAPAN else "zh-Hans"), True
    if detected.language and (detected.strength >= STRONG or previous is None):
        return detected.language, True
    if previous:
        return previous, True
    from_platform = from_locale(locale)
    return (from_platform, True) if from_platform else (DEFAULT_LANGUAGE, False)


_JAPAN = frozenset({"日本", "日本国内", "日本国"})
