"""Words that signal regions and intents, in the bot's languages.

Patterns are plain alternations (linear time). Latin-script words use word boundaries;
Chinese and Japanese terms match anywhere. Add a language by adding words, not code.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

_US_STATES = (
    "alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|georgia|"
    "hawaii|idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|"
    "michigan|minnesota|mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey|"
    "new mexico|new york|north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|"
    "rhode island|south carolina|south dakota|tennessee|texas|utah|vermont|virginia|washington|"
    "west virginia|wisconsin|wyoming"
)


def _words(alternation: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.])(?:{alternation})(?!\w)", _I)


def _anywhere(alternation: str) -> re.Pattern[str]:
    return re.compile(f"(?:{alternation})", _I)


# Order matters only for ties at the same position; the earliest mention in a message wins.
REGION_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("TW", _anywhere(r"台灣|台湾|臺灣|NT\$|新台幣|新臺幣|\btaiwan\b|\bR\.?O\.?C\.?\b")),
    ("HK", _anywhere(r"香港|\bhong\s?kong\b")),
    ("CN", _anywhere(r"中国大陆|中國大陸|大陆|内地|淘宝|淘寶|京东|京東|天猫|拼多多|人民币|¥|元(?!\w)|"
                     r"\bmainland china\b|\bchina\b|\bprc\b|中国(?!台)|\byuan\b|\brmb\b|\bcny\b")),
    ("JP", _anywhere(r"日本|にほん|\bjapan\b|\bjapón\b|\bjapon\b|amazon\.co\.jp|楽天|円(?!\w)")),
    ("CA", _words(r"canada|canadian|amazon\.ca|kanada|canadá|加拿大|カナダ|ontario|quebec|québec|"
                  r"british columbia|alberta|toronto|vancouver|montreal|montréal|health canada")),
    ("MX", _words(r"m[ée]xico|mexican[oa]?|amazon\.com\.mx|墨西哥|メキシコ|mexiko")),
    ("GB", _words(r"united kingdom|uk|u\.k\.|england|scotland|wales|britain|amazon\.co\.uk|"
                  r"großbritannien|reino unido|英国|英國|イギリス")),
    ("DE", _words(r"germany|deutschland|german|amazon\.de|alemania|ドイツ|德国|德國|"
                  r"berlin|münchen|munich|hamburg|köln")),
    ("AT", _words(r"austria|österreich|amazon\.at|奥地利")),
    ("CH", _words(r"switzerland|schweiz|suisse|svizzera|瑞士")),
    ("FR", _words(r"france|frankreich|francia|amazon\.fr|法国|法國|フランス")),
    ("ES", _words(r"spain|españa|espana|spanien|amazon\.es|西班牙|スペイン|madrid|barcelona")),
    ("IT", _words(r"italy|italia|italien|amazon\.it|意大利|イタリア")),
    ("NL", _words(r"netherlands|nederland|niederlande|holland|amazon\.nl")),
    ("EU", _words(r"europe|european union|eu|europa|unión europea|欧洲|歐洲|ヨーロッパ")),
    ("KR", _words(r"korea|south korea|韩国|韓國|韓国|대한민국")),
    ("AU", _words(r"australia|australien|amazon\.com\.au|澳大利亚|澳洲|オーストラリア")),
    ("IN", _words(r"india|indien|amazon\.in|印度")),
    ("SG", _words(r"singapore|新加坡|シンガポール")),
    ("BR", _words(r"brazil|brasil|brasilien|巴西")),
    ("AR", _words(r"argentina|argentinien")),
    ("CO", _words(r"colombia|kolumbien")),
    ("CL", _words(r"chile")),
    ("PE", _words(r"per[uú]")),
    ("US", re.compile(r"(?<![\w.])(?:U\.S\.A?\.?|USA|US)(?![\w])|"
                      r"(?<![\w.])(?:united states|america|american|estados unidos|"
                      r"ee\.\s?uu\.?|vereinigte staaten|amazon\.com(?!\.)|walmart|best buy|"
                      r"target|newegg|美国|美國|アメリカ|米国|" + _US_STATES + r")(?!\w)", _I)),
]

_INTENTS: dict[str, str] = {
    "emergency": (
        r"\b(?:hot|overheat\w*|heat(?:ing)? up|swell\w*|swollen|bulg\w*|puff\w*|smok\w*|"
        r"burning smell|smells? (?:like )?burn\w*|smell\w* burn\w*|sparks?|flames?|on fire|"
        r"caught fire|melt\w*|hissing|explod\w*)\b|"
        r"\b(?:caliente|hinchad[ao]|humo|quemad[ao]|fuego|olor a quemado)\b|"
        r"\b(?:heiß|heiss|aufgebläht|gebläht|rauch\w*|brandgeruch|brennt|feuer|qualm\w*)\b|"
        r"发烫|發燙|很烫|很燙|鼓包|膨胀|膨脹|冒烟|冒煙|烧焦|燒焦|着火|著火|起火|"
        r"熱い|膨らん|膨張|煙|焦げ|発火|発煙"
    ),
    "is_recalled": (
        r"\b(?:recall\w*|affected|included|is (?:it|mine) (?:safe|ok|okay)|covered)\b|"
        r"\b(?:retirad[ao]|retiro|afectad[ao]|llamado a revisión)\b|"
        r"\b(?:rückruf\w*|betroffen)\b|召回|回收|リコール|対象|對象|对象"
    ),
    "remedy": (
        r"\b(?:what do i get|refund\w*|replac\w*|gift ?card|voucher|compensat\w*|money back|"
        r"remed\w*)\b|\b(?:reembolso|reemplazo|tarjeta de regalo|cupón|qué recibo)\b|"
        r"\b(?:erstattung|ersatz\w*|gutschein|geld zurück)\b|"
        r"退款|退货|退貨|换新|換新|代金券|抵用券|补偿|補償|返金|交換|ギフト"
    ),
    "compare": r"\b(?:gift ?card (?:or|vs\.?|versus) (?:a )?(?:replacement|refund)|"
               r"(?:replacement|refund) (?:or|vs\.?|versus) (?:a )?gift ?card|which (?:is|one) better)\b",
    "claim": (
        r"\b(?:claim\w*|how (?:do|can) i (?:get|apply|register)|apply|form|register)\b|"
        r"\b(?:reclamar|reclamación|solicitud|formulario)\b|\b(?:antrag|formular|anmelden)\b|"
        r"申请|申請|登记|登記|申し込|申込|手続"
    ),
    "photos": r"\b(?:photo\w*|picture\w*|pic|pics|image|marker|foto\w*|bild\w*)\b|照片|相片|写真|拍照",
    "receipt": (
        r"\b(?:receipt|proof of purchase|invoice|order number|no box|recibo|factura|"
        r"kassenbon|quittung|rechnung|kaufbeleg)\b|发票|發票|收据|收據|レシート|領収書|購入証明"
    ),
    "send_back": (
        r"\b(?:send (?:it )?back|return (?:it|the unit|the device)|ship (?:it )?back|"
        r"dispose (?:of it )?first|before (?:i )?dispos\w*|devolver|zurückschicken|"
        r"zurücksenden)\b|寄回|送回|返送|返品"
    ),
    "dispose": (
        r"\b(?:dispos\w*|throw (?:it )?(?:away|out)|trash|bin|recycl\w*|get rid of|landfill|"
        r"hazardous waste|hhw|desech\w*|tirar|basura|reciclaj\w*|entsorg\w*|müll|wertstoff\w*|"
        r"recyclinghof)\b|处理|處理|丢弃|丟棄|回收站|垃圾|処分|捨て|廃棄|ゴミ"
    ),
    "keep_using": (
        r"\b(?:(?:can|could|should) i (?:still |keep )?(?:use|using|charge)|keep using|"
        r"still use|safe to use|is it safe|seguir usando|puedo usar|weiter (?:benutzen|nutzen|"
        r"verwenden)|noch benutzen)\b|还能用|還能用|继续用|繼續用|使い続け|まだ使え"
    ),
    "flight": (
        r"\b(?:flight|fly|flying|plane|airline|airport|carry[- ]on|luggage|avión|vuelo|"
        r"flugzeug|flug|fliegen)\b|飞机|飛機|航班|登机|登機|飛行機|機内"
    ),
    "contact": (
        r"\b(?:contact|phone|call|email|e-mail|support|customer service|hotline|number to call|"
        r"contacto|teléfono|correo|kontakt|telefon|kundendienst)\b|联系|聯繫|聯絡|客服|電話|电话|"
        r"問い合わせ|連絡|サポート|wechat|微信"
    ),
    "checker_says_no": (
        r"(?:checker|tool|website|site|page|form)\b.{0,40}\b(?:not affected|says? no|"
        r"not (?:included|eligible|recalled)|doesn'?t (?:match|qualify))|"
        r"\bnot affected\b.{0,40}\b(?:checker|tool|website|site)"
    ),
    "already_claimed": r"\b(?:already (?:been )?(?:claimed|registered|used|submitted))\b|已被登记|已登記|已申请|登録済",
    "unreadable": (
        r"\b(?:can'?t (?:read|find|see)|cannot (?:read|find|see)|unreadable|faded|worn|"
        r"rubbed off|illegible|too small|where is (?:the )?(?:model|serial|sn)|no label|"
        r"no encuentro|no puedo leer|kann (?:es |die )?nicht (?:lesen|finden)|unleserlich)\b|"
        r"看不清|找不到|読めない|見つからない"
    ),
    "several": r"\b(?:(?:two|three|four|several|multiple|2|3|4|5) (?:units|power ?banks|of them|devices)|"
               r"more than one)\b",
    "other_brand": (
        r"\b(?:romoss|baseus|xiaomi|iniu|esr|belkin|charmast|ugreen|mophie|samsung|"
        r"anker alternative|other brands?)\b|小米|罗马仕|羅馬仕|倍思"
    ),
    "scam": (
        r"\b(?:scam\w*|phishing|fake|legit\w*|genuine|suspicious|fraud\w*|estafa|betrug|"
        r"echt)\b|诈骗|詐騙|詐欺|骗|騙"
    ),
    "delivery_time": (
        r"\b(?:how long|when will|no reply|no response|haven'?t heard|still waiting|"
        r"cuánto tarda|wie lange)\b|多久|多長|いつ届"
    ),
    "deadline": r"\b(?:deadline|until when|expire\w*|last day|fecha límite|frist)\b|截止|期限",
    "injection": (
        r"\b(?:ignore (?:all |your |the |previous |prior )*(?:instructions|rules|prompts?)|"
        r"system prompt|you are now|developer mode|jailbreak|"
        r"(?:give|send|generate) me (?:a |an |some |free )*(?:gift ?card|voucher|coupon|promo) ?"
        r"(?:code|number)s?)\b"
    ),
    "hostile": (
        r"\b(?:stupid|idiot|useless|garbage bot|shut up|hate you|f+u+c+k\w*|wtf|"
        r"dumb bot|scheiß\w*|idiota|estúpid[oa])\b"
    ),
    "greeting": r"^\s*(?:hi|hello|hey|hola|hallo|guten tag|buenas|你好|您好|こんにちは|やあ)\b",
    "thanks": r"\b(?:thanks|thank you|thx|gracias|danke|谢谢|謝謝|ありがとう)\b",
    "help": r"^\s*(?:help|\?|ayuda|hilfe|帮助|幫助|ヘルプ)\s*[!?.]*\s*$",
    "models": r"\b(?:which models|what models|list (?:of )?(?:the )?models|all models)\b|哪些型号|哪些型號|対象機種",
    "cancel": r"^\s*(?:cancel|stop|quit|exit|abbrechen|cancelar|取消|キャンセル)\s*[!.]*\s*$",
    "yes": r"^\s*(?:yes|yep|yeah|y|sí|si|ja|是|是的|对|對|はい)\s*[!.]*\s*$",
    "no": r"^\s*(?:no|nope|n|nein|不|不是|いいえ)\s*[!.]*\s*$",
    "off_topic": (
        r"\b(?:weather|joke|recipe|football|soccer|bitcoin|stock price|homework|poem|song|"
        r"movie|president)\b"
    ),
}

INTENT_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(pattern, _I)) for name, pattern in _INTENTS.items()
]
