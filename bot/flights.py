"""What to tell someone flying with a power bank: the rules for their trip, each with its date.

Pure functions over the knowledge (knowledge/data/flights.yaml) for the dialog to call:
`flight_lines` for the answer, `flight_sources` for its footer, `find_airline` to spot an
airline in what the user wrote. Wording comes from the data and the catalog.
"""

from __future__ import annotations

from bot.catalog import CATALOG
from knowledge import Knowledge
from knowledge.flights import airline_in, applicable_rules, rule_sources
from knowledge.schema import FlightRule, Source


def _rule_line(rule: FlightRule, lang: str) -> str:
    name, text = rule.name.get(lang), rule.text.get(lang)
    if rule.effective_label is None:
        return CATALOG.text(lang, "flight_rule_standing", name=name, text=text)
    return CATALOG.text(lang, "flight_rule_line", name=name, date=rule.effective_label, text=text)


def flight_lines(knowledge: Knowledge, regions: list[str], airline: str | None,
                 lang: str) -> list[str]:
    """The rules for a trip to or from `regions` (region codes) on `airline` (an airline id
    from `find_airline`, or None): the worldwide baseline first, then that recalled units must
    never fly, then the regions' and the airline's rules, each naming the date it applies from.
    Empty when the knowledge ships no flight rules."""
    flights = knowledge.flights
    if flights is None:
        return []
    rules = applicable_rules(flights, regions, airline)
    everywhere = [r for r in rules if r.scope == "everywhere"]
    others = [r for r in rules if r.scope != "everywhere"]
    return ([_rule_line(r, lang) for r in everywhere] + [flights.recalled_units.text.get(lang)]
            + [_rule_line(r, lang) for r in others])


def flight_sources(knowledge: Knowledge, regions: list[str], airline: str | None) -> list[Source]:
    """The sources behind `flight_lines` for the same trip, official ones first."""
    flights = knowledge.flights
    if flights is None:
        return []
    sources = rule_sources(flights, applicable_rules(flights, regions, airline))
    return sorted(sources, key=lambda s: s.kind != "official")


def find_airline(text: str, knowledge: Knowledge) -> str | None:
    """The id of the airline (or airline group) `text` names, from the data's names and
    aliases in any language; None when it names none."""
    if knowledge.flights is None or not text:
        return None
    return airline_in(text[:2000], knowledge.flights.airlines)
