"""`recall-bot knowledge validate|schema|import-cpsc|diff`: the maintainers' commands.

- validate [PATH] [--max-age-days N]: schema errors and never-use sources (exit 1), and a
  warning for each campaign whose `last_checked` is older than N days (exit 0).
- import-cpsc FILE.json [--out DIR]: draft campaign files (reviewed: false, never served) from
  records of CPSC's Recall Retrieval API; a recall number already known is skipped.
- diff OLD NEW [--json]: what changes for users between two knowledge versions (knowledge/diff.py).
- schema [--guidance | --flights]: the JSON Schema of a campaign file (committed as
  knowledge/schema.json), of guidance.yaml or of flights.yaml.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from knowledge import DATA_DIR, validate_path
from knowledge.cpsc_import import drafts_from_records
from knowledge.diff import diff_campaigns
from knowledge.flights import FLIGHTS_FILE, flight_errors
from knowledge.loader import CAMPAIGN_DIR
from knowledge.quality import DEFAULT_MAX_AGE_DAYS, banned_citations, campaigns_at, stale_campaigns
from knowledge.schema import Campaign, Flights, Guidance


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the `validate` and `schema` actions."""
    actions = parser.add_subparsers(dest="action", required=True)
    validate = actions.add_parser(
        "validate", help="check the knowledge files; one line per problem, exit 1 if any")
    validate.add_argument(
        "path", nargs="?", type=Path, default=None,
        help="a data directory, a directory of campaign files, or one YAML file "
             "(default: the shipped knowledge)")
    validate.add_argument(
        "--max-age-days", type=int, default=DEFAULT_MAX_AGE_DAYS, metavar="N",
        help="warn about campaigns whose last_checked date is more than N days old "
             f"(default {DEFAULT_MAX_AGE_DAYS})")
    validate.add_argument("--today", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                          help="the date to measure ages from (default: today)")
    schema = actions.add_parser("schema", help="print the JSON Schema of a campaign file")
    cpsc = actions.add_parser(
        "import-cpsc", help="draft campaign files (reviewed: false) from CPSC Recall Retrieval "
                            "API JSON")
    cpsc.add_argument("file", type=Path, help="a JSON file of CPSC recall records")
    cpsc.add_argument("--out", type=Path, default=None,
                      help="directory for the drafts (default: the shipped campaigns)")
    cpsc.add_argument("--today", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                      help="the import date written into the drafts (default: today)")
    diff = actions.add_parser("diff", help="what changes for users between two knowledge versions")
    diff.add_argument("old", type=Path, help="the old data directory, campaigns directory or file")
    diff.add_argument("new", type=Path, help="the new one")
    diff.add_argument("--json", action="store_true", help="print the changes as a JSON array")
    which = schema.add_mutually_exclusive_group()
    which.add_argument("--guidance", action="store_true",
                       help="print the schema of guidance.yaml instead")
    which.add_argument("--flights", action="store_true",
                       help="print the schema of flights.yaml instead")


def json_schema(guidance: bool = False, flights: bool = False) -> dict[str, Any]:
    """The JSON Schema of a campaign file (or of guidance.yaml or flights.yaml), for editors."""
    model: type[Campaign | Guidance | Flights] = \
        Guidance if guidance else Flights if flights else Campaign
    schema = model.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text(guidance: bool = False, flights: bool = False) -> str:
    """The JSON Schema as the text committed in knowledge/schema.json."""
    schema = json_schema(guidance, flights)
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def run(args: argparse.Namespace) -> int:
    """Run the chosen action; exit 0 when everything is valid."""
    if args.action == "schema":
        sys.stdout.write(schema_text(args.guidance, args.flights))
        return 0
    if args.action == "import-cpsc":
        return _import_cpsc(args.file, args.out or DATA_DIR / CAMPAIGN_DIR, args.today)
    if args.action == "diff":
        return _diff(args.old, args.new, args.json)
    return _validate(args.path or DATA_DIR, args.max_age_days, args.today)


def _import_cpsc(file: Path, out: Path, today: date | None) -> int:
    try:
        records = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        print(f"recall-bot knowledge import-cpsc: cannot read {file} ({exc})", file=sys.stderr)
        return 2
    except json.JSONDecodeError as exc:
        print(f"recall-bot knowledge import-cpsc: {file} is not JSON (line {exc.lineno}: "
              f"{exc.msg})", file=sys.stderr)
        return 2
    drafts, problems = drafts_from_records(records, today or date.today())
    for problem in problems:
        print(f"skipped {problem}", file=sys.stderr)
    known = {c.authority.recall_number: c.id for c in campaigns_at(out)
             if c.authority.kind.value == "CPSC" and c.authority.recall_number}
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for draft in drafts:
        target = out / f"{draft.id}.yaml"
        if draft.recall_number in known:
            print(f"skipped recall {draft.recall_number}: already in {known[draft.recall_number]}",
                  file=sys.stderr)
            continue
        if target.exists():
            print(f"skipped recall {draft.recall_number}: {target} exists", file=sys.stderr)
            continue
        header = (f"# DRAFT from CPSC recall {draft.recall_number}: not served until a person "
                  "reviews it and sets `reviewed: true`.\n")
        body = yaml.safe_dump(draft.data, allow_unicode=True, sort_keys=False, width=100)
        target.write_text(header + body, encoding="utf-8")
        print(f"wrote {target} (draft, reviewed: false)")
        written += 1
    print(f"{written} draft(s) written, {len(drafts) - written + len(problems)} skipped")
    return 1 if problems and not drafts else 0


def _diff(old: Path, new: Path, as_json: bool = False) -> int:
    errors = [f"{old}: {e}" for e in validate_path(old)] + [f"{new}: {e}" for e in validate_path(new)]
    if errors:
        print("recall-bot knowledge diff: fix these first:", *errors, sep="\n", file=sys.stderr)
        return 1
    changes = diff_campaigns(campaigns_at(old), campaigns_at(new))
    if as_json:
        print(json.dumps([asdict(c) for c in changes], indent=2, ensure_ascii=False))
        return 0
    for change in changes:
        print(change)
    if not changes:
        print("no changes for users")
    return 0


def _validate(path: Path, max_age_days: int, today: date | None) -> int:
    if max_age_days < 0:
        print("recall-bot knowledge validate: --max-age-days must be 0 or more", file=sys.stderr)
        return 2
    if path.name == FLIGHTS_FILE and path.is_file():
        errors = flight_errors(path)[1]
        campaigns = []
    else:
        campaigns = campaigns_at(path)
        errors = validate_path(path) + banned_citations(campaigns)
        if (path / FLIGHTS_FILE).is_file():
            errors += flight_errors(path / FLIGHTS_FILE)[1]
    for error in errors:
        print(error, file=sys.stderr)
    for stale in stale_campaigns(campaigns, max_age_days, today):
        print(f"warning: {stale} (more than {max_age_days}); re-check its sources and update "
              "last_checked", file=sys.stderr)
    drafts = sorted(c.id for c in campaigns if not c.reviewed)
    if drafts:
        print(f"note: {len(drafts)} draft(s) not served until reviewed: {', '.join(drafts)}",
              file=sys.stderr)
    if errors:
        print(f"{len(errors)} problem(s) in {path}", file=sys.stderr)
        return 1
    print(f"ok: {path}")
    return 0
