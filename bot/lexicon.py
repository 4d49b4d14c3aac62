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


def _region(latin: str, cjk: str = "") -> re.Pattern[str]:
    """Latin-script names as whole words; Chinese and Japanese names anywhere (no spaces there)."""
    cjk_part = f"|(?:{cjk})" if cjk else ""
    return re.compile(rf"(?<![\w.])(?:{latin})(?!\w){cjk_part}", _I)


# Order matters only for ties at the same position; the earliest mention in a message wins.
REGION_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("TW", _region(r"taiwan|taiwán|r\.?o\.?c\.?|twd",
                   r"台灣|台湾|臺灣|NT\$|新台幣|新臺幣|新台币|蝦皮|虾皮|タイワン")),
    ("HK", _region(r"hong\s?kong|hongkong", r"香港|ホンコン")),
    ("CN", _region(r"mainland china|china|prc|yuan|rmb|cny|volksrepublik china",
                   r"中国大陆|中國大陸|大陆|大陸|内地|內地|淘宝|淘寶|京东|京東|天猫|天貓|拼多多|"
                   r"人民币|人民幣|¥|元(?!\w)|中国(?!台)|中國(?!台)")),
    ("JP", _region(r"japan|japón|japon|amazon\.co\.jp|jpy",
                   r"日本(?!語)|にほん|楽天|円(?!\w)")),
    ("CA", _region(r"canada|canadian|amazon\.ca|kanada|canadá|ontario|quebec|québec|"
                   r"british columbia|alberta|toronto|vancouver|montreal|montréal|health canada",
                   r"加拿大|カナダ")),
    ("MX", _region(r"m[ée]xico|mexican[oa]?|amazon\.com\.mx|mexiko|cdmx|guadalajara|monterrey",
                   r"墨西哥|メキシコ")),
    ("GB", _region(r"united kingdom|uk|u\.k\.|england|scotland|wales|britain|amazon\.co\.uk|"
                   r"großbritannien|grossbritannien|reino unido|inglaterra",
                   r"英国|英國|イギリス")),
    ("DE", _region(r"germany|deutschland|german|amazon\.de|alemania|berlin|münchen|muenchen|"
                   r"munich|hamburg|köln|koeln|frankfurt",
                   r"德国|德國|ドイツ")),
    ("AT", _region(r"austria|österreich|oesterreich|amazon\.at|wien|vienna", r"奥地利|奧地利|オーストリア")),
    ("CH", _region(r"switzerland|schweiz|suisse|svizzera|suiza|zürich|zurich", r"瑞士|スイス")),
    ("FR", _region(r"france|frankreich|francia|amazon\.fr", r"法国|法國|フランス")),
    ("ES", _region(r"spain|españa|espana|spanien|amazon\.es|madrid|barcelona|valencia|sevilla",
                   r"西班牙|スペイン")),
    ("IT", _region(r"italy|italia|italien|amazon\.it", r"意大利|義大利|イタリア")),
    ("NL", _region(r"netherlands|nederland|niederlande|holland|países bajos|amazon\.nl",
                   r"荷兰|荷蘭|オランダ")),
    ("EU", _region(r"europe|european union|eu|europa|unión europea|europäische union",
                   r"欧洲|歐洲|欧盟|歐盟|ヨーロッパ|欧州")),
    ("KR", _region(r"korea|south korea|corea|südkorea", r"韩国|韓國|韓国|대한민국|한국")),
    ("AU", _region(r"australia|australien|amazon\.com\.au", r"澳大利亚|澳大利亞|澳洲|オーストラリア")),
    ("IN", _region(r"india|indien|amazon\.in", r"印度|インド")),
    ("SG", _region(r"singapore|singapur", r"新加坡|シンガポール")),
    ("BR", _region(r"brazil|brasil|brasilien", r"巴西|ブラジル")),
    ("AR", _region(r"argentina|argentinien", r"阿根廷|アルゼンチン")),
    ("CO", _region(r"colombia|kolumbien", r"哥伦比亚|哥倫比亞|コロンビア")),
    ("CL", _region(r"chile", r"智利|チリ")),
    ("PE", _region(r"per[uú]", r"秘鲁|秘魯|ペルー")),
    # The abbreviations only in capitals: "help us" / "send us" are not the United States.
    ("US", re.compile(r"(?<![\w.])(?-i:U\.S\.A?\.?|USA|US|EE\.\s?UU\.?|EEUU)(?![\w])|"
                      r"(?<![\w.])(?:united states|america|american|estados unidos|"
                      r"vereinigte staaten|amazon\.com(?!\.)|walmart|best buy|"
                      r"target|newegg|" + _US_STATES + r")(?!\w)|美国|美國|アメリカ|米国", _I)),
]

# All regions in one alternation: one scan finds the earliest mention, and at the same
# position the region listed first, exactly like trying each pattern (all are IGNORECASE).
REGION_ANY: re.Pattern[str] = re.compile(
    "|".join(f"(?P<{code}>{pattern.pattern})" for code, pattern in REGION_PATTERNS), _I)

