"""The benchmarks keep working: `python -m bench --smoke` prints well-formed JSON lines for every
suite. Timings are never asserted (CI machines vary); only that each figure exists and is sane."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_smoke() -> list[dict[str, object]]:
    done = subprocess.run([sys.executable, "-m", "bench", "--smoke"], cwd=ROOT,
                          capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert lines, "the smoke run printed nothing"
    return [json.loads(line) for line in lines]  # every line is one JSON object


def positive(record: dict[str, object], *fields: str) -> None:
    for name in fields:
        value = record[name]
        assert isinstance(value, int | float) and math.isfinite(value) and value > 0, (name, record)


def test_smoke_mode_prints_every_figure() -> None:
    records = run_smoke()
    by_kind = {(str(r["suite"]), str(r["name"])) for r in records}
    assert not [r for r in records if r["suite"] == "error"]
    for expected in [("meta", "machine"), ("coldstart", "check_A1263"), ("coldstart", "imports_check"),
                     ("coldstart", "imports_chat"), ("knowledge", "load_shipped"),
                     ("knowledge", "model_lookup"), ("knowledge", "fuzzy_name_lookup"),
                     ("engine", "saturate"), ("engine", "paced"), ("engine", "profile"),
                     ("telegram", "ours"), ("telegram", "baseline"),
                     ("telegram", "baseline-durable"), ("telegram", "ratio"), ("meta", "done")]:
        assert expected in by_kind, expected

    for record in records:
        if record["suite"] == "engine" and record["name"] in ("saturate", "paced"):
            positive(record, "turns", "turns_per_s", "turns_per_cpu_s", "p50_ms", "p99_ms",
                     "peak_rss_mb")
            assert record["empty_replies"] == 0  # every scripted turn got an answer
            assert float(str(record["p50_ms"])) <= float(str(record["p99_ms"]))
        if record["suite"] == "telegram" and record["name"] != "ratio":
            positive(record, "turns", "turns_per_s", "bot_api_calls")
            # one sendMessage per turn at least (plus getMe / setMyCommands at start)
            assert int(str(record["bot_api_calls"])) >= int(str(record["turns"]))
        if record["name"] == "model_lookup":
            positive(record, "hit_us", "miss_us", "typed_us")
        if record["name"] in ("imports_check", "imports_chat"):
            assert record["exit"] == 0 and record["imported_sdks"] == []
    profile = next(r for r in records if r["name"] == "profile")
    top = profile["top"]
    assert isinstance(top, list) and top and {"function", "own_s", "cumulative_s"} <= set(top[0])
    summaries = [r for r in records if r["suite"] == "summary"]
    assert summaries and all(set(r) >= {"value", "target", "met"} for r in summaries)
