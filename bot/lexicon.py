"""Rule-based word lists: regions (places, shops, currencies) and the few reflexes that must
never depend on a learned model — safety, prompt injection, cancel/yes/no.

Question types are NOT here: they are data (bot/data/questions.yaml) and a learned matcher
(bot/matcher.py). Patterns are plain alternations with bounded whitespace (linear time, see
tests/reliability/test_regex.py). Latin-script words use word boundaries; Chinese and Japanese
terms match anywhere. Add a place or a word by adding it here, not code.
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
    "west virginia|wisconsin|wyoming|los angeles|san francisco|chicago|houston|seattle|boston|"
    "miami|atlanta|dallas|denver|phoenix|philadelphia|san diego|nyc|brooklyn"
)


def _region(latin: str, cjk: str = "") -> re.Pattern[str]:
    """Latin-script names as whole words; Chinese and Japanese names anywhere (no spaces there)."""
    cjk_part = f"|(?:{cjk})" if cjk else ""
    return re.compile(rf"(?<![\w.])(?:{latin})(?!\w){cjk_part}", _I)


# Order matters only for ties at the same position; the earliest mention in a message wins.
REGION_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("TW", _region(r"taiwan|taiwán|r\.?o\.?c\.?|twd|taipei|taichung|kaohsiung|tainan|pchome|shopee\.tw",
                   r"台灣|台湾|臺灣|NT\$|新台幣|新臺幣|新台币|蝦皮|虾皮|タイワン|台北|臺北|台中|臺中|高雄|台南|臺南|"
                   r"新竹|桃園|全聯|燦坤|momo購物|PChome|台北市|新北")),
    ("HK", _region(r"hong\s?kong|hongkong|kowloon|hk\$", r"香港|ホンコン|九龍|九龙|新界|旺角|HK\$")),
    ("CN", _region(r"mainland china|china|prc|yuan|rmb|cny|volksrepublik china|shenzhen|shanghai|beijing|"
                   r"guangzhou|hangzhou|chengdu|wuhan|taobao|jd\.com|tmall|pinduoduo|temu china",
                   r"中国大陆|中國大陸|大陆|大陸|内地|內地|淘宝|淘寶|京东|京東|天猫|天貓|拼多多|"
                   r"人民币|人民幣|¥|元(?!\w)|中国(?!台)|中國(?!台)|深圳|上海|北京|广州|廣州|杭州|成都|武汉|"
                   r"武漢|南京|重庆|重慶|天津|苏州|蘇州|シンセン|上海市|北京市")),
    ("JP", _region(r"japan|japanese|japonés|japones|japanisch\w*|japón|japon|amazon\.co\.jp|jpy|tokyo|osaka|kyoto|yokohama|nagoya|sapporo|"
                   r"fukuoka|rakuten|yodobashi|bic camera",
                   r"日本(?!語)|にほん|楽天|円(?!\w)|東京|大阪|京都|横浜|名古屋|札幌|福岡|ヨドバシ|ビックカメラ|"
                   r"ヤマダ電機|ケーズデンキ|アマゾン|東京都|大阪府")),
    ("CA", _region(r"canada|canadian|canadiense|kanadisch\w*|amazon\.ca|kanada|canadá|ontario|quebec|québec|"
                   r"british columbia|alberta|toronto|vancouver|montreal|montréal|calgary|ottawa|"
                   r"health canada|c\$|cad",
                   r"加拿大|カナダ|多伦多|多倫多|温哥华|溫哥華")),
    ("MX", _region(r"m[ée]xico|mexican[oa]?|amazon\.com\.mx|mexiko|cdmx|guadalajara|monterrey|"
                   r"mercado libre m[ée]xico|liverpool",
                   r"墨西哥|メキシコ")),
    ("GB", _region(r"united kingdom|uk|u\.k\.|england|scotland|wales|britain|amazon\.co\.uk|"
                   r"großbritannien|grossbritannien|reino unido|inglaterra|london|manchester|"
                   r"birmingham|glasgow|currys|argos|£",
                   r"英国|英國|イギリス|伦敦|倫敦|ロンドン|£")),
    ("DE", _region(r"germany|deutschland|german|alemán|aleman|amazon\.de|alemania|berlin|münchen|muenchen|"
                   r"munich|hamburg|köln|koeln|frankfurt|stuttgart|düsseldorf|duesseldorf|leipzig|"
                   r"dresden|mediamarkt|media markt|saturn",
                   r"德国|德國|ドイツ|柏林|ベルリン")),
    ("AT", _region(r"austria|österreich|oesterreich|amazon\.at|wien|vienna|graz|salzburg",
                   r"奥地利|奧地利|オーストリア")),
    ("CH", _region(r"switzerland|schweiz|suisse|svizzera|suiza|zürich|zurich|genf|geneva|basel|bern",
                   r"瑞士|スイス")),
    ("FR", _region(r"france|frankreich|francia|amazon\.fr|paris|lyon|marseille|fnac",
                   r"法国|法國|フランス|巴黎|パリ")),
    ("ES", _region(r"spain|españa|espana|spanien|amazon\.es|madrid|barcelona|valencia|sevilla|"
                   r"el corte inglés|el corte ingles",
                   r"西班牙|スペイン")),
    ("IT", _region(r"italy|italia|italien|amazon\.it|rome|roma|milan|milano|naples|napoli",
                   r"意大利|義大利|イタリア")),
    ("NL", _region(r"netherlands|nederland|niederlande|holland|países bajos|amazon\.nl|amsterdam|"
                   r"rotterdam|bol\.com",
                   r"荷兰|荷蘭|オランダ")),
    ("EU", _region(r"europe|european union|eu|europa|unión europea|europäische union|€|euro|euros",
                   r"欧洲|歐洲|欧盟|歐盟|ヨーロッパ|欧州|€")),
    ("KR", _region(r"korea|south korea|corea|südkorea|seoul|busan|incheon|coupang|krw",
                   r"韩国|韓國|韓国|대한민국|한국|首尔|首爾|ソウル|釜山|仁川|₩")),
    ("AU", _region(r"australia|australien|amazon\.com\.au|sydney|melbourne|brisbane|perth|adelaide|"
                   r"canberra|jb hi-fi|jb hifi|officeworks|a\$|aud",
                   r"澳大利亚|澳大利亞|澳洲|オーストラリア|悉尼|雪梨|墨尔本|墨爾本|シドニー|メルボルン")),
    ("IN", _region(r"india|indien|amazon\.in|delhi|mumbai|bangalore|bengaluru|chennai|flipkart|rupees?|inr|₹",
                   r"印度|インド")),
    ("SG", _region(r"singapore|singapur|lazada sg", r"新加坡|シンガポール")),
    ("BR", _region(r"brazil|brasil|brasilien|são paulo|sao paulo|rio de janeiro|r\$", r"巴西|ブラジル")),
    ("AR", _region(r"argentina|argentinien|buenos aires", r"阿根廷|アルゼンチン")),
    ("CO", _region(r"colombia|kolumbien|bogotá|bogota|medell[ií]n", r"哥伦比亚|哥倫比亞|コロンビア")),
    ("CL", _region(r"chile|santiago de chile", r"智利|チリ")),
    ("PE", _region(r"per[uú]|lima", r"秘鲁|秘魯|ペルー")),
    # The abbreviations only in capitals: "help us" / "send us" are not the United States.
    ("US", re.compile(r"(?<![\w.])(?-i:U\.S\.A?\.?|USA|US|EE\.\s?UU\.?|EEUU)(?![\w])|"
                      r"(?<![\w.])(?:united states|america|american|estados unidos|"
                      r"vereinigte staaten|amazon\.com(?!\.)|walmart|best buy|"
                      r"target|newegg|costco|" + _US_STATES + r")(?!\w)|美国|美國|アメリカ|米国|"
                      r"纽约|紐約|洛杉矶|洛杉磯|ニューヨーク", _I)),
]

# All regions in one alternation: one scan finds the earliest mention, and at the same
# position the region listed first, exactly like trying each pattern (all are IGNORECASE).
REGION_ANY: re.Pattern[str] = re.compile(
    "|".join(f"(?P<{code}>{pattern.pattern})" for code, pattern in REGION_PATTERNS), _I)

# Region codes written as codes ("bought in CA", "region: JP"): capitals only, so "de", "es",
# "it" and "in" in a sentence are words. Ambiguous in capitals too (IT, IN, AT): only alone.
REGION_CODE: re.Pattern[str] = re.compile(
    r"(?<![\w.])(CA|TW|JP|DE|GB|UK|AU|KR|HK|CN|MX|FR|ES|NL|SG|BR|AR|CO|CL|PE|CH|EU)(?![\w.])")
REGION_CODE_ALONE: re.Pattern[str] = re.compile(
    r"(?:region[: ]{1,3})?([A-Za-z]{2})[.!]{0,3}", _I)

# ----- reflexes: decided before (and regardless of) the learned matcher -----------------------

# A device in a dangerous state now. High recall on purpose: a false alarm costs one card,
# a miss can cost a house. Lower-case; matched against the lower-cased message.
SAFETY: re.Pattern[str] = re.compile(
    # en
    r"\b(?:hot|very warm|overheat\w*|heat(?:ing|s|ed)? up|swell\w*|swollen|bulg\w*|puff\w*|"
    r"bloat\w*|expanded|expanding|pillow\w*|smok\w*|fumes?|burn(?:ing|t|ed)? (?:plastic|smell)|"
    r"smells? (?:like |of )?(?:burn\w*|plastic|chemical\w*)|smell\w* burn\w*|odou?r|sparks?|sparking|"
    r"flames?|on fire|caught fire|catch(?:es|ing)? fire|set fire|started a fire|melt\w*|hiss\w*|"
    r"explod\w*|pop(?:ped|ping)|crack(?:ed|s)?|dent(?:ed)?|punctur\w*|pierc\w*|chew\w*|"
    r"bit(?:ten)? into|dropped|drop(?:ped)? it|fell (?:off|on|from|down|in|into)|got wet|wet|"
    r"in(?:to)? (?:the )?(?:water|pool|toilet|sink|bath\w*|rain)|water damage|soaked|spill\w*|"
    r"leak\w*|scorch\w*|discolou?r\w*|charred|sizzl\w*|burned? (?:my|me|his|her))\b|"
    # es
    r"\b(?:caliente|se calienta|calentando|sobrecalent\w*|hinchad[ao]s?|se hinch\w*|"
    r"inflad[ao]|abombad[ao]|humo|humea|olor a quemado|huele a quemado|huele raro|quemad[ao]|"
    r"en llamas|chispas?|se incendió|incendiad[ao]|prendió fuego|se prendió|echó fuego|"
    r"derreti\w*|explot\w*|mojad[ao]|se mojó|al agua|en el agua|se (?:me )?cayó|golpead[ao]|"
    r"perforad[ao]|pinchad[ao]|mordi\w*|mordisque\w*|agrietad[ao]|rajad[ao])\b|"
    # de
    r"\b(?:heiß|heiss|warm wird|überhitz\w*|aufgebläht|gebläht|aufgequollen|bläht sich|"
    r"dick geworden|rauch\w*|brandgeruch|riecht (?:verbrannt|komisch|nach plastik)|verbrannt riecht|"
    r"brennt|feuer gefangen|in flammen|flammen|funken|qualm\w*|geschmolzen|schmilzt|explodiert|"
    r"nass|ins wasser|wasserschaden|runtergefallen|heruntergefallen|hingefallen|fallen gelassen|"
    r"durchstochen|angebohrt|angekaut|rumgekaut|herumgekaut|zerkaut|angeknabbert|zerbissen|gebissen|"
    r"loch|kaputt|riss|beschädigt|zischt|gefunkt|funkt|sprüht funken|verschmort|schwarz geworden)\b|"
    # zh-Hans, zh-Hant
    r"发烫|發燙|很烫|很燙|烫手|燙手|过热|過熱|发热|發熱|鼓包|膨胀|膨脹|鼓起|冒烟|冒煙|烧焦|燒焦|"
    r"焦味|糊味|怪味|着火|著火|起火|火花|爆炸|变形|變形|进水|進水|泡水|掉水|湿了|濕了|摔|掉在地|"
    r"扎破|刺破|戳破|咬|裂|凹|漏液|冒火|自燃|"
    # ja
    r"熱い|熱く|熱を持|発熱|膨らん|膨張|煙|焦げ|発火|発煙|異臭|火花|破裂|水没|濡れ|水に落と|"
    r"落とし|落下|穴が|刺さ|かじった|かじられ|噛ん|噛ま|へこん|凹ん|割れ|ひび|液漏れ|燃えた|燃えて"
)
# A fire that happens to be hypothetical or about the news is still answered with the safety
# steps first; that is the cost of high recall, accepted.

INJECTION: re.Pattern[str] = re.compile(
    r"\b(?:ignore (?:all |your |the |previous |prior |any ){0,4}(?:instructions|rules|prompts?)|"
    r"system prompt|you are now|developer mode|jailbreak|pretend (?:you are|to be)|"
    r"(?:give|send|generate) me (?:a |an |some |free ){0,3}(?:gift ?card|voucher|coupon|promo) ?"
    r"(?:code|number)s?)\b"
)

# Whole-message reflexes: only tested on messages of at most REFLEX_MAX characters (stripped).
REFLEX_MAX = 24
REFLEXES: dict[str, re.Pattern[str]] = {
    "cancel": re.compile(r"(?:(?:nvm|never ?mind|forget it|ok|okay)[ ,]{0,2})?(?:cancel|stop|quit|exit|"
                         r"abbrechen|vergiss es|cancelar|déjalo|olvídalo|取消|算了|不用了|キャンセル|やめる|"
                         r"やめて|nvm|never ?mind|forget it)[!.]{0,3}"),
    "yes": re.compile(r"(?:yes|yep|yeah|y|ok|okay|sí|si|ja|是|是的|对|對|好|はい|うん)[!.]{0,3}"),
    "no": re.compile(r"(?:no|nope|n|nein|不|不是|否|いいえ|いや)[!.]{0,3}"),
}

# Brands the bot knows (for contacts and other products without a model).
BRANDS: re.Pattern[str] = re.compile(
    r"\b(anker|soundcore|romoss|baseus|xiaomi|iniu|esr|belkin|charmast)\b|(安克|罗马仕|羅馬仕|倍思|小米|アンカー|シャオミ)",
    _I)
BRAND_NAMES: dict[str, str] = {
    "anker": "Anker", "soundcore": "Anker", "安克": "Anker", "アンカー": "Anker",
    "romoss": "Romoss", "罗马仕": "Romoss", "羅馬仕": "Romoss",
    "baseus": "Baseus", "倍思": "Baseus", "xiaomi": "Xiaomi", "小米": "Xiaomi", "シャオミ": "Xiaomi",
    "iniu": "INIU", "esr": "ESR", "belkin": "Belkin", "charmast": "Charmast",
}
