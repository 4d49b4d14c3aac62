"""`recall-bot check MODEL [SERIAL] [--region CODE] [--json] [--lang CODE]`.

The text answer comes from the presenter (bot.present.check_text); the JSON answer is built
here and documented in docs/check-json.md, where its fields are a stable contract.
Bad input gets one line on stderr and exit code 2; an unknown model is an answer, not an error.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import unicodedata
from typing import Any

from knowledge import LANGUAGES, REGIONS, CheckResult, Knowledge, KnowledgeInvalid
from knowledge.check import CampaignVerdict
from knowledge.normalise import fold
from knowledge.schema import Campaign, Claim, Contact, DateWindow, Remedy, Source

JSON_FORMAT = "recall-bot.check/1"
MAX_MODEL_LENGTH = 64
MAX_SERIAL_LENGTH = 64
# Besides letters and digits, what people type in a model number or serial.
_ALLOWED_PUNCTUATION = set(" -_./:#()+")


class BadInput(ValueError):
    """One line telling the user what to fix."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the check arguments."""
    parser.add_argument("model", nargs="?", help="model number as printed on the device, e.g. A1263")
    parser.add_argument("serial", nargs="?", default=None,
                        help="serial number (SN), if you have it")
    parser.add_argument("--region", metavar="CODE", default=None,
                        help="where it was bought: " + " ".join(c for c in REGIONS if c != "*"))
    parser.add_argument("--json", action="store_true", help="print the stable JSON form")
    parser.add_argument("--photo", metavar="PATH", help="read model and serial from a photo of the "
                        "label (needs the ocr extra; docs/photos.md)")
    parser.add_argument("--lang", metavar="CODE", default="en",
                        help="answer language: " + " ".join(LANGUAGES))


def clean_text(value: str, what: str, max_length: int) -> str:
    """The argument folded to plain form, or BadInput saying what is wrong with it."""
    if len(value) > max_length * 4:
        raise BadInput(f"the {what} is too long ({len(value)} characters; at most {max_length})")
    folded = fold(value) if not any(unicodedata.category(c) == "Cc" for c in value) else None
    if folded is None:
        raise BadInput(f"the {what} contains control characters; type only letters and digits")
    folded = folded.strip()
    if not folded:
        raise BadInput(f"the {what} is empty")
    if len(folded) > max_length:
        raise BadInput(f"the {what} is too long ({len(folded)} characters; at most {max_length})")
    for char in folded:
        if not (char.isalnum() or char in _ALLOWED_PUNCTUATION):
            raise BadInput(f"the {what} contains U+{ord(char):04X} ({char!r}), which is not a "
                           "letter or digit; type it as printed on the device")
    return folded


def parse_region(value: str | None) -> str | None:
    """A known region code (case-insensitive), or BadInput listing the known ones."""
    if value is None:
        return None
    code = clean_text(value, "region code", 8).upper()
    if code not in REGIONS or code == "*":
        known = " ".join(c for c in REGIONS if c != "*")
        raise BadInput(f"unknown region code {code!r}; use one of: {known}")
    return code


def parse_lang(value: str) -> str:
    """A supported answer language, or BadInput listing them."""
    for lang in LANGUAGES:
        if value.lower() == lang.lower():
            return lang
    raise BadInput(f"unknown language {value[:20]!r}; use one of: {' '.join(LANGUAGES)}")


def _window(window: DateWindow | None) -> dict[str, str | None] | None:
    return None if window is None else {"start": window.start, "end": window.end}


def _source(source: Source) -> dict[str, Any]:
    return {"title": source.title, "url": source.url,
            "date": source.date.isoformat() if source.date else None,
            "confidence": source.confidence.value, "kind": source.kind}


def _remedy(remedy: Remedy | None, lang: str) -> dict[str, Any] | None:
    if remedy is None:
        return None
    options = [{"kind": o.kind, "model": getattr(o, "model", None),
                "amount": getattr(o, "amount", None), "description": o.description.get(lang)}
               for o in remedy.options]
    return {"region": remedy.region, "options": options,
            "note": remedy.note.get(lang) if remedy.note else None}


def _claim(claim: Claim | None, lang: str) -> dict[str, Any] | None:
    if claim is None:
        return None
    return {"region": claim.region, "form_url": claim.form_url,
            "steps": [s.get(lang) for s in claim.steps],
            "photos": [p.get(lang) for p in claim.photos],
            "proof_of_purchase": claim.proof_of_purchase, "unit_fate": claim.unit_fate}


def _contact(contact: Contact | None, lang: str) -> dict[str, Any] | None:
    if contact is None:
        return None
    hours = contact.hours.get(lang) if contact.hours else None
    return {"region": contact.region, "phone": contact.phone, "hours": hours,
            "email": contact.email, "web": contact.web, "wechat": contact.wechat}


