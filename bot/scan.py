"""`pattern.finditer(text)` for the big word-list patterns, trying only where a match can start.

Python's `re` has no literal prefix to skip ahead with for a pattern such as SAFETY
(`\\b(?:hot|very warm|…)\\b|\\b(?:caliente|…)\\b|…|发烫|發燙|…`, ~140 alternatives): it tries
every alternative at every word boundary of the message, ~5–30 µs a message (#14's profile: 4 %
of a turn for in_danger alone). When every alternative starts either with a word boundary and
a letter, or with a non-ASCII character, a match can only start at the start of a word or at a
non-ASCII character: `WordStarts.finditer` asks the pattern only there (`pattern.match(text,
position)`, which sees the characters before `position` just as a search does), in order, and
resumes after each match, so it yields exactly the matches `pattern.finditer` yields. A pattern
whose starts cannot be proven so (by parsing it) is searched the usual way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _constants as sre
from re import _parser
from typing import Any

# Where a match may start: a letter after a non-word character (or the text's start), or any
# non-ASCII character.
_STARTS = re.compile(r"\b[^\W\d_]|[^\x00-\x7f]")


def _first_chars(items: list[tuple[Any, Any]]) -> set[int] | None:
    """Every character a match of this parsed sequence can start with; None if not certain
    (an optional first item, a negated class, anything but literals, classes and groups)."""
    if not items:
        return None
    op, av = items[0]
    if op is sre.LITERAL:
        return {av}
    if op is sre.IN:
        chars: set[int] = set()
        for kind, value in av:
            if kind is sre.LITERAL:
                chars.add(value)
            elif kind is sre.RANGE and value[1] - value[0] < 0x3000:
                chars.update(range(value[0], value[1] + 1))
            else:
                return None  # negated classes, categories (\w …)
        return chars
    if op is sre.SUBPATTERN:
        return _first_chars(list(av[-1].data))
    if op is sre.BRANCH:
        found: set[int] = set()
        for alternative in av[1]:
            first = _first_chars(list(alternative.data))
            if first is None:
                return None
            found |= first
        return found
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _first_chars(list(av[2].data))
    return None


def _starts_at_words(pattern: re.Pattern[str]) -> bool:
    """True if every match of `pattern` starts where _STARTS finds a position."""
    if pattern.flags & (re.ASCII | re.LOCALE | re.VERBOSE):
        return False  # \b and \w mean something else; keep it simple
    parsed = _parser.parse(pattern.pattern, pattern.flags)
    items = list(parsed.data)
    alternatives = [list(a.data) for a in items[0][1][1]] \
        if len(items) == 1 and items[0][0] is sre.BRANCH else [items]
    for alternative in alternatives:
        if alternative and alternative[0] == (sre.AT, sre.AT_BOUNDARY):
            first = _first_chars(alternative[1:])
            if first is None or not all(chr(c).isalpha() for c in first):
                return False
            if pattern.flags & re.IGNORECASE and not all(chr(c).isascii() for c in first):
                return False  # (non-ASCII letters fold to more letters: still letters, but
                #               keep the proof to what is obviously true)
        else:
            first = _first_chars(alternative)
            if first is None or any(c < 0x80 for c in first):
                return False
    return True


class WordStarts:
    """A compiled pattern's finditer, asking it only where a match can start (see above)."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.fast = _starts_at_words(pattern)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Exactly the matches of `self.pattern.finditer(text)`, in order."""
        if not self.fast:
            yield from self.pattern.finditer(text)
            return
        match_at = self.pattern.match
        resume = 0
        for start in _STARTS.finditer(text):
            at = start.start()
            if at < resume:
                continue
            found = match_at(text, at)
            if found is not None:
                yield found
                resume = found.end()  # (these patterns never match empty text)

    def search(self, text: str) -> re.Match[str] | None:
        """Exactly `self.pattern.search(text)`: the first match."""
        if not self.fast:
            return self.pattern.search(text)
        return next(self.finditer(text), None)


__all__ = ["WordStarts"]
