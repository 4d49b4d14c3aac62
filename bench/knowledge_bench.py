"""Knowledge: load time of the shipped files, exact model lookup as the catalogue grows to
100,000 synthetic models, and fuzzy marketing-name lookup.

    python -m bench.knowledge_bench [--sizes 0 10000 100000] [--loads 5]

Synthetic models are clones of the shipped products (same campaigns' rules) with new model
numbers and names, spread over 1,000 synthetic campaigns; size 0 is the shipped data alone.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from bench.common import emit, peak_rss_mb
from knowledge import Campaign, Knowledge, KnowledgeIndex

WORDS = ("Power", "Core", "Nano", "Max", "Slim", "Mag", "Go", "Ultra", "Pocket", "Prime", "Flash",
         "Volt", "Cell", "Pack", "Boost", "Mini", "Pro", "Air", "Duo", "Zen")


def per_call_us(call: Callable[[], object], calls: int, repeats: int = 5) -> float:
    """Median of `repeats` runs of `calls` calls, in microseconds per call."""
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        runs.append((time.perf_counter() - start) / calls)
    return round(statistics.median(runs) * 1e6, 3)


def synthetic_campaigns(shipped: tuple[Campaign, ...], models: int) -> list[Campaign]:
    """`models` fake products (Z00001 … with invented names) across up to 1,000 campaigns."""
    rng = random.Random(8)
    per = max(1, models // 1000)
    campaigns = []
    for number, start in enumerate(range(0, models, per)):
        base = shipped[number % len(shipped)]
        template = base.products[0]
        products = [template.model_copy(update={
            "model": f"Z{n:06d}",
            "name": f"{rng.choice(WORDS)}{rng.choice(WORDS)} {rng.choice((5, 10, 20, 26))}K "
                    f"{rng.choice(WORDS)} {n}",
            "aliases": []}) for n in range(start, min(models, start + per))]
        campaigns.append(base.model_copy(update={"id": f"synthetic-{number}",
                                                 "products": products}))
    return campaigns


def lookup_figures(index: KnowledgeIndex, size: int, rng: random.Random) -> None:
    """Exact lookups (hit, miss, as typed) and fuzzy name search on one index."""
    models = index.models
    hits = [rng.choice(models) for _ in range(1000)]
    typed = [m.lower()[:1] + " " + m[1:] for m in hits]  # "a 1263": what people type
    it = iter(range(10**9))

    def cycle(values: list[str]) -> Callable[[], object]:
        return lambda: index.campaigns_for_model(values[next(it) % len(values)])

    emit("knowledge", "model_lookup", models=len(models), synthetic=size,
         hit_us=per_call_us(cycle(hits), 20000),
         typed_us=per_call_us(cycle(typed), 20000),
         miss_us=per_call_us(cycle(["B9999", "XYZ-1", "Q1234X"]), 20000),
         known_model_us=per_call_us(lambda: index.known_model(hits[next(it) % 1000]), 20000))
    queries = ["anker powercore 10000", "powercore slim 10k pd", "magsafe battery pack", "zolo 20k"]
    calls, repeats = (200, 5) if len(models) < 10000 else (2, 3)
    emit("knowledge", "fuzzy_name_lookup", models=len(models), synthetic=size,
         names=len(index._name_choices),
         us_per_query={q: per_call_us(lambda q=q: index.search_names(q), calls, repeats)  # type: ignore[misc]
                       for q in queries})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 10000, 100000])
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    times = []
    for _ in range(args.loads):
        start = time.perf_counter()
        knowledge = Knowledge.load()
        times.append(time.perf_counter() - start)
    emit("knowledge", "load_shipped", campaigns=len(knowledge.index.campaigns),
         models=len(knowledge.index.models), first_ms=round(times[0] * 1000, 2),
         median_ms=round(statistics.median(times) * 1000, 2))
    rng = random.Random(1263)
    for size in args.sizes:
        campaigns = list(knowledge.index.campaigns)
        if size:
            campaigns += synthetic_campaigns(knowledge.index.campaigns, size)
        start = time.perf_counter()
        index = KnowledgeIndex(campaigns)
        build = time.perf_counter() - start
        emit("knowledge", "index_build", models=len(index.models), synthetic=size,
             ms=round(build * 1000, 2))
        lookup_figures(index, size, rng)
    emit("knowledge", "memory", peak_rss_mb=peak_rss_mb(), largest_synthetic=max(args.sizes))


if __name__ == "__main__":
    main()
