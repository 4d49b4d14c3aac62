"""Moderator stats for one group or server (issue #16): anonymous counts, small ones hidden.

Counts come from `community_events` lines (no user id): checks started from the group's PSA
button and the verdicts those checks reached, with the model. Any count under MIN_SHOWN is
shown as "fewer than 5", and a model appears among the top models only from MIN_SHOWN checks,
so no one can be singled out.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from bot.catalog import CATALOG
from bot.replies import InfoCard, Section
from bot.store.community import EventCount

MIN_SHOWN = 5
PERIODS = (7, 30)  # days
TOP_MODELS = 5
VERDICT_ORDER = ("affected", "warning", "confirm_on_checker", "serial_needed", "serial_invalid",
                 "not_affected", "not_in_known_recall")


def shown(count: int, lang: str) -> str:
    """The count as moderators see it: '12', or 'fewer than 5' below MIN_SHOWN (0 included)."""
    return str(count) if count >= MIN_SHOWN else CATALOG.text(lang, "stats_fewer_than",
                                                              min=MIN_SHOWN)


def period_section(counts: list[EventCount], days: int, lang: str) -> Section:
    """One period's lines: checks started, verdicts by kind, top models."""
    t = CATALOG.text
    started = sum(c.count for c in counts if c.event == "check_started")
    verdicts: Counter[str] = Counter()
    models: Counter[str] = Counter()
    for c in counts:
        if c.event == "verdict" and c.verdict:
            verdicts[c.verdict] += c.count
            if c.model:
                models[c.model] += c.count
    lines = [t(lang, "stats_checks_started", count=shown(started, lang))]
    lines += [t(lang, f"stats_verdict_{kind}", count=shown(verdicts[kind], lang))
              for kind in VERDICT_ORDER]
    top = [(m, n) for m, n in models.most_common() if n >= MIN_SHOWN][:TOP_MODELS]
    if top:
        lines.append(t(lang, "stats_top_models", models=", ".join(f"{m} ({n})" for m, n in top)))
    else:
        lines.append(t(lang, "stats_top_models_none", min=MIN_SHOWN))
    return Section(heading=t(lang, "stats_period", days=days), lines=lines)


def stats_card(by_period: dict[int, list[EventCount]], lang: str, today: date) -> InfoCard:
    """The `/psa stats` answer for one group."""
    sections = [period_section(by_period.get(days, []), days, lang) for days in PERIODS]
    return InfoCard(topic="stats", title=CATALOG.text(lang, "stats_title"), sections=sections,
                    footer=CATALOG.text(lang, "stats_footer", min=MIN_SHOWN), about=("stats",))


def since(today: date, days: int) -> date:
    """The first day of a period of `days` days ending today."""
    return today - timedelta(days=days - 1)


__all__ = ["MIN_SHOWN", "PERIODS", "shown", "since", "stats_card"]
