"""Every shipped knowledge file validates and keeps the truth rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.cli_knowledge import schema_text
from knowledge import DATA_DIR, Knowledge, load_files, validate_path
from knowledge.schema import Campaign

CAMPAIGN_FILES = sorted((DATA_DIR / "campaigns").glob("*.yaml"))
SCHEMA_JSON = Path(__file__).parents[2] / "knowledge" / "schema.json"

REQUIRED_CAMPAIGNS = {
    "anker-a1263-us-2025", "anker-a1263-jp-2025", "anker-2025-06-global",
    "anker-2025-09-us-cpsc", "anker-2025-06-ca", "anker-2025-06-cn", "anker-2025-09-tw",
    "anker-2025-06-jp", "anker-2024-09", "anker-a1366-2023", "anker-a1112-2024",
    "romoss-2025-cn", "baseus-2024-us", "xiaomi-2025", "iniu-2025-us", "esr-2025-us",
    "belkin-2025-us", "charmast-2024-us",
}

# Facts the reference file tags UNVERIFIED (or that only the PSA claims): never user-facing.
FORBIDDEN_IN_USER_TEXT = [
    r"25-?011", r"rc2506", r"salt", r"Amazon voucher", r"next to a (piece of )?paper",
    r"A1618", r"Amprius", r"Apex Wuxi", r"\bsafe\b", r"Amperex", r"\bATL\b",
]


# Recall numbers the research confirmed on the authority's page (recall-facts-2026.md §A/§B).
VERIFIED_RECALL_NUMBERS = {
    "anker-2025-09-us-cpsc": "25-466", "anker-a1263-us-2025": "25-338",
    "charmast-2024-us": "25-072", "newdery-2026-us": "26-792", "xo-poppy-2026-us": "26-740",
}


def user_texts(campaign: Campaign) -> list[str]:
    """Every string a user may read for this campaign, in every language."""
    texts = []
    for local in campaign.text_fields():
        texts += [v for v in local.model_dump().values() if v]
    for product in campaign.products:
        texts += [product.name, *product.aliases]
    texts += [s.title for s in campaign.sources]
    for contact in campaign.contacts:
        texts += [v for v in (contact.phone, contact.email, contact.web, contact.wechat) if v]
        texts += [v for v in contact.hours.model_dump().values() if v] if contact.hours else []
    if campaign.authority.recall_number:
        texts.append(campaign.authority.recall_number)
    return texts


@pytest.mark.parametrize("path", CAMPAIGN_FILES, ids=lambda p: p.name)
def test_each_campaign_file_validates_on_its_own(path: Path) -> None:
    assert validate_path(path) == []


def test_file_name_is_the_campaign_id(kb: Knowledge) -> None:
    files = {p.stem for p in CAMPAIGN_FILES}
    assert files == {c.id for c in kb.files.campaigns}


def test_the_whole_data_directory_loads() -> None:
    files = load_files()
    assert {c.id for c in files.campaigns} >= REQUIRED_CAMPAIGNS
    assert validate_path(DATA_DIR) == []
    assert re.fullmatch(r"[0-9a-f]{12}", files.version)


@pytest.mark.parametrize("path", CAMPAIGN_FILES, ids=lambda p: p.name)
def test_no_unverified_fact_in_user_facing_text(path: Path, kb: Knowledge) -> None:
    campaign = next(c for c in kb.files.campaigns if c.id == path.stem)
    for text in user_texts(campaign):
        for pattern in FORBIDDEN_IN_USER_TEXT:
            assert not re.search(pattern, text, re.IGNORECASE), (campaign.id, pattern, text)


def test_guidance_never_calls_anything_safe(kb: Knowledge) -> None:
    g = kb.guidance
    for topic in (g.emergency, g.stop_using, g.disposal, g.storage, g.flights):
        if topic is not None:
            for text in topic.text.model_dump().values():
                assert not text or not re.search(r"\bsafe\b", text, re.IGNORECASE), text


def test_every_campaign_is_sourced_and_reviewed(kb: Knowledge) -> None:
    for c in kb.index.campaigns:
        assert c.sources, c.id
        assert all(s.title and s.url.startswith("http") for s in c.sources), c.id
        assert c.last_reviewed >= c.announced, c.id
        for remedy in c.remedies:
            assert remedy.sources, c.id


def test_regional_parts_name_an_existing_family(kb: Knowledge) -> None:
    ids = {c.id for c in kb.index.campaigns}
    parts = {c.id: c.part_of for c in kb.index.campaigns if c.part_of}
    assert parts["anker-2025-09-us-cpsc"] == "anker-2025-06-global"
    assert {"anker-2025-06-ca", "anker-2025-06-cn", "anker-2025-09-tw",
            "anker-2025-06-jp"} <= {k for k, v in parts.items() if v == "anker-2025-06-global"}
    assert set(parts.values()) <= ids


def test_psa_corrections_follow_the_facts_file(kb: Knowledge) -> None:
    """Where the PSA text disagrees with the sources, the data follows the sources."""
    a1263 = next(c for c in kb.index.campaigns if c.id == "anker-a1263-us-2025")
    photos = " ".join(p.en for claim in a1263.claims for p in claim.photos)
    assert "on the power bank" in photos and "paper" not in photos
    cn = next(c for c in kb.index.campaigns if c.id == "anker-2025-06-cn")
    assert sorted(o.kind for o in cn.remedies[0].options) == ["refund", "replacement", "voucher"]
    assert {p.model for p in cn.products} == {"A1642", "A1647", "A1652", "A1680", "A1681",
                                              "A1689", "A1257"}
    assert kb.index.product("A1642") is not None
    assert "334" in kb.index.product("A1642").name  # type: ignore[union-attr]


def test_recall_numbers_only_where_verified(kb: Knowledge) -> None:
    numbers = {c.id: c.authority.recall_number for c in kb.index.campaigns
               if c.authority.recall_number}
    assert numbers == VERIFIED_RECALL_NUMBERS


def test_ppcxm06a_is_in_no_campaign(kb: Knowledge) -> None:
    assert "PPCXM06A" not in kb.index.models
    for c in kb.index.campaigns:
        assert all("PPCXM06A" not in text for text in user_texts(c))


def test_committed_json_schema_is_current() -> None:
    assert SCHEMA_JSON.read_text(encoding="utf-8") == schema_text(), \
        "regenerate: recall-bot knowledge schema > knowledge/schema.json"
    schema = json.loads(SCHEMA_JSON.read_text(encoding="utf-8"))
    assert {"id", "brand", "title", "sources", "last_reviewed"} <= set(schema["required"])
