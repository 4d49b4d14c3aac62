"""Lookups: exact by model, fuzzy by name, never one model number fuzzed into another;
which campaigns apply in which region."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from knowledge import Campaign, Knowledge, Verdict


@pytest.mark.parametrize("sibling", ["A1688", "A1229", "A1388", "A1264", "A126", "PPCXM06A",
                                     "BI-B42", "PB2030", "A1256", "A1259"])
def test_sibling_models_are_not_recalled(kb: Knowledge, sibling: str) -> None:
    assert kb.index.product(sibling) is None
    assert kb.index.search_names(sibling) == []
    result = kb.check(sibling)
    assert result.verdict is Verdict.NOT_IN_KNOWN_RECALL
    assert result.campaigns == []


@pytest.mark.parametrize("typed", ["A1263", "a1263", "A 1263", "a-1263", "Ａ１２６３"])
def test_exact_lookup_normalises(kb: Knowledge, typed: str) -> None:
    assert kb.index.canonical_model(typed) == "A1263"


def test_brand_models_keep_their_form(kb: Knowledge) -> None:
    assert kb.index.canonical_model("bib41") == "BI-B41"
    assert kb.index.canonical_model("pb2030mi") == "PB2030MI"


@pytest.mark.parametrize(("query", "expected"), [
    ("powercore 10000", {"A1263"}),
    ("PowerCore 10000", {"A1263"}),
    ("zolo 20k", {"A1681", "A1689"}),
    ("Zolo", {"A1681", "A1689"}),
    ("maggo", {"A1642", "A1652"}),
    ("334 maggo", {"A1642"}),
    ("anker 535", {"A1366"}),
    ("halolock", {"2G520", "2G505B", "2G512B", "2G505"}),
])
def test_fuzzy_names(kb: Knowledge, query: str, expected: set[str]) -> None:
    found = {m.product.model for m in kb.index.search_names(query)}
    assert expected <= found, found
    best = kb.index.search_names(query)[0]
    assert best.product.model in expected


@pytest.mark.parametrize("query", ["power bank", "anker", "my power bank", "pb", "xyzzy qwerty"])
def test_vague_or_unknown_names_match_nothing(kb: Knowledge, query: str) -> None:
    assert kb.index.search_names(query) == []


def _ids(campaigns: Iterable[Campaign]) -> set[str]:
    return {c.id for c in campaigns}


def test_a1263_us_and_japan_are_separate(kb: Knowledge) -> None:
    us, elsewhere = kb.index.campaigns_for("A1263", "US")
    assert _ids(us) == {"anker-a1263-us-2025"}
    assert _ids(elsewhere) == {"anker-a1263-jp-2025"}
    jp, _ = kb.index.campaigns_for("A1263", "JP")
    assert _ids(jp) == {"anker-a1263-jp-2025"}
    de, elsewhere = kb.index.campaigns_for("A1263", "DE")
    assert de == [] and len(elsewhere) == 2
    assert kb.index.region_matters("A1263")


def test_a1263_check_in_us(kb: Knowledge) -> None:
    result = kb.check("A1263", None, "US")
    assert result.verdict is Verdict.CONFIRM_ON_CHECKER
    (cv,) = result.campaigns
    assert cv.campaign.sold is not None
    assert (cv.campaign.sold.start, cv.campaign.sold.end) == ("2016-06-01", "2022-12-31")
    assert cv.remedy is not None
    assert [(o.kind, getattr(o, "model", None), getattr(o, "amount", None))
            for o in cv.remedy.options] == [("replacement", "A1388", None),
                                            ("gift_card", None, "$30")]


def test_a1263_in_germany_is_not_given_the_us_remedy(kb: Knowledge) -> None:
    result = kb.check("A1263", None, "DE")
    assert result.verdict is Verdict.NOT_IN_KNOWN_RECALL
    assert _ids(result.elsewhere) == {"anker-a1263-us-2025", "anker-a1263-jp-2025"}


def test_a1257_taiwan_gets_the_three_taiwan_options(kb: Knowledge) -> None:
    result = kb.check("A1257", None, "TW")
    assert _ids([cv.campaign for cv in result.campaigns]) == {"anker-2025-09-tw"}
    remedy = result.campaigns[0].remedy
    assert remedy is not None and remedy.region == "TW"
    options = {(o.kind, getattr(o, "model", None), getattr(o, "amount", None))
               for o in remedy.options}
    assert options == {("replacement", "A1259", None), ("voucher", None, "NT$1,100"),
                       ("refund", None, "NT$890")}


def test_a1647_us_is_in_the_2024_and_the_2025_recalls(kb: Knowledge) -> None:
    applicable, _ = kb.index.campaigns_for("A1647", "US")
    assert _ids(applicable) == {"anker-2024-10-us-cpsc", "anker-2025-09-us-cpsc"}
    result = kb.check("A1647", None, "US")
    remedies = {cv.campaign.id: cv.remedy for cv in result.campaigns}
    cpsc_2025 = remedies["anker-2025-09-us-cpsc"]
    assert cpsc_2025 is not None
    assert {o.kind for o in cpsc_2025.options} == {"refund", "gift_card"}


def test_the_worldwide_part_answers_other_regions(kb: Knowledge) -> None:
    gb, _ = kb.index.campaigns_for("A1689", "GB")
    assert _ids(gb) == {"anker-2025-06-global"}
    ca, _ = kb.index.campaigns_for("A1689", "CA")
    assert _ids(ca) == {"anker-2025-06-ca"}
    # A1257 was not in Canada's list: the worldwide campaign answers there
    ca_a1257, _ = kb.index.campaigns_for("A1257", "CA")
    assert _ids(ca_a1257) == {"anker-2025-06-global"}


def test_china_has_seven_models_and_its_own_contacts(kb: Knowledge) -> None:
    result = kb.check("A1680", None, "CN")
    (cv,) = result.campaigns
    assert cv.campaign.id == "anker-2025-06-cn"
    assert cv.contact is not None
    assert (cv.contact.phone, cv.contact.wechat) == ("400-055-0036", "Anker售后")
    assert cv.claim is not None and cv.claim.unit_fate == "courier_pickup"
    assert kb.check("A1680", None, "US").verdict is Verdict.NOT_IN_KNOWN_RECALL


def test_a1642_is_in_2024_china_and_japan(kb: Knowledge) -> None:
    every = _ids(kb.index.campaigns_for_model("A1642"))
    assert {"anker-2024-09", "anker-2025-06-cn", "anker-2025-06-jp"} <= every
    assert "anker-2025-06-global" not in every
    jp, _ = kb.index.campaigns_for("A1642", "JP")
    assert _ids(jp) == {"anker-2024-09", "anker-2025-06-jp"}


def test_remedy_from_another_region_is_never_picked(kb: Knowledge) -> None:
    result = kb.check("A1642", None, "JP")
    for cv in result.campaigns:
        assert cv.remedy is None or cv.remedy.region in ("JP", "*")


def test_without_region_the_user_is_asked(kb: Knowledge) -> None:
    result = kb.check("A1689")
    assert result.needs_region
    assert result.verdict is Verdict.CONFIRM_ON_CHECKER


def test_remembered_check_plans_give_the_results_a_fresh_check_gives(kb: Knowledge) -> None:
    """#14: check() remembers the serial-independent part per (model, region) and index."""
    from knowledge import REGIONS
    from knowledge import check as check_module_function
    from knowledge.check import _plans

    index = kb.index
    serials = [None, "", "  ", "AKF12Z330L8419B6", "AKF1 2Z33 0L84 19B6", "123456", "O0I1-x"]
    models = [*index.models, "a1263", "A 1263", "bi-b41", "A9999", "nonsense"]
    for model in models:
        for region in (None, *REGIONS):
            for serial in serials:
                remembered = check_module_function(index, model, serial, region)
                _plans.clear()
                fresh = check_module_function(index, model, serial, region)
                assert remembered == fresh, (model, region, serial)
                remembered.campaigns.clear()  # a caller changing its result changes no other
                remembered.elsewhere.clear()
                assert check_module_function(index, model, serial, region) == fresh
