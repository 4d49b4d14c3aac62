"""`recall-bot knowledge validate [PATH]` and `recall-bot knowledge schema [--guidance]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from knowledge import DATA_DIR, validate_path
from knowledge.schema import Campaign, Guidance


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the `validate` and `schema` actions."""
    actions = parser.add_subparsers(dest="action", required=True)
    validate = actions.add_parser(
        "validate", help="check the knowledge files; one line per problem, exit 1 if any")
    validate.add_argument(
        "path", nargs="?", type=Path, default=None,
        help="a data directory, a directory of campaign files, or one YAML file "
             "(default: the shipped knowledge)")
    schema = actions.add_parser("schema", help="print the JSON Schema of a campaign file")
    schema.add_argument("--guidance", action="store_true",
                        help="print the schema of guidance.yaml instead")


def json_schema(guidance: bool = False) -> dict[str, Any]:
    """The JSON Schema of a campaign file (or of guidance.yaml), for editors."""
    model = Guidance if guidance else Campaign
    schema = model.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text(guidance: bool = False) -> str:
    """The JSON Schema as the text committed in knowledge/schema.json."""
    return json.dumps(json_schema(guidance), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def run(args: argparse.Namespace) -> int:
    """Run the chosen action; exit 0 when everything is valid."""
    if args.action == "schema":
        sys.stdout.write(schema_text(args.guidance))
        return 0
    path: Path = args.path or DATA_DIR
    errors = validate_path(path)
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        print(f"{len(errors)} problem(s) in {path}", file=sys.stderr)
        return 1
    print(f"ok: {path}")
    return 0
