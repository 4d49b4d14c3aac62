"""Turns knowledge and check results into replies. All wording comes from the catalog.

This is also where the truth rules are applied to what the knowledge says: every card about a
recall names its sources and the date the knowledge was reviewed, and verdicts never claim more
than the data supports (see bot/truth.py for the final guard on every outgoing reply).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache, lru_cache

from babel import Locale

from bot.catalog import CATALOG
from bot.replies import Button, InfoCard, PsaCard, SafetyCard, Section, VerdictCard
from bot.tokens import Action
from bot.truth import MAX_SECTION, MAX_SECTIONS
from knowledge import Campaign, CheckResult, Knowledge, Verdict, pick_regional
from knowledge.schema import Claim, Contact, DateWindow, Remedy, Source

_BABEL_LOCALE = {"zh-Hans": "zh_Hans_CN", "zh-Hant": "zh_Hant_TW"}
_TRUST = ("primary", "corroborated", "single")  # source confidence, most trusted first


def t(lang: str, msgid: str, /, **kwargs: object) -> str:
    return CATALOG.text(lang, msgid, **kwargs)


@cache
def region_name(region: str, lang: str) -> str:
    """A region code in words, in the user's language ('TW' → '台灣' in zh-Hant)."""
    if region == "*":
        return t(lang, "region_worldwide")
    locale = Locale.parse(_BABEL_LOCALE.get(lang, lang.replace("-", "_")))
    name = locale.territories.get(region)
    return str(name) if name else region


def _user_region(region: str | None, lang: str) -> str:
    """Where the user bought it, in words ('*' means a country no campaign names)."""
    return t(lang, "region_other") if region in (None, "*") else region_name(region, lang)


def _window(window: DateWindow | None) -> str | None:
    if window is None or (window.start is None and window.end is None):
        return None
    return f"{window.start or '?'} – {window.end or '?'}"


def _sources(campaigns: Iterable[Campaign], wanted: set[str] | None = None) -> list[Source]:
    seen: dict[str, Source] = {}
    for campaign in campaigns:
        for source in campaign.sources:
            if wanted is None or source.id in wanted:
                seen.setdefault(source.url + source.title, source)
    return sorted(seen.values(), key=lambda s: _TRUST.index(s.confidence))


def _best(sources: Iterable[Source]) -> Source | None:
    return min(sources, key=lambda s: _TRUST.index(s.confidence), default=None)


def _lead_sources(result: CheckResult) -> list[Source]:
    """One source per campaign shown (the one behind its remedy when there is one), in order."""
    chosen: list[Source] = []
    for cv in result.campaigns[:3]:
        wanted = set(cv.remedy.sources) if cv.remedy else set()
        best = _best(s for s in cv.campaign.sources if s.id in wanted) or _best(cv.campaign.sources)
        if best and best not in chosen:
            chosen.append(best)
    for campaign in result.elsewhere:
        best = _best(campaign.sources)
        if len(chosen) < 3 and best and best not in chosen:
            chosen.append(best)
    return chosen


def sources_footer(lang: str, sources: Sequence[Source], as_of: str) -> str:
    """'Sources: …. Knowledge reviewed DATE.' — at most three sources, in the order given."""
    parts = []
    for source in sources[:3]:
        dated = f", {source.date.isoformat()}" if source.date else ""
        confidence = t(lang, f"confidence_{source.confidence.value}")
        parts.append(f"{source.title}{dated} ({confidence}) {source.url}")
    return t(lang, "footer_sources", sources=" · ".join(parts), date=as_of)


def authority_line(lang: str, campaign: Campaign) -> str:
    authority = campaign.authority
    who = t(lang, "authority_voluntary", brand=campaign.brand) \
        if authority.kind.value == "voluntary" else authority.kind.value
    number = f" {t(lang, 'recall_number', number=authority.recall_number)}" \
        if authority.recall_number else ""
    msgid = "campaign_line" if campaign.kind == "recall" else f"campaign_line_{campaign.kind}"
    line = t(lang, msgid, who=who, date=campaign.announced_label, number=number)
    return f"{line} {authority.url}" if authority.url else line


def campaign_lines(lang: str, campaign: Campaign) -> list[str]:
    """What a campaign covers: who recalled it, where, when sold and made, the hazard."""
    lines = [authority_line(lang, campaign)]
    regions = ", ".join(region_name(r, lang) for r in campaign.regions)
    lines.append(t(lang, "campaign_regions", regions=regions))
    sold, made = _window(campaign.sold), _window(campaign.made)
    if sold:
        lines.append(t(lang, "campaign_sold", window=sold))
    if made:
        lines.append(t(lang, "campaign_made", window=made))
    lines.append(t(lang, "campaign_hazard", hazard=campaign.hazard.get(lang)))
    return lines


