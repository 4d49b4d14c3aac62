"""`recall-bot check` end to end: the real CLI, the real knowledge, text and JSON forms."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest

from bot.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed entry point, as a user runs it (separate process, real argv)."""
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=60, check=False)


def check_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["check", *args, "--json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_a1263_us_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = check_json(capsys, "A1263", "--region", "US")
    assert data["format"] == "recall-bot.check/1"
    assert (data["model"], data["product_name"], data["region"]) == \
        ("A1263", "Anker PowerCore 10000", "US")
    assert data["verdict"] == "confirm_on_checker"
    (campaign,) = data["campaigns"]
    assert campaign["id"] == "anker-a1263-us-2025"
    assert campaign["sold"] == {"start": "2016-06-01", "end": "2022-12-31"}
    assert campaign["checker_url"] == "https://www.anker.com/product-recalls"
    options = campaign["remedy"]["options"]
    assert [(o["kind"], o["model"], o["amount"]) for o in options] == \
        [("replacement", "A1388", None), ("gift_card", None, "$30")]
    assert campaign["contact"]["phone"] == "800-988-7973"
    assert campaign["claim"]["proof_of_purchase"] == "optional"
    assert [e["id"] for e in data["elsewhere"]] == ["anker-a1263-jp-2025"]
    assert data["sources"] and all({"title", "url", "date", "confidence"} <= set(s)
                                   for s in data["sources"])
    assert data["as_of"] == "2026-11-29"  # the last_checked date of the campaign relied on
    assert len(data["knowledge_version"]) == 12


def test_a1263_text_names_verdict_dates_remedy_and_sources() -> None:
    pytest.importorskip("bot.present")
    done = run_cli("check", "A1263")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "A1263" in out
    assert "2016-06-01" in out and "2022-12-31" in out
    assert "https://www.anker.com/product-recalls" in out
    assert "A1388" in out and "$30" in out
    assert "cpsc.gov" in out
    assert not re.search(r"\bsafe\b", out, re.IGNORECASE)


def test_without_region_the_text_points_to_the_option_not_to_a_chat_reply() -> None:
    """There is no chat to answer "Tell me the country" in: the hint names --region."""
    pytest.importorskip("bot.present")
    for lang, chat_hint in (("en", "Tell me the country"), ("ja", "購入した国を教えてください")):
        done = run_cli("check", "A1263", "--lang", lang)
        assert done.returncode == 0, done.stderr
        assert "--region" in done.stdout
        assert chat_hint not in done.stdout


def test_a1257_taiwan_three_options(capsys: pytest.CaptureFixture[str]) -> None:
    data = check_json(capsys, "A1257", "--region", "tw")
    assert data["region"] == "TW"
    (campaign,) = data["campaigns"]
    assert campaign["id"] == "anker-2025-09-tw"
    options = {(o["kind"], o["model"], o["amount"]) for o in campaign["remedy"]["options"]}
    assert options == {("replacement", "A1259", None), ("voucher", None, "NT$1,100"),
                       ("refund", None, "NT$890")}


def test_a1257_taiwan_text() -> None:
    pytest.importorskip("bot.present")
    done = run_cli("check", "A1257", "--region", "TW")
    assert done.returncode == 0, done.stderr
    assert all(word in done.stdout for word in ("A1259", "NT$1,100", "NT$890"))


def test_iniu_lot_is_affected(capsys: pytest.CaptureFixture[str]) -> None:
    data = check_json(capsys, "BI-B41", "000H21")
    assert data["verdict"] == "affected"
    assert data["serial"]["normalised"] == "000H21"
    assert data["campaigns"][0]["id"] == "iniu-2025-us"


def test_iniu_other_lot_is_not_affected(capsys: pytest.CaptureFixture[str]) -> None:
    assert check_json(capsys, "bi-b41", "000K21")["verdict"] == "not_affected"


def test_serial_normalisation_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    data = check_json(capsys, "A1689", "az1b-2c3d-4e5f-6goh", "--region", "US")
    assert data["serial"]["normalised"] == "AZ1B2C3D4E5F6G0H"
    assert "O→0" in data["serial"]["changes"]


def test_unknown_model_is_an_answer_not_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    data = check_json(capsys, "A1229")
    assert data["verdict"] == "not_in_known_recall"
    assert data["campaigns"] == [] and data["product_name"] is None
    assert "safe" not in json.dumps(data).lower()


def test_a1229_text_never_says_safe() -> None:
    pytest.importorskip("bot.present")
    done = run_cli("check", "A1229")
    assert done.returncode == 0, done.stderr
    assert "A1229" in done.stdout
    assert not re.search(r"\bsafe\b", done.stdout, re.IGNORECASE)


def test_fullwidth_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert check_json(capsys, "Ａ１２６３", "--region", "JP")["campaigns"][0]["id"] == \
        "anker-a1263-jp-2025"


@pytest.mark.parametrize("args", [
    ["check", "A" * 10_000],
    ["check", "A1263", "S" * 10_000],
    ["check", "A12\x0763"],
    ["check", "A1263\n\x1b[31m"],
    ["check", "🔋A1263"],
    ["check", "A1263", "🔥"],
    ["check", ""],
    ["check", "   "],
    ["check", "A1263", "--region", "XX"],
    ["check", "A1263", "--region", "*"],
    ["check", "A1263", "--region", "🇺🇸"],
    ["check", "A1263", "--lang", "klingon"],
    ["check"],
])
def test_bad_input_exits_2_with_one_clear_line(args: list[str]) -> None:
    done = run_cli(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    message = done.stderr.strip().splitlines()[-1]
    assert message.startswith(("recall-bot check: ", "recall-bot check: error:"))
    assert len(message) < 400


def test_bad_input_through_main(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "A1263", "--region", "XX"]) == 2
    err = capsys.readouterr().err
    assert "unknown region code 'XX'" in err and "US" in err


def test_knowledge_validate_and_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["knowledge", "validate"]) == 0
    assert capsys.readouterr().out.startswith("ok: ")
    assert main(["knowledge", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Campaign"


def test_knowledge_validate_reports_broken_file(tmp_path: Any) -> None:
    broken = tmp_path / "bad.yaml"
    broken.write_text("id: Bad Id\nbrand: X\n", encoding="utf-8")
    done = run_cli("knowledge", "validate", str(broken))
    assert done.returncode == 1
    assert "bad.yaml: id: String should match pattern" in done.stderr
    assert "bad.yaml: title: Field required" in done.stderr
    assert "Traceback" not in done.stderr
