"""Answers that fit a phone (issue #12): the 30 most common answers on each platform.

Each answer is built by the presenter, passed through the truth guard, and rendered by the real
adapter code: Telegram HTML (what Telegram shows after parsing it), Discord embeds (masked links
show their label) and the console on an 80-column terminal (links as OSC 8 hyperlinks). See
bench/answers.py for the list.
"""

from __future__ import annotations

import re
import statistics
import string

import pytest

from adapters.console import cells
from bench.answers import COMMON_ANSWERS, PLATFORMS, Answer, Shown, reply
from bot.catalog import CATALOG, LANGUAGES
from bot.present import MAX_TITLE_CHARS
from bot.replies import Reply, VerdictCard
from knowledge import Knowledge

MEDIAN_MAX = 600
REPLY_MAX = 1500
SOURCE_SHARE_MAX = 0.15


def shown(kb: Knowledge, platform: str, lang: str) -> list[tuple[Answer, Reply, Shown]]:
    out = []
    for answer in COMMON_ANSWERS:
        card = reply(answer, kb, lang)
        out.append((answer, card, PLATFORMS[platform](card)))
    return out


def template(lang: str, msgid: str) -> re.Pattern[str]:
    """A catalog message as a pattern: its words literally, each placeholder as `.+`."""
    pieces = [re.escape(literal) + (".+" if name is not None else "")
              for literal, name, _, _ in string.Formatter().parse(CATALOG.text(lang, msgid))]
    return re.compile("".join(pieces), re.DOTALL)


def test_there_are_thirty_distinct_answers() -> None:
    assert len(COMMON_ANSWERS) == 30
    assert len({a.name for a in COMMON_ANSWERS}) == 30


@pytest.mark.parametrize("platform", list(PLATFORMS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_replies_are_short(kb: Knowledge, platform: str, lang: str) -> None:
    """Median at most 600 characters as read, none over 1,500."""
    sizes = {answer.name: len(seen.text) for answer, _, seen in shown(kb, platform, lang)}
    assert statistics.median(sizes.values()) <= MEDIAN_MAX, sizes
    too_long = {name: size for name, size in sizes.items() if size > REPLY_MAX}
    assert not too_long, too_long


@pytest.mark.parametrize("platform", list(PLATFORMS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_short_linked_source_line(kb: Knowledge, platform: str, lang: str) -> None:
    """Every card that states a fact has one source line, linked, at most 15 % of the reply
    (measured in screen columns: a CJK character takes two, as on a phone)."""
    for answer, card, seen in shown(kb, platform, lang):
        if any(section.links for section in getattr(card, "sections", [])):
            # "All sources" and "Other countries": every section carries its own source links.
            assert all(section.links for section in card.sections), answer.name
            continue
        assert seen.source, f"{answer.name}: no source line"
        assert seen.text.count(seen.source) == 1, f"{answer.name}: source line shown twice"
        share = cells(seen.source) / cells(seen.text)
        assert share <= SOURCE_SHARE_MAX, f"{answer.name}: source line {share:.0%} of the reply"
        assert card.source is not None  # a card with a source line carries it as a Link
        raw = str(seen.raw)
        if platform == "telegram":
            assert f'<a href="{card.source.url}">' in raw, answer.name
        elif platform == "discord":
            assert f"]({card.source.url})" in raw, answer.name
        else:
            assert f"\x1b]8;;{card.source.url}\x1b\\" in raw, answer.name


@pytest.mark.parametrize("platform", list(PLATFORMS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_first_line_carries_the_point(kb: Knowledge, platform: str, lang: str) -> None:
    """The first thing read is the card's title, and the title is the answer itself: a verdict,
    what you get, how to dispose… (one of the answer's catalog messages), ≤ 120 characters."""
    for answer, card, seen in shown(kb, platform, lang):
        title = getattr(card, "title", "")
        assert 0 < len(title) <= MAX_TITLE_CHARS, f"{answer.name}: title of {len(title)}"
        first_block = seen.text.split("\n\n", 1)[0]  # the console may wrap a long title
        assert "".join(first_block.split()) == "".join(title.split()), (answer.name, first_block)
        assert any(template(lang, msgid).fullmatch(title) for msgid in answer.points), \
            f"{answer.name}: {title!r} is none of {answer.points}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_verdicts_have_at_most_five_lines_under_the_title(kb: Knowledge, lang: str) -> None:
    for answer in COMMON_ANSWERS:
        card = reply(answer, kb, lang)
        if isinstance(card, VerdictCard):
            lines = [line for section in card.sections for line in section.lines]
            assert len(lines) <= 5, (answer.name, lines)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_link_buttons_come_first(kb: Knowledge, lang: str) -> None:
    """The official checker and claim form are link buttons, before any other button."""
    for answer in COMMON_ANSWERS:
        buttons = reply(answer, kb, lang).buttons
        kinds = ["url" if b.url else "other" for b in buttons]
        assert kinds == sorted(kinds, key=lambda k: k != "url"), (answer.name, kinds)
    a1263 = reply(COMMON_ANSWERS[0], kb, lang)
    assert a1263.buttons[0].url == "https://www.anker.com/product-recalls"
