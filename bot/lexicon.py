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
_US_PLACES = (
    "alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|georgia|"
    "hawaii|idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|"
    "michigan|minnesota|mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey|"
    "new mexico|new york|north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|"
    "rhode island|south carolina|south dakota|tennessee|texas|utah|vermont|virginia|washington|"
    "west virginia|wisconsin|wyoming|los angeles|los ángeles|columbus|san francisco|chicago|houston|seattle|boston|"
    "miami|atlanta|dallas|denver|phoenix|philadelphia|san diego|nyc|brooklyn|"
    "dayton|cincinnati|omaha|tulsa|el paso|boise|spokane|anchorage|st paul|st. paul|des moines|"
    "little rock|knoxville|akron|grand rapids|ann arbor|scottsdale|charleston|"
    "united states|america|american|estados unidos|vereinigte staaten|amazon.com|walmart|walmart.com|"
    "target.com|bestbuy.com|"
    "best buy|target|newegg|costco|ee uu|eeuu|usa|amazon us|amazon usa|the us|the u.s|the states|"
    "the usa|in usa|from usa|"
    "home depot|austin|portland|las vegas|orlando|tampa|detroit|minneapolis|st louis|st. louis|"
    "baltimore|pittsburgh|cleveland|nashville|san jose|sacramento|honolulu|salt lake city|"
    "kansas city|indianapolis|milwaukee|raleigh|new orleans|jersey city|oakland|san antonio|"
    "fort worth|jacksonville|memphis|louisville|albuquerque|tucson|fresno|long beach|bay area|"
    "silicon valley|manhattan|queens|the bronx|puerto rico|micro center|sam's club|sams club|"
    "walgreens|cvs|kohl's|tj maxx|qvc|amazon.com us|u.s.a|stateside|washington dc"
)

# Shops in REGION_WORDS that also trade in other countries: a country or city named beside one
# says where ("bought at Best Buy in Canada", "Costco in Calgary").
CHAINS_IN_MANY_COUNTRIES = frozenset({"best buy", "costco", "walmart", "home depot", "mediamarkt",
                                      "media markt", "saturn", "fnac"})

# Where a device was bought: places, shops, sites and currencies, per region code.
# Latin-script entries are whole words or phrases (matched case-insensitively, word by word);
# Chinese and Japanese entries match anywhere in the text (no spaces there).
REGION_WORDS: dict[str, tuple[str, str]] = {
    "TW": ("hsinchu|taoyuan|keelung|yilan|hualien|chiayi|changhua|pingtung|taitung|shopee taiwan|momo taiwan|momo|taiwan|taiwán|r.o.c|roc|twd|taipei|taichung|kaohsiung|tainan|pchome|shopee.tw",
           "屏東|基隆|宜蘭|花蓮|嘉義|彰化|苗栗|雲林|台東|臺東|南投|全國電子|順發|露天拍賣|神腦|展碁|新竹市|台灣|台湾|臺灣|新台幣|新臺幣|新台币|蝦皮|虾皮|タイワン|台北|臺北|台中|臺中|高雄|台南|臺南|新竹|桃園|"
           "全聯|燦坤|momo購物|momo 購物|新北|在momo|momo買|momo上"),
    "HK": ("hktvmall|hktv|sham shui po|yuen long|tuen mun|kwun tong|tseung kwan o|wan chai|sha tin|tsuen wan|broadway hk|hong kong|hongkong|kowloon|hongkong|causeway bay|mong kok|tsim sha tsui|fortress",
           "油麻地|佐敦|北角|元朗|屯門|觀塘|將軍澳|深水埗|中環|灣仔|葵涌|大埔|百老匯|衛訊|HKTV|港鐵|香港|ホンコン|九龍|九龙|新界|旺角|銅鑼灣|铜锣湾|尖沙咀|豐澤|丰泽|荃灣|沙田|港島"),
    "CN": ("xi'an|xiamen|qingdao|nanjing|tianjin|chongqing|suzhou|dongguan|foshan|changsha|zhengzhou|suning|xianyu|douyin|mainland china|china|prc|yuan|rmb|cny|volksrepublik china|shenzhen|shanghai|beijing|"
           "guangzhou|hangzhou|chengdu|wuhan|taobao|jd.com|tmall|pinduoduo|shanghái|schanghai|pekín|peking|cantón",
           "西安|长沙|長沙|郑州|鄭州|青岛|青島|厦门|廈門|东莞|東莞|佛山|苏宁|蘇寧|国美|國美|闲鱼|閒魚|抖音|花呗|国补|民航局|国航|东航|南航|中国大陆|中國大陸|大陆|大陸|内地|內地|国内|淘宝|淘寶|京东|京東|天猫|天貓|拼多多|人民币|人民幣|中国|中國|深圳|"
           "上海|北京|广州|廣州|杭州|成都|武汉|武漢|南京|重庆|重慶|天津|苏州|蘇州|シンセン|国内航班|国内航线|"
           "3C标|3C认证|3c标|3c认证|西单|西單|王府井|中关村|中關村|华强北|華強北"),
    "JP": ("kobe|sendai|hiroshima|okinawa|naha|chiba|saitama|kawasaki|nara|kanazawa|hokkaido|kyushu|mercari|don quijote|edion|kojima|sofmap|yamada denki|japan|japanese|japonés|japones|japanisch|japanische|japanischen|japón|japon|amazon.co.jp|jpy|"
           "tokyo|tokio|osaka|kyoto|yokohama|nagoya|sapporo|fukuoka|rakuten|yodobashi|bic camera|narita|haneda",
           "东京|神戸|仙台|広島|ラクマ|なんば|返礼品|自治体|沖縄|那覇|千葉|埼玉|川崎|奈良|金沢|北海道|九州|四国|関西|関東|メルカリ|ドン・キホーテ|ドンキ|エディオン|ジョーシン|コジマ|ソフマップ|ヤフオク|ヨドバシカメラ|都内|日本|にほん|楽天|東京|大阪|京都|横浜|名古屋|札幌|福岡|ヨドバシ|ビックカメラ|ビック|ヤマダ電機|ケーズデンキ|アマゾン|"
           "国内線|羽田|成田|ふるさと納税|池袋|新宿|渋谷|秋葉原|梅田|難波"),
    "CA": ("burnaby|surrey bc|winnipeg|edmonton|halifax|mississauga|brampton|saskatoon|kelowna|kitchener|london drugs|canadian tire|shoppers drug mart|visions electronics|best buy canada|walmart canada|costco canada|newfoundland|nova scotia|new brunswick|manitoba|saskatchewan|victoria bc|amazon canada|canada|canadian|canadiense|kanadisch|amazon.ca|kanada|canadá|ontario|quebec|québec|"
           "british columbia|alberta|toronto|vancouver|montreal|montréal|calgary|ottawa|"
           "health canada|cad|amazon ca", "卡尔加里|卡加利|蒙特利尔|滿地可|渥太华|渥太華|本拿比|列治文|トロント|バンクーバー|加拿大|カナダ|多伦多|多倫多|温哥华|溫哥華"),
    "MX": ("jalisco|zapopan|tlaquepaque|nuevo león|nuevo leon|yucatán|yucatan|veracruz|chihuahua|sonora|oaxaca|quintana roo|guanajuato|querétaro|queretaro|michoacán|michoacan|tamaulipas|sinaloa|coahuila|toluca|aguascalientes|san luis potosí|acapulco|puebla|tijuana|cancún|cancun|mérida|coppel|elektra|bodega aurrera|soriana|sanborns|palacio de hierro|walmart méxico|walmart mexico|méxico|mexico|mexicano|mexicana|amazon.com.mx|amazon mx|amazon méxico|mexiko|cdmx|"
           "guadalajara|monterrey|mercado libre méxico|liverpool", "墨西哥|メキシコ"),
    "GB": ("heathrow|gatwick|stansted|leeds|bristol|edinburgh|cardiff|belfast|sheffield|newcastle|nottingham|leicester|brighton|northern ireland|john lewis|tesco|sainsbury's|asda|ebay uk|british|gbp|united kingdom|uk|u.k|england|scotland|wales|britain|amazon.co.uk|großbritannien|"
           "grossbritannien|reino unido|inglaterra|london|manchester|birmingham|glasgow|currys|argos|amazon uk",
           "曼彻斯特|曼徹斯特|英国|英國|イギリス|伦敦|倫敦|ロンドン"),
    "DE": ("duisburg|bochum|mannheim|karlsruhe|augsburg|wiesbaden|münster|aachen|kiel|rostock|freiburg|heidelberg|potsdam|mainz|cyberport|notebooksbilliger|conrad|bayern|nrw|deutschen|germany|deutschland|german|alemán|aleman|alemania|amazon.de|berlin|münchen|muenchen|"
           "munich|hamburg|köln|koeln|sachsen|thüringen|hessen|deutscher shop|frankfurt|stuttgart|düsseldorf|duesseldorf|leipzig|dresden|"
           "hannover|hanover|bremen|nürnberg|nuernberg|dortmund|bonn|kleinanzeigen|otto.de|"
           "mediamarkt|media markt|saturn|amazon de|konstanz|deutsche amazon|deutsches amazon|gravis", "慕尼黑|法兰克福|法蘭克福|ミュンヘン|德国|德國|ドイツ|柏林|ベルリン"),
    "AT": ("steiermark|tirol|kärnten|vorarlberg|burgenland|niederösterreich|oberösterreich|linz|innsbruck|klagenfurt|österreichischen|austria|österreich|oesterreich|amazon.at|wien|vienna|graz|salzburg", "奥地利|奧地利|オーストリア"),
    "CH": ("kreuzlingen|winterthur|st. gallen|lausanne|luzern|lucerne|lugano|galaxus|brack.ch|switzerland|schweiz|suisse|svizzera|suiza|zürich|zurich|genf|geneva|basel|bern|digitec",
           "瑞士|スイス"),
    "FR": ("toulouse|nantes|strasbourg|bordeaux|lille|darty|boulanger|cdiscount|france|frankreich|francia|amazon.fr|paris|lyon|marseille|fnac", "法国|法國|フランス|巴黎|パリ"),
    "ES": ("zaragoza|málaga|malaga|bilbao|alicante|pccomponentes|amazon españa|amazon espana|spain|españa|espana|spanien|amazon.es|madrid|barcelona|valencia|sevilla|el corte inglés|"
           "el corte ingles", "西班牙|スペイン"),
    "IT": ("turin|torino|florence|firenze|venice|venezia|bologna|unieuro|italy|italia|italien|amazon.it|rome|roma|milan|milano|naples|napoli", "意大利|義大利|イタリア"),
    "NL": ("utrecht|the hague|den haag|eindhoven|coolblue|netherlands|nederland|niederlande|holland|países bajos|amazon.nl|amsterdam|rotterdam|bol.com",
           "荷兰|荷蘭|オランダ"),
    "EU": ("europe|european union|eu|europa|unión europea|europäische union|euro|euros",
           "欧洲|歐洲|欧盟|歐盟|ヨーロッパ|欧州"),
    "KR": ("daegu|daejeon|gmarket|11st|naver shopping|korea|south korea|corea|corea del sur|südkorea|seoul|seúl|busan|incheon|coupang|krw",
           "大邱|大田|韩国|韓國|韓国|대한민국|한국|首尔|首爾|ソウル|釜山|仁川"),
    "AU": ("gold coast|hobart|darwin|big w|harvey norman|the good guys|aussie|australian|australia|australien|amazon.com.au|sydney|sídney|melbourne|brisbane|perth|adelaide|canberra|"
           "jb hi-fi|jb hifi|officeworks|aud", "布里斯班|珀斯|澳大利亚|澳大利亞|澳洲|オーストラリア|悉尼|雪梨|墨尔本|墨爾本|シドニー|メルボルン"),
    "IN": ("hyderabad|kolkata|pune|ahmedabad|jaipur|croma|reliance digital|india|indien|amazon.in|delhi|mumbai|bangalore|bengaluru|chennai|flipkart|rupee|rupees|inr",
           "印度|インド"),
    "SG": ("jurong|tampines|orchard road|shopee sg|lazada sg|singapore|singapur|changi", "狮城|獅城|新加坡|シンガポール"),
    "BR": ("brasília|brasilia|belo horizonte|mercado livre|brazil|brasil|brasilien|são paulo|sao paulo|rio de janeiro", "巴西|ブラジル"),
    "AR": ("frávega|fravega|garbarino|musimundo|mar del plata|tucumán|tucuman|rosario|mendoza|mercado libre argentina|argentina|argentinien|buenos aires", "阿根廷|アルゼンチン"),
    "CO": ("alkosto|ktronix|bucaramanga|pereira|manizales|barranquilla|cartagena de indias|mercado libre colombia|colombia|kolumbien|bogotá|bogota|medellín|medellin", "哥伦比亚|哥倫比亞|コロンビア"),
    "CL": ("viña del mar|vina del mar|antofagasta|temuco|costanera center|ripley chile|falabella chile|valparaíso|valparaiso|mercado libre chile|chile|santiago de chile", "智利|チリ"),
    "PE": ("arequipa|cusco|trujillo|perú|peru|lima", "秘鲁|秘魯|ペルー"),
    "US": (_US_PLACES, "美国|美國|アメリカ|米国|纽约|紐約|洛杉矶|洛杉磯|ニューヨーク|ロサンゼルス|"
                       "サンフランシスコ|シアトル|ホノルル|ラスベガス|波士顿|波士頓|ボストン|西雅图|西雅圖|旧金山|舊金山|芝加哥|シカゴ"),
}