def remedy_lines(lang: str, remedy: Remedy) -> list[str]:
    lines = [f"• {option.description.get(lang)}" for option in remedy.options]
    if remedy.note:
        lines.append(remedy.note.get(lang))
    return lines


def claim_lines(lang: str, claim: Claim) -> list[str]:
    lines = [f"{i}. {step.get(lang)}" for i, step in enumerate(claim.steps, 1)]
    if claim.photos:
        lines.append(t(lang, "claim_photos"))
        lines += [f"• {photo.get(lang)}" for photo in claim.photos]
    lines.append(t(lang, f"proof_{claim.proof_of_purchase}"))
    lines.append(t(lang, f"unit_fate_{claim.unit_fate}"))
    return lines


def contact_lines(lang: str, contact: Contact) -> list[str]:
    lines = []
    if contact.phone:
        hours = f" ({contact.hours.get(lang)})" if contact.hours else ""
        lines.append(t(lang, "contact_phone", phone=contact.phone, hours=hours))
    if contact.email:
        lines.append(t(lang, "contact_email", email=contact.email))
    if contact.web:
        lines.append(t(lang, "contact_web", url=contact.web))
    if contact.wechat:
        lines.append(t(lang, "contact_wechat", wechat=contact.wechat))
    return lines


def fitted_sections(heading: str, lines: list[str]) -> list[Section]:
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


def checker_url(campaign: Campaign) -> str | None:
    match = campaign.serial_rule.match
    return match.checker_url if match.kind == "checker_only" else None


@cache
def _topic_buttons(lang: str) -> tuple[Button, ...]:
    return (
        Button(label=t(lang, "button_remedy"), token=Action("topic", "remedy").pack()),
        Button(label=t(lang, "button_claim"), token=Action("topic", "claim").pack()),
        Button(label=t(lang, "button_dispose"), token=Action("topic", "dispose").pack()),
    )


def next_step_buttons(lang: str, version: int | None = None) -> list[Button]:
    """What do I get · how to claim · how to dispose · check another device."""
    again = Button(label=t(lang, "button_again"), token=Action("again", None, version).pack())
    return [*_topic_buttons(lang), again]


def _serial_section(lang: str, result: CheckResult) -> Section | None:
    serial = result.serial
    if serial is None or serial.serial is None:
        return None
    lines = []
    if serial.changes:
        changes = ", ".join(t(lang, f"serial_change_{c}") if c in ("spaces", "case") else c
                            for c in serial.changes)
        lines.append(t(lang, "serial_read_as", serial=serial.serial, changes=changes))
    if serial.invalid_reason is not None:
        lengths = "/".join(str(n) for n in serial.expected_lengths) or "?"
        lines.append(t(lang, f"serial_invalid_{serial.invalid_reason.value}",
                       length=len(serial.serial), expected=lengths))
    if any(c in serial.serial for c in "L1Z2") and result.product and \
            any(cv.campaign.serial_rule.format.never_uses for cv in result.campaigns):
        lines.append(t(lang, "serial_lookalikes"))
    return Section(heading=t(lang, "heading_serial"), lines=lines) if lines else None


