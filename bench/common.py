"""Helpers shared by the suites: JSON-line output, percentiles, peak RSS, one-core pinning."""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
from collections.abc import Sequence


def emit(suite: str, name: str, **fields: object) -> None:
    """Print one measurement as a JSON line (flushed, so the runner streams it)."""
    print(json.dumps({"suite": suite, "name": name, **fields}), flush=True)


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """The value below which `fraction` of the sorted values lie (nearest rank)."""
    if not sorted_values:
        return float("nan")
    rank = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]


def ms(seconds: float) -> float:
    """Seconds → milliseconds, rounded for the report."""
    return round(seconds * 1000, 3)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports kilobytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def pin_one_core() -> int | None:
    """Run this process (both its threads) on one CPU so turns/s means "on one core"."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[-1]})
    return cpus[-1]


def machine() -> dict[str, object]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory_gb: float | None = None
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            memory_gb = round(int(next(info).split()[1]) / 1024 / 1024, 1)
    except (OSError, StopIteration, ValueError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": memory_gb,
            "python": platform.python_version(), "os": platform.platform(terse=True)}