# Countries no campaign names yet (knowledge/schema.py REGIONS): "Malaysia" is an answer too.
REGION_WORDS.update({
    "NZ": ("new zealand|nueva zelanda|neuseeland|auckland|wellington|christchurch|nzd",
           "新西兰|紐西蘭|纽西兰|新西蘭|ニュージーランド|奥克兰"),
    "IE": ("ireland|irlanda|irland|dublin", "爱尔兰|愛爾蘭|アイルランド"),
    "BE": ("belgium|bélgica|belgica|belgien|brussels|bruselas|brüssel|antwerp|antwerpen",
           "比利时|比利時|ベルギー"),
    "PT": ("portugal|lisbon|lisboa|lissabon", "葡萄牙|ポルトガル"),
    "PL": ("poland|polonia|polen|warsaw|varsovia|warschau|krakow|kraków", "波兰|波蘭|ポーランド"),
    "SE": ("sweden|suecia|schweden|stockholm|estocolmo|gothenburg", "瑞典|スウェーデン"),
    "NO": ("norway|noruega|norwegen|oslo", "挪威|ノルウェー"),
    "DK": ("denmark|dinamarca|dänemark|daenemark|copenhagen|kopenhagen|copenhague",
           "丹麦|丹麥|デンマーク"),
    "FI": ("finland|finlandia|finnland|helsinki", "芬兰|芬蘭|フィンランド"),
    "CZ": ("czech republic|czechia|chequia|tschechien|prague|praga|prag", "捷克|チェコ"),
    "GR": ("greece|grecia|griechenland|athens|atenas|athen", "希腊|希臘|ギリシャ"),
    "TR": ("turkey|türkiye|turquía|turquia|türkei|tuerkei|istanbul|estambul|ankara",
           "土耳其|トルコ|伊斯坦布尔"),
    "IL": ("israel|tel aviv|jerusalem", "以色列|イスラエル"),
    "AE": ("uae|united arab emirates|emiratos árabes|dubai|dubái|abu dhabi",
           "阿联酋|阿聯酋|迪拜|杜拜|ドバイ|アラブ首長国連邦"),
    "SA": ("saudi arabia|arabia saudita|saudi-arabien|riyadh|jeddah", "沙特|サウジアラビア"),
    "ZA": ("south africa|sudáfrica|sudafrica|südafrika|johannesburg|cape town|durban",
           "南非|南アフリカ"),
    "MO": ("macau|macao", "澳门|澳門|マカオ"),
    "MY": ("malaysia|malasia|kuala lumpur|penang|johor bahru|lazada malaysia|shopee malaysia",
           "马来西亚|馬來西亞|吉隆坡|槟城|檳城|マレーシア|クアラルンプール"),
    "PH": ("philippines|filipinas|philippinen|manila|cebu|quezon city|makati",
           "菲律宾|菲律賓|马尼拉|馬尼拉|フィリピン|マニラ"),
    "TH": ("thailand|tailandia|thailande|bangkok|phuket|chiang mai|pattaya",
           "泰国|泰國|曼谷|バンコク|タイ王国|普吉"),
    "VN": ("vietnam|viet nam|hanoi|ho chi minh|saigon|da nang", "越南|ベトナム|河内|胡志明"),
    "ID": ("indonesia|jakarta|bali|surabaya|tokopedia", "印度尼西亚|印尼|インドネシア|雅加达|雅加達"),
    "GT": ("guatemala", "危地马拉|瓜地馬拉|グアテマラ"),
    "EC": ("ecuador|quito|guayaquil", "厄瓜多尔|厄瓜多|エクアドル"),
    "VE": ("venezuela|caracas", "委内瑞拉|委內瑞拉|ベネズエラ"),
    "UY": ("uruguay|montevideo", "乌拉圭|烏拉圭|ウルグアイ"),
    "CR": ("costa rica", "哥斯达黎加|哥斯大黎加|コスタリカ"),
    "DO": ("dominican republic|república dominicana|republica dominicana|santo domingo",
           "多米尼加|ドミニカ共和国"),
    "QA": ("qatar|katar|doha", "卡塔尔|卡達|多哈|カタール|ドーハ"),
    "KW": ("kuwait", "科威特|クウェート"),
    "EG": ("egypt|egipto|ägypten|aegypten|cairo|el cairo|kairo", "埃及|開羅|开罗|エジプト|カイロ"),
    "PK": ("pakistan|pakistán|karachi|lahore|islamabad", "巴基斯坦|パキスタン"),
    "BD": ("bangladesh|bangladés|dhaka", "孟加拉|バングラデシュ"),
    "LK": ("sri lanka|colombo", "斯里兰卡|斯里蘭卡|スリランカ"),
    "NG": ("nigeria|lagos|abuja", "尼日利亚|奈及利亞|ナイジェリア"),
    "KE": ("kenya|nairobi", "肯尼亚|肯亞|ケニア"),
})
# Order matters only for ties at the same position (the first listed wins).
REGION_ORDER: tuple[str, ...] = tuple(REGION_WORDS)

LATIN_PLACES: dict[str, str] = {}
CJK_PLACES: dict[str, str] = {}
for _code, (_latin, _cjk) in REGION_WORDS.items():
    for _word in _latin.split("|"):
        LATIN_PLACES.setdefault(_word, _code)
    for _word in _cjk.split("|"):
        CJK_PLACES.setdefault(_word, _code)
MAX_PLACE_WORDS = max(len(p.split()) for p in LATIN_PLACES)
# The words a place can start with: any other word is skipped without building phrases.
PLACE_FIRST_WORDS: frozenset[str] = frozenset(p.split()[0] for p in LATIN_PLACES) | frozenset(
    p.split()[0].replace(".", "") for p in LATIN_PLACES)

# A shop's site under a country's domain ("homedepot.ca", "bestbuy.com.mx", "otto.de"): that country.
SITE_DOMAINS: dict[str, str] = {
    "ca": "CA", "co.uk": "GB", "uk": "GB", "de": "DE", "com.au": "AU", "au": "AU", "com.mx": "MX",
    "mx": "MX", "co.jp": "JP", "jp": "JP", "es": "ES", "at": "AT", "ch": "CH", "cl": "CL",
    "com.ar": "AR", "co.nz": "NZ", "nz": "NZ", "com.sg": "SG", "sg": "SG", "in": "IN", "co.in": "IN",
    "com.tw": "TW", "tw": "TW", "com.hk": "HK", "hk": "HK", "cn": "CN", "com.cn": "CN", "com.co": "CO",
    "com.pe": "PE", "pe": "PE", "fr": "FR", "it": "IT", "nl": "NL", "ie": "IE",
}
SITE: re.Pattern[str] = re.compile(
    r"^(?:www\.)?[a-z0-9][a-z0-9-]{2,}\.((?:com\.|co\.)?[a-z]{2})$")

