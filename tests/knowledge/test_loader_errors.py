"""A broken knowledge file gives an error naming the file, the field and the problem."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge import DATA_DIR, KnowledgeInvalid, load_files, validate_path

SAMPLE = "anker-a1263-us-2025.yaml"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the shipped knowledge that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(data_dir: Path, change: Callable[[dict[str, Any]], None],
          name: str = SAMPLE) -> Path:
    path = data_dir / "campaigns" / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _errors(data_dir: Path) -> list[str]:
    with pytest.raises(KnowledgeInvalid) as caught:
        load_files(data_dir)
    return [str(e) for e in caught.value.errors]


def _drop_hazard(d: dict[str, Any]) -> None:
    del d["hazard"]


def _regions_not_list(d: dict[str, Any]) -> None:
    d["regions"] = "US"


def _unknown_region(d: dict[str, Any]) -> None:
    d["regions"] = ["US", "XX"]


def _unknown_remedy_region(d: dict[str, Any]) -> None:
    d["remedies"][0]["region"] = "ZZ"


def _unknown_source_id(d: dict[str, Any]) -> None:
    d["remedies"][0]["sources"] = ["nope"]


def _bad_window(d: dict[str, Any]) -> None:
    d["sold"]["end"] = "2022-13"


def _no_english(d: dict[str, Any]) -> None:
    d["title"] = {"de": "Rückruf"}


def _bad_serial_kind(d: dict[str, Any]) -> None:
    d["serial_rule"]["match"] = {"kind": "ranges"}


def _bad_url(d: dict[str, Any]) -> None:
    d["sources"][0]["url"] = "ftp://example.org"


def _extra_field(d: dict[str, Any]) -> None:
    d["remedy"] = "typo of remedies"


@pytest.mark.parametrize(("change", "expected"), [
    (_drop_hazard, f"{SAMPLE}: hazard: Field required"),
    (_regions_not_list, f"{SAMPLE}: regions: Input should be a valid list"),
    (_unknown_region, f"{SAMPLE}: regions: item 1: unknown region 'XX'"),
    (_unknown_remedy_region, f"{SAMPLE}: remedies.0.region: unknown region 'ZZ'"),
    (_unknown_source_id, f"{SAMPLE}: remedies.0.sources: unknown source id 'nope'"),
    (_bad_window, f"{SAMPLE}: sold.end: '2022-13' is not a date"),
    (_no_english, f"{SAMPLE}: title.en: Field required"),
    (_bad_serial_kind, f"{SAMPLE}: serial_rule.match: Input tag 'ranges'"),
    (_bad_url, f"{SAMPLE}: sources.0.url: String should match pattern"),
    (_extra_field, f"{SAMPLE}: remedy: Extra inputs are not permitted"),
])
def test_broken_field_is_named(data_dir: Path, change: Callable[[dict[str, Any]], None],
                               expected: str) -> None:
    _edit(data_dir, change)
    errors = _errors(data_dir)
    assert any(e.startswith(expected) for e in errors), errors


def test_bad_date_in_yaml(data_dir: Path) -> None:
    path = data_dir / "campaigns" / SAMPLE
    text = path.read_text(encoding="utf-8").replace("announced: 2025-06-12", "announced: 2025-13-12")
    path.write_text(text, encoding="utf-8")
    errors = _errors(data_dir)
    assert any(e.startswith(f"{SAMPLE}: ") and "month must be in 1..12" in e for e in errors)


def test_quoted_bad_date(data_dir: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["last_reviewed"] = "last week"
    _edit(data_dir, change)
    assert any(e.startswith(f"{SAMPLE}: last_reviewed: ") for e in _errors(data_dir))


def test_duplicate_id(data_dir: Path) -> None:
    source = data_dir / "campaigns" / SAMPLE
    shutil.copy(source, data_dir / "campaigns" / "zz-copy.yaml")
    errors = _errors(data_dir)
    assert f"zz-copy.yaml: id: duplicate campaign id 'anker-a1263-us-2025' (also in {SAMPLE})" \
        in errors


def test_part_of_must_exist(data_dir: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["part_of"] = "no-such-family"
    _edit(data_dir, change)
    assert f"{SAMPLE}: part_of: no campaign with id 'no-such-family'" in _errors(data_dir)


def test_not_yaml(data_dir: Path) -> None:
    (data_dir / "campaigns" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    assert any(e.startswith("broken.yaml: line ") for e in _errors(data_dir))


def test_every_error_is_reported_not_just_the_first(data_dir: Path) -> None:
    _edit(data_dir, _drop_hazard)
    _edit(data_dir, _unknown_region, "iniu-2025-us.yaml")
    errors = _errors(data_dir)
    assert any(e.startswith(f"{SAMPLE}: hazard") for e in errors)
    assert any(e.startswith("iniu-2025-us.yaml: regions") for e in errors)


def test_validate_path_on_one_file_and_on_a_folder(data_dir: Path) -> None:
    path = _edit(data_dir, _drop_hazard)
    assert [str(e) for e in validate_path(path)] == [f"{SAMPLE}: hazard: Field required"]
    assert validate_path(data_dir / "campaigns" / "iniu-2025-us.yaml") == []
    folder = [str(e) for e in validate_path(data_dir / "campaigns")]
    assert folder == [f"{SAMPLE}: hazard: Field required"]
    assert [str(e) for e in validate_path(data_dir / "missing.yaml")] == \
        [f"{data_dir / 'missing.yaml'}: no such file or directory"]
