"""Draft campaigns from records of CPSC's Recall Retrieval API (its JSON format).

`drafts_from_records` turns each record into the data of a campaign file that validates but is
marked `reviewed: false`: the bot never serves it until a person has read the CPSC page, added
the translations and the serial rule, and set `reviewed: true`. Nothing is fetched here: the
maintainer downloads the JSON (https://www.saferproducts.gov/RestWebServices/Recall?format=json
with a query) and passes the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from knowledge.schema import Campaign

_MODEL_TOKEN = re.compile(r"^(?=[A-Z-]*\d)[A-Z0-9][A-Z0-9-]{1,23}$")  # has a digit: not "SEE-LABEL"
_MODEL_SPLIT = re.compile(r"\s*(?:,|;|/|\band\b|\bor\b|\n)\s*", re.IGNORECASE)
_PHONE = re.compile(r"\(?\b\d{3}\)?[-. ]\d{3}[-. ]\d{4}\b")
_EMAIL = re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_WEB = re.compile(r"\b(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|us)"
                  r"(?:/[^\s,;)]*)?", re.IGNORECASE)
_REMEDY_KINDS = {"refund": "refund", "replace": "replacement", "replacement": "replacement"}


class RecordProblem(ValueError):
    """A record that cannot become a draft, and why."""


@dataclass(frozen=True)
class Draft:
    id: str
    recall_number: str
    data: dict[str, Any]  # the campaign file's content, valid under the schema


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _names(record: Mapping[str, Any], key: str) -> list[str]:
    items = record.get(key) or []
    return [_text(i.get("Name")) for i in items if isinstance(i, Mapping) and _text(i.get("Name"))]


def recall_number(raw: object) -> str:
    """'26740' → '26-740' (CPSC writes the year, a dash, the sequence)."""
    text = _text(raw).replace(" ", "")
    if re.fullmatch(r"\d{2}-?\d{3,4}", text):
        digits = text.replace("-", "")
        return f"{digits[:2]}-{digits[2:]}"
    raise RecordProblem(f"RecallNumber {raw!r} is not of the form 26740 or 26-740")


def _recall_date(raw: object) -> date:
    text = _text(raw)
    try:
        return datetime.fromisoformat(text[:19]).date() if "T" in text else date.fromisoformat(text)
    except ValueError:
        raise RecordProblem(f"RecallDate {raw!r} is not an ISO date") from None


def _models(product: Mapping[str, Any]) -> list[str]:
    raw = _text(product.get("Model"))
    tokens = [t.strip().upper().replace(" ", "-") for t in _MODEL_SPLIT.split(raw)]
    return [t for t in tokens if _MODEL_TOKEN.match(t)]


def _brand(record: Mapping[str, Any]) -> str:
    for key in ("Manufacturers", "Importers", "Distributors"):
        names = _names(record, key)
        if names:
            return names[0]
    products = _names(record, "Products")
    return products[0].split()[0] if products else "Unknown"


def _contact(text: str, source_id: str) -> dict[str, Any] | None:
    phone = _PHONE.search(text)
    email = _EMAIL.search(text)
    without_email = _EMAIL.sub(" ", text)
    web = _WEB.search(without_email)
    if not (phone or email or web):
        return None
    contact: dict[str, Any] = {"region": "US"}
    if phone:
        contact["phone"] = re.sub(r"[(). ]+", "-", phone.group()).strip("-").replace("--", "-")
    if email:
        contact["email"] = email.group()
    if web:
        url = web.group().rstrip(".")
        contact["web"] = url if url.lower().startswith("http") else f"https://{url}"
    contact["sources"] = [source_id]
    return contact


def draft_from_record(record: Mapping[str, Any], today: date) -> Draft:
    """One draft campaign (validated), or RecordProblem saying what the record lacks."""
    if not isinstance(record, Mapping):
        raise RecordProblem("a record must be a JSON object")
    number = recall_number(record.get("RecallNumber"))
    announced = _recall_date(record.get("RecallDate"))
    title = _text(record.get("Title"))
    url = _text(record.get("URL"))
    if not title or not url.startswith("http"):
        raise RecordProblem(f"recall {number}: Title and URL are required")
    products: list[dict[str, str]] = []
    units: list[str] = []
    unparsed: list[str] = []
    for product in record.get("Products") or []:
        if not isinstance(product, Mapping):
            continue
        name = _text(product.get("Name")) or title
        models = _models(product)
        if not models:
            unparsed.append(_text(product.get("Model")) or name)
        for model in models:
            if model not in [p["model"] for p in products]:
                products.append({"model": model, "name": name})
        if _text(product.get("NumberOfUnits")):
            units.append(_text(product.get("NumberOfUnits")))
    if not products:
        raise RecordProblem(f"recall {number}: no product has a model number "
                            f"({'; '.join(unparsed) or 'no Products'}); add the campaign by hand")
    campaign_id = f"cpsc-{number}"
    source = {"id": "cpsc", "title": f"CPSC: {title}", "url": url,
              "date": announced.isoformat(), "confidence": "primary", "kind": "official"}
    hazards = _names(record, "Hazards")
    remedies = _names(record, "Remedies")
    kinds = []
    for option in record.get("RemedyOptions") or []:
        kind = _REMEDY_KINDS.get(_text(option.get("Option")).lower()) \
            if isinstance(option, Mapping) else None
        if kind and kind not in kinds:
            kinds.append(kind)
    data: dict[str, Any] = {
        "id": campaign_id,
        "reviewed": False,
        "brand": _brand(record),
        "title": {"en": title},
        "authority": {"kind": "CPSC", "recall_number": number, "url": url},
        "announced": announced.isoformat(),
        "regions": ["US"],
        "hazard": {"en": " ".join(hazards) or "The hazard is not in the record; read the CPSC page."},
        "products": products,
        "serial_rule": {"match": {"kind": "checker_only"}},
    }
    if units:
        data["figures"] = {"units": {"en": "; ".join(units)}}
    if remedies and kinds:
        data["remedies"] = [{"region": "US", "sources": ["cpsc"], "options": [
            {"kind": kind, "description": {"en": " ".join(remedies)}} for kind in kinds]}]
    contact = _contact(_text(record.get("ConsumerContact")), "cpsc")
    if contact:
        data["contacts"] = [contact]
    data["sources"] = [source]
    data["last_reviewed"] = data["last_checked"] = max(today, announced).isoformat()
    data["unverified_notes"] = [
        f"DRAFT imported from CPSC Recall Retrieval API record {record.get('RecallID', '?')} on "
        f"{today.isoformat()}. Before setting reviewed: true, read the CPSC page; check brand, "
        "models, remedy and contact; add the serial rule (checker_only is a placeholder), claim "
        "steps and the five other languages.",
        *(f"Product without a usable model number: {u}" for u in unparsed),
        *(f"ConsumerContact: {_text(record.get('ConsumerContact'))}"
          for _ in [0] if _text(record.get("ConsumerContact"))),
    ]
    try:
        Campaign.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RecordProblem(f"recall {number}: {where}: {first['msg']}") from None
    return Draft(campaign_id, number, data)


def drafts_from_records(records: object, today: date) -> tuple[list[Draft], list[str]]:
    """Drafts for every usable record, and one line per record that is not."""
    if isinstance(records, Mapping):  # one record, or {"results": [...]}
        records = records.get("results", [records])
    if not isinstance(records, Sequence) or isinstance(records, str):
        return [], ["the file must hold a JSON array of CPSC recall records"]
    drafts: list[Draft] = []
    problems: list[str] = []
    for i, record in enumerate(records):
        try:
            drafts.append(draft_from_record(record, today))
        except RecordProblem as exc:
            problems.append(f"record {i}: {exc}")
    return drafts, problems