# Words of a Latin-script text (with the dots and dashes of "amazon.co.jp", "u.s.a.", "hi-fi").
# A Latin-script word; kana and Han end it ("Amazon.co.jpで買った", "在Best Buy买的").
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
WORD: re.Pattern[str] = re.compile(rf"[^\W_{_CJK}](?:[^\W{_CJK}]|[.$'’\-]){{0,40}}")
# Chinese and Japanese place names, longest first (one flat alternation: fast on any input).
CJK_PLACE: re.Pattern[str] = re.compile("|".join(sorted(CJK_PLACES, key=len, reverse=True)))
# What must not follow a CJK place for it to count (日本語 is the language, 中国台湾 is Taiwan).
CJK_NOT_BEFORE: dict[str, str] = {"日本": "語", "中国": "台", "中國": "台"}
# Currencies: a price says where it was paid.
CURRENCY: re.Pattern[str] = re.compile(r"NT\$|HK\$|C\$|A\$|R\$|[£€¥￥₩₹]|(?<=\d)[元円]", re.IGNORECASE)
CURRENCY_REGIONS: dict[str, str] = {"nt$": "TW", "hk$": "HK", "c$": "CA", "a$": "AU", "r$": "BR",
                                    "£": "GB", "€": "EU", "¥": "CN", "￥": "CN", "₩": "KR", "₹": "IN",
                                    "元": "CN", "円": "JP"}
# Codes written as codes ("bought in CA"): capitals only, so "de", "es", "in" in a sentence are
# words; US/USA only in capitals too ("help us" is not the United States).
REGION_CODES_WRITTEN: dict[str, str] = {
    **{code: code for code in ("CA", "TW", "JP", "DE", "GB", "AU", "KR", "HK", "CN", "MX", "FR",
                               "ES", "NL", "SG", "BR", "AR", "CO", "CL", "PE", "CH", "EU")},
    "UK": "GB", "US": "US", "U.S": "US", "U.S.A": "US", "USA": "US",
}
REGION_CODE_ALONE: re.Pattern[str] = re.compile(r"(?:region[: ]{1,3})?([A-Za-z]{2})[.!]{0,3}", re.IGNORECASE)

# ----- reflexes: decided before (and regardless of) the learned matcher -----------------------

# A device in a dangerous state now. High recall on purpose: a false alarm costs one card,
# a miss can cost a house. Lower-case; matched against the lower-cased message.
SAFETY: re.Pattern[str] = re.compile(
    # en
    r"\b(?:hot(?! (?:take|deal|sale|seller|item|topic|pink|key|tip|price|offer|pick)s?\b)|very warm|overheat\w*|heat(?:ing|s|ed)? up|swell\w*|swollen|bulg\w*|puff\w*|"
    r"bloat\w*|expanded|expanding|pillow\w*|(?:fatter|thicker) than (?:before|it was|it used to)|"
    r"(?:got|gotten|getting|grown) (?:fat|fatter|thicker)|smok(?!ing hot (?:price|deal|offer|sale))\w*|fumes?|burn(?:ing|t|ed)? (?:plastic|smell)|"
    r"smells? (?:like |of )?(?:burn\w*|plastic|chemical\w*)|smell\w* burn\w*|odou?r|sparks?|sparking|"
    r"flames?|on fire|caught fire|catch(?:es|ing)? fire|set fire|started a fire|melt\w*|hiss\w*|"
    r"explod\w*|pop(?:ped|ping)|crack(?:ed|s)?|dent(?:ed)?|punctur\w*|pierc\w*|chew\w*|"
    r"bit(?:ten)? into|dropped(?! (?:it |them |mine )?off)|fell (?:off|on|from|down|in|into)|got wet|wet|"
    r"in(?:to)? (?:the )?(?:water|pool|toilet|sink|bath\w*|rain)|water damage|soaked|spill\w*|"
    r"leak\w*|scorch\w*|discolou?r\w*|charred|sizzl\w*|burned? (?:my|me|his|her)|"
    r"(?:got|gets|getting|is|feels?|felt|was|runs?|running|became|turns?) (?:really |very |a bit |"
    r"kinda |slightly |super |quite |pretty |so )?warm|warm (?:all the time|even when (?:it'?s |its )?off)|"
    r"warp\w*|wavy|deform\w*|misshapen|stab\w*|"
    r"(?:smells?|smelling|smelled|smelt) (?:really |kinda |a bit |so )?(?:weird|funny|strange|bad|"
    r"odd|off|toxic|like (?:burn\w*|plastic|chemicals?|fish))|(?:weird|funny|strange|chemical) smell|"
    r"crackl\w*|washing machine|washer|laundry|through the wash|puddle|soggy|teeth marks|"
    r"bubbled|bubbling|dryer|tumble dr\w*|knocked (?:it |mine )?(?:off|over)|split open|"
    r"caved in|crushed|squashed|down the stairs|(?:got|gets|looks?) (?:cooked|baked|fried)|"
    r"bite marks)\b|"
    # es
    r"\b(?:caliente|se calienta|calentando|sobrecalent\w*|hinchad[ao]s?|se hinch\w*|"
    r"inflad[ao]|abombad[ao]|humo|humito|humillo|humea|olor a quemado|huele a quemado|huele raro|quemad[ao]|"
    r"en llamas|chispas?|chispitas?|chispazos?|trizad[ao]|trizadura|se trizó|se rajó|por las escaleras|se incendió|incendiad[ao]|prendió fuego|se prendió|echó fuego|"
    r"derreti\w*|explot\w*|mojad[ao]|se mojó|al agua|en el agua|se (?:me )?cayó|golpead[ao]|"
    r"perforad[ao]|pinchad[ao]|mordi\w*|mordisque\w*|agrietad[ao]|rajad[ao]|calent\w*|"
    r"deformad[ao]|deform\w*|olor (?:raro|extraño|químico|a plástico)|huele (?:raro|extraño|a químico|"
    r"a plástico)|lavadora|chisporrote\w*|tibi[ao]|marcas de dientes|infl[oó]\w*|hinchó|mojó|secadora|"
    r"hirviendo|ardiendo|quema(?:ba)? al tocar\w*|panzon[ao]?|panzud[ao]|barrigon[ao]|embarazad[ao])\b|"
    # de
    r"\b(?:heiß|heiss|warm wird|überhitz\w*|aufgebläht\w*|gebläht\w*|aufgequollen\w*|bläht sich|"
    r"dick geworden|dicker|wird dick\w*|"
    r"rauch\w*|brandgeruch|riecht (?:verbrannt|komisch|nach plastik)|verbrannt riecht|"
    r"brennt|feuer gefangen|in flammen|flammen|funken|qualm\w*|geschmolzen|angeschmolzen|angeschmort|schmilzt|explodiert|"
    r"nass|ins wasser|wasserschaden|runtergefallen|heruntergefallen|hingefallen|fallen gelassen|"
    r"durchstochen|angebohrt|angekaut|rumgekaut|herumgekaut|zerkaut|angeknabbert|zerbissen|gebissen|"
    r"loch|kaputt|riss|beschädigt|zischt|gefunkt|funkt|sprüht funken|verschmort|schwarz geworden|"
    r"geraucht|raucht|gewölbt|wölbt|verformt|verzogen|aufgequollen|zahnabdr\w*|bissspuren|"
    r"waschmaschine|trockner|(?:ist|wird|wurde|war|sehr|total|ganz|echt|ziemlich) warm|"
    r"geknallt|delle\w*|verbeult|eingedrückt|drückt von innen|geht auseinander|klafft|"
    r"riecht[^.!?\n]{0,30}(?:komisch|chemisch|verbrannt|seltsam|streng|merkwürdig))\b|"
    # zh-Hans, zh-Hant
    r"发烫|發燙|很烫|很燙|烫手|燙手|过热|過熱|发热|發熱|鼓包|膨胀|膨脹|鼓起|拱起|翘着不贴|翹著不貼|不贴桌面|不貼桌面|ペコペコ|冒烟|冒煙|烧焦|燒焦|"
    r"焦味|糊味|怪味|着火|著火|起火|火花|爆炸|变形|變形|进水|進水|泡水|掉水|湿了|濕了|摔|掉在地|"
    r"扎破|刺破|戳破|咬|啃|牙印|裂|凹|漏液|冒火|自燃|火星子|火星四|翘起|翹起|撬起|唔平|胀起|胀了|发胀|發脹|脹起|鼓了|"
    r"烫|燙|好熱|很熱|太熱|超熱|熱到|熱熱|膨|嘶嘶|滋滋|洗衣机|洗衣機|泡到水|泡了水|掉进水|掉進水|"
    r"落水|淋湿|淋濕|淋雨|有味道|一股味|异味|異味|臭味|刺鼻|冒[^，。！？\n]{0,5}[烟煙]|起泡|发软|發軟|"
    r"鼓得|鼓鼓|鼓咗|脹咗|充了气|充了氣|像充气|像充氣|越捏越软|越捏越軟|变软|變軟|"
    r"烘干机|烘乾機|热乎乎|熱乎乎|温温的|溫溫的|嗡嗡|脹|胀|有啲漲|好似漲|漲起|發漲|发涨|涨起|"
    # ja
    r"熱い|熱く|熱を持|発熱|膨らん|膨張|煙|焦げ|発火|発煙|異臭|火花|破裂|水没|濡れ|水に落と|"
    r"落とし|落下|穴が|刺さ|かじった|かじって|かじられ|歯型|噛ん|噛ま|へこん|凹ん|割れ|ひび|液漏れ|"
    r"燃えた|燃えて|洗濯機|洗濯して|洗って|変形|歪ん|歪み|ゆがん|焦げ臭|変な(?:におい|匂い|臭い)|"
    r"シューシュー|プシュー|雨に|熱っ|あつい|アツい|ぷっくり|ぷにぷに|ぷよぷよ|ぶよぶよ|パンパンに|"
    r"分厚くな|厚くなっ|ケースに入らな|ふくらん|ふくれ|膨れ|盛り上が"
)
# A danger word denied right before it: "not hot", "no heat or swelling", "isn't swollen", "no se
# calienta", "nicht heiß", "keine Beule", "没有发烫或膨胀", "不烫". Only filler words may stand between
# (so "not charging and it's hot" is not denied). Japanese denies after: "熱くなったこともない".
_FILLER = (r"(?:any|signs?|of|heat|hot|warm|swelling|swollen|bulging|smell\w*|smoke|or|nor|and|"
           r"ever|been|become|gets?|getting|got|gotten|felt|feels?|runs?|ran|is|it|was|has|had|"
           r"really|too|very|overly|even|once|that|so|actually|"
           r"noticeably|at|all|yet|se|ha|está|esta|estaba|ni|o|y|nada|ist|war|wird|geworden|mal|einmal|"
           r"zu|sehr|oder|und|noch|nie|besonders|warm|heiß|heiss|aufgebläht|calienta|caliente|"
           r"hinchad[ao])")
