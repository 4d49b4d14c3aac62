"""The committed captures (docs/captures/) are what the renderers produce today.

Regenerate them with one command after changing any wording, knowledge or renderer:
`python -m bench.captures`.
"""

from __future__ import annotations

import json

from bench.captures import OUT, cards, render_all
from knowledge import Knowledge


def test_captures_are_up_to_date(kb: Knowledge) -> None:
    files = render_all(kb)
    for name, content in files.items():
        committed = (OUT / name).read_text(encoding="utf-8")
        assert committed == content, f"docs/captures/{name} is stale: run python -m bench.captures"


def test_captures_cover_every_card_type_on_every_platform(kb: Knowledge) -> None:
    kinds = {(card.kind, getattr(card, "verdict", None) or getattr(card, "topic", None))
             for _, card in cards(kb)}
    for kind in ("verdict", "info", "safety", "psa"):
        assert any(k == kind for k, _ in kinds), kind
    for verdict in ("affected", "not_affected", "confirm_on_checker", "not_in_known_recall"):
        assert ("verdict", verdict) in kinds, verdict
    for topic in ("remedy", "claim", "contact", "dispose", "models", "model", "more_sources",
                  "more_regions", "more_recall"):
        assert ("info", topic) in kinds, topic
    discord = json.loads((OUT / "discord.json").read_text(encoding="utf-8"))
    assert len(discord) == len(cards(kb))
    assert all(entry["embed"] for entry in discord)
    telegram = (OUT / "telegram.md").read_text(encoding="utf-8")
    assert telegram.count("\n## ") == len(cards(kb))
    assert "verdict A1263 DE (ja)" in telegram