_INTENTS: dict[str, str] = {
    "emergency": (
        r"\b(?:hot|overheat\w*|heat(?:ing)? up|swell\w*|swollen|bulg\w*|puff\w*|smok\w*|"
        r"burning smell|smells? (?:like )?burn\w*|smell\w* burn\w*|sparks?|flames?|on fire|"
        r"caught fire|melt\w*|hissing|explod\w*)\b|"
        # es
        r"\b(?:caliente|se calienta|calentando|sobrecalent\w*|hinchad[ao]s?|se hinch\w*|"
        r"inflad[ao]|abombad[ao]|humo|humea|quemad[ao]|fuego|llamas?|chispas?|"
        r"olor a quemado|huele a quemado|derreti\w*|explot\w*|se prendió)\b|"
        # de
        r"\b(?:heiß|heiss|überhitz\w*|aufgebläht|gebläht|aufgequollen|bläht sich|rauch\w*|"
        r"brandgeruch|riecht verbrannt|verbrannt riecht|brennt|feuer|flammen?|funken|qualm\w*|"
        r"geschmolzen|schmilzt|explodiert)\b|"
        # zh-Hans, zh-Hant
        r"发烫|發燙|很烫|很燙|烫手|燙手|过热|過熱|发热|發熱|鼓包|膨胀|膨脹|鼓起|冒烟|冒煙|烧焦|燒焦|"
        r"焦味|着火|著火|起火|火花|爆炸|变形|變形|"
        # ja
        r"熱い|熱く|熱を持|発熱|膨らん|膨張|煙|焦げ|発火|発煙|異臭|火花|破裂"
    ),
    "is_recalled": (
        r"\b(?:recall\w*|affected|included|is (?:it|mine) (?:safe|ok|okay)|covered)\b|"
        r"\b(?:retirad[ao]s?|retiro|retirada|afectad[ao]s?|llamado a revisión|incluid[ao])\b|"
        r"\b(?:rückruf\w*|zurückgerufen|betroffen)\b|"
        r"召回|回收|受影响|受影響|有问题吗|有問題嗎|リコール|対象|對象|对象|該当"
    ),
    "remedy": (
        r"\b(?:what do i get|refund\w*|replac\w*|gift ?card|voucher|compensat\w*|money back|"
        r"remed\w*)\b|"
        r"\b(?:reembols\w*|reemplaz\w*|tarjeta de regalo|cupón|cupon|compensaci[oó]n|"
        r"qué (?:recibo|me dan|obtengo)|que (?:recibo|me dan)|devuelven el dinero)\b|"
        r"\b(?:was bekomme ich|erstattung|rückerstattung|erstattet|ersatz\w*|gutschein|"
        r"geld zurück|entschädigung|austausch\w*|umtausch\w*)\b|"
        r"退款|退钱|退錢|退货|退貨|换新|換新|升级|升級|代金券|抵用券|购物金|購物金|折价券|折價券|"
        r"补偿|補償|赔偿|賠償|得到什么|得到什麼|拿到什么|拿到什麼|"
        r"返金|交換|ギフト|もらえ|補償|代替品"
    ),
    "compare": r"\b(?:gift ?card (?:or|vs\.?|versus) (?:a )?(?:replacement|refund)|"
               r"(?:replacement|refund) (?:or|vs\.?|versus) (?:a )?gift ?card|which (?:is|one) better)\b",
    "claim": (
        r"\b(?:claim\w*|how (?:do|can) i (?:get|apply|register)|apply|form|register)\b|"
        r"\b(?:reclam\w*|solicit\w*|formulario|registrar\w*|cómo (?:lo )?pido)\b|"
        r"\b(?:antrag|beantrag\w*|formular|anmelden|anmeldung|melde ich|einreichen)\b|"
        r"申请|申請|登记|登記|办理|辦理|填表|表格|表單|申し込|申込|手続|申請"
    ),
    "photos": (
        r"\b(?:photo\w*|picture\w*|pic|pics|image|marker|foto\w*|imagen\w*|bild\w*)\b|"
        r"照片|相片|拍照|写真|撮影|画像"
    ),
    "receipt": (
        r"\b(?:receipt|proof of purchase|invoice|order number|no box|recibo de compra|"
        r"comprobante|ticket de compra|factura|kassenbon|quittung|rechnung|kaufbeleg|"
        r"kaufnachweis)\b|发票|發票|收据|收據|购买凭证|購買證明|レシート|領収書|購入証明"
    ),
    "send_back": (
        r"\b(?:send (?:it )?back|return (?:it|the unit|the device)|ship (?:it )?back|"
        r"dispose (?:of it )?first|before (?:i )?dispos\w*|devolver\w*|enviarla|"
        r"zurückschicken|zurücksenden|einschicken)\b|寄回|送回|退回|返送|返品|送り返"
    ),
    "dispose": (
        r"\b(?:dispos\w*|throw (?:it )?(?:away|out)|trash|recycl\w*|get rid of|landfill|"
        r"hazardous waste|hhw|(?:the|a|rubbish|recycling|trash|garbage|wheelie) bin|desech\w*|deshacerme|tirar\w*|tiro|basura|reciclaj\w*|"
        r"punto limpio|residuos|entsorg\w*|müll|wertstoff\w*|recyclinghof|wegwerfen|"
        r"schadstoff\w*)\b|"
        r"处理|處理|丢弃|丟棄|丢掉|丟掉|扔掉|回收站|回收点|回收點|垃圾|报废|報廢|"
        r"処分|捨て|廃棄|ゴミ|ごみ"
    ),
    "keep_using": (
        r"\b(?:(?:can|could|should) i (?:still |keep )?(?:use|using|charge)|keep using|"
        r"still use|safe to use|is it safe|seguir usando|sigo usando|puedo usar\w*|"
        r"seguir us[aá]ndola|weiter (?:benutzen|nutzen|verwenden)|noch benutzen|"
        r"noch verwenden)\b|还能用|還能用|继续用|繼續用|继续使用|繼續使用|可以用吗|可以用嗎|"
        r"使い続け|まだ使え|使っても"
    ),
    "flight": (
        r"\b(?:flight|fly|flying|plane|airline|airport|carry[- ]on|luggage|avión|vuelo|"
        r"flugzeug|flug|fliegen)\b|飞机|飛機|航班|登机|登機|飛行機|機内"
    ),
    "contact": (
        r"\b(?:contact|phone|call|email|e-mail|support|customer service|hotline|number to call|"
        r"contacto|contactar|teléfono|telefono|correo|soporte|atención al cliente|"
        r"a quién (?:llamo|escribo)|kontakt\w*|telefon\w*|kundendienst|kundenservice|"
        r"wen (?:kontaktiere|rufe|frage) ich)\b|"
        r"联系|聯繫|聯絡|客服|电话|電話|找谁|找誰|問い合わせ|問合せ|連絡|サポート|窓口|"
        r"wechat|微信"
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
        r"no encuentro|no puedo leer|no se lee|borros[ao]|borrad[ao]|"
        r"kann (?:es |die |sie )?nicht (?:lesen|finden)|unleserlich|nicht lesbar|verblasst)\b|"
        r"看不清|看不到|看不见|看不見|找不到|模糊|磨掉|読めない|見つからない|かすれ"
    ),
    "several": (
        r"\b(?:(?:two|three|four|several|multiple|2|3|4|5) (?:units|power ?banks|of them|devices)|"
        r"more than one|(?:dos|tres|varias) (?:unidades|baterías)|"
        r"(?:zwei|drei|mehrere) (?:geräte|powerbanks))\b|两台|兩台|几台|幾台|多台|複数台"
    ),
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
        r"cuánto tarda|cuánto tiempo|sin respuesta|wie lange|keine antwort)\b|"
        r"多久|多长时间|多長時間|什么时候到|什麼時候到|いつ届|どのくらい|いつまで待"
    ),
    "deadline": (
        r"\b(?:deadline|until when|expire\w*|last day|fecha límite|plazo|hasta cuándo|frist|"
        r"bis wann)\b|截止|期限|締め切り|締切"
    ),
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
    "greeting": (
        r"^\s*(?:(?:hi|hello|hey|hola|buenas|buenos días|hallo|guten tag|servus|moin)\b|"
        r"你好|您好|こんにちは|こんばんは|やあ)"
    ),
    "thanks": (
        r"\b(?:thanks|thank you|thx|gracias|danke|vielen dank)\b|谢谢|謝謝|多谢|多謝|ありがとう"
    ),
    "help": r"^\s*(?:help|\?|ayuda|hilfe|帮助|幫助|ヘルプ)\s*[!?.]*\s*$",
    "models": (
        r"\b(?:which models|what models|list (?:of )?(?:the )?models|all models|qué modelos|"
        r"cuáles modelos|welche modelle|alle modelle)\b|哪些型号|哪些型號|対象機種|どの型番"
    ),
    "cancel": r"^\s*(?:cancel|stop|quit|exit|abbrechen|cancelar|取消|キャンセル)\s*[!.]*\s*$",
    "yes": r"^\s*(?:yes|yep|yeah|y|sí|si|ja|是|是的|对|對|はい)\s*[!.]*\s*$",
    "no": r"^\s*(?:no|nope|n|nein|不|不是|いいえ)\s*[!.]*\s*$",
    "off_topic": (
        r"\b(?:weather|joke|recipe|football|soccer|bitcoin|stock price|homework|poem|song|"
        r"movie|president)\b"
    ),
}

# Intent words are written in lower case and matched against the lower-cased message:
# twice as fast as IGNORECASE, and this runs on every message (tests/engine/test_lexicon.py
# keeps the patterns lower-case).
INTENT_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(pattern)) for name, pattern in _INTENTS.items()
]
INTENT_SOURCES: dict[str, str] = dict(_INTENTS)