NEGATED_BEFORE: re.Pattern[str] = re.compile(
    r"(?:\b(?:not|no|never|without|sin|nunca|nicht|keine?[nmrs]?|nie|ohne)|n['’]t)"
    r"(?:[ \t]+" + _FILLER + r"){0,4}[ \t]*$|"
    r"(?:没有?|沒有?|不|无|無|未|从没|從沒|从来没|從來沒)(?:有|会|會|太|怎么|怎麼|再|过|過|出现|出現|任何|发过|發過)?"
    r"(?:发烫|發燙|发热|發熱|过热|過熱|鼓包|膨胀|膨脹|或|和|跟|、|也)*$")
NEGATED_AFTER: re.Pattern[str] = re.compile(
    r"(?:なった|なって|なっ|なる|なり|たり|した|して|し|ては|でも|で|て|は|も|が|こと|とか|"
    r"出て|出|い|る|た|り|す|ん|ら|れ|ま|なら)*(?<!あぶ)(?<!しれ)(?<!わから)(?<!かも)"
    r"(?:ない|なし|無し|無い|ません|ず)")
# "wird nicht mal handwarm", "never even gets warm": the owner says there is no heat, so the
# matcher's learned danger (it hears "warm") is not taken (bot/understanding.py, _learned_danger).
WARMTH_DENIED: re.Pattern[str] = re.compile(
    r"\b(?:nicht (?:mal |einmal |mehr )?(?:hand)?warm|nie (?:hand)?warm|not even (?:warm|hot)|"
    r"never (?:even )?(?:gets?|got|gotten|runs?|felt|feels?) (?:warm|hot)|"
    r"ni (?:siquiera )?(?:se )?(?:calienta|tibia|caliente))\b|"
    r"一点都不热|一點都不熱|一点也不热|一點也不熱|从来不热|從來不熱|全然熱くない|熱くもない|熱くなったこともない"
)
# "gracias crack", "eres un crack": Spanish praise, not a cracked case.
CRACK_AS_PRAISE: re.Pattern[str] = re.compile(r"(?:gracias|eres|sos|un|genio|maestro),? +$|"
                                               r"(?:真是|太|简直|簡直|价格|價格)炸$")
# Words that sound like danger but are something else, by what stands right before them: a hot
# deal ("der Deal war echt heiß", "oferta caliente"), a label that fell off, fireworks (煙花, 煙火).
NOT_DANGER_BEFORE: re.Pattern[str] = re.compile(
    r"(?:\b(?:deal|angebot|preis|schnäppchen|ofertas?|precios?|rebajas?)\b[^.!?\n]{0,15}|"
    r"\b(?:label|sticker|tag)s? )$")
NOT_DANGER_AFTER: re.Pattern[str] = re.compile(r"[花火]")
# Fire spoken of as a risk or as news, not as what this unit does: "saw on the news that batteries
# catch fire", "the chance of mine catching fire", "会不会起火", "発火の恐れ". Only the fire and
# explosion words are read this way; heat, swelling, smoke and smell always count.
FIRE_WORD: re.Pattern[str] = re.compile(
    r"flames?|on fire|caught fire|catch(?:es|ing)? fire|set fire|explod\w*|en llamas|se incendi\w*|"
    r"incendi\w*|explot\w*|prendi[óo] fuego|feuer|(?:in )?flammen|explodiert|brennt|着火|著火|起火|爆炸|"
    r"自燃|冒火|発火|燃え|破裂")
FIRE_REPORTED_BEFORE: re.Pattern[str] = re.compile(
    r"\b(?:news|article|reports?|reported|stories|story|videos?|heard (?:about|of|that)|"
    r"read (?:about|that)|saw (?:something|a post|an? article|on)|chance|risk|could|might|would|"
    r"(?:that|which|one|ones|they|these) can|radio|on (?:the )?(?:tv|telly)|"
    r"known to|prone to|how many|worried|afraid|scared|in case|prevent|avoid|"
    r"(?:all (?:these|those)|so many) (?:\w+ ){0,2}(?:power ?banks|batteries|brands|chargers)|"
    r"noticias?|le[ií] que|le[ií] lo|le[ií] sobre|escuch[ée]|vi que|podr[ií]a|riesgo|por si|miedo|preocupa\w*|casos|"
    r"nachrichten|gelesen|geh[öo]rt|bericht\w*|k[öo]nnte|risiko|gefahr|angst|sorge|falls|f[äa]lle|"
    r"why (?:are|do|does|did|would) (?:they|these|those|power ?banks|batteries|anker)|"
    r"did (?:something|anything|any ?(?:one|body)'?s?)|warum|por qu[ée]|reason|cause|"
    r"how often|wie oft|cu[áa]ntas veces)\b|"
    r"为什么|為什麼|为啥|為啥|原因|理由|なんで|なぜ|どうして|"
    r"新闻|新聞|报道|報導|报导|聽說|听说|看到|会不会|會不會|可能|风险|風險|以免|防止|怕|担心|擔心|"
    r"万一|萬一|容易|导致|導致|有没有|有沒有|ニュース|報道|聞い|可能性|心配|不安|リスク|危険性")
FIRE_REPORTED_AFTER: re.Pattern[str] = re.compile(
    r"[^.!?。！？\n]{0,6}(?:恐れ|おそれ|可能性|かも|リスク|危険性|したら|しないか|しないよう|事故|"
    r"たのって|たやつって|た件|しやすい|する理由|する原因|するの[?？]|の仕組み|のしくみ|のメカニズム|"
    r"ニュース|報道|記事|新闻|新聞|报道|報導|"
    r"的风险|的風險|的可能|的新闻|的新聞|事件|的危险|的危險)")
# The unit is gone: with these words a past danger ("it swelled, so I threw it out") is the past.
THROWN_AWAY: re.Pattern[str] = re.compile(
    r"\b(?:threw|thrown|throw (?:it|them) (?:out|away)|tossed|binned|disposed|got rid|recycled|"
    r"dumped|dropped (?:it|them|mine|my \w+(?: \w+)?) (?:off|in|at|into)|"
    r"took (?:it|them|mine|my \w+(?: \w+)?) to the (?:tip|dump|recycl\w*|hazardous|e-?waste)|"
    r"(?:went|gone) to the (?:council |local )?(?:tip|dump|recycl\w*)|handed (?:it|them) in|"
    r"tir[éeó]|botad[ao]|desech\w*|llev[ée] al punto limpio|"
    r"weggeworfen|weggeschmissen|entsorgt|abgegeben|abgenommen|konfisziert|confiscated)\b|"
    r"丢掉|扔掉|扔了|丢了|丟掉|丟了|扔咗|掉咗|回收了|丢进|丟進|扔进|扔進|丢给|丟給|拿去资源回收|拿去資源回收|"
    r"回收掉|丢楼下|丟樓下|丢垃圾|丟垃圾|扔垃圾|"
    r"捨て|処分し|処分済|廃棄し|廃棄済|ごみに出し|回収に出し|持ち込んだ|持ち込んじゃ|持ち込み済|没收|沒收")
# Danger happening now, which a unit thrown away earlier cannot excuse ("I dumped it in the sink
# and now it's smoking"): with these the safety card stays.
ACTIVE_DANGER: re.Pattern[str] = re.compile(
    r"\b(?:smok\w*|fire|flames?|sparks?|sparking|hot|heat\w*|melt\w*|burn\w*|explod\w*|"
    r"humo|fuego|llamas|chispas|caliente|quema\w*|rauch\w*|feuer|flammen|funken|heiß|heiss|brennt)\b|"
    r"冒烟|冒煙|起火|着火|著火|火花|发烫|發燙|烫|燙|煙|発火|火が|熱い|焦げ")
# More than one unit, said in words: "two of them", "beide", "两个", "2台" (one model named twice).
SEVERAL: re.Pattern[str] = re.compile(
    r"\b(?:two|three|four|both|[2-9] (?:of|units|pcs)|zwei|drei|vier|beide\w*|dos|tres|cuatro|"
    r"ambas?)\b|[2-9２-９](?:つ|台|個|个|顆|颗|x\b)|两个|兩個|两台|兩台|两颗|兩顆|二つ|二台|三台|両方")
# Only fire and explosion words are read as news or risk (FIRE_REPORTED_*); any other danger
# word that is merely hypothetical still gets the safety steps first: the cost of high recall.

