"""What changes for users between two versions of the knowledge.

`diff_campaigns(old, new)` compares the campaigns users are actually served (reviewed, not
superseded) and returns structured changes: campaigns added or withdrawn, models added or
removed, and changes of kind, regions, serial rule, remedy and contact per region. Alerts can be
built on these; `recall-bot knowledge diff OLD NEW` prints them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from knowledge.index import KnowledgeIndex
from knowledge.schema import Campaign, Contact, Remedy


class ChangeKind(StrEnum):
    CAMPAIGN_ADDED = "campaign_added"
    CAMPAIGN_REMOVED = "campaign_removed"
    MODELS_ADDED = "models_added"
    MODELS_REMOVED = "models_removed"
    KIND_CHANGED = "kind_changed"
    REGIONS_CHANGED = "regions_changed"
    SERIAL_RULE_CHANGED = "serial_rule_changed"
    REMEDY_CHANGED = "remedy_changed"
    CONTACT_CHANGED = "contact_changed"


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    campaign: str
    models: list[str] = field(default_factory=list)  # the models it concerns
    region: str | None = None  # for remedy and contact changes
    before: str | None = None  # a one-line summary of the old value (None: there was none)
    after: str | None = None  # a one-line summary of the new value (None: there is none now)

    def __str__(self) -> str:
        where = f" [{self.region}]" if self.region else ""
        models = ", ".join(self.models)
        if self.kind is ChangeKind.CAMPAIGN_ADDED:
            return f"+ {self.campaign}: new {self.after} for {models}"
        if self.kind is ChangeKind.CAMPAIGN_REMOVED:
            return f"- {self.campaign}: no longer served ({self.before}) for {models}"
        if self.kind is ChangeKind.MODELS_ADDED:
            return f"~ {self.campaign}: models added: {models}"
        if self.kind is ChangeKind.MODELS_REMOVED:
            return f"~ {self.campaign}: models removed: {models}"
        label = self.kind.value.removesuffix("_changed").replace("_", " ")
        return f"~ {self.campaign}{where}: {label}: {self.before or '(none)'} → {self.after or '(none)'}"


def _served(campaigns: Sequence[Campaign]) -> dict[str, Campaign]:
    return {c.id: c for c in KnowledgeIndex(campaigns).campaigns}


def _models(campaign: Campaign) -> list[str]:
    return [p.model for p in campaign.products]


def _summary(campaign: Campaign) -> str:
    number = f" {campaign.authority.recall_number}" if campaign.authority.recall_number else ""
    return (f"{campaign.kind} by {campaign.authority.kind.value}{number}, "
            f"{campaign.announced_label}, {'/'.join(campaign.regions)}")


def _rule(campaign: Campaign) -> str:
    rule = campaign.serial_rule.match.model_dump(exclude_none=True)
    kind = rule.pop("kind")
    details = ", ".join(f"{k}={v}" for k, v in sorted(rule.items()))
    return f"{kind} ({details})" if details else kind


def _remedy(remedy: Remedy | None) -> str | None:
    if remedy is None:
        return None
    options = []
    for option in remedy.options:
        extra = [x for x in (getattr(option, "model", None), getattr(option, "amount", None)) if x]
        options.append(f"{option.kind}{' ' + ' '.join(extra) if extra else ''}: "
                       f"{option.description.en}")
    note = f" (note: {remedy.note.en})" if remedy.note else ""
    return " | ".join(options) + note


def _contact(contact: Contact | None) -> str | None:
    if contact is None:
        return None
    parts = [contact.phone, contact.hours.en if contact.hours else None, contact.email,
             contact.web, contact.wechat]
    return ", ".join(p for p in parts if p)


def _regional(kind: ChangeKind, campaign: Campaign, old: dict[str, str | None],
              new: dict[str, str | None]) -> list[Change]:
    changes = []
    for region in sorted(set(old) | set(new)):
        if old.get(region) != new.get(region):
            changes.append(Change(kind, campaign.id, _models(campaign), region,
                                  old.get(region), new.get(region)))
    return changes


def diff_campaigns(old: Sequence[Campaign], new: Sequence[Campaign]) -> list[Change]:
    """Every change users would notice, campaign by campaign (in id order)."""
    before, after = _served(old), _served(new)
    changes: list[Change] = []
    for cid in sorted(set(before) | set(after)):
        was, now = before.get(cid), after.get(cid)
        if was is None and now is not None:
            changes.append(Change(ChangeKind.CAMPAIGN_ADDED, cid, _models(now), after=_summary(now)))
            continue
        if now is None and was is not None:
            changes.append(Change(ChangeKind.CAMPAIGN_REMOVED, cid, _models(was),
                                  before=_summary(was)))
            continue
        assert was is not None and now is not None
        added = [m for m in _models(now) if m not in _models(was)]
        removed = [m for m in _models(was) if m not in _models(now)]
        if added:
            changes.append(Change(ChangeKind.MODELS_ADDED, cid, added))
        if removed:
            changes.append(Change(ChangeKind.MODELS_REMOVED, cid, removed))
        for kind, old_value, new_value in (
                (ChangeKind.KIND_CHANGED, was.kind, now.kind),
                (ChangeKind.REGIONS_CHANGED, "/".join(was.regions), "/".join(now.regions)),
                (ChangeKind.SERIAL_RULE_CHANGED, _rule(was), _rule(now))):
            if old_value != new_value:
                changes.append(Change(kind, cid, _models(now), None, old_value, new_value))
        changes += _regional(ChangeKind.REMEDY_CHANGED, now,
                             {r.region: _remedy(r) for r in was.remedies},
                             {r.region: _remedy(r) for r in now.remedies})
        changes += _regional(ChangeKind.CONTACT_CHANGED, now,
                             {c.region: _contact(c) for c in was.contacts},
                             {c.region: _contact(c) for c in now.contacts})
    return changes