def _campaign(cv: CampaignVerdict, lang: str) -> dict[str, Any]:
    c = cv.campaign
    match = c.serial_rule.match
    return {
        "id": c.id, "kind": c.kind, "part_of": c.part_of, "brand": c.brand,
        "title": c.title.get(lang),
        "verdict": cv.verdict.value,
        "authority": {"kind": c.authority.kind.value, "recall_number": c.authority.recall_number,
                      "url": c.authority.url},
        "announced": c.announced_label, "regions": list(c.regions),
        "sold": _window(c.sold), "made": _window(c.made), "hazard": c.hazard.get(lang),
        "serial_rule": match.kind,
        "checker_url": match.checker_url if match.kind == "checker_only" else None,
        "remedy": _remedy(cv.remedy, lang), "claim": _claim(cv.claim, lang),
        "contact": _contact(cv.contact, lang),
        "safety": c.safety.get(lang) if c.safety else None,
        "disposal": c.disposal.get(lang) if c.disposal else None,
        "sources": [_source(s) for s in c.sources],
        "last_reviewed": c.last_reviewed.isoformat(),
        "last_checked": c.last_checked.isoformat(),
    }


def _elsewhere(c: Campaign, lang: str) -> dict[str, Any]:
    return {"id": c.id, "title": c.title.get(lang), "regions": list(c.regions),
            "announced": c.announced_label}


def check_json(knowledge: Knowledge, result: CheckResult, lang: str) -> dict[str, Any]:
    """The documented JSON answer (docs/check-json.md)."""
    serial = result.serial
    sources: dict[str, dict[str, Any]] = {}
    for campaign in [cv.campaign for cv in result.campaigns] + result.elsewhere:
        for source in campaign.sources:
            sources.setdefault(source.url + "\n" + source.title, _source(source))
    return {
        "format": JSON_FORMAT,
        "model": result.model,
        "product_name": result.product.name if result.product else None,
        "region": result.region,
        "lang": lang,
        "verdict": result.verdict.value,
        "needs_region": result.needs_region,
        "serial": None if serial is None or serial.serial is None else {
            "normalised": serial.serial,
            "changes": list(serial.changes),
            "invalid_reason": serial.invalid_reason.value if serial.invalid_reason else None,
            "expected_lengths": list(serial.expected_lengths),
        },
        "campaigns": [_campaign(cv, lang) for cv in result.campaigns],
        "elsewhere": [_elsewhere(c, lang) for c in result.elsewhere],
        "sources": list(sources.values()),
        "as_of": result.as_of.isoformat(),
        "knowledge_version": knowledge.version,
    }


def _text(knowledge: Knowledge, result: CheckResult, lang: str) -> str:
    from bot.present import check_text, t  # the presenter pulls in the catalog; only for text

    text = check_text(knowledge, result, lang)
    for chat, console in (("remedy_depends_on_region", "cli_remedy_depends_on_region"),
                          ("remedy_tell_country", "cli_tell_region")):  # no chat to reply in:
        text = text.replace(t(lang, chat), t(lang, console))     # the option says where
    return text


def _photo_args(args: argparse.Namespace) -> int | None:
    from bot.photo.cli import fill_check_args

    return fill_check_args(args)


def run(args: argparse.Namespace) -> int:
    """Check one device and print the answer; exit 2 on bad input."""
    if args.photo and (failed := _photo_args(args)) is not None:  # issue 17
        return failed
    if args.model is None:
        print("recall-bot check: give the MODEL number (or --photo PATH)", file=sys.stderr)
        return 2
    try:
        model = clean_text(args.model, "model", MAX_MODEL_LENGTH)
        serial = None if args.serial is None else clean_text(args.serial, "serial",
                                                             MAX_SERIAL_LENGTH)
        region = parse_region(args.region)
        lang = parse_lang(args.lang)
    except BadInput as exc:
        print(f"recall-bot check: {exc}", file=sys.stderr)
        return 2
    try:
        knowledge = Knowledge.load()
    except KnowledgeInvalid as exc:
        print("recall-bot check: the knowledge files are invalid:", file=sys.stderr)
        print(exc, file=sys.stderr)
        return 1
    result = knowledge.check(model, serial, region)
    if args.json:
        out = json.dumps(check_json(knowledge, result, lang), indent=2, ensure_ascii=False)
    else:
        out = _text(knowledge, result, lang)
    if isinstance(sys.stdout, io.TextIOWrapper):  # a non-UTF-8 terminal must not crash on "¥"
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        print(out)
        sys.stdout.flush()
    except BrokenPipeError:  # `| head` closed the pipe: not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