# Prompt injection, in two patterns: Latin-script phrases (each starting at a word) and Chinese or
# Japanese ones, searched only in a text that has non-ASCII characters (one big alternation
# cost ~4.5 µs a message; these two ~1 µs for an English one).
INJECTION_LATIN: re.Pattern[str] = re.compile(
    # es, de: "forget/ignore your rules", "ignoriere deine Anweisungen"
    r"\b(?:olvida|ignora)(?:r)? (?:todas |tus |las ){0,3}(?:reglas|instrucciones)|"
    r"\b(?:ignorier|vergiss|vergessen)\w{0,3} (?:alle |deine |die |sämtliche |vorherigen |bisherigen |"
    r"(?:vorherigen|bisherigen) ){0,3}(?:regeln|anweisungen|vorgaben)|"
    # "you are X's support now" and "make me a refund code"
    r"\b(?:a partir de ahora|desde ahora|ahora) eres (?:el|la|un|una)\b|\bhaz de cuenta que eres|"
    r"\bgen[eé]ra(?:me)? (?:un |una )?(?:código|cupón|vale)|"
    r"\bact[uú]a como (?:si fueras )?(?:el |la |un |una )?(?:soporte|agente|emplead[oa]|servicio|asesor)|"
    r"\bmodo (?:desarrollador|de desarrollador|de prueba|prueba|dios) (?:activad|activ)|"
    r"\b(?:entwicklermodus|testmodus|debugmodus)\b|"
    r"\b(?:du bist (?:ab )?jetzt|ab (?:jetzt|sofort) bist du) (?:der|die|das|ein|eine|mein)?\s?"
    r"[^.!?\n]{0,20}(?:support|kundendienst|service|mitarbeiter|hersteller|anker)|"
    r"\b(?:stell|generier|erzeug)\w{0,3} mir [^.!?\n]{0,25}(?:code|gutschein)|"
    r"\btu (?:einfach |mal )?so,? als (?:wärst|wärest|ob) du\b|\bfinge (?:que eres|ser)\b|"
    r"\bspiel (?:mal )?(?:den |die |einen |eine )?[\w-]{0,20}(?:mitarbeiter\w*|support|kundendienst)|"
    r"\b(?:gutschrift|gutschein)s?-?(?:nummer|code)\b|"
    r"\b(?:ab jetzt|ab sofort|von nun an) gelten keine regeln|keine regeln mehr\b|"
    r"\b(?:(?:ignore|forget|disregard) (?:all |your |the |previous |prior |any |recall |safety |these |"
    r"those |earlier |of ){0,4}(?:instructions|rules|prompts?)|"
    r"from now on,? you(?:'re| are)|"
    r"ignore (?:everything|anything|all) (?:above|before|you were told)|"
    r"system prompt|system override|you are now|new rules?: ?(?:you|from now|ignore|act)|developer mode|jailbreak|"
    r"pretend (?:you are|you're|youre|to be)|role-?play(?:ing)? as|"
    r"mark (?:my|the|this) claim (?:as )?(?:approved|accepted|paid|done)|"
    r"mark (?:my|the|this) serial as|"
    r"new instructions? (?:from|by) (?:your|the) (?:admin|developer|owner|operator)|"
    r"systemhinweis|(?:sicherheits\w*|safety \w+) (?:deaktiviert|disabled|off)|"
    r"(?:antworte|respond|answer|reply|responde) (?:nur|only|solo|sólo) (?:mit|with|con) [\'\x22‘“„]|"
    r"(?:give|send|generate|issue|make) me (?:a |an |some |free |[$€£]?\d{1,4} ){0,3}"
    r"(?:gift ?card|voucher|coupon|promo|refund|discount) ?(?:code|number)s?|"
    # "act as an anker employee and…": a role the bot is asked to play
    r"act (?:as|like) (?:an? |the |their |your )?(?:\w+ ){0,2}(?:employee|agent|support|rep|"
    r"representative|staff|admin|developer)\b)\b"
)
INJECTION_CJK: re.Pattern[str] = re.compile(
    r"(?:忽略|无视|無視|忘记|忘記)[^。！？\n]{0,8}(?:规则|規則|指令|指示|设定|設定)|"
    r"(?:指示|ルール)[^。！？\n]{0,8}無視|"
    r"(?:(?:你|您)(?:现在|現在|而家)|(?:从|從)(?:现在|現在)(?:开始|開始|起)(?:你|您))(?:就)?(?:是|係)"
    r"[^。！？，,\n]{0,8}(?:客服|官方|工作人员|工作人員|管理员|管理員|系统|系統)|"
    r"假装你是|假裝你是|扮你係|扮你是|不受任何(?:规则|規則)|(?:编|編)(?:一个|一個)[^。！？\n]{0,8}(?:凭证|憑證|单号|單號)|(?:生成|给我|給我|发我|發我)[^。！？\n]{0,8}(?:退款码|退款碼|兑换码|兌換碼|优惠码|優惠碼|券码|券碼)|"
    r"(?:あなたは今から|今から|あなたはもう)(?:あなた|キミ|君|お前)?は?[^。！？\n]{0,10}(?:サポート|担当者|窓口|社員|部長|課長|責任者|スタッフ)"
    r"(?:です|として|ね|だ|な)|"
    r"なりきって|という設定で|(?:コード|クーポン|番号)を[^。！？\n]{0,4}(?:発行|生成)して|"
    r"システムの指示を(?:表示|見せ)|"
    r"システムプロンプト|系统提示词|系統提示詞|"
    # "系统提示：你现在是测试模式，规则失效": a forged notice switching the rules off
    r"(?:系统|系統)(?:提示|通知|消息|訊息)[:：]|(?:测试|測試|开发者|開發者|调试|調試)模式|"
    r"テストモード|管理者モード|制限を解除|承認済みにし"
)
# Both as one pattern: the reference `injection_in` must agree with (tests/test_scan.py).
INJECTION: re.Pattern[str] = re.compile(f"{INJECTION_LATIN.pattern}|{INJECTION_CJK.pattern}")


def injection_in(lowered: str) -> bool:
    """A prompt-injection phrase in a lower-cased message (INJECTION.search, faster)."""
    return INJECTION_LATIN.search(lowered) is not None or (
        not lowered.isascii() and INJECTION_CJK.search(lowered) is not None)

# "and my second one?", "la otra", "die andere", "另一个", "2台目は？": the next of the models a
# message named (only read while some are queued).
NEXT_UNIT: re.Pattern[str] = re.compile(
    r"\b(?:second|other|next|2nd)\s+(?:one|unit|model|power ?bank|battery)\b|\bthe other\b|"
    r"\b(?:la|el|mi)\s+(?:segund[oa]|otr[oa])\b|\b(?:die|der|das|meine)\s+(?:zweite|andere)\b|"
    r"第二[个個台顆]|另一[个個台顆]|另外一[个個台顆]|另外那[个個台顆]|2台目|２台目|もう1台|もう一台|もう１台|"
    r"もう一つ|もう1つ|二つ目|2つ目", _I)

# "So what do I do?" while the country is awaited: the one answer that holds for every country
# (stop using it until you know) comes with the country question asked again.
# Part of a serial, said in words ("starts with 35S", "endet auf D", "35S開頭", "末尾がD"): group 1
# or 2 is the start, 3 or 4 the end. A recall that publishes its rule by prefix or last letter
# can be read against it before the whole serial is typed.
SERIAL_PART_CUES = ("start", "begin", "end", "empie", "comien", "inicia", "termina", "acaba",
                    "fängt", "aufhört", "開頭", "开头", "始ま", "結尾", "结尾", "末尾", "尾數", "尾数",
                    "最後", "最后")
SERIAL_PART: re.Pattern[str] = re.compile(
    r"\b(?:starts?|starting|begins?|beginning|empieza|empiezan|comienza|inicia|beginnt|fängt)"
    r" (?:(?:with|w/|con|por|mit) )?['\"“„]?([A-Za-z0-9]{2,6})\b|"
    r"(?:以|是)?([A-Za-z0-9]{2,6}) ?(?:開頭|开头|から始ま|で始ま)|"
    r"\b(?:ends?|ending|termina|terminan|acaba|endet|aufhört) (?:with|in|on|en|con|auf|mit) "
    r"(?:(?:a|an|the|la|el|un|una|dem|einem|einer|letter|letra|buchstaben) )?['\"“„]?"
    r"([A-Za-z0-9]{1,3})\b|"
    r"(?:結尾|结尾|最後一位|最后一位|最後一碼|尾數|尾数|末尾)(?:是|為|为|が|は)?['\"“「]?([A-Za-z0-9]{1,3})"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE)
# A question without its question mark ("序列号怎么查", "wo finde ich die nummer").
# A follow-up asked on condition of the first answer ("is it recalled, and if so what do I
# get?", "対象なら何がもらえる？"): the part asks a second question even when it repeats the first's words.
IF_SO: re.Pattern[str] = re.compile(
    r"\bif (?:so|yes|it is|it's|they are|it was|mine is|affected|recalled)\b|\b(?:wenn|falls) (?:ja|ja,|betroffen)\b|"
    r"\bsi (?:es así|lo es|sí|está|entra)\b|\bde ser así\b|対象なら|該当するなら|だったら|如果是的话|如果是的話|"
    r"如果在的话|如果在的話|要是在|的话能|的話能|如果係", _I)
ASKING_WORD: re.Pattern[str] = re.compile(
    r"\b(?:how|what|where|which|can i|do i|should i|can you|could you|whether|wie|wo|was|welche|"
    r"kann ich|muss ich|kannst du|können sie|ob|cómo|como|puedes|me puedes|"
    r"dónde|donde|qué|cuál|puedo|tengo que)\b|怎么|怎麼|哪里|哪裡|哪儿|什么|什麼|吗|嗎|咩|邊度|點樣|"
    r"有没有|有沒有|能不能|可不可以|是不是|係咪|有冇|谁|誰|邊個|边个|"
    r"どこ|どう|なに|何|誰|ですか|ますか|の？", re.IGNORECASE)
WHAT_NOW: re.Pattern[str] = re.compile(
    r"怎麼辦|怎么办|點算|点算|咋办|咋辦|どうすれば|どうしたら|どうする|"
    r"\bwhat (?:do|should|can) i\b|\bwhat now\b|\bwas (?:soll|mache|kann) ich\b|\bqu[ée] hago\b|"
    r"\bqu[ée] debo hacer\b", _I)
