"""The recall check: model (+ serial, + region) → a verdict per campaign and an overall one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TypeVar

from knowledge.index import KnowledgeIndex
from knowledge.normalise import normalise_model
from knowledge.schema import REGION_PARENTS, Campaign, Claim, Contact, Product, Remedy
from knowledge.serial_rules import SEVERITY, SerialResult, Verdict, evaluate_serial

_Regional = TypeVar("_Regional", Remedy, Claim, Contact)


def pick_regional(items: Sequence[_Regional], region: str | None) -> _Regional | None:
    """The entry for `region`, else its parent region, else the worldwide one ('*').

    With no region, a campaign's only entry is returned; with a region, an entry for another
    region never is (a US remedy is not the answer for Japan).
    """
    if region is not None:
        for wanted in (region, REGION_PARENTS.get(region), "*"):
            for item in items:
                if item.region == wanted:
                    return item
        return None
    if len(items) == 1:
        return items[0]
    return next((i for i in items if i.region == "*"), None)


def _checker_url(campaign: Campaign) -> str | None:
    match = campaign.serial_rule.match
    return match.checker_url if match.kind == "checker_only" else None


@dataclass(frozen=True)
class CampaignVerdict:
    campaign: Campaign
    serial: SerialResult
    remedy: Remedy | None
    claim: Claim | None
    contact: Contact | None

    @property
    def verdict(self) -> Verdict:
        return self.serial.verdict


@dataclass(frozen=True)
class CheckResult:
    model: str
    product: Product | None
    region: str | None
    verdict: Verdict
    campaigns: list[CampaignVerdict] = field(default_factory=list)
    elsewhere: list[Campaign] = field(default_factory=list)
    needs_region: bool = False
    as_of: date = date.min

    @property
    def serial(self) -> SerialResult | None:
        return self.campaigns[0].serial if self.campaigns else None


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a check of (model, region) finds before looking at any serial."""

    canonical: str
    product: Product
    applicable: tuple[tuple[Campaign, Remedy | None, Claim | None, Contact | None], ...]
    elsewhere: tuple[Campaign, ...]
    needs_region: bool


_plans: dict[int, tuple[KnowledgeIndex, dict[tuple[str, str | None], _Plan]]] = {}
MAX_PLANS = 4096  # per index: (model as typed, region) pairs


def _plan(index: KnowledgeIndex, model: str, region: str | None) -> _Plan | None:
    """The serial-independent part of `check`, remembered per index (an index never changes):
    it was ~half of a check, and every model preview and verdict runs one. Only for known
    models, so nothing but model numbers is kept."""
    held = _plans.get(id(index))
    if held is None or held[0] is not index:
        if len(_plans) >= 8:  # indexes of earlier knowledge versions (reloads)
            _plans.clear()
        held = _plans[id(index)] = (index, {})
    plans = held[1]
    plan = plans.get((model, region))
    if plan is not None:
        return plan
    canonical = index.canonical_model(model) or normalise_model(model)
    product = index.product(canonical)
    if product is None:
        return None
    applicable, elsewhere = index.campaigns_for(canonical, region)
    plan = _Plan(canonical, product,
                 tuple((c, pick_regional(c.remedies, region), pick_regional(c.claims, region),
                        pick_regional(c.contacts, region)) for c in applicable),
                 tuple(elsewhere), region is None and index.region_matters(canonical))
    if len(plans) < MAX_PLANS:
        plans[(model, region)] = plan
    return plan


def check(index: KnowledgeIndex, model: str, serial: str | None = None,
          region: str | None = None) -> CheckResult:
    """Check one device. Never returns 'safe': the mildest outcome is 'not in a known recall'."""
    plan = _plan(index, model, region)
    if plan is None:
        canonical = index.canonical_model(model) or normalise_model(model)
        return CheckResult(canonical, None, region, Verdict.NOT_IN_KNOWN_RECALL, as_of=index.as_of)
    verdicts = [
        CampaignVerdict(
            campaign=c,
            serial=_as_warning(c, evaluate_serial(c.serial_rule, serial)),
            remedy=remedy,
            claim=claim,
            contact=contact,
        )
        for c, remedy, claim, contact in plan.applicable
    ]
    # A recall (with its remedy) before a mere warning; then most severe first; among equals,
    # with no country known one that holds everywhere (not Anker Japan's page for a German),
    # then one whose checker link the user can follow, then newest. The overall verdict is
    # therefore "warning" only when every campaign that applies is a warning.
    verdicts.sort(key=lambda v: (v.verdict is Verdict.WARNING, -SEVERITY[v.verdict],
                                 region is None and "*" not in v.campaign.regions,
                                 _checker_url(v.campaign) is None,
                                 -v.campaign.announced.toordinal()))
    overall = verdicts[0].verdict if verdicts else Verdict.NOT_IN_KNOWN_RECALL
    # The answer is as fresh as the least recently checked campaign it relies on.
    as_of = min((v.campaign.last_checked for v in verdicts), default=index.as_of)
    return CheckResult(plan.canonical, plan.product, region, overall, verdicts,
                       list(plan.elsewhere), plan.needs_region, as_of)


def _as_warning(campaign: Campaign, result: SerialResult) -> SerialResult:
    """Under an authority's warning a matching unit is 'warned about', not 'recalled'."""
    if campaign.kind == "warning" and result.verdict is Verdict.AFFECTED:
        return replace(result, verdict=Verdict.WARNING)
    return result
