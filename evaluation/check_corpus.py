"""Check corpus files against the fixed vocabularies and the item format.

    python -m evaluation.check_corpus evaluation/corpus/train-2.yaml [more files ...]

Checks: the file parses with yaml.safe_load; every item has exactly the keys of the format;
ids are unique within and across the given files and evaluation/corpus/train.yaml; the id prefix
matches `lang`; every type is an id of evaluation/question-types.md; every fact is in the fact
vocabulary of the labelling guide; context is null or {step: await_serial|await_region, model};
entities have models (list), serial (string or null) and region (ISO alpha-2 or null); a model
that is not in knowledge/data/campaigns is reported as a note (owners' own spellings of models the
knowledge lacks are allowed by the guide); multi-turn answer types need a context; `origin` is
present. It never opens evaluation/corpus/test.yaml (frozen, unseen).
Exit status 1 if any error was found.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TRAIN = ROOT / "evaluation" / "corpus" / "train.yaml"
TYPES_MD = ROOT / "evaluation" / "question-types.md"
CAMPAIGNS = ROOT / "knowledge" / "data" / "campaigns"

FACTS = {
    "safety_steps", "stop_using", "verdict", "checker", "ask_region", "ask_model", "models_list",
    "refuse_safe_claim", "ask_serial", "remedy", "claim_steps", "claim_photos", "proof_of_purchase",
    "unit_fate", "disposal", "storage", "flight_rules", "contact", "serial_format",
    "no_serial_ranges", "serial_location", "no_times_known", "region_campaigns", "hazard",
    "other_products",
}
KEYS = ["id", "lang", "text", "context", "types", "entities", "facts", "origin"]
PREFIX = {"en": "en", "es": "es", "de": "de", "zh-Hans": "zhs", "zh-Hant": "zht", "ja": "ja"}
CONVERSATIONAL = {"greeting", "thanks", "help", "cancel", "off_topic", "hostile", "injection"}


def question_types() -> set[str]:
    ids = set()
    for line in TYPES_MD.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\|\s*([a-z_]+)\s*\|", line)
        if m and m.group(1) != "id":
            ids.add(m.group(1))
    return ids


def known_models() -> set[str]:
    models = set()
    for path in CAMPAIGNS.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for product in data.get("products") or []:
            models.add(str(product["model"]))
    return models


def check(path: Path, seen: dict[str, str], types: set[str], models: set[str]) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    notes: list[str] = []
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(items, list):
        return [f"{path}: not a list of items"], notes
    for n, it in enumerate(items):
        where = f"{path.name}[{n}] {it.get('id') if isinstance(it, dict) else '?'}"
        if not isinstance(it, dict) or list(it) != KEYS:
            errors.append(f"{where}: keys {list(it) if isinstance(it, dict) else it} != {KEYS}")
            continue
        iid = it["id"]
        if iid in seen:
            errors.append(f"{where}: duplicate id (also in {seen[iid]})")
        seen[iid] = path.name
        if it["lang"] not in PREFIX or not re.fullmatch(PREFIX[it["lang"]] + r"-\d{4}", iid):
            errors.append(f"{where}: id/lang mismatch ({it['lang']})")
        if not isinstance(it["text"], str) or not it["text"].strip():
            errors.append(f"{where}: empty text")
        ctx = it["context"]
        if ctx is not None and not (isinstance(ctx, dict) and set(ctx) == {"step", "model"}
                and ctx["step"] in ("await_serial", "await_region")):
            errors.append(f"{where}: bad context {ctx}")
        if not it["types"]:
            errors.append(f"{where}: no types")
        for t in it["types"]:
            if t not in types:
                errors.append(f"{where}: unknown type {t}")
        if len(set(it["types"])) != len(it["types"]):
            errors.append(f"{where}: repeated type")
        if ("answer_serial" in it["types"] or "answer_region" in it["types"]) and ctx is None:
            errors.append(f"{where}: answer_* without context")
        if "answer_serial" in it["types"] and (ctx or {}).get("step") != "await_serial":
            errors.append(f"{where}: answer_serial outside await_serial")
        if "answer_region" in it["types"] and (ctx or {}).get("step") != "await_region":
            errors.append(f"{where}: answer_region outside await_region")
        for f in it["facts"]:
            if f not in FACTS:
                errors.append(f"{where}: unknown fact {f}")
        if len(set(it["facts"])) != len(it["facts"]):
            errors.append(f"{where}: repeated fact")
        if set(it["types"]) <= CONVERSATIONAL and it["facts"] and "injection" not in it["types"]:
            errors.append(f"{where}: conversational item with facts")
        if not set(it["types"]) <= CONVERSATIONAL and not it["facts"]:
            errors.append(f"{where}: question without facts")
        ent = it["entities"]
        if not (isinstance(ent, dict) and list(ent) == ["models", "serial", "region"]):
            errors.append(f"{where}: entities keys {ent}")
            continue
        if not isinstance(ent["models"], list):
            errors.append(f"{where}: models not a list")
        else:
            for m in ent["models"]:
                if str(m) not in models:
                    notes.append(f"{where}: model {m!r} not in the knowledge "
                                 "(allowed when written as the owner wrote it)")
        if ent["serial"] is not None:
            if not isinstance(ent["serial"], str):
                errors.append(f"{where}: serial must be a string")
            elif ent["serial"] not in it["text"]:
                errors.append(f"{where}: serial not written exactly as in the text")
        if ent["region"] is not None and not re.fullmatch(r"[A-Z]{2}", str(ent["region"])):
            errors.append(f"{where}: region {ent['region']!r} is not ISO alpha-2")
        if not isinstance(it["origin"], str) or not it["origin"].strip():
            errors.append(f"{where}: no origin")
        elif not re.match(r"^(paraphrased from https?://|adapted-from https?://"
                          r"|from recall-bot issue #11|hand-written control item)", it["origin"]):
            errors.append(f"{where}: origin form {it['origin'][:40]!r}")
    return errors, notes


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv] or [ROOT / "evaluation" / "corpus" / "train-2.yaml"]
    if any(p.name == "test.yaml" for p in files):
        print("refusing to read test.yaml (frozen, unseen)")
        return 2
    types, models = question_types(), known_models()
    seen: dict[str, str] = {}
    errors: list[str] = []
    notes: list[str] = []
    if TRAIN.resolve() not in [p.resolve() for p in files]:
        for it in yaml.safe_load(TRAIN.read_text(encoding="utf-8")):
            seen[it["id"]] = TRAIN.name
    for p in files:
        e, n = check(p, seen, types, models)
        errors += e
        notes += n
    for note in notes:
        print("note:", note)
    for error in errors:
        print("ERROR:", error)
    print(f"{len(errors)} errors, {len(notes)} notes, {len(seen)} ids checked")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
