"""Action tokens carried by buttons: short, ASCII, self-describing, so they survive restarts.

Form: `rc1:<verb>[:<arg>][@<version>]`. `<version>` is the conversation's state version when the
button was made; a state-changing button pressed on an older version is stale (applied once).
Telegram allows 64 bytes of callback_data and Discord 100 characters of custom_id; we keep ≤ 64.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

PREFIX = "rc1"
MAX_TOKEN_BYTES = 64
VERBS: frozenset[str] = frozenset({
    "pick",      # arg: model number — start a check for it
    "nofind",    # I can't find the model number
    "region",    # arg: region code
    "topic",     # arg: a question id of bot/data/questions.yaml (remedy, claim_how, dispose…)
    "again",     # check another device
    "serial",    # I'll type the serial (Discord opens a modal)
    "noserial",  # I can't read the serial
    "lang",      # arg: language code
    "check",     # start a check (PSA button)
    "more",      # arg: sources | regions | recall — details behind a card (present.details_card)
    "photo",     # arg: ok | fix — confirm or correct what was read from a label photo
})
STATEFUL: frozenset[str] = frozenset({"pick", "region", "again", "noserial", "photo"})
_TOKEN = re.compile(r"^rc1:([a-z]{1,12})(?::([A-Za-z0-9*_\-]{1,24}))?(?:@(\d{1,10}))?$")


@dataclass(frozen=True)
class Action:
    verb: str
    arg: str | None = None
    version: int | None = None

    def pack(self) -> str:
        token = f"{PREFIX}:{self.verb}"
        if self.arg is not None:
            token += f":{self.arg}"
        if self.version is not None:
            token += f"@{self.version}"
        if len(token.encode()) > MAX_TOKEN_BYTES:
            raise ValueError(f"action token longer than {MAX_TOKEN_BYTES} bytes: {token!r}")
        return token


@lru_cache(maxsize=4096)  # cards' buttons are parsed turn after turn; Action is immutable
def parse(token: str) -> Action | None:
    """The action in `token`, or None when it is malformed, unknown or forged."""
    if len(token) > MAX_TOKEN_BYTES:
        return None
    match = _TOKEN.match(token)
    if not match or match.group(1) not in VERBS:
        return None
    version = int(match.group(3)) if match.group(3) else None
    return Action(match.group(1), match.group(2), version)