# "喺香港買嘅，去邊度搞？": where to go to claim (not whether that country is covered).
# "Why do you need the serial, isn't the model enough?", "I thought the whole model was bad": the
# answer is the serial-range one (only some units; no published ranges; the checker decides).
WHY_SERIAL: re.Pattern[str] = re.compile(
    r"\bwhy (?:do you |do i |would you |does it )?need (?:the |my )?(?:serial|sn|s/n)\b|"
    r"\bwhat(?:'?s| is) the (?:serial|sn) (?:number )?for(?:\s*[?,.!]|\s*$)|"
    r"\bwhy (?:is ?n'?t|is not) (?:that|it|the model(?: number)?) enough\b|"
    r"\bmodel(?: number| no\.?)?(?: alone)? (?:is ?n'?t|is not|not|does ?n'?t|does not)(?: \w+)? (?:enough|tell)|"
    r"\bi thought (?:the |that )?(?:whole|entire|every(?: single)?|all(?: the)?) (?:model|\w+)s? "
    r"(?:was|were|is|are) (?:bad|recalled|affected|part|included)|"
    r"\bwozu (?:\w+ ){0,3}(?:seriennummer|sn)\b|\breicht (?:die |das )?modell(?:nummer)? nicht\b|"
    r"\bpara qu[ée] (?:\w+ ){0,3}(?:n[úu]mero de serie|serie|serial)\b|\bno basta con el modelo\b|"
    r"为什么要序列号|為什麼要序號|为啥要序列号|為啥要序號|要序列号干嘛|要序號幹嘛|型号不够吗|型號不夠嗎|"
    r"シリアル(?:って|は)?(?:なんで|なぜ)必要|型番だけじゃ(?:だめ|ダメ|わからない|分からない)", re.I)
# "Why do you need to know where I bought it?", "召回不都一样吗": the answer is where each recall
# applies (the country decides which one covers the unit).
WHY_WHERE: re.Pattern[str] = re.compile(
    r"\bwhy (?:does it matter|do you (?:need|want) to know|do you ask|are you asking|ask) where\b|"
    r"\b(?:does it|what does it|why does it) matter where\b|\bwhy (?:does )?the country matter|"
    r"\bpara qu[ée] (?:\w+ ){0,3}d[óo]nde (?:la |lo )?compr|\bqu[ée] importa d[óo]nde\b|"
    r"\bimporta (?:el )?d[óo]nde\b|\bwarum (?:\w+ ){0,4}wo (?:ich )?(?:sie |es |die )?gekauft|"
    r"\bspielt (?:es|das) (?:eine|keine) rolle,? wo\b|\bist (?:es|das) (?:nicht )?(?:egal|wichtig),? wo\b|"
    r"为啥非要问哪|为什么要问(?:我)?(?:在)?哪|為什麼要問(?:我)?(?:在)?哪|在哪买的有关系|在哪買的有關係|"
    r"买的地方跟|買的地方跟|哪里买的有什么关系|哪裡買的有什麼關係|哪買有咩關係|"
    r"買った場所(?:って|は|が)?(?:なんで|なぜ|関係)|どこで買ったか(?:って|が)?(?:関係|なんで|なぜ)", re.I)
# Beside "do I send it back?", disposing of it oneself is the other half of the question
# ("¿la devuelvo en la tienda o la llevo a un punto limpio?", "送り返すの？それとも自分で処分？"):
# where it goes is answered too.
DISPOSE_INSTEAD: re.Pattern[str] = re.compile(
    r"\b(?:dispos\w*|recycl\w*|throw (?:it )?(?:out|away)|bin it|hazardous waste|"
    r"punto limpio|desech\w*|tirarl[ao]|la tiro|reciclaje|reciclar\w*|"
    r"entsorg\w*|wertstoffhof|recyclinghof|wegwerfen|wegschmeißen)|"
    r"自己丢|自己丟|自己扔|扔掉|丢掉|丟掉|处理掉|處理掉|自己处理|自己處理|掉咗|処分|捨て", re.I)
WHERE_TO_CLAIM: re.Pattern[str] = re.compile(
    r"(?:去|到)(?:邊度|边度|哪里|哪裡|哪儿|哪兒)(?:搞|退|申請|申请|換|换|弄|辦|办)|"
    r"(?:邊度|边度|哪里|哪裡)(?:可以)?(?:退貨|退货|申請|申请)")
# The place of purchase not known, or bought online ("la compré online, no me acuerdo dónde").
PLACE_UNKNOWN: re.Pattern[str] = re.compile(
    r"\b(?:online|on ?line|internet|web ?shop|website|en l[ií]nea|don'?t (?:know|remember)|"
    r"can'?t remember|not sure|no (?:me acuerdo|s[ée]|recuerdo)|wei(?:ß|ss) (?:ich )?(?:nicht|nimmer)|"
    r"keine ahnung)\b|网购|網購|网上|網上|不记得|不記得|忘了|不知道|ネット|通販|覚えてない|分から|わから", _I)
ASKS_WHAT_NOW: re.Pattern[str] = re.compile(r"[?？]|" + WHAT_NOW.pattern, _I)

# The owner has already checked or claimed ("the checker says it's affected", "applied three
# weeks ago", "2台とも対象だった"): the bot answers, and does not start the check over.
# The official checker answered "not affected": that answer is what the owner asks about, even with
# a model and "is it recalled?" in the same message ("調べたら「対象外」って出た… A1263").
# The checker said the unit IS in the recall ("checker said my a1647 is affected. what now?"):
# what to do next, not "the checker says not affected" (read only when CHECKER_SAID_NO is not).
CHECKER_SAID_YES: re.Pattern[str] = re.compile(
    r"\b(?:checker|check|site|website|page|form|tool|anker|it)\b[^.!?\n]{0,20}"
    r"\b(?:says?|said|shows?|showed|came back|comes back|confirmed|told me)\b(?![^.!?\n]{0,30}\b(?:not|n['’]t)\b)"
    r"[^.!?\n]{0,25}\b(?:affected|included|eligible|in the recall|part of the recall|recalled)\b|"
    r"\b(?:sagt|zeigt|meint|bestätigt)\b(?![^.!?\n]{0,25}\bnicht\b)[^.!?\n]{0,25}\b(?:betroffen|dabei|enthalten)\b|"
    r"\b(?:dice|dijo|sale|salió|aparece|indica|confirm[óo])\b(?![^.!?\n]{0,25}\bno\b)[^.!?\n]{0,25}"
    r"\b(?:afectad[ao]|incluid[ao]|elegible|en el retiro)\b|"
    r"(?:显示|顯示|查出来|查出來|查到|结果|結果)(?![^。！？\n]{0,8}(?:不|没|沒|唔|无|無))[^。！？\n]{0,8}"
    r"(?:在召回范围|在召回範圍|受影响|受影響|是召回|属于召回|屬於召回)|"
    r"(?:調べ|確認|チェック|入力|照会)[^。！？\n]{0,14}(?:対象でした|対象だった|対象と出|該当してい|該当した)", _I)
CHECKER_SAID_NO: re.Pattern[str] = re.compile(
    r"\b(?:says?|said|shows?|showed|show(?:ed|s)? me|told me|came back|comes back|returned|gave me|got)"
    r"\b[^.!?\n]{0,30}\b(?:not (?:affected|included|eligible|part of|in the recall|covered|found)|"
    r"(?:isn['’]?t|wasn['’]?t|aren['’]?t) (?:affected|included|eligible|part of|covered)|ineligible|"
    r"unaffected)|"
    r"\b(?:dice|dijo|sale|salió|pone|aparece|indica|marca)\b[^.!?\n]{0,25}"
    r"\bno (?:est[áa] |es |sale |aparece |queda )?(?:afectad|inclu|elegible|aplica|entra)|"
    r"\b(?:sagt|zeigt|meint|steht|kommt|hieß|hiess|zeigte|sagte)\b[^.!?\n]{0,25}"
    r"\bnicht (?:betroffen|dabei|enthalten|berechtigt|teil)|"
    r"(?:显示|顯示|说|說|提示|结果|結果|查出来|查出來|查到|话|話)[^。！？\n]{0,8}"
    r"(?:不在|不受影响|不受影響|不符合|没有受影响|沒有受影響|唔受影響|唔喺|查无|查無|未找到)|"
    r"(?:調べ|確認|チェック|入力|入れ|照会)[^。！？\n]{0,14}(?:対象外|該当しな|該当なし|対象ではな|対象じゃな)|"
    r"(?:対象外|該当しな|該当なし|対象ではな|対象じゃな)[^。！？\n]{0,8}(?:出|表示|言われ|になっ|でした|だった)")
ALREADY_CHECKED: re.Pattern[str] = re.compile(
    r"\b(?:already (?:claimed|applied|submitted|filed|registered|confirmed|checked)|"
    r"(?:i|we)(?:'ve| have) (?:claimed|applied|submitted|filed|registered)|"
    r"(?:submitted|filed|sent in) (?:the |my |a |our )?(?:claim|form|application)|"
    r"(?:claimed|applied) (?:\w+ ){0,3}(?:ago|last (?:week|month))|applied (?:for|online|through|via)|"
    r"(?:checker|website|site|page|anker|they|it) (?:says?|said|shows?|showed|confirmed) "
    r"(?:that )?(?:mine|it|it's|its|my \w+|both|they|they're)? ?(?:is|are|was|were)? ?"
    r"(?:affected|recalled|included|in the recall)|"
    r"confirmed (?:as )?(?:affected|recalled)|(?:checker|website|site|page|form|it) said yes|both (?:were|are) (?:affected|recalled|included)|"
    r"ya (?:lo |la |las |los )?(?:reclamé|registré|solicité|confirmaron|confirmé|mandé)|"
    r"(?:sale|salió|dice|dijo) (?:que )?(?:está |es |sí )?afectad[ao]|"
    r"(?:schon|bereits) (?:beantragt|angemeldet|eingereicht|registriert|bestätigt)|"
    r"(?:laut \S+ )?(?:als )?betroffen (?:bestätigt|angezeigt)|laut \S+ betroffen)|"
    r"已经申请|已經申請|申请了|申請了|已确认|已確認|确认召回|確認召回|已登记|已登記|已提交|提交了|都是召回|都在召回|"
    r"显示在召回|顯示在召回|申し込ん(?:だ|で)|申請し(?:た|て)|申し込み済|申請済|対象だった|対象でした|"
    r"対象と(?:出|表示)|対象って出", _I)

