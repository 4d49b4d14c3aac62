"""Times every regular expression of the bot on adversarial 100 KB inputs (run in a subprocess).

Prints `start <name> <input>` before and `took <seconds> <name> <input>` after each run, so a
catastrophic pattern that never finishes is named by the last `start` line.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot import dialog, lexicon, tokens, truth, understanding

SIZE = 100_000
UNITS = ["a", "1 ", "SN ", "a1 ", "1-", "A ", " ", "s/n:", "A1263 ", "checker ", "ignore all ",
         "台", "aaaa-1111 ", "x" * 39 + " "]
INPUTS = {f"{unit!r}*": (unit * (SIZE // len(unit) + 1))[:SIZE] for unit in UNITS}
INPUTS["'a'*n+'!'"] = "a" * (SIZE - 1) + "!"
INPUTS["'SN: '+'A'*n"] = "SN: " + "A" * (SIZE - 4)


def patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Every compiled pattern in the bot's text-handling modules, by name."""
    found: list[tuple[str, re.Pattern[str]]] = []
    for module in (understanding, lexicon, tokens, truth, dialog):
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found.append((f"{module.__name__}.{name}", value))
    found += [(f"lexicon.reflex.{name}", p) for name, p in lexicon.REFLEXES.items()]
    return found


def timed(pattern: re.Pattern[str], text: str) -> float:
    """Seconds to scan `text`; slow runs are repeated and the best kept (a busy machine)."""
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        for _ in pattern.finditer(text):
            pass
        pattern.fullmatch(text)
        best = min(best, time.perf_counter() - began)
        if best < 0.05:
            break
    return best


def main() -> None:
    for name, pattern in patterns():
        for label, text in INPUTS.items():
            print(f"start {name} {label}", flush=True)
            print(f"took {timed(pattern, text):.4f} {name} {label}", flush=True)
    understanding.understand("warm up: the matcher trains once per process", KNOWLEDGE.index)
    for label, text in INPUTS.items():  # and the whole pipeline on the same inputs
        print(f"start understand {label}", flush=True)
        began = time.perf_counter()
        understanding.understand(text, KNOWLEDGE.index)
        understanding.serial_only(text)
        print(f"took {time.perf_counter() - began:.4f} understand {label}", flush=True)


if __name__ == "__main__":
    from knowledge import Knowledge

    KNOWLEDGE = Knowledge.load()
    main()
