"""Every regular expression in understanding, lexicon, tokens, truth and dialog is linear."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("_regex_timing.py")
LIMIT = 0.5  # seconds per pattern per 100 KB input ("well under a second"; linear ones: ms)
TOTAL_TIMEOUT = 60.0


def test_regexes_are_linear_on_adversarial_100kb_inputs() -> None:
    try:
        run = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                             timeout=TOTAL_TIMEOUT, check=False)
        out = run.stdout
    except subprocess.TimeoutExpired as timeout:
        out = timeout.stdout.decode() if isinstance(timeout.stdout, bytes) else timeout.stdout or ""
        last = [line for line in out.splitlines() if line.startswith("start")][-1:]
        raise AssertionError(f"a pattern never finished (catastrophic backtracking): {last}") \
            from None
    assert run.returncode == 0, run.stderr[-2000:]
    timings = [line.split(" ", 2) for line in out.splitlines() if line.startswith("took")]
    # ~20 inputs × every pattern (regions are table lookups now, no longer 25 patterns)
    assert len(timings) > 400, "the script timed too few patterns"
    slow = [(float(t), what) for _, t, what in timings if float(t) > LIMIT]
    assert not slow, f"super-linear patterns on 100 KB input: {sorted(slow, reverse=True)[:5]}"