def verdict_card(knowledge: Knowledge, result: CheckResult, lang: str,
                 version: int | None = None) -> VerdictCard:
    """The answer to 'is mine affected?', with what to do now, remedies and sources."""
    model = result.model
    as_of = result.as_of.isoformat()
    if result.product is None or not result.campaigns:
        return _not_in_known_recall(knowledge, result, lang, version)
    name = result.product.name
    verdict = result.verdict
    main = result.campaigns[0]
    brand = main.campaign.brand
    key = f"verdict_{verdict.value}"
    if verdict is Verdict.AFFECTED and main.campaign.kind == "corrective_action":
        key = "verdict_corrective_action"  # a remedy is offered, but it is not a formal recall
    title = t(lang, f"{key}_title", model=model, name=name, brand=brand)
    sections: list[Section] = []
    body = f"{key}_body"
    if verdict is Verdict.CONFIRM_ON_CHECKER and checker_url(main.campaign) is None:
        body = "verdict_confirm_with_brand_body"  # no public checker: the brand's support decides
    summary = t(lang, body, model=model, name=name, brand=brand)
    sections.append(Section(lines=[summary]))
    serial_section = _serial_section(lang, result)
    if serial_section:
        sections.append(serial_section)
    if verdict in (Verdict.AFFECTED, Verdict.CONFIRM_ON_CHECKER, Verdict.SERIAL_NEEDED):
        sections.append(Section(heading=t(lang, "heading_now"),
                                lines=[knowledge.guidance.stop_using.text.get(lang)]))
    elif verdict is Verdict.NOT_AFFECTED:
        sections.append(Section(lines=[t(lang, "verdict_not_affected_caution")]))
    for cv in result.campaigns[:3]:
        lines = campaign_lines(lang, cv.campaign)
        url = checker_url(cv.campaign)
        if cv.verdict in (Verdict.CONFIRM_ON_CHECKER, Verdict.SERIAL_INVALID):
            if url:
                lines.append(t(lang, "verdict_checker_link", url=url))
            elif cv.contact is not None:
                lines += contact_lines(lang, cv.contact)
        if cv.remedy is not None:
            lines.append(t(lang, "remedy_in_region",
                           region=region_name(cv.remedy.region, lang)))
            lines += remedy_lines(lang, cv.remedy)
        elif not cv.campaign.remedies and cv.campaign.kind != "warning":  # a warning has none
            lines.append(t(lang, "remedy_unknown", brand=cv.campaign.brand))
        sections.append(Section(heading=cv.campaign.title.get(lang), lines=lines))
    if result.needs_region:
        sections.append(Section(lines=[t(lang, "remedy_depends_on_region")]))
    if result.elsewhere:
        others = _titles_with_regions(result.elsewhere, lang)
        sections.append(Section(lines=[t(lang, "also_recalled_elsewhere", model=model,
                                         campaigns=others)]))
    return VerdictCard(
        verdict=verdict.value, model=model, title=title, sections=sections,
        footer=sources_footer(lang, _lead_sources(result), as_of),
        buttons=next_step_buttons(lang, version),
        private=result.serial is not None and result.serial.serial is not None,
    )


def _titles_with_regions(campaigns: Iterable[Campaign], lang: str) -> str:
    """'Title (Japan); Title (United States)' for campaigns the user's region is not in."""
    return "; ".join(f"{c.title.get(lang)} ({', '.join(region_name(r, lang) for r in c.regions)})"
                     for c in campaigns)


def _not_in_known_recall(knowledge: Knowledge, result: CheckResult, lang: str,
                         version: int | None) -> VerdictCard:
    as_of = result.as_of.isoformat()
    lines = [t(lang, "verdict_not_in_known_recall_body", model=result.model, date=as_of)]
    if result.elsewhere:
        where = _titles_with_regions(result.elsewhere, lang)
        lines = [t(lang, "verdict_not_in_region_body", model=result.model, date=as_of,
                   region=_user_region(result.region, lang), campaigns=where)]
    lines.append(t(lang, "double_check_how"))
    lines.append(knowledge.guidance.emergency.text.get(lang))
    sources = _sources(result.elsewhere) or list(knowledge.guidance.sources[:1])
    return VerdictCard(
        verdict=Verdict.NOT_IN_KNOWN_RECALL.value, model=result.model,
        title=t(lang, "verdict_not_in_known_recall_title", model=result.model),
        sections=[Section(lines=lines)],
        footer=sources_footer(lang, sources, as_of),
        buttons=[Button(label=t(lang, "button_again"), token=Action("again", None, version).pack())],
    )


def check_text(knowledge: Knowledge, result: CheckResult, lang: str) -> str:
    """The verdict card as plain text (for `recall-bot check`)."""
    return verdict_card(knowledge, result, lang).plain_text()


