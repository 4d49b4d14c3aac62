"""Flight rules: the data validates and speaks six languages; `flight_lines` names the rules
that apply to a trip, each with its date; `find_airline` spots airlines in any language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from bot.cli import main
from bot.flights import find_airline, flight_lines, flight_sources
from bot.truth import UNSAFE_CLAIMS
from knowledge import DATA_DIR, LANGUAGES, Knowledge
from knowledge.flights import load_flights
from knowledge.schema import Flights
from tests.knowledge.test_translations import facts

FLIGHTS = DATA_DIR / "flights.yaml"


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return Knowledge.load()


def _data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(FLIGHTS.read_text("utf-8"))
    return data


# --- transcripts: "can I take my power bank on a flight to Seoul / Shanghai / Sydney?" ---------

def test_seoul_in_english(kb: Knowledge) -> None:
    lines = flight_lines(kb, ["KR"], None, "en")
    assert lines[0].startswith("Worldwide (IATA, FAA), long-standing rule: Power banks travel "
                               "in your carry-on only, never in checked bags.")
    assert lines[1].startswith("ICAO (worldwide), from 2026-03-27: At most 2 power banks")
    assert lines[2].startswith("Don't take a recalled power bank on a plane")
    assert lines[3].startswith("South Korea (MOLIT), from 2025-03-01: Keep power banks on you")
    assert lines[4].startswith("Korean Air, Asiana, Jin Air, Air Busan, Air Seoul, from "
                               "2026-01-26: No using or charging power banks on board")
    assert len(lines) == 5  # nothing from China, Japan or Australia


def test_seoul_in_korean_air_named_in_korean(kb: Knowledge) -> None:
    airline = find_airline("대한항공으로 서울 가요", kb)
    assert airline == "korean-carriers"
    lines = flight_lines(kb, ["KR"], airline, "ja")
    assert any(line.startswith("韓国（国土交通部）（2025-03-01 から）") for line in lines)
    assert any("大韓航空" in line and "（2026-01-26 から）" in line for line in lines)


def test_shanghai_in_english_and_chinese(kb: Knowledge) -> None:
    en = flight_lines(kb, ["CN"], None, "en")
    china = [line for line in en if line.startswith("Mainland China (CAAC), domestic flights, "
                                                   "from 2025-06-28:")]
    assert len(china) == 1 and "recalled model or batch" in china[0] and "CCC" in china[0]
    zh = flight_lines(kb, ["CN"], None, "zh-Hans")
    assert zh[0].startswith("全球（IATA、FAA），长期规定：充电宝只能随身携带")
    assert "国际民航组织 ICAO（全球），自 2026-03-27 起" in zh[1]
    assert zh[2].startswith("不要把被召回的充电宝带上飞机")
    assert zh[3].startswith("中国大陆（民航局），国内航班，自 2025-06-28 起：禁止携带无 CCC")
    assert len(zh) == 4


def test_sydney_in_english_and_german(kb: Knowledge) -> None:
    en = flight_lines(kb, ["AU"], None, "en")
    assert "Virgin Australia, from 2025-12-01: No using or charging power banks in flight" in en[3]
    assert en[4].startswith("Qantas, QantasLink, Jetstar, from 2025-12-15:")
    de = flight_lines(kb, ["AU"], None, "de")
    assert de[1].startswith("ICAO (weltweit), ab 2026-03-27: Höchstens 2 Powerbanks")
    assert de[2].startswith("Nehmen Sie eine zurückgerufene Powerbank nicht mit ins Flugzeug")
    assert de[4].startswith("Qantas, QantasLink, Jetstar, ab 2025-12-15: Keine Nutzung")


def test_a_named_airline_replaces_the_regions_home_airlines(kb: Knowledge) -> None:
    lines = flight_lines(kb, ["AU"], find_airline("flying Emirates to Sydney", kb), "en")
    assert any(line.startswith("Emirates, from 2025-10-01: 1 power bank") for line in lines)
    assert not any("Qantas" in line or "Virgin" in line for line in lines)


def test_airline_only_rules_need_the_airline(kb: Knowledge) -> None:
    assert not any("Lufthansa" in line for line in flight_lines(kb, ["DE"], None, "en"))
    lines = flight_lines(kb, ["DE"], find_airline("with Lufthansa to Frankfurt", kb), "en")
    assert lines[-1].startswith("Lufthansa Group (Lufthansa, SWISS, Austrian, Brussels Airlines, "
                                "Eurowings, ITA Airways, Edelweiss, Air Dolomiti, Discover), "
                                "from 2026-01-15")


def test_us_carriers_and_hong_kong(kb: Knowledge) -> None:
    us = flight_lines(kb, ["US"], None, "en")
    assert any(line.startswith("Southwest Airlines, from 2026-04-20: 1 power bank") for line in us)
    assert any(line.startswith("American Airlines, from 2026-05-01: At most 2") for line in us)
    only_aa = flight_lines(kb, ["US"], find_airline("American Airlines flight", kb), "en")
    assert not any("Southwest" in line for line in only_aa)
    hk = flight_lines(kb, [], find_airline("Cathay Pacific", kb), "zh-Hant")
    assert any(line.startswith("香港（民航處）") and "自 2025-04-07 起" in line for line in hk)


@pytest.mark.parametrize("region,start", [
    ("JP", "Japan (MLIT), from 2025-07-08"), ("SG", "Singapore Airlines, Scoot, from 2025-04-01"),
    ("IN", "India (DGCA), from 2025-11:"),
])
def test_other_regions(kb: Knowledge, region: str, start: str) -> None:
    assert any(line.startswith(start) for line in flight_lines(kb, [region], None, "en"))


def test_singapore_lists_both_rules_by_date(kb: Knowledge) -> None:
    lines = flight_lines(kb, ["SG"], None, "en")
    assert lines[3].startswith("Singapore (CAAS), all departures, from 2026-04-15: At most 2")
    assert lines[4].startswith("Singapore Airlines, Scoot, from 2025-04-01")


def test_japans_unconfirmed_start_is_not_stated_as_fact(kb: Knowledge) -> None:
    (japan,) = [line for line in flight_lines(kb, ["JP"], None, "en") if "Japan" in line]
    assert "were planned for April 2026: ask your airline" in japan


def test_a_region_without_rules_gets_the_baseline(kb: Knowledge) -> None:
    lines = flight_lines(kb, ["BR"], None, "es")
    assert len(lines) == 3 and lines[2].startswith("No lleves una batería retirada")
    assert flight_lines(kb, [], None, "en") == flight_lines(kb, ["PE"], None, "en")


def test_sources_cover_every_rule_shown(kb: Knowledge) -> None:
    sources = flight_sources(kb, ["KR"], None)
    ids = [s.id for s in sources]
    assert {"faa-baseline", "icao-caa-uk", "korea-gov", "korean-air-iar"} <= set(ids)
    assert sources[0].kind == "official" and len(ids) == len(set(ids))


def test_without_flight_data_there_are_no_lines(kb: Knowledge) -> None:
    bare = Knowledge(kb.files)
    assert flight_lines(bare, ["KR"], None, "en") == []
    assert find_airline("Korean Air", bare) is None


# --- find_airline ------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("can I bring a power bank on Korean Air to Seoul?", "korean-carriers"),
    ("flying emirates next week", "emirates"),
    ("a flight to the United Arab Emirates", None),
    ("坐国泰航空去香港", "hong-kong-carriers"),
    ("ルフトハンザでドイツへ", "lufthansa-group"),
    ("Jetstar to Sydney", "qantas"),
    ("taking a scooter to the airport", None),
    ("trip around Asia", None),
    ("I'm American, flying Delta", None),
    ("Southwest Airlines then Qantas", "southwest"),
    ("a flight to southwest China", None),
    ("Swiss chocolate for the trip", None),
    ("flying SWISS to Zurich", "lufthansa-group"),
    ("", None),
])
def test_find_airline(kb: Knowledge, text: str, expected: str | None) -> None:
    assert find_airline(text, kb) == expected


# --- the data ----------------------------------------------------------------------------------

def test_every_flight_text_has_six_languages_and_keeps_its_facts(kb: Knowledge) -> None:
    assert kb.flights is not None
    texts = [kb.flights.recalled_units.text]
    texts += [t for rule in kb.flights.rules for t in (rule.name, rule.text)]
    for text in texts:
        for lang in LANGUAGES:
            assert text.has(lang), (text.en, lang)
            assert facts(text.en) <= facts(text.get(lang)), (text.en, lang)
            assert not UNSAFE_CLAIMS.search(text.get(lang)), (text.en, lang)


def test_every_country_and_airline_rule_has_a_date(kb: Knowledge) -> None:
    assert kb.flights is not None
    assert {r.id for r in kb.flights.rules} >= {
        "baseline", "icao-2026", "china-caac", "hong-kong-cad", "korea-molit", "japan-mlit",
        "singapore-caas-2026", "india-dgca", "emirates-2025", "qantas-2025",
        "virgin-australia-2025", "lufthansa-group-2026", "southwest-2026", "american-2026"}
    undated = [r.id for r in kb.flights.rules if r.effective is None]
    assert undated == ["baseline"]


@pytest.mark.parametrize("change,problem", [
    (lambda d: d["rules"][2].update(regions=[]), "a regional rule names at least one region"),
    (lambda d: d["rules"][2].update(regions=["XX"]), "unknown region 'XX'"),
    (lambda d: d["rules"][5].update(airlines=["nope"]), "unknown airline id 'nope'"),
    (lambda d: d["rules"][0].update(sources=["nope"]), "unknown source id 'nope'"),
    (lambda d: d["rules"][2].pop("effective"), "a country or airline rule has a start date"),
])
def test_bad_flight_data_is_rejected(change: Any, problem: str) -> None:
    data = _data()
    change(data)
    with pytest.raises(ValidationError, match=problem):
        Flights.model_validate(data)


def test_validate_reports_a_broken_flights_file(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    data = _data()
    data["rules"][2]["regions"] = ["XX"]
    bad = tmp_path / "flights.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    assert main(["knowledge", "validate", str(bad)]) == 1
    assert "flights.yaml: rules.2.regions" in capsys.readouterr().err
    assert main(["knowledge", "validate", str(FLIGHTS)]) == 0


def test_load_flights_of_a_directory_without_them(tmp_path: Path) -> None:
    assert load_flights(tmp_path) is None
