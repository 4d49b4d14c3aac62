"""`recall-bot check` over a table: (model, serial or lot, region) → verdict and facts.

One row at least for every campaign added for issue 13 (and the corrected facts), run through
the real CLI and the shipped knowledge; plus the text answers for a warning and for a recall
that replaced a warning, and the truth guard on every card of every model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.catalog import CATALOG
from bot.cli import main
from bot.present import claim_card, dispose_card, remedy_card, verdict_card
from bot.truth import enforce, violations
from knowledge import LANGUAGES, Knowledge
from tests.knowledge.test_sources import NO_PRIMARY_FOUND


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return Knowledge.load()


@dataclass(frozen=True)
class Row:
    model: str
    serial: str | None
    region: str | None
    verdict: str
    campaign: str | None  # the campaign the answer relies on (first in `campaigns`)
    remedy: tuple[str, ...] | None = None  # option kinds; None = no remedy for this region
    facts: dict[str, str] = field(default_factory=dict)  # dotted JSON path → expected value


TABLE = [
    # XO Poppy: CPSC 26-740 (US; the packaging codes find it too) and Health Canada (CA).
    Row("PYPBK5M", None, "US", "affected", "xo-poppy-2026-us", ("refund",),
        {"authority.recall_number": "26-740", "kind": "recall"}),
    Row("py-pbk5m-tb2", None, "US", "affected", "xo-poppy-2026-us", ("refund",)),
    Row("PYPBK5M", None, "CA", "confirm_on_checker", "xo-poppy-2026-ca", ("refund",),
        {"authority.kind": "Health Canada"}),
    # NEWDERY: the 2026 recall, not the 2025 warning it replaced.
    Row("ZHX-PB22", None, "US", "affected", "newdery-2026-us", None,
        {"authority.recall_number": "26-792", "announced": "2026-09-24"}),
    # Casely E33A, re-announced after a death.
    Row("E33A", None, "US", "affected", "casely-2025-us", ("replacement",),
        {"announced": "2025-04-17"}),
    # LOGiiX Piston Power 5000 Mag, Health Canada; not recalled in the US as far as we know.
    Row("LGX-13840", None, "CA", "affected", "logiix-2026-ca", ("replacement",),
        {"announced": "2026-02"}),
    Row("LGX-13840", None, "US", "not_in_known_recall", None),
    # Super Off-Road solar (no model number published: keyed by name).
    Row("SUPER-OFF-ROAD", None, "CA", "affected", "super-off-road-2026-us", None),
    # GUXON: only lot GK25004093.
    Row("GFC10000", "GK25004093", "TW", "affected", "guxon-2025-tw",
        ("replacement", "refund", "voucher"), {"remedy.options.2.amount": "NT$1,000"}),
    Row("GFC10000", "GK25004094", "TW", "not_affected", "guxon-2025-tw",
        ("replacement", "refund", "voucher")),
    Row("GFC10000", None, "TW", "serial_needed", "guxon-2025-tw",
        ("replacement", "refund", "voucher")),
    # Belkin BPD005: 14 characters starting "57V".
    Row("BPD005", "57VA1B2C3D4E5F", "US", "affected", "belkin-bpd005-2024-us",
        ("refund", "voucher"), {"contact.phone": "800-223-5546",
                                "contact.web": "https://www.belkin.com/bpd005recall"}),
    Row("BPD005", "57XA1B2C3D4E5F", "US", "not_affected", "belkin-bpd005-2024-us",
        ("refund", "voucher")),
    Row("BPD005", "57VA1B2", "US", "serial_invalid", "belkin-bpd005-2024-us",
        ("refund", "voucher")),
    # Baseus BS-30KP365: serial ending 0-9 or D affected; a replacement ends in A.
    Row("BS-30KP365", "BS23041507", "AU", "affected", "baseus-bs30kp365-2025", None,
        {"contact.email": "care@baseus.com"}),
    Row("BS-30KP365", "BS2304150D", "CN", "affected", "baseus-bs30kp365-2025", ("replacement",)),
    Row("BS-30KP365", "BS2304150A", "CN", "not_affected", "baseus-bs30kp365-2025",
        ("replacement",)),
    # IKEA VARMFRONT: date stamps (YYWW) per model.
    Row("E2038", "2316", "SG", "affected", "ikea-varmfront-e2038-2024", ("refund",)),
    Row("E2038", "2322", "SG", "not_affected", "ikea-varmfront-e2038-2024", ("refund",)),
    Row("E2037", "2322", "SG", "affected", "ikea-varmfront-e2037-2024", ("refund",)),
    # Taiwan's BSMI list: no serials published, only the brand can confirm.
    Row("CS10", None, "TW", "confirm_on_checker", "adam-elements-2025-tw", None),
    Row("PBLG2W", None, "TW", "confirm_on_checker", "lenovo-pblg2w-2025-tw", None),
    Row("UE10013CQ", None, "TW", "confirm_on_checker", "energizer-ue10013cq-2025-tw", None),
    Row("MP-10050", None, "TW", "confirm_on_checker", "mypower-mp10050-2025-tw", None),
    # Hererod: a CPSC warning, no recall, no remedy.
    Row("PW40", None, "US", "warning", "hererod-2026-us-warning", None, {"kind": "warning"}),
    Row("EW40", None, None, "warning", "hererod-2026-us-warning", None),
    # The June 2024 A1112 campaign also covers two products that are not power banks.
    Row("A3302", None, None, "affected", "anker-a1112-2024", ("replacement",)),
    Row("A3102", None, "DE", "affected", "anker-a1112-2024", ("replacement",)),
    # Korea Consumer Agency: corrective actions, not formal recalls.
    Row("BPR-02", None, "KR", "affected", "lorantec-bpr02-2025-kr", ("replacement", "refund"),
        {"kind": "corrective_action"}),
    Row("CSPB-002C", None, "KR", "affected", "icons-cspb002c-2025-kr", ("replacement", "refund")),
    # Corrections of existing campaigns (research §B).
    Row("A1263", None, "US", "confirm_on_checker", "anker-a1263-us-2025",
        ("replacement", "gift_card"),
        {"authority.recall_number": "25-338", "contact.hours": "Monday to Friday, 6 a.m. to 5 p.m. PT"}),
    Row("W1056", None, "US", "affected", "charmast-2024-us", ("refund",),
        {"contact.phone": "929-636-0293", "authority.recall_number": "25-072",
         "announced": "2024-12-19"}),
    Row("PB2030MI", None, "CN", "confirm_on_checker", "xiaomi-2025", ("refund",),
        {"contact.phone": "950816", "remedy.options.0.amount": "¥159"}),
    Row("PB2030MI", None, "SG", "confirm_on_checker", "xiaomi-2025", ("refund",),
        {"contact.email": "service.sg@support.mi.com"}),
    Row("2G505", None, "CA", "affected", "esr-2025-us", ("refund",)),
    Row("BPB002", "35SA1B2C3D4E5F", "CA", "affected", "belkin-2025-us", ("refund", "voucher")),
    Row("A1647", None, "US", "confirm_on_checker", "anker-2025-09-us-cpsc", ("refund", "gift_card"),
        {"authority.url": "https://www.cpsc.gov/Recalls/2025/Anker-Power-Banks-Recalled-Due-to-"
                          "Fire-and-Burn-Hazards-Manufactured-by-Anker-Innovations-1"}),
    Row("A1680", None, "CN", "confirm_on_checker", "anker-2025-06-cn",
        ("refund", "replacement", "voucher")),
    Row("A1257", None, "TW", "confirm_on_checker", "anker-2025-09-tw",
        ("replacement", "voucher", "refund"), {"remedy.options.1.amount": "NT$1,100"}),
    Row("A1689", None, "SG", "confirm_on_checker", "anker-2025-06-global",
        ("replacement", "gift_card"), {"remedy.region": "SG"}),
]


def _at(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def _check(capsys: pytest.CaptureFixture[str], row: Row) -> dict[str, Any]:
    args = ["check", row.model]
    if row.serial is not None:
        args.append(row.serial)
    if row.region is not None:
        args += ["--region", row.region]
    assert main([*args, "--json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


@pytest.mark.parametrize("row", TABLE, ids=lambda r: f"{r.model}-{r.serial}-{r.region}")
def test_check_table(row: Row, capsys: pytest.CaptureFixture[str]) -> None:
    data = _check(capsys, row)
    assert data["verdict"] == row.verdict
    if row.campaign is None:
        assert data["campaigns"] == []
        return
    main_campaign = data["campaigns"][0]
    assert main_campaign["id"] == row.campaign
    remedy = main_campaign["remedy"]
    assert (None if remedy is None else tuple(o["kind"] for o in remedy["options"])) == row.remedy
    for path, expected in row.facts.items():
        assert _at(main_campaign, path) == expected, path
    assert data["as_of"] == main_campaign["last_checked"]
    assert any(s["kind"] in ("official", "company") for s in main_campaign["sources"]) or \
        row.campaign in NO_PRIMARY_FOUND


def test_every_new_campaign_is_in_the_table(kb: Knowledge) -> None:
    new = {c.id for c in kb.index.campaigns if c.last_reviewed.isoformat() == "2026-11-29"}
    assert len(new) >= 25
    covered = {r.campaign for r in TABLE}
    assert new - covered <= {"anker-a1263-jp-2025", "anker-2024-09", "anker-2024-10-us-cpsc",
                             "anker-2025-06-jp", "belkin-2025-us-pb0003", "belkin-2025-us-mma008",
                             "romoss-2025-cn", "iniu-2025-us"}


def test_pw40_text_is_a_warning_without_remedy(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "PW40"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("⚠️ PW40 (Hererod PW40 jump starter / power bank): an authority warns")
    assert "stop using the PW40 immediately" in text
    assert "This is a warning, not a recall: Hererod offers no remedy" in text
    assert "Warning issued by: CPSC, 17 Sept 2026" in text
    assert "Recalled by" not in text and "What you get" not in text
    assert "The sources don't state the remedy" not in text  # a warning has none to state
    assert "hazardous-waste" in text  # how to dispose of it


def test_pw40_warning_in_german(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "pw40", "--lang", "de"]) == 0
    text = capsys.readouterr().out
    assert "eine Behörde warnt vor der Nutzung" in text and "Warnung von: CPSC" in text


def test_zhx_pb22_shows_the_2026_recall_that_replaced_the_warning(
        capsys: pytest.CaptureFixture[str], kb: Knowledge) -> None:
    assert main(["check", "ZHX-PB22"]) == 0
    text = capsys.readouterr().out
    assert "your unit is in the recall" in text
    assert "NEWDERY ZHX-PB22 power bank recall, United States, September 2026 " \
           "(replaces CPSC's warning of June 2025)" in text
    assert "Recalled by: CPSC, 24 Sept 2026 (recall no. 26-792)" in text
    assert "warns against" not in text
    # The warning is still in the files, marked as replaced, and never served.
    warning = next(c for c in kb.files.campaigns if c.id == "newdery-2025-us-warning")
    assert warning.kind == "warning" and warning.superseded_by == "newdery-2026-us"
    assert warning not in kb.index.campaigns and warning in kb.index.superseded


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_card_of_every_model_passes_the_truth_guard(kb: Knowledge, lang: str) -> None:
    for model in kb.index.models:
        for region in (None, "US", "TW"):
            card = verdict_card(kb, kb.check(model, None, region), lang)
            assert violations(card) == [], (model, region, lang)
            enforce(card, strict=True)


def test_a_corrective_action_is_not_called_a_recall(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "BPR-02", "--region", "KR"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("⚠️ BPR-02 (Lorantec power bank BPR-02): your unit is covered by a "
                           "corrective action")
    assert "Corrective action (not a formal recall): Korea Consumer Agency, 2 Dec 2025" in text
    assert "in the recall" not in text and "Recalled by" not in text
    assert main(["check", "CSPB-002C", "--region", "KR", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["verdict"], data["campaigns"][0]["kind"]) == ("affected", "corrective_action")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_remedy_and_claim_answers_for_a_warning_offer_nothing(kb: Knowledge, lang: str) -> None:
    expected = CATALOG.text(lang, "warning_no_remedy", brand="Hererod")
    for card in (remedy_card(kb, "PW40", None, lang), claim_card(kb, "PW40", "US", lang)):
        lines = [line for s in card.sections for line in s.lines]
        assert expected in lines
        assert CATALOG.text(lang, "remedy_unknown", brand="Hererod") not in lines
        enforce(card, strict=True)
    disposal = dispose_card(kb, "PW40", "US", lang).plain_text()
    assert kb.index.campaigns_for_model("PW40")[0].disposal.get(lang) in disposal  # type: ignore[union-attr]
