"""A bot process for the crash and concurrency tests: many users talking at once, forever.

    python tests/reliability/_driver.py DB PLATFORM USERS [TURNS]

On start it prints `resume <user> <version> <step>` for every user it finds in DB, then runs
every user's scripted conversation concurrently, printing `ack <user> <version> <step>` after
each turn's replies came back (the engine answers only after the turn is committed). Any
apology, busy answer or exception prints `bad ...`. Each user's next message is chosen by its
stored version, so a restarted driver continues every conversation exactly where it stopped.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.catalog import CATALOG, LANGUAGES
from bot.engine import Engine
from bot.inbound import Inbound
from bot.state import ConversationState

SCRIPT: tuple[dict[str, str], ...] = (
    {"text": "A1263"}, {"text": "ABCD1234EFGH5678"}, {"text": "Ohio"},
    {"text": "what do I get?"}, {"command": "check"}, {"text": "A1647 bought in Japan"},
    {"text": "AB12 CD34 EF56"}, {"text": "how do I dispose of it"}, {"command": "cancel"},
)
BAD = frozenset(CATALOG.text(lang, m) for lang in LANGUAGES for m in ("ui_error_apology",
                                                                        "busy_retry"))


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def talk(engine: Engine, platform: str, user: str, turns: int | None) -> None:
    key = (platform, user, user)
    done = 0
    while turns is None or done < turns:
        stored = await engine.store.load(key)
        version = stored.version if stored else 0
        event = SCRIPT[version % len(SCRIPT)]
        try:
            replies = await engine.handle(Inbound(platform=platform, chat_id=user,
                                                  user_id=user, **event))
        except Exception as exc:  # handle() must never raise
            say(f"bad {user} raised {exc!r}")
            raise
        if any(r.plain_text() in BAD for r in replies) or not replies:
            say(f"bad {user} answered {[r.plain_text()[:60] for r in replies]}")
        stored = await engine.store.load(key)
        assert stored is not None
        state = ConversationState.model_validate(stored.state)
        say(f"ack {user} {stored.version} {state.step}")
        done += 1


async def main(db: str, platform: str, users: int, turns: int | None) -> None:
    engine = await Engine.open(db, flood_limit=10**9)
    names = [f"{platform}{n}" for n in range(users)]
    for name in names:
        stored = await engine.store.load((platform, name, name))
        if stored is not None:
            step = ConversationState.model_validate(stored.state).step
            say(f"resume {name} {stored.version} {step}")
    say("ready")
    try:
        await asyncio.gather(*(talk(engine, platform, n, turns) for n in names))
    finally:
        await engine.close()
    say("done")


if __name__ == "__main__":
    turns_arg = int(sys.argv[4]) if len(sys.argv) > 4 else None
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), turns_arg))
