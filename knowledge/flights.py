"""Flight rules for power banks (knowledge/data/flights.yaml): loading and selection.

Pure data work: which rules apply to a trip (regions and airline), and which airline a text
names. Wording for users is the bot's job (bot/flights.py).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from knowledge.loader import DATA_DIR, KnowledgeError, KnowledgeInvalid
from knowledge.schema import REGION_PARENTS, Airline, FlightRule, Flights, Source

FLIGHTS_FILE = "flights.yaml"
# libyaml's safe loader when available, as for the other knowledge files (cold start).
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NESTED = re.compile(r"^([a-z_]+(?:\.[\w-]+)*): (.+)$", re.DOTALL)


def flight_errors(path: Path) -> tuple[Flights | None, list[KnowledgeError]]:
    """The flight rules in `path`, or every problem with the file."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except (OSError, UnicodeDecodeError) as exc:
        return None, [KnowledgeError(path.name, "", f"cannot read the file ({exc})")]
    except (yaml.YAMLError, ValueError) as exc:
        return None, [KnowledgeError(path.name, "", f"not valid YAML ({exc.__class__.__name__})")]
    try:
        return Flights.model_validate(data), []
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            message = str(err["msg"]).removeprefix("Value error, ")
            nested = _NESTED.match(message)
            if nested:  # a whole-model check names the field at the start of its message
                field = ".".join(p for p in (field, nested.group(1)) if p)
                message = nested.group(2)
            errors.append(KnowledgeError(path.name, field, message))
        return None, errors


def load_flights(data_dir: Path | None = None) -> Flights | None:
    """The flight rules of a data directory (None when it has no flights.yaml)."""
    path = (data_dir or DATA_DIR) / FLIGHTS_FILE
    if not path.exists():
        return None
    flights, errors = flight_errors(path)
    if errors:
        raise KnowledgeInvalid(errors)
    return flights


def _expand(regions: list[str]) -> set[str]:
    wanted = {r.upper() for r in regions}
    return wanted | {REGION_PARENTS[r] for r in wanted if r in REGION_PARENTS}


def applicable_rules(flights: Flights, regions: list[str],
                     airline: str | None) -> list[FlightRule]:
    """Rules for a trip: the worldwide ones, then those of the regions flown to or from, then
    the airline's. With no airline named, the rules of the regions' home airlines are included
    (a flight to Sydney is likely on Qantas or Virgin Australia); with one named, only its own."""
    wanted = _expand(regions)
    everywhere = [r for r in flights.rules if r.scope == "everywhere"]
    regional = [r for r in flights.rules if r.scope == "region" and wanted & set(r.regions)]
    if airline is not None:
        carriers = [r for r in flights.rules if r.scope != "everywhere" and airline in r.airlines
                    and r not in regional]
    else:
        carriers = [r for r in flights.rules if r.scope == "airline" and wanted & set(r.regions)]

    def by_date(rule: FlightRule) -> str:
        return rule.effective.isoformat() if rule.effective else ""

    return (sorted(everywhere, key=by_date) + sorted(regional, key=by_date)
            + sorted(carriers, key=by_date))


def rule_sources(flights: Flights, rules: list[FlightRule]) -> list[Source]:
    """The sources of `rules` (and of the recalled-units rule), without repeats, in order."""
    wanted = list(flights.recalled_units.sources)
    for rule in rules:
        wanted += [s for s in rule.sources if s not in wanted]
    by_id = {s.id: s for s in flights.sources}
    return [by_id[sid] for sid in wanted]


@cache
def _name_pattern(name: str) -> re.Pattern[str]:
    if name.isascii():  # whole words only: "SIA" is not in "Asia", "Scoot" not in "scooter"
        return re.compile(r"(?<![A-Za-z0-9])" + re.escape(name) + r"(?![A-Za-z0-9])",
                          re.IGNORECASE)
    return re.compile(re.escape(name))  # CJK and other scripts have no word spaces


def airline_in(text: str, airlines: list[Airline]) -> str | None:
    """The id of the airline `text` names first, or None."""
    best: tuple[int, int, str] | None = None
    for airline in airlines:
        cleaned = text
        for phrase in airline.not_when:
            cleaned = _name_pattern(phrase).sub(" " * len(phrase), cleaned)
        for name in (airline.name, *airline.aliases):
            match = _name_pattern(name).search(cleaned)
            if match:  # earliest mention wins; at one position, the longest name
                key = (match.start(), -len(name), airline.id)
                if best is None or key < best:
                    best = key
    return best[2] if best else None
