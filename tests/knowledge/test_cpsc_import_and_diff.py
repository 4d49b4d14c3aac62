"""`recall-bot knowledge import-cpsc` (CPSC Recall Retrieval API JSON → draft campaigns that
validate but are never served) and `recall-bot knowledge diff` (what changes for users)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from knowledge import DATA_DIR, Knowledge, load_files
from knowledge.cpsc_import import RecordProblem, draft_from_record, drafts_from_records, recall_number
from knowledge.diff import ChangeKind, diff_campaigns
from knowledge.quality import campaigns_at
from knowledge.schema import Campaign

FIXTURE = Path(__file__).parents[1] / "fixtures" / "cpsc" / "recalls.json"
TODAY = date(2026, 11, 29)


def _records() -> list[dict[str, object]]:
    data: list[dict[str, object]] = json.loads(FIXTURE.read_text("utf-8"))
    return data


# --- import-cpsc ---------------------------------------------------------------------------------

def test_three_records_become_three_valid_drafts(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "campaigns"
    assert main(["knowledge", "import-cpsc", str(FIXTURE), "--out", str(out),
                 "--today", "2026-11-29"]) == 0
    assert "3 draft(s) written, 0 skipped" in capsys.readouterr().out
    files = sorted(p.name for p in out.glob("*.yaml"))
    assert files == ["cpsc-25-072.yaml", "cpsc-26-740.yaml", "cpsc-26-792.yaml"]
    assert main(["knowledge", "validate", str(out)]) == 0
    assert "note: 3 draft(s) not served until reviewed" in capsys.readouterr().err
    drafts = {c.id: c for c in campaigns_at(out)}
    assert all(not c.reviewed for c in drafts.values())
    xo, newdery, charmast = drafts["cpsc-26-740"], drafts["cpsc-26-792"], drafts["cpsc-25-072"]
    assert (xo.authority.recall_number, xo.announced) == ("26-740", date(2026, 9, 3))
    assert [p.model for p in xo.products] == ["PYPBK5M"]
    assert xo.brand == "Truststone Group LLC"  # no manufacturer in the record: the importer
    assert [o.kind for o in xo.remedies[0].options] == ["refund"]
    assert "virtual gift card" in xo.remedies[0].options[0].description.en
    assert xo.figures.units is not None and xo.figures.units.en == "About 32,400"
    assert newdery.remedies == [] and newdery.contacts == []  # nothing invented
    contact = charmast.contacts[0]
    assert (contact.phone, contact.email, contact.web) == (
        "929-636-0293", "rcus@charmast.com", "https://www.charmast.com/pages/recall-info-page")
    for draft in drafts.values():
        assert draft.serial_rule.match.kind == "checker_only"
        assert draft.sources[0].kind == "official" and draft.sources[0].url.startswith(
            "https://www.cpsc.gov/Recalls/")
        assert draft.unverified_notes[0].startswith("DRAFT imported from CPSC")
        assert draft.last_checked == TODAY


def test_drafts_are_never_served(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "campaigns" / "xo-poppy-2026-us.yaml").unlink()
    (data / "campaigns" / "xo-poppy-2026-ca.yaml").unlink()
    assert main(["knowledge", "import-cpsc", str(FIXTURE), "--out", str(data / "campaigns"),
                 "--today", "2026-11-29"]) == 0
    kb = Knowledge.load(data)
    assert "cpsc-26-740" in {c.id for c in kb.files.campaigns}
    assert kb.check("PYPBK5M").verdict.value == "not_in_known_recall"
    # A person reviews it: set reviewed: true, and it is served.
    path = data / "campaigns" / "cpsc-26-740.yaml"
    path.write_text(path.read_text("utf-8").replace("reviewed: false", "reviewed: true"), "utf-8")
    assert Knowledge.load(data).check("PYPBK5M").verdict.value == "confirm_on_checker"


def test_known_recall_numbers_and_existing_files_are_skipped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    assert main(["knowledge", "import-cpsc", str(FIXTURE), "--out", str(data / "campaigns"),
                 "--today", "2026-11-29"]) == 0
    err = capsys.readouterr().err
    assert "skipped recall 26-740: already in xo-poppy-2026-us" in err
    assert "skipped recall 26-792: already in newdery-2026-us" in err
    assert "skipped recall 25-072: already in charmast-2024-us" in err
    assert not list((data / "campaigns").glob("cpsc-*.yaml"))
    out = tmp_path / "fresh"
    main(["knowledge", "import-cpsc", str(FIXTURE), "--out", str(out)])
    capsys.readouterr()
    main(["knowledge", "import-cpsc", str(FIXTURE), "--out", str(out)])
    assert "0 draft(s) written, 3 skipped" in capsys.readouterr().out


@pytest.mark.parametrize("content,message", [
    ("not json", "is not JSON"),
    ('{"hello": 1}', "skipped record 0: RecallNumber None"),
    ('"a string"', "must hold a JSON array"),
])
def test_bad_files_get_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       content: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, "utf-8")
    code = main(["knowledge", "import-cpsc", str(bad), "--out", str(tmp_path / "o")])
    captured = capsys.readouterr()
    assert code in (1, 2) and message in captured.err + captured.out
    assert "Traceback" not in captured.err
    assert main(["knowledge", "import-cpsc", str(tmp_path / "missing.json")]) == 2


def test_a_record_without_model_numbers_is_not_drafted() -> None:
    record = _records()[0] | {"Products": [{"Name": "Power bank", "Model": "see label"}]}
    with pytest.raises(RecordProblem, match="no product has a model number"):
        draft_from_record(record, TODAY)
    drafts, problems = drafts_from_records([record, _records()[1]], TODAY)
    assert [d.id for d in drafts] == ["cpsc-26-792"] and len(problems) == 1


def test_model_fields_with_several_models() -> None:
    record = _records()[2] | {"Products": [{"Name": "P", "Model": "W1056, W1057 and w-1058"}]}
    draft = draft_from_record(record, TODAY)
    assert [p["model"] for p in draft.data["products"]] == ["W1056", "W1057", "W-1058"]


@pytest.mark.parametrize("raw,expected", [("26740", "26-740"), ("26-792", "26-792"),
                                          (" 25072 ", "25-072")])
def test_recall_numbers(raw: str, expected: str) -> None:
    assert recall_number(raw) == expected


def test_recall_number_rejects_garbage() -> None:
    with pytest.raises(RecordProblem):
        recall_number("abc")


# --- diff --------------------------------------------------------------------------------------

def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(DATA_DIR, target)
    return target


def test_diff_of_identical_knowledge_is_empty(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["knowledge", "diff", str(DATA_DIR), str(_copy(tmp_path, "same"))]) == 0
    assert capsys.readouterr().out == "no changes for users\n"


def test_diff_reports_what_users_would_notice(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _copy(tmp_path, "old"), _copy(tmp_path, "new")
    campaigns = new / "campaigns"
    (campaigns / "hererod-2026-us-warning.yaml").unlink()  # withdrawn
    (old / "campaigns" / "casely-2025-us.yaml").unlink()  # new in NEW
    _edit(campaigns / "anker-a1112-2024.yaml", "  - model: A3102\n", "  - model: A3199\n")
    _edit(campaigns / "charmast-2024-us.yaml", 'phone: "929-636-0293"', 'phone: "929-636-0000"')
    _edit(campaigns / "guxon-2025-tw.yaml", 'amount: "NT$1,000"', 'amount: "NT$1,200"')
    _edit(campaigns / "belkin-bpd005-2024-us.yaml", 'prefixes: ["57V"]', 'prefixes: ["57V", "57W"]')
    assert main(["knowledge", "diff", str(old), str(new)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "~ anker-a1112-2024: models added: A3199" in lines
    assert "~ anker-a1112-2024: models removed: A3102" in lines
    assert any(line.startswith("~ belkin-bpd005-2024-us: serial rule: prefixes (prefixes=['57V'])"
                               " → prefixes (prefixes=['57V', '57W'])") for line in lines)
    assert any(line.startswith("+ casely-2025-us: new recall by CPSC, 2025-04-17, US for E33A")
               for line in lines)
    assert "~ charmast-2024-us [US]: contact: 929-636-0293, Collect calls, Monday to Friday, " \
           "10 a.m. to 3 p.m. ET, rcus@charmast.com, https://www.charmast.com/pages/" \
           "recall-info-page → 929-636-0000, Collect calls, Monday to Friday, 10 a.m. to 3 p.m. " \
           "ET, rcus@charmast.com, https://www.charmast.com/pages/recall-info-page" in lines
    assert any(line.startswith("~ guxon-2025-tw [TW]: remedy:") and "voucher NT$1,000" in line
               and "voucher NT$1,200" in line for line in lines)
    assert "- hererod-2026-us-warning: no longer served (warning by CPSC, 2026-09-17, US) for " \
           "PW40, EW40" in lines
    assert len(lines) == 7


def test_diff_returns_structured_changes() -> None:
    files = load_files()
    new = list(files.campaigns)
    old: list[Campaign] = []
    for c in new:
        if c.id == "newdery-2026-us":
            continue  # before the 2026 recall: the 2025 warning was served
        if c.id == "anker-2025-09-us-cpsc":
            c = c.model_copy(update={"kind": "corrective_action", "regions": ["US", "CA"]})
        if c.id == "xiaomi-2025":
            c = c.model_copy(update={"remedies": c.remedies[:1], "contacts": []})
        old.append(c)
    changes = diff_campaigns(old, new)
    by_kind = {(ch.kind, ch.campaign, ch.region) for ch in changes}
    assert (ChangeKind.CAMPAIGN_ADDED, "newdery-2026-us", None) in by_kind
    assert (ChangeKind.CAMPAIGN_REMOVED, "newdery-2025-us-warning", None) in by_kind
    assert (ChangeKind.KIND_CHANGED, "anker-2025-09-us-cpsc", None) in by_kind
    assert (ChangeKind.REGIONS_CHANGED, "anker-2025-09-us-cpsc", None) in by_kind
    assert (ChangeKind.REMEDY_CHANGED, "xiaomi-2025", "CN") in by_kind
    assert {(ChangeKind.CONTACT_CHANGED, "xiaomi-2025", r) for r in ("CN", "SG")} <= by_kind
    added = next(ch for ch in changes if ch.kind is ChangeKind.REMEDY_CHANGED)
    assert added.before is None and added.after is not None and "¥159" in added.after
    assert len(changes) == 7


def test_diff_ignores_drafts(tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    main(["knowledge", "import-cpsc", str(FIXTURE), "--out", str(out)])
    assert diff_campaigns([], campaigns_at(out)) == []
    reviewed = [c.model_copy(update={"reviewed": True}) for c in campaigns_at(out)]
    assert [ch.kind for ch in diff_campaigns([], reviewed)] == [ChangeKind.CAMPAIGN_ADDED] * 3


def test_diff_refuses_invalid_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"id": "x"}), "utf-8")
    assert main(["knowledge", "diff", str(DATA_DIR), str(bad)]) == 1
    assert "fix these first" in capsys.readouterr().err


def test_diff_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _copy(tmp_path, "old"), _copy(tmp_path, "new")
    _edit(new / "campaigns" / "charmast-2024-us.yaml", 'phone: "929-636-0293"',
          'phone: "929-636-0000"')
    assert main(["knowledge", "diff", str(old), str(new), "--json"]) == 0
    (change,) = json.loads(capsys.readouterr().out)
    assert change["kind"] == "contact_changed" and change["campaign"] == "charmast-2024-us"
    assert change["region"] == "US" and change["models"] == ["W1056"]
    assert change["before"].startswith("929-636-0293") and change["after"].startswith("929-636-0000")