# Words of buying, just before a place: of several places named, that one is where it was bought.
BOUGHT_BEFORE: re.Pattern[str] = re.compile(
    r"\b(?:bought|purchased|ordered|got (?:it|mine|them)|brought (?:it|them) (?:back )?from|compr[éeó]\w*|"
    r"pedí|traje|gekauft|bestellt|mitgebracht)\b|"
    r"买|買|購入|购入|購買|购买|入手", _I)
# Words of buying just after a Latin-script place, in the same clause (the understanding looks
# at the 30 characters after it): "in Deutschland bei Amazon gekauft".
BOUGHT_AFTER_LATIN: re.Pattern[str] = re.compile(
    r"\b(?:gekauft|bestellt|mitgebracht|bought|purchased|ordered|comprad[ao]s?|traída|traído)\b", _I)
# Where someone travels to is not where it was bought: "wir fliegen nach Tokio", "flying to
# Tokyo", "vuelo a Madrid", "飞往东京", "東京行き", "ソウルへ".
DESTINATION_BEFORE: re.Pattern[str] = re.compile(
    r"(?:\b(?:(?:fly|flying|flew|flight|fly back|trip|travel\w*|heading|going|moving)"
    r"(?:\s+[\w'’-]+){0,2}?\s+to|"  # "flying Qantas to Bali", "going back home to"
    r"nach|(?:vuelo|viaje|viajo|volamos|vuelvo|voy|vamos)\s+a)\s+(?:the\s+)?|"
    r"飞往|飛往|飞去|飛去|前往)$", _I)
DESTINATION_AFTER: re.Pattern[str] = re.compile(r"行き|へ(?:行|飛|向|の便|のフライト)")
# The salt-water rumour, in any words around it ("客服让我自己泡盐水24小时再处理，靠谱吗？").
SALT_WATER: re.Pattern[str] = re.compile(
    r"\bsalt ?water\b|\bsaltwater\b|salzwasser|\bagua (?:con )?sal\b|\bagua salada\b|盐水|鹽水|塩水", _I)
# A unit that is not the owner's own, borrowed or lent ("the A1257 I borrowed at the tournament is
# recalled, what do I do?"): who may claim is what is asked, besides the check.
BORROWED: re.Pattern[str] = re.compile(
    r"\b(?:borrowed|loaner|on loan|lent (?:me|to me)|geliehen|ausgeliehen|leihger[äa]t|"
    r"prestad[ao]s?|me la prest[óo]|me lo prest[óo])\b|借りて|借り物|借りた|借来|借來|借的|借我", _I)

# A unit that came second-hand or as a gift: who may claim is asked beside "the serial is
# already used" ("mine came from a garage sale", "メルカリの中古だから").
SECOND_HAND: re.Pattern[str] = re.compile(
    r"\b(?:second[- ]?hand|garage sale|yard sale|car boot|flea market|marketplace|ebay|pre-?owned|"
    r"bought (?:it )?used|gebraucht|flohmarkt|kleinanzeigen|de segunda mano|usad[ao]|"
    r"mercado ?libre usado)\b|中古|メルカリ|ヤフオク|二手|闲鱼|閒魚|旧货|舊貨", _I)
# The receipt named beside a photo, remedy or several-units question ("do I photograph the
# invoice too?", "張單使唔使一齊影埋"): proof of purchase is asked too.
RECEIPT_WORD: re.Pattern[str] = re.compile(
    r"\b(?:receipt|invoice|order (?:number|no|confirmation)|proof of purchase|kassenbon|bon|"
    r"rechnung|quittung|kaufbeleg|boleta|factura|ticket de compra|recibo|comprobante)\b|"
    r"发票|發票|小票|收据|收據|单据|單據|張單|订单号|訂單號|レシート|領収書|納品書|購入履歴|注文番号", _I)

# A trip with a damaged unit ("it's swollen, can I take it on the train?"): the answer is a plain
# "don't take it" whatever the vehicle (the flight question's danger answer).
TRAVEL_WORD: re.Pattern[str] = re.compile(
    r"\b(?:train|bus|plane|flight|fly|flying|airport|carry[- ]on|zug|bahn|flugzeug|flieger|fliegen|"
    r"tren|avión|avion|vuelo|volar)\b|高铁|高鐵|火车|火車|飞机|飛機|地铁|地鐵|新幹線|電車|飛行機|機内", _I)
# After a danger, "what do I do with it?" asks where it goes (besides the safety steps):
# "it smoked, it's on the balcony now — was mach ich jetzt damit?", "係咪要掉咗佢？".
WHAT_WITH_IT: re.Pattern[str] = re.compile(
    r"\bwhat (?:do|should|can|shall) (?:i|we) do with (?:it|this|them|that)\b|"
    r"\b(?:throw|toss|chuck|bin) (?:it|this|them)(?: out| away)?\b|\bget rid of (?:it|this|them)\b|"
    r"\bwas (?:mach|mache|soll|tu|tue) ich (?:jetzt |nun |denn )?damit\b|\b(?:wegwerfen|entsorgen)\b|"
    r"\bqué hago con (?:ella|él|ello|esto|eso)\b|\btirarl[ao]\b|"
    r"\b(?:dónde|donde|cómo|como) (?:la|lo) (?:tiro|boto|desecho|llevo|saco)\b|"
    r"\bwhere (?:do|can|should) (?:i|we) (?:take|drop|dump|bring) (?:it|this|them)\b|"
    r"\bwohin (?:damit|mit (?:ihr|ihm|der|dem))\b|"
    r"怎么处理|怎麼處理|點處理|点处理|扔掉|丢掉|丟掉|掉咗佢|掉左佢|捨て|処分|引き取|"
    r"怎么扔|怎麼扔|怎么丢|怎麼丟|扔哪|丢哪|丟哪|拿它怎么办|拿它怎麼辦|拿佢點算", _I)
# A country said as an adjective of a phone line ("eine deutsche Telefonnummer", "a UK number"):
# the contacts there are asked for. Only beside a phone word: "deutsche Anleitung" is no place.
NATIONAL_LINE: re.Pattern[str] = re.compile(
    r"\b(deutsche[nr]?|german|österreichische[nr]?|austrian|schweizer|swiss|spanish|española?|"
    r"mexican[ao]?|british|uk|canadian|canadiense|american|us|japanese|japonesa?|japonés|chinese|china|"
    r"taiwanese|singapore)\s+(?:(?:support|service|kunden\w*)\s+)?"
    r"(?:telefonnummer|nummer|hotline|number|phone|line|número|numero|teléfono|telefono)\b|"
    r"\b(?:número|numero|teléfono|telefono|línea)\s+(español|española|mexicano|japonés|chino|"
    r"canadiense|alemán|estadounidense)\b", _I)  # Spanish puts the adjective after the noun
NATIONAL_CODES: dict[str, str] = {
    "deutsche": "DE", "deutschen": "DE", "deutscher": "DE", "german": "DE", "österreichische": "AT",
    "österreichischen": "AT", "österreichischer": "AT", "austrian": "AT", "schweizer": "CH",
    "swiss": "CH", "spanish": "ES", "española": "ES", "español": "ES", "mexican": "MX",
    "mexicano": "MX", "mexicana": "MX", "british": "GB", "uk": "GB", "canadian": "CA",
    "canadiense": "CA", "american": "US", "us": "US", "japanese": "JP", "japonesa": "JP",
    "japones": "JP", "japonés": "JP", "chino": "CN", "alemán": "DE", "estadounidense": "US",
    "chinese": "CN", "china": "CN", "taiwanese": "TW", "singapore": "SG"}
# A place the unit was NOT bought in ("it wasn't bought in Japan", "日本で買ったものじゃない"):
# never read as where it was bought (a Japanese recall offered for a US purchase).
NOT_BOUGHT_BEFORE: re.Pattern[str] = re.compile(
    r"(?:\b(?:not|never)|n['’]t)\s+(?:(?:bought|purchased|buy|got|sold|get)\s+)?(?:(?:it|them|this|one)\s+)?"
    r"(?:in|from|at)\s+(?:the\s+)?$|"
    r"\bnicht\s+(?:in|aus)\s+(?:den\s+|der\s+)?$|"
    r"\bno\s+(?:(?:lo|la)\s+)?(?:compr\w+|es|era|fue)\s+(?:en|de)\s+(?:los\s+)?$|"
    r"(?:不是|唔係|並不是|并不是|並非|并非)(?:在|喺|於|从|從)?$", _I)
NOT_BOUGHT_AFTER: re.Pattern[str] = re.compile(
    r"で(?:買った|購入した|買っ|購入し)(?:もの|の|て)?(?:じゃ|では|い)?(?:ない|なく|ありません)")
BOUGHT_AFTER: re.Pattern[str] = re.compile(
    r"[^，,。、！？!?\n]{0,6}?(?:的)?(?:买|買|購|购|入手|で買|で購入)")  # "在美國讀書時買的"

# The owner read the label already ("the label on the bottom says A1263", "背面写着…").
LABEL_SAYS: re.Pattern[str] = re.compile(
    r"\b(?:label|sticker|back|bottom|underside|box)\b[^.?!\n]{0,25}\b(?:says|reads|shows|said)\b|"
    r"\b(?:etikett|aufkleber|rückseite|unterseite)\b[^.?!\n]{0,25}\b(?:steht|zeigt)\b|"
    r"\b(?:etiqueta|atrás|detrás)\b[^.?!\n]{0,25}\b(?:dice|pone)\b|"
    r"(?:标签|標籤|背面|底部|侧面|側面|后面|後面)[^。？！?\n]{0,10}(?:写着|寫著|印着|印著)|"
    r"(?:ラベル|裏|背面|側面|底面|本体)[^。？！?\n]{0,10}(?:に書いて|と書いて|って書いて)", re.IGNORECASE)

