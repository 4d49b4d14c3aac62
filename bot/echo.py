"""Repeating a user's words back ("did you mean …?"): one short line that links nowhere.

Telegram turns bare URLs and domains in a message into links, also in a bot's group reply, so
an echo of "win a prize at scam.example/xyz" would have advertised the link for whoever typed
it (docs/SECURITY.md, finding 9). Echoes are defanged the way security write-ups quote links:
`hxxps://example[.]com`.
"""

from __future__ import annotations

import re

MAX_ECHO = 40  # never repeat more than this many characters of what a user typed

_HTTP = re.compile(r"(?i)\b(h)tt(ps?)(?=[^a-z])")  # http(s) → hxxp(s)
_SCHEME_SEPARATOR = re.compile(r":(?=//)")  # any scheme:// → scheme[:]//
_DOT = re.compile(r"(?<=\w)[.。．｡](?=\w)")  # example.com → example[.]com (also full-width dots)


def defang(text: str) -> str:
    """`text` with URLs and domain names made unclickable: hxxps[:]//example[.]com."""
    text = _HTTP.sub(lambda m: f"{m.group(1)}xx{m.group(2)}", text)
    text = _SCHEME_SEPARATOR.sub("[:]", text)
    return _DOT.sub("[.]", text)


def echo(text: str) -> str:
    """A short, single-line excerpt of user text, safe to repeat back (links defanged)."""
    flat = defang(" ".join(text.split()))
    return flat if len(flat) <= MAX_ECHO else flat[: MAX_ECHO - 1] + "…"


__all__ = ["MAX_ECHO", "defang", "echo"]
