"""Checks beyond the schema: sources never to cite, and campaigns not checked for too long."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from knowledge.loader import CAMPAIGN_DIR, DATA_DIR, KnowledgeError
from knowledge.schema import Campaign

BANNED_SOURCES_FILE = DATA_DIR / "banned_sources.yaml"
DEFAULT_MAX_AGE_DAYS = 120


class BannedSource(BaseModel):
    """A publisher never to cite: `host` is a host name or a part of one ('merkurist')."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field(min_length=3)
    reason: str = Field(min_length=1)

    def matches(self, url: str, title: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        needle = self.host.lower()
        return needle in host or needle in title.lower()


def load_banned(path: Path = BANNED_SOURCES_FILE) -> list[BannedSource]:
    """The never-use list shipped with the knowledge."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return TypeAdapter(list[BannedSource]).validate_python(data)


def banned_citations(campaigns: Iterable[Campaign],
                     banned: Sequence[BannedSource] | None = None) -> list[KnowledgeError]:
    """One error per campaign source that names a never-use publisher."""
    rules = load_banned() if banned is None else banned
    errors = []
    for campaign in campaigns:
        for i, source in enumerate(campaign.sources):
            for rule in rules:
                if rule.matches(source.url, source.title):
                    errors.append(KnowledgeError(
                        f"{campaign.id}.yaml", f"sources.{i}",
                        f"{rule.host} is on the never-use list ({rule.reason})"))
    return errors


@dataclass(frozen=True)
class Stale:
    campaign: Campaign
    age_days: int

    def __str__(self) -> str:
        return (f"{self.campaign.id}.yaml: last_checked {self.campaign.last_checked.isoformat()} "
                f"is {self.age_days} days old")


def stale_campaigns(campaigns: Iterable[Campaign], max_age_days: int,
                    today: date | None = None) -> list[Stale]:
    """Campaigns whose sources nobody has checked for more than `max_age_days` days."""
    now = today or date.today()
    found = [Stale(c, (now - c.last_checked).days) for c in campaigns]
    return sorted((s for s in found if s.age_days > max_age_days),
                  key=lambda s: (-s.age_days, s.campaign.id))


def campaigns_at(path: Path) -> list[Campaign]:
    """The valid campaigns in a data directory, a directory of campaign files, or one file
    (invalid files are skipped: `validate_path` reports them)."""
    if path.is_dir() and (path / CAMPAIGN_DIR).is_dir():
        files = sorted((path / CAMPAIGN_DIR).glob("*.yaml"))
    elif path.is_dir():
        files = sorted(path.glob("*.yaml"))
    else:
        files = [path] if path.is_file() else []
    campaigns = []
    for file in files:
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
            campaigns.append(Campaign.model_validate(data))
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError, ValueError):
            continue
    return campaigns