# Whole-message reflexes: only tested on messages of at most REFLEX_MAX characters (stripped).
REFLEX_MAX = 24
# "never mind, stop, I'll do this later", "cancela, ya no quiero seguir", "先不弄了，回头再说":
# one to three of these pieces, and nothing else, is a cancel (REFLEX_MAX_CANCEL characters).
_CANCEL_PIECE = (
    r"(?:(?:nvm|never ?mind|forget it|ok|okay|oh|ah|actually|wait|hmm|nah|no|mejor|bueno|pues|"
    r"nee(?: du)?|ach|naja|这个|這個|算了|唔該|唔该|あ|やっぱり|やっぱ|ごめん|すみません|sorry|perdón|sorry)[ ,、]{0,2})?"
    r"(?:cancel|stop|quit|exit|abort|abbrechen|vergiss es|cancelar|cancela|déjalo|olvídalo|取消|"
    r"算了|不用了|先不弄了|不查了|キャンセル|やめる|やめて|やめます|やめとく|nvm|never ?mind|forget it|"
    r"(?:i'?ll|i will) (?:do|finish|check) (?:this|it)(?: [a-z]+){0,3} later|later|not now|"
    r"another time|not doing (?:this|it|that) (?:now|today|rn|right now)|para|párale|"
    r"skip (?:this|it)|(?:i'?m|im|i am) done|olvidalo|sabes qu[eé]|(?:hat sich )?erledigt|"
    r"brich (?:das )?ab|退出吧?|不查了|キャンセルで|"
    r"beenden|stopp|jetzt nicht|(?:ich )?will (?:doch )?nicht (?:mehr )?weitermachen|lo cancelo|"
    r"no tengo tiempo(?: ahorita| ahora)?|唔查喇|太折腾|太麻烦|太麻煩|停一停先|(?:我)?遲啲再查(?:過)?|迟点再查|"
    r"(?:一旦|いったん)?ここまで(?:で|にします)|(?:今日|今天)?唔搞住|聽日再嚟|听日再嚟|没意义|沒意義|"
    r"中断(?:で|します|する)?|"
    r"ya no quiero seguir|luego lo hago|después|otro día|lo dejo|déjalo así|ya no|"
    r"hör auf|lass (?:mal )?gut sein|lass es|später|ein andermal|brauch ich (?:doch )?nicht|"
    r"brech (?:das )?ab|(?:hab|habe) (?:grad |gerade |jetzt )?(?:echt |wirklich )?keine zeit(?: dafür)?|"
    r"doch nicht|don'?t bother|no need|(?:scrap|scratch) (?:that|it|this)(?: whole thing)?|end (?:it|this)|(?:i )?don'?t need (?:it|this|that) any ?more|"
    r"corta(?: acá| aquí| ahí| esto)?|ya fue|lo dejamos(?: para otro día)?|dejémoslo|"
    r"回头再说|以后再说|下次再说|停|我?改天(?:自己|再)?(?:查|弄|说)|唔使喇|唔使了|遲啲先算|遲啲再算|"
    r"もう大丈夫です|もう大丈夫|また今度で?|また今度にします|あとでやります|いいや|やっぱいいや|"
    r"もういいです|終わりにします|終わりにする|終わりで|先到这|先到這|停止查询|停止查詢|"
    r"(?:ahorita|ahora) no puedo|(?:después|despues|luego|más tarde|mas tarde) sigo|"
    r"sigo (?:después|despues|luego|más tarde|mas tarde)|"
    r"vergiss (?:die|den|das) (?:prüfung|pruefung|check|sache|ganze)|"
    r"我?先睡了|唔查住|取消先|(?:いったん|一旦)?中止(?:で|します)?(?:お願いします)?|"
    r"先这样吧|先這樣吧|今天(?:先)?不弄了|不弄了|(?:序列号|序號)?(?:回头|回頭)再(?:说|說)|"
    r"(?:今日は)?時間(?:が)?ない(?:から|ので)[、 ]?また今度(?:にする|にします|で)?|また今度にする)"
    r"(?:[ ,]{0,2}(?:bitte|please|pls|por favor|吧|啦|します|して))?"
    r"(?:[ ,，、!]{1,3}(?:thanks|thank you|thx|gracias|danke|谢谢|謝謝|唔該|唔该|ありがとう))?"
)
REFLEX_MAX_CANCEL = 72
# "abbrechen bitte, die kinder schreien", "ごめん中断で。電車降りる": a plain stop first, then a
# reason (no question mark) — also a cancel, within REFLEX_MAX_CANCEL characters.
CANCEL_THEN_REASON: re.Pattern[str] = re.compile(
    r"(?:(?:sorry|perdón|ごめん|すみません|ok|okay|nah|bueno|mejor|ya fue,?)[ ,、]{0,2})?"
    r"(?:cancel|stop(?! (?:\w+ing|and|with|me|you)\b)|abort|lass mal(?=,)|corta esto|abbrechen|cancelar|cancela|para, para|取消|算了|不查了|唔查住|キャンセル|中断(?:で|します)?|"
    r"forget it|never ?mind|nvm|vergiss es|olvídalo|déjalo)"
    r"(?:[ ,]{0,2}(?:bitte|please|pls|por favor))?[ ,.!;、。！，]+"
    # "vergiss es, sag mir einfach wie ich das melde": what follows asks, it is no reason
    r"(?!\s*(?:just |only |einfach |nur |solo |nomás )?(?:tell me|sag mir|sag einfach|dime|"
    r"d[ií]game|erkl[äa]r|explain|zeig mir|show me|how do i|wie (?:melde|kann|mach)|c[oó]mo)\b)"
    r"[^?？]{1,50}", re.IGNORECASE)
# "ahorita no tengo la batería a la mano, lo dejamos para otro día": a reason, then the stop.
REASON_THEN_CANCEL: re.Pattern[str] = re.compile(
    r"(?:[,，、;；.。] ?|ので|から)(?:lo dejamos(?: para otro día)?|mejor otro día|lo hago (?:luego|después)|"
    r"ich mach(?:e)? (?:das|es) später|ein andermal|i'?ll do (?:it|this) later|another time|"
    r"下次再说|下次再說|改天(?:有空)?再说|改天(?:有空)?再說|また今度(?:にします)?|中断(?:で|します)|"
    r"キャンセル(?:で|します)|(?:一旦|いったん)?ここまで(?:で|にします)?|cancela(?: esto| eso)?|cancel(?: it| this| that)?|stop(?: it| this)?|"
    r"abbrechen|beende (?:das|es)(?: hier)?|schluss)[.!。！]?\Z", re.IGNORECASE)  # (searched:
# the reason before it is any text without a question mark, up to REFLEX_MAX_CANCEL characters)
REFLEXES: dict[str, re.Pattern[str]] = {
    "cancel": re.compile(rf"{_CANCEL_PIECE}(?:[ ,、，;。.!！]{{1,3}}{_CANCEL_PIECE}){{0,2}}"
                         r"[!.。！]{0,3}", re.IGNORECASE),
    "yes": re.compile(r"(?:yes|yep|yeah|y|ok|okay|sí|si|ja|是|是的|对|對|好|はい|うん)[!.]{0,3}"),
    "no": re.compile(r"(?:no|nope|n|nein|不|不是|否|いいえ|いや)[!.]{0,3}"),
}

# Brands the bot knows (for contacts and other products without a model).
_BRAND_WORDS = (r"anker|anekr|ankor|ankerr|soundcore|romoss|baseus|xiaomi|xiomi|xaomi|xiaomy|xioami|iniu|esr|belkin|"
                r"charmast|casely|energizer|lenovo|logiix|adam elements|guxon|hererod|newdery|mypower")
BRANDS_LATIN: re.Pattern[str] = re.compile(rf"\b({_BRAND_WORDS})\b")  # lower-cased text
# In a text with kana or Han, \b finds no edge in "私のxiaomi" or "anker的": letters only.
BRANDS_LATIN_BESIDE_CJK: re.Pattern[str] = re.compile(rf"(?<![a-z0-9_])({_BRAND_WORDS})(?![a-z0-9_])")
BRANDS_CJK: re.Pattern[str] = re.compile(
    r"(安克|罗马仕|羅馬仕|倍思|小米|アンカー|シャオミ|ロモス|ベルキン|貝爾金|贝尔金|ベイサス|亞果元素|"
    r"亚果元素|亞果|亚果|聯想|联想|勁量|劲量|古尚|天宇|天瑞)")
# Both as one pattern: the reference `brand_in` must agree with (tests/test_scan.py).
BRANDS: re.Pattern[str] = re.compile(f"{BRANDS_LATIN_BESIDE_CJK.pattern}|{BRANDS_CJK.pattern}", _I)


def brand_in(lowered: str) -> str | None:
    """The first brand name a lower-cased message writes (BRANDS.search, faster)."""
    ascii_only = lowered.isascii()
    found = [m for m in ((BRANDS_LATIN if ascii_only else BRANDS_LATIN_BESIDE_CJK).search(lowered),
                         None if ascii_only else BRANDS_CJK.search(lowered)) if m]
    return min(found, key=lambda m: m.start()).group(0) if found else None
BRAND_NAMES: dict[str, str] = {
    "anker": "Anker", "anekr": "Anker", "ankor": "Anker", "ankerr": "Anker", "soundcore": "Anker", "安克": "Anker", "アンカー": "Anker",
    "romoss": "Romoss", "罗马仕": "Romoss", "羅馬仕": "Romoss",
    "baseus": "Baseus", "倍思": "Baseus", "xiaomi": "Xiaomi", "小米": "Xiaomi", "シャオミ": "Xiaomi",
    "xiomi": "Xiaomi", "xaomi": "Xiaomi", "xiaomy": "Xiaomi", "xioami": "Xiaomi",
    "iniu": "INIU", "esr": "ESR", "belkin": "Belkin", "charmast": "Charmast",
    "casely": "Casely", "energizer": "Energizer", "lenovo": "Lenovo", "logiix": "LOGiiX",
    "adam elements": "Adam Elements", "guxon": "GUXON", "hererod": "Hererod", "newdery": "NEWDERY",
    "ロモス": "Romoss", "ベルキン": "Belkin", "貝爾金": "Belkin", "贝尔金": "Belkin", "ベイサス": "Baseus",
    "亞果元素": "Adam Elements", "亚果元素": "Adam Elements", "亞果": "Adam Elements",
    "亚果": "Adam Elements", "聯想": "Lenovo", "联想": "Lenovo", "勁量": "Energizer",
    "劲量": "Energizer", "古尚": "GUXON", "mypower": "Mypower", "天宇": "Mypower", "天瑞": "Energizer",
}
