"""Sources: never a publisher from the research's never-use list; an authority or the brand
wherever the research found one; titles users read carry no research notes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from knowledge import DATA_DIR, Knowledge
from knowledge.quality import banned_citations, load_banned, stale_campaigns
from knowledge.schema import Campaign, Source

# The research (recall-facts-2026.md §D and the new campaigns of §A) found no authority or
# company page for these campaigns: they cite news only. Every other campaign must cite one.
NO_PRIMARY_FOUND = {
    "anker-2025-06-ca", "anker-2025-09-tw", "anker-a1366-2023", "baseus-2024-us",
    "belkin-2025-us", "belkin-2025-us-pb0003", "belkin-2025-us-mma008", "anker-2025-06-cn",
    "esr-2025-us", "romoss-2025-cn", "logiix-2026-ca", "guxon-2025-tw",
    "adam-elements-2025-tw", "lenovo-pblg2w-2025-tw", "energizer-ue10013cq-2025-tw",
    "mypower-mp10050-2025-tw", "lorantec-bpr02-2025-kr", "icons-cspb002c-2025-kr",
}
# §D: the six files that can now cite an authority or the company (and the ones already did).
MUST_CITE_PRIMARY = {
    "anker-a1263-us-2025", "anker-2025-09-us-cpsc", "iniu-2025-us", "charmast-2024-us",
    "xiaomi-2025", "anker-2025-06-global", "anker-2025-06-jp", "anker-a1263-jp-2025",
    "anker-2024-09", "anker-2024-10-us-cpsc",
}


def test_the_never_use_list_is_shipped_with_the_knowledge() -> None:
    hosts = {b.host for b in load_banned()}
    assert {"mediawall.news", "crene.com", "hourlynewsupdate", "merkurist", "webpronews.com",
            "whyhub.cn"} <= hosts
    assert (DATA_DIR / "banned_sources.yaml").is_file()


def test_no_campaign_cites_a_never_use_source(kb: Knowledge) -> None:
    assert len(kb.files.campaigns) >= 35
    assert banned_citations(kb.files.campaigns) == []


@pytest.mark.parametrize("url,title", [
    ("https://mediawall.news/?p=11548", "Anker Power Bank Recall Canada 2025"),
    ("https://www.webpronews.com/esr-recall", "ESR recall"),
    ("https://example.org/", "Copy of a whyhub.cn article"),
    ("https://sub.merkurist.ru/123456", "Recall"),
])
def test_a_never_use_source_is_caught(kb: Knowledge, url: str, title: str) -> None:
    campaign = kb.files.campaigns[0]
    bad = Source(id="bad", title=title, url=url, confidence="single")  # type: ignore[arg-type]
    tainted = campaign.model_copy(update={"sources": [*campaign.sources, bad]})
    errors = banned_citations([tainted])
    assert len(errors) == 1 and "never-use" in errors[0].problem


def test_validate_fails_on_a_never_use_source(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    data = yaml.safe_load((DATA_DIR / "campaigns" / "esr-2025-us.yaml").read_text("utf-8"))
    data["sources"].append({"id": "wpn", "title": "ESR recall", "confidence": "single",
                            "url": "https://www.webpronews.com/esr-power-bank-recall/"})
    (tmp_path / "esr-2025-us.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    assert main(["knowledge", "validate", str(tmp_path)]) == 1
    assert "webpronews.com is on the never-use list" in capsys.readouterr().err


def _primary(campaign: Campaign) -> list[Source]:
    return [s for s in campaign.sources if s.kind in ("official", "company")]


def test_every_campaign_cites_an_authority_or_the_brand_where_one_was_found(kb: Knowledge) -> None:
    ids = {c.id for c in kb.files.campaigns}
    assert ids >= NO_PRIMARY_FOUND | MUST_CITE_PRIMARY
    assert not NO_PRIMARY_FOUND & MUST_CITE_PRIMARY
    missing = [c.id for c in kb.files.campaigns if c.id not in NO_PRIMARY_FOUND and not _primary(c)]
    assert missing == []
    # The list of exceptions stays true: a file that gains a primary source leaves it.
    assert [c.id for c in kb.files.campaigns if c.id in NO_PRIMARY_FOUND and _primary(c)] == []


def test_authority_pages_are_cited_as_official(kb: Knowledge) -> None:
    for campaign in kb.files.campaigns:
        for source in campaign.sources:
            if "cpsc.gov/" in source.url or "canada.ca/" in source.url or ".gov.sg/" in source.url:
                assert source.kind == "official", (campaign.id, source.id)


def test_source_titles_carry_no_research_notes(kb: Knowledge) -> None:
    for campaign in kb.files.campaigns:
        for source in campaign.sources:
            assert "cited by" not in source.title.lower(), (campaign.id, source.title)
            assert "not verified" not in source.title.lower(), (campaign.id, source.title)
    with pytest.raises(ValueError, match="research note"):
        Source(id="x", title="CPSC notice (URL cited by example.org)",  # type: ignore[arg-type]
               url="https://www.cpsc.gov/", confidence="primary")


def test_every_campaign_has_its_own_last_checked_date(kb: Knowledge) -> None:
    for campaign in kb.files.campaigns:
        assert campaign.last_checked >= campaign.last_reviewed >= campaign.announced, campaign.id
    assert kb.index.as_of == max(c.last_checked for c in kb.index.campaigns)


def test_stale_campaigns_are_those_older_than_the_limit(kb: Knowledge) -> None:
    campaigns = kb.files.campaigns
    newest = max(c.last_checked for c in campaigns)
    assert stale_campaigns(campaigns, 0, newest) == []
    later = date.fromordinal(newest.toordinal() + 200)
    stale = stale_campaigns(campaigns, 199, later)
    assert {s.campaign.id for s in stale} == {c.id for c in campaigns}
    assert all(s.age_days >= 200 for s in stale)
    assert stale_campaigns(campaigns, 10_000, later) == []


def test_validate_warns_about_stale_campaigns_but_passes(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["knowledge", "validate", "--max-age-days", "30", "--today", "2027-06-01"]) == 0
    out = capsys.readouterr()
    assert "ok:" in out.out
    assert "warning: xo-poppy-2026-us.yaml: last_checked 2026-11-29 is 184 days old" in out.err
    assert main(["knowledge", "validate", "--max-age-days", "365", "--today", "2027-06-01"]) == 0
    assert "warning" not in capsys.readouterr().err
    assert main(["knowledge", "validate", "--max-age-days", "-1"]) == 2