@lru_cache(maxsize=4096)  # a pure function of its arguments; the cards are immutable
def _topic_card(knowledge: Knowledge, model: str | None, region: str | None, lang: str,
                topic: str) -> InfoCard:
    campaigns, _ = knowledge.index.campaigns_for(model, region) if model else ([], [])
    sections: list[Section] = []
    used: set[str] = set()
    if region is None and model and knowledge.index.region_matters(model) \
            and topic in ("remedy", "claim"):
        sections.append(Section(lines=[t(lang, "remedy_depends_on_region")]))
    for campaign in campaigns[:4]:
        lines: list[str] = []
        if topic in ("remedy", "claim") and campaign.kind == "warning":
            lines.append(t(lang, "warning_no_remedy", brand=campaign.brand))
        elif topic == "remedy":
            remedy = pick_regional(campaign.remedies, region)
            if not campaign.remedies:
                lines.append(t(lang, "remedy_unknown", brand=campaign.brand))
            elif remedy is None:
                lines.append(t(lang, "remedy_depends_on_region"))
                for r in campaign.remedies:
                    lines.append(f"{region_name(r.region, lang)}:")
                    lines += remedy_lines(lang, r)
                    used.update(r.sources)
            else:
                lines.append(t(lang, "remedy_in_region", region=region_name(remedy.region, lang)))
                lines += remedy_lines(lang, remedy)
                used.update(remedy.sources)
        elif topic == "claim":
            claim = pick_regional(campaign.claims, region)
            if claim is None:
                lines.append(t(lang, "claim_unknown", brand=campaign.brand))
            else:
                lines += claim_lines(lang, claim)
                used.update(claim.sources)
            lines.append(t(lang, "no_times_known"))
        elif topic == "contact":
            contact = pick_regional(campaign.contacts, region)
            if contact is None:
                lines.append(t(lang, "contact_unknown", brand=campaign.brand))
            else:
                lines += contact_lines(lang, contact)
                used.update(contact.sources)
        elif topic == "dispose" and campaign.disposal:
            lines.append(campaign.disposal.get(lang))
            used.update(s.id for s in campaign.sources[:1])
        if lines:
            sections += fitted_sections(campaign.title.get(lang), lines)
    if topic == "dispose":
        sections.append(Section(heading=t(lang, "heading_dispose_general"),
                                lines=[knowledge.guidance.disposal.text.get(lang)]))
        sources = [s for s in knowledge.guidance.sources if s.id in knowledge.guidance.disposal.sources]
    else:
        sources = []
    sources = _sources(campaigns, used) + sources
    if not sections:
        sections.append(Section(lines=[t(lang, f"topic_{topic}_needs_model")]))
    as_of = knowledge.index.as_of.isoformat()
    title = t(lang, f"topic_{topic}_title", model=model or "")
    return InfoCard(topic=topic, title=title, sections=sections,
                    footer=sources_footer(lang, sources, as_of) if sources else None,
                    buttons=next_step_buttons(lang)[:3] if model else [])


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


def safety_card(knowledge: Knowledge, lang: str) -> SafetyCard:
    """Urgent steps for a hot, swollen or smoking battery."""
    guidance = knowledge.guidance
    sources = [s for s in guidance.sources if s.id in guidance.emergency.sources]
    return SafetyCard(title=t(lang, "safety_title"),
                      sections=[Section(lines=[guidance.emergency.text.get(lang)]),
                                Section(lines=[guidance.storage.text.get(lang)])],
                      footer=sources_footer(lang, sources, guidance.last_reviewed.isoformat()))


def models_card(knowledge: Knowledge, lang: str) -> InfoCard:
    """Every recalled model this bot knows, grouped by brand."""
    by_brand: dict[str, list[str]] = {}
    for campaign in knowledge.index.campaigns:
        for product in campaign.products:
            entry = f"{product.model} — {product.name}"
            if entry not in by_brand.setdefault(campaign.brand, []):
                by_brand[campaign.brand].append(entry)
    sections = [Section(heading=brand, lines=sorted(lines)) for brand, lines in by_brand.items()]
    if len(sections) > MAX_SECTIONS - 4:  # too many brands for one card: fold the smaller ones
        big = sorted(sections, key=lambda s: -len(s.lines))[:MAX_SECTIONS - 8]
        rest = [f"{s.heading}: {line}" for s in sections if s not in big for line in s.lines]
        sections = [s for s in sections if s in big] + \
            fitted_sections(t(lang, "heading_other_brands"), rest)
    return InfoCard(topic="models", title=t(lang, "topic_models_title"), sections=sections,
                    footer=t(lang, "footer_as_of", date=knowledge.index.as_of.isoformat()))


def psa_card(knowledge: Knowledge, lang: str) -> PsaCard:
    """The PSA moderators post: what is recalled, what to do, a button to check privately."""
    lines = [t(lang, "psa_intro")]
    anker = [c for c in knowledge.index.campaigns if c.brand == "Anker" and c.part_of is None]
    for campaign in sorted(anker, key=lambda c: c.announced, reverse=True)[:6]:
        models = ", ".join(p.model for p in campaign.products)
        lines.append(f"• {campaign.title.get(lang)}: {models}")
    steps = [t(lang, "psa_step_find"), t(lang, "psa_step_check"), t(lang, "psa_step_stop"),
             t(lang, "psa_step_dispose")]
    sources = _sources(anker)[:4]
    return PsaCard(
        title=t(lang, "psa_title"),
        sections=[Section(lines=lines), Section(heading=t(lang, "psa_what_to_do"), lines=steps)],
        footer=sources_footer(lang, sources, knowledge.index.as_of.isoformat()),
        buttons=[Button(label=t(lang, "ui_check_button"), deep_link="check")],
    )
