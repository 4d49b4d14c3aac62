"""Answer parts: the piece of the knowledge that answers one question, for a model and region.

A question in bot/data/questions.yaml names the parts that answer it ({part: claim_photos});
this module builds each part as a short card from the campaigns that apply to the model in the
user's region (all of the model's campaigns when the region is unknown). Wording comes from the
catalog, facts from the knowledge, each card closes with its sources.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from bot import flights, present
from bot.catalog import CATALOG, DEFAULT_LANGUAGE, placeholders
from bot.replies import Button, InfoCard, Link, Reply, Section, TextReply
from bot.truth import MAX_SECTION
from knowledge import Campaign, Knowledge, pick_regional
from knowledge.schema import Claim, Source

t = CATALOG.text


LIKELY_COUNTRY = present.LIKELY_COUNTRY  # with no country known: whose contacts come first


def _campaigns(knowledge: Knowledge, model: str | None, region: str | None,
               brand: str | None = None) -> list[Campaign]:
    """The campaigns a part speaks of: the model's (in the region, if known), else the brand's."""
    index = knowledge.index
    if model:
        applicable, _ = index.campaigns_for(model, None if region == "*" else region)
        return applicable
    if brand:
        return [c for c in index.campaigns if c.brand.lower() == brand.lower()]
    return []


def _card(knowledge: Knowledge, part: str, lang: str, model: str | None, sections: list[Section],
          sources: Iterable[Source], buttons: list[Button] | None = None,
          campaign: Campaign | None = None) -> InfoCard:
    """A short card: the title, the lines, and one linked source line (issue #12's shape)."""
    best = present.best_source(sources)
    link = present.source_link(lang, best, campaign) if best is not None else None
    footer = None if link else t(lang, "footer_as_of",
                                 date=present.date_label(knowledge.index.as_of, lang))
    template = f"part_{part}_title"
    names_model = "model" in placeholders(CATALOG.text(DEFAULT_LANGUAGE, template))
    title = t(lang, "part_general_title") if names_model and not model else \
        t(lang, template, model=model or "")
    return InfoCard(topic=part, title=title,
                    sections=sections, source=link, footer=footer, buttons=buttons or [],
                    about=(part,))


def _by_campaign(campaigns: list[Campaign], lang: str,
                 lines_for: Callable[[Campaign], tuple[list[str], list[Source]]]
                 ) -> tuple[list[Section], list[Source]]:
    """One section per campaign that has something to say (headed by its title if several)."""
    sections: list[Section] = []
    sources: list[Source] = []
    said: list[tuple[str, ...]] = []
    for campaign in campaigns[:4]:
        lines, used = lines_for(campaign)
        if not lines or tuple(lines) in said:  # regional parts often repeat the same words
            continue
        said.append(tuple(lines))
        heading = campaign.title.get(lang) if len(campaigns) > 1 else None
        sections.append(Section(heading=heading, lines=lines))
        sources += used
    return sections, sources


def _cited(campaign: Campaign, ids: Iterable[str]) -> list[Source]:
    wanted = set(ids)
    return [s for s in campaign.sources if s.id in wanted][:1] or campaign.sources[:1]


def claim_part(knowledge: Knowledge, part: str, model: str | None, region: str | None,
               lang: str) -> InfoCard:
    """Photos, proof of purchase or what happens to the unit: one line set per campaign."""
    def lines_for(campaign: Campaign) -> tuple[list[str], list[Source]]:
        claim = pick_regional(campaign.claims, region)
        if claim is None:
            return [t(lang, "claim_unknown", brand=campaign.brand)], campaign.sources[:1]
        if part == "claim_photos":
            lines = [f"• {p.get(lang)}" for p in claim.photos] or \
                [t(lang, "claim_photos_unknown", brand=campaign.brand)]
            if _written_on_unit(claim):  # owners write RECALL on a note beside it and are
                lines.insert(0, t(lang, "claim_photos_on_unit"))  # turned down: said first
        elif part == "proof_of_purchase":
            lines = [t(lang, f"proof_{claim.proof_of_purchase}")]
            if claim.proof_note:  # "$36 without it"
                lines.append(claim.proof_note.get(lang))
        else:
            lines = [t(lang, f"unit_fate_{claim.unit_fate}")]
        return lines, _cited(campaign, claim.sources)

    newest = sorted(_campaigns(knowledge, model, region), key=lambda c: c.announced, reverse=True)
    campaigns = _likely_first(newest, region, lang)  # the recall the verdict names comes first
    sections, sources = _by_campaign(campaigns, lang, lines_for)
    if not campaigns and model and region:  # "no receipt" for an A1263 bought in Germany:
        sections = [Section(lines=[t(lang, "region_not_listed", model=model,  # no recall there
                                     region=present.region_name(region, lang))])]
    buttons = _form_buttons(knowledge, model, region, lang)
    if any(not pick_regional(c.claims, region) for c in campaigns[:4]):
        buttons.append(present.topic_button(lang, "contact"))  # "claim_unknown" says: tap it
    return _card(knowledge, part, lang, model, sections, sources, buttons,
                 campaigns[0] if campaigns else None)


def _written_on_unit(claim: Claim) -> bool:
    """Whether the claim's photo asks for words written on the unit (in permanent marker)."""
    return any(
        word in photo.get("en").lower() for photo in claim.photos for word in ("marker", "written"))


def _form_buttons(knowledge: Knowledge, model: str | None, region: str | None,
                  lang: str) -> list[Button]:
    """A link button to the official claim form or checker, when there is one."""
    for campaign in _campaigns(knowledge, model, region):
        claim = pick_regional(campaign.claims, region)
        url = (claim.form_url if claim else None) or present.checker_url(campaign)
        if url:
            return [Button(label=t(lang, "button_official_form", brand=campaign.brand), url=url)]
    return []


def guidance_part(knowledge: Knowledge, part: str, lang: str) -> InfoCard:
    """Storage while waiting, or 'stop using it': the same for every recall."""
    guidance = knowledge.guidance
    item = guidance.storage if part == "storage" else guidance.stop_using
    sources = [s for s in guidance.sources if s.id in item.sources]
    return _card(knowledge, part, lang, None, [Section(lines=[item.text.get(lang)])], sources)


def _likely_first(campaigns: list[Campaign], region: str | None, lang: str) -> list[Campaign]:
    """With no country known: campaigns for every country, then those of the language's likely
    country, then the rest (what is shown first is what most askers need)."""
    if region is not None:
        return campaigns
    likely = LIKELY_COUNTRY.get(lang)
    return sorted(campaigns, key=lambda c: 0 if "*" in c.regions else 1 if likely in c.regions
                  else 2)  # (stable: the caller's order within each group)


def checker_part(knowledge: Knowledge, model: str | None, region: str | None,
                 lang: str, brand: str | None = None) -> InfoCard:
    """Who decides: the official checker (a link button) or, without one, the brand's support.
    Without a model, the checkers of the brand named ("Xiaomi's checker said…"), if any."""
    sections: list[Section] = []
    buttons: list[Button] = []
    sources: list[Source] = []
    campaigns = _likely_first(_campaigns(knowledge, model, region, brand), region, lang)
    if model is None:  # a brand's checkers only; its support lines would be a list of campaigns
        campaigns = [c for c in campaigns if present.checker_url(c)]
    if region is None and any(present.checker_url(c) for c in campaigns):
        # a checker answers it; other countries' support lines (China's WeChat for an English
        # question) are for those who said they bought it there, and so are their checkers
        # when one serves every country or the language's likely one
        campaigns = [c for c in campaigns if present.checker_url(c)]
        likely = LIKELY_COUNTRY.get(lang)
        preferred = [c for c in campaigns if "*" in c.regions or likely in c.regions]
        campaigns = preferred or campaigns
    for campaign in campaigns[:3]:
        url = present.checker_url(campaign)
        if url and not any(b.url == url for b in buttons):
            buttons.append(Button(label=t(lang, "button_official_checker", brand=campaign.brand),
                                  url=url))
            sources += campaign.sources[:1]
        elif not url:
            contact = pick_regional(campaign.contacts, region)
            if contact is not None:
                sections.append(Section(heading=campaign.title.get(lang),
                                        lines=present.contact_lines(lang, contact)))
                sources += _cited(campaign, contact.sources)
    lead = t(lang, "checker_decides") if buttons else t(lang, "brand_decides")
    if model is None and not buttons and not sections:
        lead = t(lang, "checker_needs_model")
    elif not buttons and not sections:  # nothing to press and no one listed to contact
        published = model is not None and any(
            c.serial_rule.match.kind in PUBLISHED_RULES
            for c in knowledge.index.campaigns_for_model(model))
        lead = t(lang, "serial_rule_published", model=model) if published \
            else t(lang, "brand_decides_no_contact")
    return _card(knowledge, "checker", lang, model, [Section(lines=[lead]), *sections], sources,
                 buttons)


def serial_location_part(knowledge: Knowledge, model: str | None, lang: str) -> InfoCard:
    """Where the model number and serial are printed on this model (or in general)."""
    lines: list[str] = []
    sources: list[Source] = []
    if model:
        product = knowledge.index.product(model)
        if product and product.label_location:
            lines.append(product.label_location.get(lang))
        for campaign in knowledge.index.campaigns_for_model(model):
            where = campaign.serial_rule.where_printed
            if where and where.get(lang) not in lines:
                lines.append(where.get(lang))
                sources += campaign.sources[:1]
                break
    brands = {c.brand for c in knowledge.index.campaigns_for_model(model)} if model else set()
    if not lines and model and brands and "Anker" not in brands:  # (the general help is
        # Anker's label places: no help for a Romoss)
        lines = [t(lang, "label_location_unknown", brand=sorted(brands)[0], model=model)]
    if not lines:
        lines = [t(lang, "label_places")]  # (help_find_model ends "send me the model number")
    return _card(knowledge, "serial_location", lang, model, [Section(lines=lines)], sources)


def serial_format_part(knowledge: Knowledge, model: str | None, lang: str,
                       brand: str | None = None) -> InfoCard:
    """How to type the serial: lengths, letters the brand never prints, spaces and dashes
    (the model's; else the brand's named; else Anker's, whose recalls people ask most about)."""
    lines = [t(lang, "serial_format_spaces")]
    sources: list[Source] = []
    campaigns = _likely_first(knowledge.index.campaigns_for_model(model), None, lang) if model \
        else [c for c in knowledge.index.campaigns if c.brand == (brand or "Anker")]
    for campaign in campaigns:
        fmt = campaign.serial_rule.format
        if fmt.lengths:
            lengths = "/".join(str(n) for n in fmt.lengths)
            lines.append(t(lang, "serial_format_length", brand=campaign.brand, lengths=lengths))
        if fmt.never_uses:
            lines.append(t(lang, "serial_format_never_uses", brand=campaign.brand,
                           letters=", ".join(fmt.never_uses)))
        if fmt.lengths or fmt.never_uses:
            sources += campaign.sources[:1]
            break
    lines.append(t(lang, "serial_format_not_model"))
    return _card(knowledge, "serial_format", lang, model, [Section(lines=lines)], sources)


# Serial rules the bot itself can apply: the recall published them (a list, prefixes, a pattern).
PUBLISHED_RULES: frozenset[str] = frozenset({"listed", "prefixes", "pattern"})


def serial_ranges_part(knowledge: Knowledge, model: str | None, lang: str,
                       brand: str | None = None) -> InfoCard:
    """Which serials are included: for most recalls no list is published (the checker decides);
    some publish codes or prefixes, and then the bot checks a serial itself; some list batch
    codes that the brand confirms (Romoss). Never a range the sources don't give. With no model,
    the brand named's rules, else which brands publish any."""
    own = knowledge.index.campaigns_for_model(model) if model else [
        c for c in knowledge.index.campaigns if brand and c.brand.lower() == brand.lower()]
    batches = [c for c in own if c.serial_rule.published_batches]
    if batches:  # listed by the notice, confirmed by the brand: shown, never matched
        lines = [*dict.fromkeys(c.serial_rule.published_batches.get(lang) for c in batches
                                if c.serial_rule.published_batches),
                 t(lang, "batches_confirm", brand=batches[0].brand)]
        return _card(knowledge, "serial_ranges", lang, model, [Section(lines=lines)],
                     batches[0].sources[:1])
    published = [c for c in own if c.serial_rule.match.kind in PUBLISHED_RULES]
    if published:
        rules = [line for c in published if (line := present.serial_rule_line(c, lang))]
        named = model or ", ".join(dict.fromkeys(p.model for c in published for p in c.products))
        return _card(knowledge, "serial_ranges", lang, model,
                     [Section(lines=[*dict.fromkeys(rules),
                                     t(lang, "serial_rule_published", model=named)])],
                     published[0].sources[:1])
    if model:
        return _card(knowledge, "serial_ranges", lang, model,
                     [Section(lines=[t(lang, "answer_serial_ranges")])], [])
    brands = sorted({c.brand for c in knowledge.index.campaigns
                     if c.serial_rule.match.kind in PUBLISHED_RULES
                     or c.serial_rule.published_batches})
    lines = [t(lang, "general_serial_ranges")]
    if brands:
        lines.append(t(lang, "serial_rules_published_by", brands=", ".join(brands)))
    return _card(knowledge, "serial_ranges", lang, None, [Section(lines=lines)], [])


def region_part(knowledge: Knowledge, model: str | None, region: str | None,
                lang: str) -> InfoCard:
    """Where the model is recalled, and whether the user's country is among those places."""
    if model is None:
        return _card(knowledge, "region_campaigns", lang, None,
                     [Section(lines=[t(lang, "topic_remedy_needs_model")])], [])
    every = knowledge.index.campaigns_for_model(model)
    places = sorted({r for c in every for r in c.regions})
    names = ", ".join(present.region_name(r, lang) for r in places)
    lines = [t(lang, "region_recalled_in", model=model, regions=names)]
    applicable: list[Campaign] = []
    if region and region != "*":
        applicable, _ = knowledge.index.campaigns_for(model, region)
    # the source of the recall that covers the user's country, when one does (a Hong Kong
    # article about China's recall said nothing of the US one)
    sources: list[Source] = [s for c in (applicable or every)[:2]
                             if (s := present.best_source(c.sources)) is not None]
    if region and region != "*":
        where = present.region_name(region, lang)
        if applicable:
            titles = "; ".join(c.title.get(lang) for c in applicable[:2])
            lines[:0] = [t(lang, "region_covered", model=model, region=where, campaigns=titles),
                         *(w for c in applicable[:1]  # "bought in 2018?" is then answered
                           if (w := present.sold_window_line(lang, c)) is not None)]
        else:
            lines.insert(0, t(lang, "region_not_listed", model=model, region=where))
    return _card(knowledge, "region_campaigns", lang, model, [Section(lines=lines)], sources,
                 _form_buttons(knowledge, model, region, lang))


def hazard_part(knowledge: Knowledge, model: str | None, region: str | None,
                lang: str) -> InfoCard:
    def lines_for(campaign: Campaign) -> tuple[list[str], list[Source]]:
        lines = [campaign.hazard.get(lang)]
        if campaign.figures.incidents:
            lines.append(campaign.figures.incidents.get(lang))
        return lines, campaign.sources[:1]

    sections, sources = _by_campaign(_campaigns(knowledge, model, region), lang, lines_for)
    return _card(knowledge, "hazard", lang, model, sections, sources)


def other_products_part(knowledge: Knowledge, brand: str | None, lang: str,
                        region: str | None = None) -> InfoCard:
    """The recalled products this bot knows, of one brand; with no brand, those recalled in the
    user's country (or the likely one for the language: a phone screen, not 26 brands), with
    the number of brands recalled elsewhere."""
    place = None if brand else (region if region not in (None, "*") else LIKELY_COUNTRY.get(lang))
    by_brand = _recalled_models(knowledge, brand, place)
    lines = present.models_lines(knowledge, by_brand.items(), lang)
    if place and by_brand:
        others = set(_recalled_models(knowledge, None, None)) - set(by_brand)
        lines.insert(0, t(lang, "recalled_in_place", place=present.region_name(place, lang)))
        if others:
            lines.append(t(lang, "recalled_elsewhere_brands", count=len(others)))
            return _card(knowledge, "other_products", lang, None, [Section(lines=lines)], [])
    elif place:  # nothing listed for that country: every recall
        lines = present.models_lines(knowledge, _recalled_models(knowledge, None, None).items(),
                                     lang)
    as_of = present.date_label(knowledge.index.as_of, lang)
    named = brand if brand and len(by_brand) == 1 else None
    lines.append(t(lang, "other_products_note_brand", brand=next(iter(by_brand)), date=as_of)
                 if named else t(lang, "other_products_note", date=as_of))
    return _card(knowledge, "other_products", lang, None, [Section(lines=lines)], [])


def _recalled_models(knowledge: Knowledge, brand: str | None,
                     place: str | None) -> dict[str, list[str]]:
    """Recalled models by brand: of one brand, or of the campaigns that cover `place`."""
    by_brand: dict[str, list[str]] = {}
    for campaign in knowledge.index.campaigns:
        if brand and campaign.brand.lower() != brand.lower():
            continue
        if place and not ({place, "*"} & set(campaign.regions)):
            continue
        for product in campaign.products:
            if present.listed_as(product) not in by_brand.setdefault(campaign.brand, []):
                by_brand[campaign.brand].append(present.listed_as(product))
    return by_brand



def contact_part(knowledge: Knowledge, model: str | None, region: str | None, brand: str | None,
                 lang: str) -> Reply:
    """The manufacturer's contacts: for the model, else the brand, else every brand's first."""
    if model:
        return present.contact_card(knowledge, model, None if region == "*" else region, lang)
    sections: list[Section] = []
    sources: list[Source] = []
    by_brand: dict[str, list[Campaign]] = {}
    for campaign in knowledge.index.campaigns:
        if not brand or campaign.brand.lower() == brand.lower():
            by_brand.setdefault(campaign.brand, []).append(campaign)
    likely = LIKELY_COUNTRY.get(lang) if region is None else None
    found_all = [found for campaigns in by_brand.values()
                 if (found := _brand_contact(campaigns, region, likely)) is not None]
    if brand and region is None and len(found_all) == 1 and found_all[0][1].region != likely:
        # "Anker's phone number?" with no country known, and none for the likely one: a line
        # per country, then the country (not the US hotline for someone in Taiwan)
        by_country = _contacts_by_country(found_all[0][0].brand,
                                          by_brand[found_all[0][0].brand], lang)
        if by_country is not None:
            return by_country
    here = [f for f in found_all if f[1].region in {region or likely} - {None}]
    if not brand and here:  # no brand named: the brands with a contact there (a Japanese
        found_all = here    # question gets Anker Japan, not six US hotlines)
    for campaign, contact in found_all:
        heading = campaign.brand
        wanted = region if region is not None else likely  # a German asking gets "Anker (USA)":
        if (wanted is not None and contact.region not in (wanted, "*")) or (  # not theirs, or
                region is None and contact.region != "*"):  # their country only guessed at
            # (an English speaker gets "Anker (United States)": told whose line it is)
            heading = f"{campaign.brand} ({present.place_of(contact.region, campaign, lang)})"
        lines = present.contact_lines(lang, contact)
        if lines and region not in (None, "*") and contact.region not in (region, "*"):
            # "a phone number in Germany?": say there is none there before the US one
            lines.insert(0, t(lang, "contact_not_for_region", brand=campaign.brand,
                              region=present.region_name(region, lang),
                              where=present.place_of(contact.region, campaign, lang)))
        links = [Link(label=t(lang, "button_website", brand=campaign.brand), url=contact.web)] \
            if contact.web else []
        if not lines and not links:
            continue  # nothing to reach them by (a contact known by its region only)
        sections.append(Section(heading=heading, lines=lines, links=links))
        sources += _cited(campaign, contact.sources)
    if not sections and brand and by_brand:  # "Romoss's phone number?": none in the sources
        name, campaigns = next(iter(by_brand.items()))
        sections = [Section(lines=[f"{name}: " + t(lang, "contact_none_listed", brand=name)])]
        sources = campaigns[0].sources[:1]
    if not sections:  # never an empty card
        sections = [Section(lines=[t(lang, "brand_decides_no_contact")])]
    return _card(knowledge, "contact", lang, None, sections[:8], sources[:3])


def _contacts_by_country(brand: str, campaigns: list[Campaign], lang: str) -> InfoCard | None:
    """One line per country a brand's recalls list a contact for (None if that is one only)."""
    lines: dict[str, str] = {}
    first: tuple[Campaign, list[Source]] | None = None  # the first line's source is cited
    for campaign in sorted(campaigns, key=lambda c: c.announced, reverse=True):
        for contact in campaign.contacts:
            reach = present.contact_reach(contact)
            place = present.place_of(contact.region, campaign, lang)
            if reach and place not in lines:
                lines[place] = f"• {place}: {reach}"
                first = first or (campaign, _cited(campaign, contact.sources))
    if len(lines) < 2 or first is None:
        return None
    best = present.best_source(first[1])
    link = present.source_link(lang, best, first[0]) if best is not None else None
    return InfoCard(topic="contact", title=t(lang, "contact_depends_title", model=brand),
                    sections=[Section(lines=[*list(lines.values())[:6],
                                             t(lang, "remedy_tell_country")])],
                    source=link, about=("contact", "by_country"))


def _brand_contact(campaigns: list[Campaign], region: str | None,
                   likely: str | None) -> tuple[Campaign, Any] | None:
    """A brand's contact for the region (any of its campaigns), else for the likely country,
    else its first campaign's first."""
    for wanted in (region, likely):
        if wanted is None:
            continue
        for campaign in campaigns:
            contact = pick_regional(campaign.contacts, wanted)
            if contact is not None and (wanted == region or contact.region == wanted):
                return campaign, contact
    for campaign in campaigns:  # none for that country: the one the recalls list (labelled)
        contact = pick_regional(campaign.contacts, None) or \
            (campaign.contacts[0] if campaign.contacts else None)
        if contact is not None:
            return campaign, contact
    return None


# Parts that, with no model named, have a general answer true of every recall in the knowledge.
GENERAL: frozenset[str] = frozenset({"remedy", "claim_steps", "claim_photos", "proof_of_purchase",
                                     "unit_fate", "hazard", "region_campaigns"})


def general_part(knowledge: Knowledge, part: str, lang: str) -> InfoCard:
    as_of = present.date_label(knowledge.index.as_of, lang)
    return InfoCard(topic=part, title=t(lang, "part_general_title"),
                    sections=[Section(lines=[t(lang, f"general_{part}")])],
                    footer=t(lang, "footer_as_of", date=as_of), about=(part, "general"))


def brand_remedy_part(knowledge: Knowledge, brand: str, place: str | None,
                      lang: str) -> InfoCard:
    """"安克召回选退款还是代金券？" with no model: the general answer, then what the brand's
    recalls give in the country named — or, none named, in the language's likely country,
    said as a condition ("If you bought your Anker in China: …"), never assumed."""
    card = general_part(knowledge, "remedy", lang)
    where = place or LIKELY_COUNTRY.get(lang)
    if where is None:
        return card
    lines: list[str] = []
    cited: Campaign | None = None
    newest_first = sorted(knowledge.index.campaigns, key=lambda c: c.announced, reverse=True)
    for campaign in newest_first:
        if campaign.brand.lower() != brand.lower():
            continue
        for remedy in campaign.remedies:
            if remedy.region == where and cited is None:  # the newest recall there, in full
                models = ", ".join(dict.fromkeys(p.model for p in campaign.products))
                lines = [f"{models}:", *present.remedy_lines(lang, remedy)[:4]]
                cited = campaign
                others = [c for c in knowledge.index.campaigns if c is not campaign
                          and c.brand.lower() == brand.lower()
                          and any(r.region == where for r in c.remedies)]
                if others:  # other recalls of the brand there give other things
                    lines.append(t(lang, "remedy_brand_other_models"))
    if not lines or cited is None:
        return card
    heading = t(lang, "remedy_brand_in_place", brand=cited.brand,
                place=present.region_name(where, lang))
    return card.model_copy(update={
        "sections": [*card.sections, Section(heading=heading, lines=lines)],
        "source": present.campaign_source(lang, cited)})


def flight_part(knowledge: Knowledge, regions: list[str], airline: str | None,
                lang: str) -> InfoCard:
    """The flight rules for a trip to or from `regions` on `airline`, each with its date."""
    lines = flights.flight_lines(knowledge, regions, airline, lang) or [t(lang, "answer_flight")]
    sources = flights.flight_sources(knowledge, regions, airline)
    # A section holds 1,000 characters (a Discord embed field 1,024): rules for a country and
    # an airline run past it, so they go in sections of whole lines — never cut mid-sentence.
    groups: list[list[str]] = []
    for line in lines:
        if groups and sum(len(x) + 1 for x in groups[-1]) + len(line) < MAX_SECTION:
            groups[-1].append(line)
        else:
            groups.append([line])
    return _card(knowledge, "flight_rules", lang, None, [Section(lines=g) for g in groups],
                 sources[:3])


def processing_time_part(knowledge: Knowledge, model: str | None, region: str | None,
                         lang: str) -> Reply:
    """How long a claim takes: what the brand states for this model's claims (INIU: about 15
    business days), else that no source states it — never an estimate."""
    stated = {claim.processing_time.get(lang): c.brand
              for c in _campaigns(knowledge, model, region)
              for claim in c.claims if claim.processing_time
              and (region is None or claim.region in (region, "*"))}
    if stated:  # asked because no reply came: the stated time, and that nothing says what's next
        overdue = [t(lang, "processing_time_overdue", brand=b) for b in dict.fromkeys(stated.values())]
        return TextReply(text=" ".join([*stated, *overdue]), about=("processing_time", "no_times_known"))
    return TextReply(text=t(lang, "answer_delivery_time"), about=("no_times_known",))


def build(knowledge: Knowledge, part: str, model: str | None, region: str | None,
          brand: str | None, lang: str, *, places: list[str] | None = None,
          airline: str | None = None) -> Reply:
    """The card for one answer part (a general one when the part needs a model and has none).

    `places` are the regions the message itself names (a flight to Seoul: KR), `airline` an
    airline it names; both only matter to the flight rules. Built once per arguments: a part
    is a pure function of the knowledge (which holds no per-user data), and replies are
    immutable, so the truth guard's verdict on a card is remembered too.
    """
    trip = tuple(places or ()) if part == "flight_rules" else ()
    return _build(knowledge, part, model, None if region == "*" else region, brand, lang,
                  trip, airline if part == "flight_rules" else None)


@lru_cache(maxsize=4096)
def _build(knowledge: Knowledge, part: str, model: str | None, region: str | None,
           brand: str | None, lang: str, places: tuple[str, ...], airline: str | None) -> Reply:
    if model is None and part == "remedy" and brand:
        return brand_remedy_part(knowledge, brand, region, lang)
    if model is None and part in GENERAL:
        return general_part(knowledge, part, lang)
    if part == "remedy":
        return present.remedy_card(knowledge, model, region, lang)
    if part == "claim_steps":
        return present.claim_card(knowledge, model, region, lang)
    if part in ("claim_photos", "proof_of_purchase", "unit_fate"):
        return claim_part(knowledge, part, model, region, lang)
    if part == "contact":
        return contact_part(knowledge, model, region, brand, lang)
    if part == "disposal":
        return present.dispose_card(knowledge, model, region, lang)
    if part in ("storage", "stop_using"):
        return guidance_part(knowledge, part, lang)
    if part == "checker":
        return checker_part(knowledge, model, region, lang, brand)
    if part == "serial_location":
        return serial_location_part(knowledge, model, lang)
    if part == "serial_format":
        return serial_format_part(knowledge, model, lang, brand)
    if part == "serial_ranges":
        return serial_ranges_part(knowledge, model, lang, brand)
    if part == "region_campaigns":
        return region_part(knowledge, model, region, lang)
    if part == "hazard":
        return hazard_part(knowledge, model, region, lang)
    if part == "models_list":
        return present.models_card(knowledge, lang)
    if part == "other_products":
        return other_products_part(knowledge, brand, lang, region)
    if part == "processing_time":
        return processing_time_part(knowledge, model, region, lang)
    if part == "flight_rules":
        trip = list(places) or ([region] if region else [])
        return flight_part(knowledge, trip, airline, lang)
    raise ValueError(f"no builder for answer part {part!r}")
