"""Turns knowledge and check results into replies. All wording comes from the catalog.

Every card has one shape (issue #12, docs/conversation.md "Reply shape"):

1. the title answers: the verdict, what you get, or how to dispose (≤ ~120 characters);
2. at most about five short lines;
3. one source line: who published it and when, as a link (`Card.source`);
4. everything else (all sources, other countries, the recall's details) behind buttons:
   `more:sources`, `more:regions`, `more:recall`, built by `details_card`.

Links are `Link`/`Button(url=…)` objects, never URLs in the text, so each platform shows them as
real links. Source titles in the knowledge are research notes and never reach users: a source is
named by its publisher (the authority, the brand, or the site's domain) and its date.
The truth rules still hold: every card that states a fact names a source, and bot/truth.py guards
every outgoing reply.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from urllib.parse import urlsplit

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list

from bot.catalog import CATALOG
from bot.replies import Button, InfoCard, Link, PsaCard, SafetyCard, Section, VerdictCard
from bot.tokens import Action
from bot.truth import MAX_SECTION, seal
from knowledge import Campaign, CheckResult, Knowledge, Verdict, pick_regional
from knowledge.schema import (
    REGION_PARENTS,
    Claim,
    Contact,
    DateWindow,
    LocalText,
    Product,
    Remedy,
    Source,
)

_BABEL_LOCALE = {"zh-Hans": "zh_Hans_CN", "zh-Hant": "zh_Hant_TW", "en": "en_GB"}
_TRUST = ("primary", "corroborated", "single")  # source confidence, most trusted first
DETAILS: tuple[str, ...] = ("sources", "regions", "recall")  # the `more:<what>` buttons
# Official sites named by their authority rather than their address.
OFFICIAL_HOSTS: dict[str, str] = {"cpsc.gov": "CPSC", "meti.go.jp": "METI",
                                  "recalls-rappels.canada.ca": "Health Canada"}
_PLAIN_AMOUNT = re.compile(r"[A-Z]{0,3}[$¥€£][\d,.]+")  # 'NT$1,100', '$30' — not a sentence
BRAND_ORDER: tuple[str, ...] = ("Anker",)  # the PSA lists these brands first, then A–Z
MAX_TITLE_CHARS = 120


def t(lang: str, msgid: str, /, **kwargs: object) -> str:
    return CATALOG.text(lang, msgid, **kwargs)


_URL = re.compile(r"https?://(?:www\.)?([^\s<>()\[\]]*[^\s<>()\[\].,;:!?。，；：）」])")


def readable(text: str) -> str:
    """A knowledge text as users read it: a web address shown short ('anker.com/product-
    recalls'); the link itself is a button on the same card (checker, claim form, website)."""
    return _URL.sub(lambda m: m.group(1).rstrip("/"), text) if "://" in text else text


def said(text: LocalText, lang: str) -> str:
    """What a knowledge text says in `lang` (English until translated), as users read it."""
    return readable(text.get(lang))


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(_BABEL_LOCALE.get(lang, lang.replace("-", "_")))


@cache
def region_name(region: str, lang: str) -> str:
    """A region code in words, in the user's language ('TW' → '台灣' in zh-Hant)."""
    if region == "*":
        return t(lang, "region_worldwide")
    name = _locale(lang).territories.get(region)
    return str(name) if name else region


def place_of(region: str, campaign: Campaign, lang: str) -> str:
    """Where a remedy, claim or contact of `campaign` applies, in words: '*' means the campaign's
    own countries — 'worldwide' only when the campaign is (a US recall's remedy is the US's)."""
    if region == "*" and "*" not in campaign.regions and campaign.regions:
        return and_list([region_name(r, lang) for r in campaign.regions], lang)
    return region_name(region, lang)


def region_in_text(region: str, lang: str) -> str:
    """A region as it reads inside a sentence ('recalled in the US and Japan'): the catalog's
    `region_phrase_XX` where a language needs an article or a short form, else its name."""
    msgid = f"region_phrase_{region}"
    return t(lang, msgid) if CATALOG.has(lang, msgid) else region_name(region, lang)


def _user_region(region: str | None, lang: str) -> str:
    """Where the user bought it, in words ('*' means a country no campaign names)."""
    return t(lang, "region_other") if region in (None, "*") else region_name(region, lang)


def and_list(items: Sequence[str], lang: str) -> str:
    """'the US and Japan', 'USA und Japan', '美国和日本' — the language's own list words."""
    return format_list(list(items), locale=_locale(lang)) if items else ""


def or_list(items: Sequence[str], lang: str) -> str:
    return format_list(list(items), style="or", locale=_locale(lang)) if items else ""


@lru_cache(maxsize=1024)  # babel's formatting is slow, and the same dates come back all day
def date_label(day: dt.date, lang: str, month_only: bool = False) -> str:
    """'12 Jun 2025', '12.06.2025', '2025年6月12日' — as precise as the source."""
    if month_only:
        return str(format_skeleton("yMMM", day, locale=_locale(lang)))
    return str(format_date(day, format="medium", locale=_locale(lang)))


def _window(window: DateWindow | None) -> str | None:
    if window is None or (window.start is None and window.end is None):
        return None
    return f"{window.start or '?'} – {window.end or '?'}"


def sold_window_line(lang: str, campaign: Campaign) -> str | None:
    """"The recall there covers units sold 2022-12-25 – 2025-10-21." for a country's own recall
    with a sales window (one bought before or after it is not in it)."""
    window = campaign.sold
    if "*" in campaign.regions or window is None or not (window.start and window.end):
        return None
    return t(lang, "verdict_sold_window", window=_window(window))


def _host(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


# ----- sources ------------------------------------------------------------------------------

def _authority_name(campaign: Campaign) -> str:
    kind = campaign.authority.kind.value
    return campaign.brand if kind == "voluntary" else kind


def publisher(source: Source, campaign: Campaign | None = None) -> str:
    """Who published a source, in a word: the authority, the brand, or the site's domain."""
    host = _host(source.url)
    if host in OFFICIAL_HOSTS:
        return OFFICIAL_HOSTS[host]
    if campaign is not None:
        authority_url = campaign.authority.url
        if authority_url and _host(authority_url) == host:
            return _authority_name(campaign)
        if source.confidence.value == "primary" and (
                campaign.brand.lower() in host or campaign.authority.kind.value == "voluntary"):
            return campaign.brand  # the brand's own page or press release
    return host


def _source_label(lang: str, who: str, day: dt.date | None, month_only: bool = False) -> str:
    if day is None:
        return t(lang, "source_line_undated", who=who)
    return t(lang, "source_line", who=who, date=date_label(day, lang, month_only))


def best_source(sources: Iterable[Source]) -> Source | None:
    """The most trusted of `sources`; among equals an official page, then a page with its own
    address before a site's home page (the first of equals)."""
    return min(sources, key=lambda s: (_TRUST.index(s.confidence), _vagueness(s)), default=None)


def _vagueness(source: Source) -> int:
    if source.kind == "official":
        return 0
    return 1 if urlsplit(source.url).path.strip("/") else 2


_best = best_source


def campaign_source(lang: str, campaign: Campaign, wanted: Iterable[str] = ()) -> Link:
    """The one source line for a campaign: who recalled it and when, linked.

    To the authority's notice when we have its address; else to the most trusted source behind
    the fact shown (`wanted` source ids, else the campaign's): an official page is named by its
    publisher ('CPSC', 'Anker'); a press report of the notice by the recall's authority and the
    notice's date. Research notes in source titles never reach users; "All sources" lists every
    source with its publisher, date and how far to trust it.
    """
    month_only = campaign.announced_precision == "month"
    if campaign.authority.url:
        return Link(label=_source_label(lang, _authority_name(campaign), campaign.announced,
                                        month_only), url=campaign.authority.url)
    wanted = set(wanted)
    source = _best(s for s in campaign.sources if s.id in wanted) or _best(campaign.sources)
    assert source is not None  # the schema requires at least one source
    if source.confidence.value == "primary":
        return source_link(lang, source, campaign)
    return Link(label=_source_label(lang, _authority_name(campaign), campaign.announced,
                                    month_only), url=source.url)


def source_link(lang: str, source: Source, campaign: Campaign | None = None) -> Link:
    """One source as a link: 'Source: CPSC, 12 Jun 2025', 'Source: epa.gov'."""
    return Link(label=_source_label(lang, publisher(source, campaign), source.date),
                url=source.url)


def _source_entry(lang: str, source: Source, campaign: Campaign | None) -> Link:
    """A source in the 'All sources' list: publisher, date and how far to trust it."""
    day = f", {date_label(source.date, lang)}" if source.date else ""
    confidence = t(lang, f"confidence_{source.confidence.value}")
    return Link(label=f"{publisher(source, campaign)}{day} ({confidence})", url=source.url)


def _guidance_source(knowledge: Knowledge, lang: str, ids: Iterable[str]) -> Link | None:
    wanted = set(ids)
    source = _best(s for s in knowledge.guidance.sources if s.id in wanted)
    return source_link(lang, source) if source else None


# ----- small pieces -------------------------------------------------------------------------

def fitted_sections(heading: str | None, lines: list[str]) -> list[Section]:
    """`lines` under `heading`, split over several sections so none is clipped.

    Discord caps an embed field at 1,024 characters; translated claim steps can pass it.
    """
    sections: list[Section] = []
    chunk: list[str] = []
    used = 0
    for line in lines:
        if chunk and used + len(line) + 1 > MAX_SECTION:
            sections.append(Section(heading=None if sections else heading, lines=chunk))
            chunk, used = [], 0
        chunk.append(line)
        used += len(line) + 1
    if chunk:
        sections.append(Section(heading=None if sections else heading, lines=chunk))
    return sections


# With no country known, whose contacts and pages to show first: the country most people writing
# in this language are in (a Japanese question gets Anker Japan, not the US line). It orders and
# picks links only; it never becomes the conversation's country.
LIKELY_COUNTRY: dict[str, str] = {"ja": "JP", "zh-Hans": "CN", "zh-Hant": "TW", "de": "DE",
                                  "en": "US"}


def checker_url(campaign: Campaign) -> str | None:
    match = campaign.serial_rule.match
    return match.checker_url if match.kind == "checker_only" else None


def remedy_kinds(lang: str, remedy: Remedy) -> str:
    """'a free replacement or a gift card' — what the options are, in a few words."""
    kinds: list[str] = []
    repeated = {o.kind for o in remedy.options if sum(p.kind == o.kind for p in remedy.options) > 1}
    for option in remedy.options:
        word = t(lang, f"remedy_kind_{option.kind}")
        detail = option.model if option.kind == "replacement" else option.amount
        if detail and option.kind not in repeated \
                and (option.kind == "replacement" or _PLAIN_AMOUNT.fullmatch(detail)):
            word += f" ({detail})"  # (two refunds of different amounts: "a refund", the lines say)
        if word not in kinds:
            kinds.append(word)
    return or_list(kinds, lang)


def remedy_lines(lang: str, remedy: Remedy) -> list[str]:
    lines = [f"• {said(option.description, lang)}" for option in remedy.options]
    if remedy.note:
        lines.append(said(remedy.note, lang))
    return lines


def claim_lines(lang: str, claim: Claim) -> list[str]:
    lines = [f"{i}. {said(step, lang)}" for i, step in enumerate(claim.steps, 1)]
    if claim.photos:
        photos = "; ".join(said(photo, lang).rstrip(".。") for photo in claim.photos)
        lines.append(f"{t(lang, 'claim_photos')} {photos}")
    lines.append(t(lang, f"proof_{claim.proof_of_purchase}"))
    lines.append(t(lang, f"unit_fate_{claim.unit_fate}"))
    return lines


def contact_reach(contact: Contact) -> str:
    """Phone, email and WeChat on one line ("800-988-7973 · support@anker.com"); "" if none."""
    return " · ".join(x for x in (contact.phone, contact.email, contact.wechat) if x)


def contact_lines(lang: str, contact: Contact) -> list[str]:
    """Phone, email and WeChat as text; the website is a link button (see contact_buttons)."""
    lines = []
    if contact.phone:
        hours = f" ({said(contact.hours, lang)})" if contact.hours else ""
        lines.append(t(lang, "contact_phone", phone=contact.phone, hours=hours))
    if contact.email:
        lines.append(t(lang, "contact_email", email=contact.email))
    if contact.wechat:
        lines.append(t(lang, "contact_wechat", wechat=contact.wechat))
    return lines


def _link_button(label: str, url: str | None) -> list[Button]:
    return [Button(label=label[:80], url=url)] if url else []


def link_buttons(lang: str, campaigns: Sequence[Campaign], region: str | None,
                 with_contact: bool = False) -> list[Button]:
    """The official checker and claim form (and the brand's website), as link buttons."""
    buttons: list[Button] = []
    seen: set[str] = set()  # URLs and labels: one button per address, no two alike
    for campaign in campaigns:
        checker = checker_url(campaign)
        claim = pick_regional(campaign.claims, region)
        contact = pick_regional(campaign.contacts, region) if with_contact else None
        candidates = [
            (t(lang, "button_checker", brand=campaign.brand), checker),
            (t(lang, "button_claim_form", brand=campaign.brand), claim.form_url if claim else None),
            (t(lang, "button_website", brand=campaign.brand), contact.web if contact else None),
        ]
        for label, url in candidates:
            if url and url not in seen and label not in seen:
                seen.update((url, label))
                buttons += _link_button(label, url)
    return buttons[:3]


def topic_button(lang: str, topic: str) -> Button:
    """The button that asks a topic question ('Who to contact')."""
    return _topic_button(lang, topic)


def _topic_button(lang: str, topic: str) -> Button:
    return Button(label=t(lang, f"button_{topic}"), token=Action("topic", topic).pack())


def _more_button(lang: str, what: str) -> Button:
    return Button(label=t(lang, f"button_more_{what}"), token=Action("more", what).pack())


def _again_button(lang: str, version: int | None = None) -> Button:
    return Button(label=t(lang, "button_again"), token=Action("again", None, version).pack())


def next_step_buttons(lang: str, version: int | None = None,
                      answered_topic: str | None = None) -> list[Button]:
    """What do I get · how to claim · how to dispose · check another device — without the
    button for the question just answered."""
    topics = [_topic_button(lang, topic) for topic in ("remedy", "claim", "dispose")
              if topic != answered_topic]
    return [*topics, _again_button(lang, version)]


# ----- verdicts ------------------------------------------------------------------------------

def _serial_line(lang: str, result: CheckResult) -> list[str]:
    """What happened to the serial: how it was cleaned, what is wrong with it, look-alikes.

    The serial itself is repeated only when it was cleaned (the user sees what was checked).
    `serial_shown` is ready for "always show the cleaned serial" (#12 item 3, the lead's), which
    needs serials kept out of the platform libraries' DEBUG logs first
    (tests/adapters/telegram/test_logs.py).
    """
    serial = result.serial
    if serial is None or serial.serial is None:
        return []
    changes = ", ".join(t(lang, f"serial_change_{c}") if c in ("spaces", "case") else c
                        for c in serial.changes)
    parts = [t(lang, "serial_read_as", serial=serial.serial, changes=changes)] if changes else []
    if serial.invalid_reason is not None:
        lengths = "/".join(str(n) for n in serial.expected_lengths) or "?"
        parts.append(t(lang, f"serial_invalid_{serial.invalid_reason.value}",
                       length=len(serial.serial), expected=lengths))
    if parts and any(c in serial.serial for c in "L1Z2") and result.product and \
            any(cv.campaign.serial_rule.format.never_uses for cv in result.campaigns):
        parts.append(t(lang, "serial_lookalikes"))
    return [" ".join(parts)] if parts else []


def _regions_of(campaigns: Iterable[Campaign], lang: str, countries_only: bool = False,
                in_text: bool = False) -> list[str]:
    """The campaigns' regions in words, oldest recall first ('the US and Japan' in_text)."""
    names: list[str] = []
    for campaign in sorted(campaigns, key=lambda c: c.announced):
        for region in campaign.regions:
            if countries_only and region == "*":
                continue
            name = region_in_text(region, lang) if in_text else region_name(region, lang)
            if name not in names:
                names.append(name)
    return names


VERDICT_CACHE_SIZE = 4096
_verdict_cards: dict[tuple[object, ...], VerdictCard] = {}


def serial_rule_line(campaign: Campaign, lang: str) -> str | None:
    """A published serial rule in words ("serials that start with 35S (14 characters)"); a
    pattern speaks through the words its source gives, if any."""
    match = campaign.serial_rule.match
    if match.kind == "prefixes":
        lengths = campaign.serial_rule.format.lengths
        length = t(lang, "serial_rule_length", length="/".join(map(str, lengths))) \
            if lengths else ""
        return t(lang, "serial_rule_prefixes", prefixes=", ".join(match.prefixes), length=length)
    if match.kind == "pattern" and match.in_words is not None:
        return t(lang, "serial_rule_pattern", rule=match.in_words.get(lang))
    if match.kind == "listed" and len(match.values) <= 12:
        key = "serial_rule_listed" if match.match == "exact" else "serial_rule_contains"
        return t(lang, key, values=", ".join(match.values))
    return None


def verdict_card(knowledge: Knowledge, result: CheckResult, lang: str,
                 version: int | None = None) -> VerdictCard:
    """The answer to 'is mine affected?': verdict, what to do, what you get, one source.

    Built once per (knowledge, language, model, region, verdict, campaigns that apply) and
    only stamped per turn with the conversation's version (the "check another" button): a
    verdict card took ~60 µs to build, mostly catalog look-ups and button validation. A card
    whose text repeats the user's serial (a cleaned or invalid serial) is never cached.
    """
    if _serial_line(lang, result):
        return _verdict_card(knowledge, result, lang, version)
    # Campaigns by identity: the key holds `knowledge`, which holds them, so ids stay unique.
    key = (knowledge, lang, result.model, result.product.name if result.product else None,
           result.verdict, result.region, result.needs_region, result.as_of,
           tuple((id(cv.campaign), id(cv.remedy)) for cv in result.campaigns),
           tuple(id(c) for c in result.elsewhere),
           result.serial is not None and result.serial.serial is not None)
    card = _verdict_cards.get(key)
    if card is None:
        card = seal(_verdict_card(knowledge, result, lang, None))  # truth: checked once
        if len(_verdict_cards) >= VERDICT_CACHE_SIZE:
            del _verdict_cards[next(iter(_verdict_cards))]
        _verdict_cards[key] = card
    if version is None:
        return card
    again = card.buttons[-1]  # every verdict card ends with "check another device"
    stamped = again.model_copy(update={"token": Action("again", None, version).pack()})
    return card.model_copy(update={"buttons": [*card.buttons[:-1], stamped]})


def _verdict_card(knowledge: Knowledge, result: CheckResult, lang: str,
                  version: int | None) -> VerdictCard:
    if result.product is None or not result.campaigns:
        return _not_in_known_recall(knowledge, result, lang, version)
    model, name = result.model, result.product.name
    verdict = result.verdict
    main = result.campaigns[0]
    brand = main.campaign.brand
    key = f"verdict_{verdict.value}"
    if verdict is Verdict.AFFECTED and main.campaign.kind == "corrective_action":
        key = "verdict_corrective_action"  # a remedy is offered, but it is not a formal recall
    title = t(lang, f"{key}_title", model=model, name=name, brand=brand)
    if len(title) > MAX_TITLE_CHARS:  # long marketing names: keep the words before the specs
        short = name.split(" (")[0].split("（")[0]
        title = t(lang, f"{key}_title", model=model, name=short, brand=brand)
    body = f"{key}_body"
    brand_page = False
    if verdict is Verdict.CONFIRM_ON_CHECKER and checker_url(main.campaign) is None:
        # no serial checker: the brand's recall page where one is known for the place (Xiaomi
        # China's), else its support decides
        contact = pick_regional(main.campaign.contacts, result.region or LIKELY_COUNTRY.get(lang))
        brand_page = contact is not None and contact.web is not None
        body = "verdict_confirm_on_brand_page_body" if brand_page else \
            "verdict_confirm_with_brand_body"
    if key == "verdict_affected" and main.campaign.serial_rule.match.kind == "all_units":
        body = "verdict_affected_all_units_body"  # no serial rule: the whole model is recalled
    batches = main.campaign.serial_rule.published_batches
    if verdict is Verdict.CONFIRM_ON_CHECKER and batches is not None:
        body = "verdict_confirm_batches_body"  # the notice lists batch codes: shown, and the
    lines = [t(lang, body, model=model, name=name, brand=brand)]  # brand confirms
    if body == "verdict_confirm_batches_body" and batches is not None:
        lines.append(batches.get(lang))
    if main.campaign.kind != "recall":  # who says so, when it is not a recall
        lines.append(authority_line(lang, main.campaign))
    lines += _serial_line(lang, result)
    made = main.campaign.made
    if verdict is Verdict.CONFIRM_ON_CHECKER and made is not None and made.start and made.end \
            and main.campaign.serial_rule.match.kind == "checker_only" \
            and len(result.campaigns) + len(result.elsewhere) == 1:  # (on the box) — only for
        # a model in one recall: one recall's window says nothing of another's (the US A1263
        # window misled a Japanese buyer; the 2024 A1647 window a Chinese one; strangers)
        lines.append(t(lang, "verdict_made_window", window=_window(made)))
    sold = sold_window_line(lang, main.campaign)
    if result.region not in (None, "*") and sold is not None and verdict is not Verdict.NOT_AFFECTED:
        # the country's own recall, by its sales window ("sold in Japan 2022-12-25 to
        # 2025-10-21": a stranger missed it; a unit bought later is not in it)
        lines.append(sold)
    if body == "verdict_serial_needed_body":  # a published rule, said at once ("starts 35S")
        lines += [rule for cv in result.campaigns if (rule := serial_rule_line(cv.campaign, lang))]
    if verdict is Verdict.NOT_AFFECTED:
        lines.append(t(lang, "verdict_not_affected_caution"))
    with_remedy = next((cv for cv in result.campaigns if cv.remedy is not None), None)
    if result.needs_region:
        lines.append(t(lang, "remedy_depends_on_region"))
    elif with_remedy is not None and with_remedy.remedy is not None \
            and verdict is not Verdict.NOT_AFFECTED:
        lines.append(t(lang, "remedy_summary",
                       region=place_of(with_remedy.remedy.region, with_remedy.campaign, lang),
                       options=remedy_kinds(lang, with_remedy.remedy)))
    elif verdict is not Verdict.NOT_AFFECTED and main.campaign.kind != "warning":
        lines.append(t(lang, "remedy_unknown", brand=brand))  # a warning has no remedy to state
    elsewhere = _regions_of(result.elsewhere, lang, countries_only=True, in_text=True)
    if elsewhere:
        lines.append(t(lang, "also_recalled_in", model=model, regions=and_list(elsewhere, lang)))
    campaigns = [cv.campaign for cv in result.campaigns]
    wanted = with_remedy.remedy.sources if with_remedy and with_remedy.remedy \
        and with_remedy.campaign is main.campaign else ()
    buttons = link_buttons(lang, campaigns, result.region or (LIKELY_COUNTRY.get(lang) if brand_page
                                                             else None), with_contact=brand_page)
    if not buttons and main.campaign.authority.url:  # no checker or form: the official notice
        buttons += _link_button(t(lang, "button_notice", authority=_authority_name(main.campaign)),
                                main.campaign.authority.url)
    if not buttons and body != "verdict_confirm_with_brand_body":  # …or the brand's recall page
        buttons += link_buttons(lang, campaigns, result.region, with_contact=True)[:1]  # (Baseus)
    if verdict is Verdict.NOT_AFFECTED:
        buttons += [_topic_button(lang, "dispose")]
    else:  # "What do I get?" stays: its card has every option in full, and the caveats
        buttons += [_topic_button(lang, topic) for topic in ("remedy", "claim", "dispose")]
    unknown = t(lang, "remedy_unknown", brand=brand)
    if body in ("verdict_confirm_with_brand_body", "verdict_confirm_batches_body") or brand_page \
            or not buttons or not buttons[0].url \
            or unknown in lines:  # that line says: tap "Who to contact"
        buttons.append(_topic_button(lang, "contact"))
    buttons.append(_more_button(lang, "recall"))
    if elsewhere or (result.region is None and len({frozenset(c.regions) for c in campaigns}) > 1):
        buttons.append(_more_button(lang, "regions"))
    buttons += [_more_button(lang, "sources"), _again_button(lang, version)]
    return VerdictCard(
        verdict=verdict.value, model=model, title=title, sections=[Section(lines=lines)],
        source=campaign_source(lang, main.campaign, wanted), buttons=buttons,
        private=result.serial is not None and result.serial.serial is not None,
    )


def _not_in_known_recall(knowledge: Knowledge, result: CheckResult, lang: str,
                         version: int | None) -> VerdictCard:
    as_of = date_label(result.as_of, lang)
    again = _again_button(lang, version)
    if result.elsewhere:
        # Recalled elsewhere: the headline says so, never a plain "not in any recall".
        where = and_list(_regions_of(result.elsewhere, lang, countries_only=True, in_text=True)
                         or _regions_of(result.elsewhere, lang), lang)
        region = _user_region(result.region, lang)
        buttons = link_buttons(lang, result.elsewhere, None)
        buttons += [_more_button(lang, "regions"), _more_button(lang, "sources"), again]
        newest = max(result.elsewhere, key=lambda c: c.announced)
        return VerdictCard(
            verdict=Verdict.NOT_IN_KNOWN_RECALL.value, model=result.model,
            recalled_elsewhere=True,
            title=t(lang, "verdict_not_in_region_title", model=result.model, region=region,
                    where=where),
            sections=[Section(lines=[t(lang, "verdict_not_in_region_body", model=result.model,
                                       date=as_of, region=region),
                                     t(lang, "hazard_signs")])],
            source=campaign_source(lang, newest), buttons=buttons,
        )
    lines = [t(lang, "verdict_not_in_known_recall_body", model=result.model, date=as_of),
             t(lang, "double_check_how"), t(lang, "hazard_signs")]
    return VerdictCard(
        verdict=Verdict.NOT_IN_KNOWN_RECALL.value, model=result.model,
        title=t(lang, "verdict_not_in_known_recall_title", model=result.model),
        sections=[Section(lines=lines)],
        source=_guidance_source(knowledge, lang, knowledge.guidance.emergency.sources),
        buttons=[_topic_button(lang, "safety"), again],
    )


def check_text(knowledge: Knowledge, result: CheckResult, lang: str) -> str:
    """The verdict card as plain text (for `recall-bot check`), links as `label — url`."""
    card = verdict_card(knowledge, result, lang)
    parts = [card.plain_text()]
    links = [f"{b.label} — {b.url}" for b in card.buttons if b.url]
    if links:
        parts.append("\n".join(links))
    if result.product is not None:  # one answer, no buttons: add what they would open
        cards = [details_card(knowledge, result.model, result.region, lang, "recall")]
        if result.verdict is not Verdict.WARNING:  # a warning offers nothing to get
            cards.insert(0, remedy_card(knowledge, result.model, result.region, lang))
        parts += [card_.plain_text() for card_ in cards]
    return "\n\n".join(parts)


# ----- topics: what you get, how to claim, contacts, disposal --------------------------------

def _applicable(knowledge: Knowledge, model: str | None, region: str | None) -> list[Campaign]:
    """The model's campaigns there, newest first: the remedy and claim cards speak of the
    recall the verdict card names (an A1647 bought in the US: the 2025 recall, not 2024's)."""
    if not model:
        return []
    found = knowledge.index.campaigns_for(model, region)[0]
    return sorted(found, key=lambda c: c.announced, reverse=True)


def _where(region: str | None, lang: str) -> str:
    return f" ({region_name(region, lang)})" if region and region != "*" else ""


def _topic_buttons_after(lang: str, model: str | None, topic: str,
                         links: list[Button]) -> list[Button]:
    if not model:
        return links
    return [*links, *next_step_buttons(lang, answered_topic=topic)[:-1]]


@lru_cache(maxsize=4096)  # a pure function of its arguments; the cards are immutable
def _topic_card(knowledge: Knowledge, model: str | None, region: str | None, lang: str,
                topic: str) -> InfoCard:
    if region is None and model and topic in ("remedy", "claim", "contact") \
            and knowledge.index.known_model(model) and knowledge.index.region_matters(model) \
            and not _same_everywhere(knowledge, model, topic):
        return seal(_depends_on_region(knowledge, model, lang, topic))
    builders = {"remedy": _remedy, "claim": _claim, "contact": _contact, "dispose": _dispose}
    return seal(builders[topic](knowledge, model, region, lang))  # truth: checked once


def _same_everywhere(knowledge: Knowledge, model: str, topic: str) -> bool:
    """The model's claim steps (or remedies) are given for every country alike ('*'): no
    country changes them, so they are shown at once (Xiaomi's claim), not 'listed for
    worldwide — where did you buy it?'."""
    campaigns = knowledge.index.campaigns_for_model(model)
    if topic == "claim":
        regions = {c.region for campaign in campaigns for c in campaign.claims}
    elif topic == "remedy":
        regions = {r.region for campaign in campaigns for r in campaign.remedies}
    else:
        return False
    return regions == {"*"}


_PART_OF_TOPIC = {"claim": "claim_steps"}  # the answer part a topic card stands for


def _depends_on_region(knowledge: Knowledge, model: str, lang: str, topic: str) -> InfoCard:
    """Remedies, claims or contacts that differ by country, before we know the country: one short
    line per country, and the question that decides (never every country's answer in full)."""
    campaigns = knowledge.index.campaigns_for_model(model)
    lines: list[str] = []
    regions: list[str] = []
    cited: Campaign | None = None  # the campaign whose contact is listed first: its source
    places = [place_of(r.region, c, lang) for c in campaigns for r in c.remedies]
    for campaign in sorted(campaigns, key=lambda c: c.announced):
        if topic == "remedy":
            for r in campaign.remedies:
                place = place_of(r.region, campaign, lang)
                if places.count(place) > 1:  # two US recalls of one model: which is which
                    place = f"{place} ({date_label(campaign.announced, lang)})"
                line = f"• {place}: {remedy_kinds(lang, r)} — {_authority_name(campaign)}"
                if line not in lines:  # (each line names who says so: the card has one source)
                    lines.append(line)
                    cited = cited or campaign
        elif topic == "contact":
            for ct in campaign.contacts:
                reach = contact_reach(ct)
                line = f"• {place_of(ct.region, campaign, lang)}: {reach}" if reach else ""
                if line and line not in lines:
                    lines.append(line)
                    cited = cited or campaign
            if not any(ct.phone or ct.email or ct.wechat for ct in campaign.contacts):
                # a recall there, but no number: said, so "somewhere else? none" stays true
                line = f"• {and_list([place_of(r, campaign, lang) for r in campaign.regions], lang)}: " \
                    + t(lang, "contact_none_listed", brand=campaign.brand)
                if line not in lines:
                    lines.append(line)
        else:
            regions += [place_of(c.region, campaign, lang) for c in campaign.claims
                        if place_of(c.region, campaign, lang) not in regions]
    if topic == "claim" and regions:
        lines.append(t(lang, "claim_regions_listed", regions=and_list(regions, lang)))
        everywhere = next(((c, claim) for c in campaigns for claim in c.claims
                           if claim.region == "*"), None)
        if everywhere is not None and len(regions) <= 3:  # "how do I claim my Xiaomi?": the
            campaign, claim = everywhere                   # steps that hold everywhere else
            lines.append(f"{place_of('*', campaign, lang)}:")
            lines += [f"• {step.get(lang)}" for step in claim.steps[:3]]
            cited = cited or campaign
    lines = lines[:6]
    if not any("*" in c.regions for c in campaigns):  # no worldwide recall: say so
        lines.append(t(lang, "depends_elsewhere", model=model,
                       date=date_label(knowledge.index.as_of, lang)))
    main = cited or max(campaigns, key=lambda c: c.announced)
    title = t(lang, f"{topic}_depends_title", model=model)
    buttons = link_buttons(lang, campaigns, None)[:1]
    buttons += next_step_buttons(lang, answered_topic=topic)[:-1]
    return InfoCard(topic=topic, title=title,  # "by_country": the country, said next, answers it
                    sections=[Section(lines=[*lines, t(lang, "remedy_tell_country")])],
                    source=campaign_source(lang, main), buttons=buttons,
                    about=(_PART_OF_TOPIC.get(topic, topic), "by_country"))


def _needs_model(lang: str, topic: str, knowledge: Knowledge | None = None,
                 model: str | None = None, region: str | None = None) -> InfoCard:
    """No recall to answer from: which model? — or, for a known model bought where no recall
    of it is listed, that (an A1263 from Spain is no unknown model)."""
    if knowledge is not None and model and region and region != "*" \
            and knowledge.index.known_model(model):
        return InfoCard(topic=topic, title=t(lang, "region_not_listed", model=model,
                                             region=region_name(region, lang)))
    return InfoCard(topic=topic, title=t(lang, f"topic_{topic}_needs_model"))


def _unknown(lang: str, topic: str, model: str, region: str | None, campaign: Campaign,
             buttons: list[Button]) -> InfoCard:
    """The sources don't say (for this country): the title names the model and the question,
    the line says so and who to ask; the contact button unless this is the contact answer."""
    title = f"{t(lang, f'topic_{topic}_title', model=model)}{_where(region, lang)}"
    more = [_topic_button(lang, "contact")] if topic != "contact" else []
    lines = [t(lang, f"{topic}_unknown", brand=campaign.brand)]
    if topic == "contact" and not campaign.contacts:  # none anywhere, not "for this region"
        lines = [f"{campaign.brand}: " + t(lang, "contact_none_listed", brand=campaign.brand)]
    if topic == "claim":
        lines.append(t(lang, "no_times_known"))
    return InfoCard(topic=topic, title=title, sections=[Section(lines=lines)],
                    source=campaign_source(lang, campaign), buttons=[*buttons, *more])


def authority_line(lang: str, campaign: Campaign) -> str:
    """Who acted and when: 'Recalled by: CPSC, 24 Sept 2026 (recall no. 26-792)', 'Warning
    issued by: CPSC, 17 Sept 2026', 'Corrective action (not a formal recall): …'."""
    number = campaign.authority.recall_number
    suffix = f" {t(lang, 'recall_number', number=number)}" if number else ""
    day = date_label(campaign.announced, lang, campaign.announced_precision == "month")
    if campaign.kind == "recall":
        return t(lang, "details_recalled_by", who=_authority_name(campaign), date=day) + suffix
    return t(lang, f"campaign_line_{campaign.kind}", who=_authority_name(campaign), date=day,
             number=suffix)


def _warning_only(lang: str, topic: str, model: str, campaigns: list[Campaign]) -> InfoCard | None:
    """A model only an authority's warning names: nothing to get, nothing to claim."""
    if not campaigns or any(c.kind != "warning" for c in campaigns):
        return None
    main = campaigns[0]
    return InfoCard(topic=topic, title=t(lang, f"topic_{topic}_title", model=model),
                    sections=[Section(lines=[t(lang, "warning_no_remedy", brand=main.brand)])],
                    source=campaign_source(lang, main),
                    buttons=[*link_buttons(lang, [main], None), _topic_button(lang, "dispose")])


def _remedy(knowledge: Knowledge, model: str | None, region: str | None, lang: str) -> InfoCard:
    campaigns = _applicable(knowledge, model, region)
    if not campaigns:
        return _needs_model(lang, "remedy", knowledge, model, region)
    warning = _warning_only(lang, "remedy", model or "", campaigns)
    if warning is not None:
        return warning
    assert model is not None
    main = next((c for c in campaigns if pick_regional(c.remedies, region)), campaigns[0])
    remedy = pick_regional(main.remedies, region)
    links = link_buttons(lang, campaigns, region)
    buttons = _topic_buttons_after(lang, model, "remedy", links)
    if remedy is None:  # no source states the remedy (for this country)
        return _unknown(lang, "remedy", model, region, main, buttons)
    title = t(lang, "remedy_title", model=model, where=_where(remedy.region, lang),
              options=remedy_kinds(lang, remedy))
    return InfoCard(topic="remedy", title=title, sections=[Section(lines=remedy_lines(lang, remedy))],
                    source=campaign_source(lang, main, remedy.sources), buttons=buttons)


def _claim(knowledge: Knowledge, model: str | None, region: str | None, lang: str) -> InfoCard:
    campaigns = _applicable(knowledge, model, region)
    if not campaigns:
        return _needs_model(lang, "claim", knowledge, model, region)
    warning = _warning_only(lang, "claim", model or "", campaigns)
    if warning is not None:
        return warning
    assert model is not None
    main = next((c for c in campaigns if pick_regional(c.claims, region)), campaigns[0])
    claim = pick_regional(main.claims, region)
    buttons = _topic_buttons_after(lang, model, "claim", link_buttons(lang, [main], region))
    if claim is None:
        return _unknown(lang, "claim", model, region, main, buttons)
    title = t(lang, "claim_title" if claim.form_url else "claim_title_no_form", model=model,
              where=_where(claim.region, lang), brand=main.brand)  # no form: none is named
    lines = [*claim_lines(lang, claim), claim.processing_time.get(lang)
             if claim.processing_time else t(lang, "no_times_known")]
    return InfoCard(topic="claim", title=title, sections=fitted_sections(None, lines),
                    source=campaign_source(lang, main, claim.sources), buttons=buttons)


def _contact(knowledge: Knowledge, model: str | None, region: str | None, lang: str) -> InfoCard:
    # (the brand's contact is the same for each of its recalls: the first listed one's)
    campaigns = knowledge.index.campaigns_for(model, region)[0] if model else []
    elsewhere = not campaigns and bool(model) and region not in (None, "*") \
        and knowledge.index.known_model(model or "")
    if elsewhere:  # "bought in Hong Kong, who do I ask?": no recall there, but its maker is
        campaigns = knowledge.index.campaigns_for_model(model or "")  # still who to ask
    if not campaigns:
        return _needs_model(lang, "contact", knowledge, model, region)
    assert model is not None
    main = next((c for c in campaigns if pick_regional(c.contacts, region)
                 or (elsewhere and c.contacts)), campaigns[0])
    contact = pick_regional(main.contacts, region) or (
        main.contacts[0] if elsewhere and main.contacts else None)
    buttons = link_buttons(lang, [main], region, with_contact=True)
    buttons += next_step_buttons(lang, answered_topic="contact")[:-1]
    if contact is None:
        return _unknown(lang, "contact", model, region, main, buttons)
    title = t(lang, "contact_title", brand=main.brand, model=model,
              where=_where(contact.region, lang))
    lines = contact_lines(lang, contact) or [t(lang, "contact_web_only", brand=main.brand)
                                             if contact.web else
                                             t(lang, "contact_unknown", brand=main.brand)]
    lines.append(t(lang, "contact_have_ready", model=model))
    if elsewhere and region is not None:  # the point first: no recall there; then who to ask
        title = t(lang, "region_not_listed", model=model, region=region_name(region, lang))
    return InfoCard(topic="contact", title=title, sections=[Section(lines=lines)],
                    source=campaign_source(lang, main, contact.sources), buttons=buttons)


def _dispose(knowledge: Knowledge, model: str | None, region: str | None, lang: str) -> InfoCard:
    """One disposal paragraph: the recall's own if it has one, else the general guidance."""
    guidance = knowledge.guidance
    if region is not None:  # where the unit goes back to the maker (the A1263 in Japan: a return
        # kit), "may I put it in the city's collection?" is answered by that: no (strangers)
        for recall in _applicable(knowledge, model, region):
            claim = pick_regional(recall.claims, region)
            if claim is not None and claim.unit_fate in ("return_kit", "courier_pickup"):
                return InfoCard(
                    topic="dispose", title=t(lang, "dispose_goes_back_title"),
                    sections=[Section(lines=[t(lang, f"unit_fate_{claim.unit_fate}"),
                                             t(lang, "dispose_keep_for_return")])],
                    source=campaign_source(lang, recall),
                    buttons=next_step_buttons(lang, answered_topic="dispose")[:-1])
    # A recall's own disposal text is for its country (the US's "HHW"): with no country known,
    # only when the language's likely country is that one; else the general guidance.
    likely = region or LIKELY_COUNTRY.get(lang)
    campaign = next((c for c in _applicable(knowledge, model, region) if c.disposal
                     and (region is not None or likely in c.regions)), None)
    if campaign is not None and campaign.disposal is not None:
        text = said(campaign.disposal, lang)
        source: Link | None = campaign_source(lang, campaign)
    else:
        text = said(guidance.disposal.text, lang)
        source = _guidance_source(knowledge, lang, guidance.disposal.sources)
    buttons = next_step_buttons(lang, answered_topic="dispose")[:-1] if model else []
    return InfoCard(topic="dispose", title=t(lang, "dispose_title"),
                    sections=[Section(lines=[text])], source=source, buttons=buttons)


def remedy_card(knowledge: Knowledge, model: str | None, region: str | None, lang: str) -> InfoCard:
    return _topic_card(knowledge, model, region, lang, "remedy")


def claim_card(knowledge: Knowledge, model: str | None, region: str | None, lang: str) -> InfoCard:
    return _topic_card(knowledge, model, region, lang, "claim")


def contact_card(knowledge: Knowledge, model: str | None, region: str | None,
                 lang: str) -> InfoCard:
    return _topic_card(knowledge, model, region, lang, "contact")


def dispose_card(knowledge: Knowledge, model: str | None, region: str | None,
                 lang: str) -> InfoCard:
    return _topic_card(knowledge, model, region, lang, "dispose")


# ----- details behind buttons ----------------------------------------------------------------

@lru_cache(maxsize=4096)
def details_card(knowledge: Knowledge, model: str | None, region: str | None, lang: str,
                 what: str) -> InfoCard:
    """What the `more:<what>` buttons open: 'sources' (every source, linked, with how far to
    trust it), 'regions' (the model's recalls in other countries), 'recall' (who recalled it,
    where, sale and manufacture dates, the hazard). Unknown `what` → the sources."""
    if not model or not knowledge.index.known_model(model):
        return _needs_model(lang, "remedy")
    applicable, elsewhere = knowledge.index.campaigns_for(model, region)
    every = [*applicable, *elsewhere]
    buttons = [_more_button(lang, w) for w in DETAILS if w != what]
    if what == "regions":
        sections = []
        for campaign in (elsewhere or every)[:6]:
            where = and_list([region_name(r, lang) for r in campaign.regions], lang)
            remedy = campaign.remedies[0] if len(campaign.remedies) == 1 else None
            line = t(lang, "details_region_line", where=where,
                     date=date_label(campaign.announced, lang,
                                     campaign.announced_precision == "month"),
                     who=_authority_name(campaign))
            lines = [line]
            if remedy is not None:
                lines.append(t(lang, "remedy_summary", region=region_name(remedy.region, lang),
                               options=remedy_kinds(lang, remedy)))
            sections.append(Section(heading=said(campaign.title, lang), lines=lines,
                                    links=[campaign_source(lang, campaign)]))
        return InfoCard(topic="more_regions", title=t(lang, "details_regions_title", model=model),
                        sections=sections, buttons=buttons)
    if what == "recall":
        sections = []
        for campaign in (applicable or elsewhere)[:3]:
            lines = [authority_line(lang, campaign)]
            lines.append(t(lang, "campaign_regions",
                           regions=and_list(_regions_of([campaign], lang), lang)))
            sold, made = _window(campaign.sold), _window(campaign.made)
            if sold:
                lines.append(t(lang, "campaign_sold", window=sold))
            if made:
                lines.append(t(lang, "campaign_made", window=made))
            lines.append(t(lang, "campaign_hazard", hazard=said(campaign.hazard, lang)))
            sections.append(Section(heading=said(campaign.title, lang), lines=lines,
                                    links=[campaign_source(lang, campaign)]))
        return InfoCard(topic="more_recall", title=t(lang, "details_recall_title", model=model),
                        sections=sections, buttons=buttons)
    sections = []
    for campaign in every[:6]:
        entries = sorted(campaign.sources, key=lambda s: _TRUST.index(s.confidence))
        links = [_source_entry(lang, s, campaign) for s in entries[:6]]
        sections.append(Section(heading=said(campaign.title, lang), links=links))
    return InfoCard(topic="more_sources", title=t(lang, "details_sources_title", model=model),
                    sections=sections,
                    footer=t(lang, "footer_as_of", date=date_label(knowledge.index.as_of, lang)),
                    buttons=[_more_button(lang, w) for w in DETAILS if w != "sources"])


# ----- safety, models, PSA, shared cards ------------------------------------------------------

def safety_card(knowledge: Knowledge, lang: str) -> SafetyCard:
    """Urgent steps for a hot, swollen or smoking battery."""
    guidance = knowledge.guidance
    return SafetyCard(title=t(lang, "safety_title"),
                      sections=[Section(lines=[said(guidance.emergency.text, lang)]),
                                Section(lines=[said(guidance.storage.text, lang)])],
                      source=_guidance_source(knowledge, lang, guidance.emergency.sources))


def listed_as(product: Product) -> str:
    """How a product shows in a list of models: its model number, or its name when the notice
    gives no number (the knowledge then keys it by a name-like id such as SUPER-OFF-ROAD)."""
    return product.model if any(c.isdigit() for c in product.model) else product.name


def models_lines(knowledge: Knowledge, by_brand: Iterable[tuple[str, list[str]]],
                 lang: str) -> list[str]:
    """"Anker: A1257, A1263", one line per brand; a brand only warned about says so ("Hererod:
    EW40, PW40 (a warning, not a recall)")."""
    recalled = {c.brand for c in knowledge.index.campaigns if c.kind != "warning"}
    lines = []
    for brand, models in by_brand:
        listed = ", ".join(sorted(models))
        lines.append(f"{brand}: " + (listed if brand in recalled
                                    else t(lang, "listed_warning", product=listed)))
    return lines


def models_card(knowledge: Knowledge, lang: str) -> InfoCard:
    """Every recalled model this bot knows: one line per brand, model numbers only (a phone
    screen, not a catalogue — the names come with each model's own verdict)."""
    by_brand: dict[str, list[str]] = {}
    for campaign in knowledge.index.campaigns:
        for product in campaign.products:
            if listed_as(product) not in by_brand.setdefault(campaign.brand, []):
                by_brand[campaign.brand].append(listed_as(product))
    lines = models_lines(knowledge, sorted(by_brand.items(), key=lambda kv: _brand_key(kv[0])),
                         lang)
    return InfoCard(topic="models", title=t(lang, "topic_models_title"),
                    sections=fitted_sections(None, lines),
                    footer=t(lang, "footer_as_of", date=date_label(knowledge.index.as_of, lang)))


def _brand_key(brand: str) -> tuple[int, str]:
    return (BRAND_ORDER.index(brand) if brand in BRAND_ORDER else len(BRAND_ORDER), brand.lower())


def _in_region(campaign: Campaign, region: str | None) -> bool:
    if region is None:
        return True
    wanted = {region, REGION_PARENTS.get(region, region), "*"}
    return bool(wanted & set(campaign.regions))


def _psa_action(lang: str, campaigns: Sequence[Campaign]) -> str:
    if all(c.kind == "warning" for c in campaigns):
        return t(lang, "psa_action_warning")
    if all(c.kind == "corrective_action" for c in campaigns):  # not a recall: the brand decides
        return t(lang, "psa_action_ask_brand", brand=campaigns[0].brand)
    kinds = {c.serial_rule.match.kind for c in campaigns}
    if "all_units" in kinds:
        return t(lang, "psa_action_all_units")
    if kinds == {"checker_only"}:
        if any(checker_url(c) for c in campaigns):
            return t(lang, "psa_action_checker")
        return t(lang, "psa_action_ask_brand", brand=campaigns[0].brand)
    return t(lang, "psa_action_serial")


def short_product_name(name: str, brand: str, model: str) -> str:
    """'Baseus Magnetic … Power Bank (PPCXM06)' → 'Magnetic … Power Bank' under a brand heading
    and beside the model number: neither is said twice."""
    short = name[len(brand) + 1:] if name.lower().startswith(brand.lower() + " ") else name
    for pattern in (f" ({model})", f", model {model}", f" {model}"):
        short = short.replace(pattern, "")
    return short.strip(" ,") or name


def psa_brand(knowledge: Knowledge, args: str) -> str | None:
    """The brand named in `/psa anker us`, as the knowledge spells it; None when none is."""
    words = {w.strip(",.;").lower() for w in args.split()}
    return next((c.brand for c in knowledge.index.campaigns if c.brand.lower() in words), None)


def psa_card(knowledge: Knowledge, lang: str, brand: str | None = None,
             region: str | None = None) -> PsaCard:
    """The PSA moderators post: by brand (Anker first), one line per model with its name and
    what to do, each brand's checker link and contact, an 'as of' date, a private-check button.
    `brand` and `region` narrow it (`/psa anker us`)."""
    campaigns = [c for c in knowledge.index.campaigns
                 if (brand is None or c.brand.lower() == brand.lower()) and _in_region(c, region)]
    by_brand: dict[str, list[Campaign]] = {}
    for campaign in campaigns:
        by_brand.setdefault(campaign.brand, []).append(campaign)
    sections: list[Section] = []
    compact: list[str] = []
    # In full: the brand asked for, or Anker (most recalls by far); the other brands one line
    # each, so the whole notice still fits one Telegram message and one Discord embed.
    full = {name for name in by_brand if brand is not None or name == "Anker" or len(by_brand) <= 8}
    for name in sorted(by_brand, key=_brand_key):
        members = sorted(by_brand[name], key=lambda c: c.announced, reverse=True)
        models: dict[str, tuple[str, list[Campaign]]] = {}
        for campaign in members:
            for product in campaign.products:
                entry = models.setdefault(product.model, (product.name, []))
                entry[1].append(campaign)
        if name not in full:
            by_action: dict[str, list[str]] = {}
            for model, (_, cs) in sorted(models.items()):
                by_action.setdefault(_psa_action(lang, cs), []).append(model)
            compact += [f"• {name} {', '.join(ms)}: {action}" for action, ms in by_action.items()]
            continue
        lines = [f"• {model} {short_product_name(product_name, name, model)}: "
                 f"{_psa_action(lang, cs)}" for model, (product_name, cs) in sorted(models.items())]
        contact = next((ct for c in members for ct in c.contacts
                        if region is None or ct.region in (region, "*")), None)
        if contact is not None:
            reach = [x for x in (contact.email, contact.phone) if x]
            who = name if contact.region == "*" or region else \
                f"{name} ({region_name(contact.region, lang)})"
            if reach:
                lines.append(t(lang, "psa_contact", brand=who, contact=" · ".join(reach)))
        checker = next((u for c in members if (u := checker_url(c))), None)
        links = [Link(label=t(lang, "button_checker", brand=name), url=checker)] if checker else []
        chunks = fitted_sections(name, lines)
        chunks[-1] = chunks[-1].model_copy(update={"links": links})  # the link closes the brand
        sections += chunks
    if compact:
        sections += fitted_sections(t(lang, "psa_more_brands"), compact)
    if not sections:
        sections.append(Section(lines=[t(lang, "psa_nothing_listed")]))
    as_of = date_label(knowledge.index.as_of, lang)
    intro = Section(lines=[t(lang, "psa_intro")])
    steps = Section(heading=t(lang, "psa_what_to_do"),
                    lines=[t(lang, "psa_step_check"), t(lang, "psa_step_stop"),
                           t(lang, "psa_step_dispose")])
    return PsaCard(
        title=t(lang, "psa_title"), sections=[intro, *sections, steps],
        footer=t(lang, "psa_as_of", date=as_of),
        buttons=[Button(label=t(lang, "ui_check_button"), deep_link="check")],
    )


def shared_model_card(knowledge: Knowledge, model: str, lang: str) -> InfoCard:
    """A card about one model shared into someone else's chat (Telegram inline): it speaks of
    'owners', never 'your unit', and holds no personal data."""
    campaigns = knowledge.index.campaigns_for_model(model)
    product = knowledge.index.product(model)
    if product is None or not campaigns:
        return InfoCard(topic="model", title=t(lang, "verdict_not_in_known_recall_title",
                                               model=model))
    newest = max(campaigns, key=lambda c: c.announced)
    lines = [t(lang, "inline_where", regions=and_list(_regions_of(campaigns, lang), lang)),
             _inline_action(lang, campaigns)]
    buttons = link_buttons(lang, campaigns[:1], None)[:1]
    buttons.append(Button(label=t(lang, "ui_check_button"), deep_link=f"check-{product.model}"))
    return InfoCard(topic="model", title=t(lang, "inline_title", model=product.model,
                                           name=product.name),
                    sections=[Section(lines=lines)], source=campaign_source(lang, newest),
                    buttons=buttons)


def _inline_action(lang: str, campaigns: Sequence[Campaign]) -> str:
    kinds = {c.serial_rule.match.kind for c in campaigns}
    if "all_units" in kinds:
        return t(lang, "inline_action_all_units")
    if kinds == {"checker_only"}:
        return t(lang, "inline_action_checker", brand=campaigns[0].brand)
    return t(lang, "inline_action_serial")
