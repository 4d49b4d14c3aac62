"""Cold start: wall time of `recall-bot check A1263`, and proof that neither `check` nor `chat`
imports telegram or discord.

    python -m bench.coldstart_bench [--runs 7]

Each run is a fresh process (the console script), so the time includes the interpreter start,
imports and loading the knowledge; the first run may also pay for a cold disk cache.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from bench.common import emit

# Runs a CLI subcommand in-process, then reports which platform SDKs ended up imported.
_PROBE = """
import contextlib, io, json, sys
from bot.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
sdk = sorted({m.split(".")[0] for m in sys.modules} & {"telegram", "discord", "aiohttp"})
print(json.dumps({"exit": code, "imported_sdks": sdk, "output_chars": len(out.getvalue())}))
"""


def wall_times(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def probe(args: list[str], stdin: str, env: dict[str, str]) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], input=stdin, text=True,
                          capture_output=True, env=env, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"exit": done.returncode, "error": done.stderr.strip()[-300:]}
    result: dict[str, object] = json.loads(lines[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    script = shutil.which("recall-bot")
    command = [script] if script else [sys.executable, "-m", "bot"]
    check = [*command, "check", "A1263"]
    times = wall_times(check, args.runs)
    bare = wall_times([sys.executable, "-c", "pass"], args.runs)
    emit("coldstart", "check_A1263", command=" ".join(["recall-bot", *check[len(command):]]),
         runs=args.runs, first_s=round(times[0], 3), median_s=round(statistics.median(times), 3),
         min_s=round(min(times), 3), python_startup_s=round(statistics.median(bare), 3),
         target_s=0.5)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "RECALL_BOT_DB": os.path.join(tmp, "state.db"),
               "XDG_DATA_HOME": tmp}
        for name, cli_args, stdin in (("check", ["check", "A1263"], ""),
                                      ("chat", ["chat", "--db", os.path.join(tmp, "c.db")],
                                       "A1263\nAKF12Z330L8419B6\nUS\n")):
            emit("coldstart", f"imports_{name}", **probe(cli_args, stdin, env))


if __name__ == "__main__":
    main()
