"""The recall knowledge schema: one campaign per YAML file, plus shared guidance.

Every text a user reads is a `LocalText` (a map from language to text, English required).
Every campaign carries its sources and a last-reviewed date, so an answer can always say
where it comes from. Facts the sources tag UNVERIFIED are kept out of user-facing fields;
maintainers may park them in `unverified_notes`, which the bot never shows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

LANGUAGES: tuple[str, ...] = ("en", "es", "de", "zh-Hans", "zh-Hant", "ja")

# Region codes the knowledge may use. "*" means "everywhere not covered by a more specific
# campaign of the same family" (see index.campaigns_for).
REGIONS: dict[str, str] = {
    "*": "worldwide",
    "US": "United States",
    "CA": "Canada",
    "MX": "Mexico",
    "GB": "United Kingdom",
    "EU": "European Union",
    "DE": "Germany",
    "AT": "Austria",
    "CH": "Switzerland",
    "FR": "France",
    "ES": "Spain",
    "IT": "Italy",
    "NL": "Netherlands",
    "CN": "Mainland China",
    "HK": "Hong Kong",
    "TW": "Taiwan",
    "JP": "Japan",
    "KR": "South Korea",
    "AU": "Australia",
    "IN": "India",
    "SG": "Singapore",
    "BR": "Brazil",
    "AR": "Argentina",
    "CO": "Colombia",
    "CL": "Chile",
    "PE": "Peru",
    # Countries no campaign names yet: an owner there is told so, not asked the country again.
    "NZ": "New Zealand",
    "IE": "Ireland",
    "BE": "Belgium",
    "PT": "Portugal",
    "PL": "Poland",
    "SE": "Sweden",
    "NO": "Norway",
    "DK": "Denmark",
    "FI": "Finland",
    "CZ": "Czechia",
    "GR": "Greece",
    "TR": "Türkiye",
    "IL": "Israel",
    "AE": "United Arab Emirates",
    "SA": "Saudi Arabia",
    "ZA": "South Africa",
    "MO": "Macao",
    "MY": "Malaysia",
    "PH": "Philippines",
    "TH": "Thailand",
    "VN": "Vietnam",
    "ID": "Indonesia",
    "GT": "Guatemala",
    "EC": "Ecuador",
    "VE": "Venezuela",
    "UY": "Uruguay",
    "CR": "Costa Rica",
    "DO": "Dominican Republic",
    "QA": "Qatar",
    "KW": "Kuwait",
    "EG": "Egypt",
    "PK": "Pakistan",
    "BD": "Bangladesh",
    "LK": "Sri Lanka",
    "NG": "Nigeria",
    "KE": "Kenya",
}

# Countries that belong to a wider region code used by campaigns.
REGION_PARENTS: dict[str, str] = {
    "DE": "EU", "AT": "EU", "FR": "EU", "ES": "EU", "IT": "EU", "NL": "EU",
    "IE": "EU", "BE": "EU", "PT": "EU", "PL": "EU", "SE": "EU", "DK": "EU", "FI": "EU",
    "CZ": "EU", "GR": "EU",
}

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_MODEL = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,23}$")
# Notes a researcher leaves in a title ("URL cited by …", "content not verified"): not for users.
_RESEARCH_NOTE = re.compile(r"\bcited by\b|\bnot verified\b|\bUNVERIFIED\b|\bTODO\b", re.IGNORECASE)


class Confidence(StrEnum):
    PRIMARY = "primary"
    CORROBORATED = "corroborated"
    SINGLE = "single"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalText(Strict):
    """A text in several languages; English is required, the others fall back to it."""

    en: str = Field(min_length=1)
    es: str | None = None
    de: str | None = None
    zh_Hans: str | None = Field(default=None, alias="zh-Hans")
    zh_Hant: str | None = Field(default=None, alias="zh-Hant")
    ja: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def get(self, lang: str) -> str:
        """The text in `lang`, else English."""
        value = getattr(self, lang.replace("-", "_"), None)
        return value if isinstance(value, str) and value else self.en

    def has(self, lang: str) -> bool:
        """True when this text has its own translation for `lang`."""
        return bool(getattr(self, lang.replace("-", "_"), None))


def _check_partial_date(value: str) -> str:
    if not _PARTIAL_DATE.match(value):
        raise ValueError(f"{value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    parts = [int(p) for p in value.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date ({exc})") from None
    return value


PartialDate = Annotated[
    str, Field(description="YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source")
]


class DateWindow(Strict):
    """A period such as 'sold June 2016 to December 2022', only as precise as the source."""

    start: PartialDate | None = None
    end: PartialDate | None = None

    @field_validator("start", "end", mode="before")
    @classmethod
    def _valid(cls, value: object) -> object:
        # YAML reads an unquoted 2016-06-01 as a date; keep it as the ISO string.
        if isinstance(value, date):
            return value.isoformat()
        return _check_partial_date(value) if isinstance(value, str) else value


SourceKind = Literal["official", "company", "news"]


class Source(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1, description="Shown to users: the page's own title, no notes")
    url: str = Field(pattern=r"^https?://")
    date: dt.date | None = None
    confidence: Confidence
    kind: SourceKind = Field(
        default="news", description="Who published it: an authority ('official'), the brand "
        "('company'), or anyone else ('news')")

    @field_validator("title")
    @classmethod
    def _clean_title(cls, value: str) -> str:
        if _RESEARCH_NOTE.search(value):
            raise ValueError(f"title {value!r} holds a research note; put it in a YAML comment")
        return value


class AuthorityKind(StrEnum):
    CPSC = "CPSC"
    HEALTH_CANADA = "Health Canada"
    SAMR = "SAMR"
    BSMI = "BSMI"
    METI = "METI"
    OPSS = "OPSS"
    CPSO = "CPSO"
    ACCC = "ACCC"
    KCA = "Korea Consumer Agency"
    VOLUNTARY = "voluntary"


class Authority(Strict):
    kind: AuthorityKind
    recall_number: str | None = None
    url: str | None = Field(default=None, pattern=r"^https?://")


class Product(Strict):
    model: str
    name: str = Field(min_length=1, description="Marketing name as the brand writes it")
    aliases: list[str] = Field(default_factory=list, description="Other names people use")
    colours: list[str] = Field(default_factory=list)
    label_location: LocalText | None = None

    @field_validator("model")
    @classmethod
    def _model_form(cls, value: str) -> str:
        if not _MODEL.match(value):
            raise ValueError(f"model {value!r} must be upper-case letters, digits and dashes")
        return value


class SerialFormat(Strict):
    """What a well-formed serial of this brand looks like."""

    lengths: list[int] = Field(default_factory=list, description="Allowed lengths; empty = any")
    alphabet: Literal["alnum", "digits"] = "alnum"
    never_uses: str = Field(default="", description="Letters the brand never prints, e.g. 'OI'")
    wrong_length_means: Literal["invalid", "not_affected"] = "invalid"


class AllUnits(Strict):
    kind: Literal["all_units"]


class ListedSerials(Strict):
    kind: Literal["listed"]
    values: list[str] = Field(min_length=1)
    match: Literal["exact", "contains"] = "exact"


class SerialPrefixes(Strict):
    kind: Literal["prefixes"]
    prefixes: list[str] = Field(min_length=1)


class SerialPattern(Strict):
    kind: Literal["pattern"]
    regex: str
    in_words: LocalText | None = Field(
        default=None, description="The rule as the source states it, shown to owners "
        "('serials ending in a digit or D are included'); the regex decides")

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        re.compile(value)
        return value


class CheckerOnly(Strict):
    """Only the manufacturer can tell; `checker_url` is its serial checker when one is public
    (None: ask the manufacturer through the campaign's contacts)."""

    kind: Literal["checker_only"]
    checker_url: str | None = Field(default=None, pattern=r"^https?://")


SerialMatch = Annotated[
    AllUnits | ListedSerials | SerialPrefixes | SerialPattern | CheckerOnly,
    Field(discriminator="kind"),
]


class SerialRule(Strict):
    """Which units of a product are in the recall, as data for one evaluator."""

    match: SerialMatch
    format: SerialFormat = SerialFormat()
    where_printed: LocalText | None = None
    published_batches: LocalText | None = Field(
        default=None, description="Batch codes the notice lists, shown to owners as help; the "
        "bot never decides on them when their printed form is not described")


class Replacement(Strict):
    kind: Literal["replacement"]
    model: str | None = None
    description: LocalText


class GiftCard(Strict):
    kind: Literal["gift_card", "voucher"]
    amount: str | None = Field(default=None, description="As the source states it, e.g. '$30'")
    description: LocalText


class Refund(Strict):
    kind: Literal["refund"]
    amount: str | None = None
    description: LocalText


RemedyOption = Annotated[Replacement | GiftCard | Refund, Field(discriminator="kind")]


class Remedy(Strict):
    region: str
    options: list[RemedyOption] = Field(min_length=1)
    note: LocalText | None = None
    sources: list[str] = Field(min_length=1)


ProofOfPurchase = Literal["required", "optional", "serial_or_receipt", "unknown"]
UnitFate = Literal["dispose_after_confirmation", "return_kit", "courier_pickup", "unknown"]


class Claim(Strict):
    region: str
    form_url: str | None = Field(default=None, pattern=r"^https?://")
    steps: list[LocalText] = Field(min_length=1)
    photos: list[LocalText] = Field(default_factory=list)
    proof_of_purchase: ProofOfPurchase = "unknown"
    proof_note: LocalText | None = Field(
        default=None, description="What changes without a proof of purchase, as the source "
        "states it ('$36 without proof of purchase')")
    processing_time: LocalText | None = Field(
        default=None, description="How long the brand says a claim takes, as the source states "
        "it ('INIU reviews each claim in about 15 business days'); never estimated")
    unit_fate: UnitFate = "unknown"
    sources: list[str] = Field(min_length=1)


class Contact(Strict):
    region: str
    phone: str | None = None
    hours: LocalText | None = Field(default=None, description="When the phone line is open")
    email: str | None = None
    web: str | None = Field(default=None, pattern=r"^https?://")
    wechat: str | None = None
    sources: list[str] = Field(min_length=1)


class Figures(Strict):
    units: LocalText | None = None
    incidents: LocalText | None = None


CampaignKind = Literal["recall", "warning", "corrective_action"]


class Campaign(Strict):
    """One recall campaign: one authority's (or the brand's) action, in one or more regions.

    `kind` is "recall" (the usual case), "warning" (an authority urges owners to stop using a
    product and no remedy is offered) or "corrective_action" (a remedy without a formal recall).
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    kind: CampaignKind = "recall"
    reviewed: bool = Field(
        default=True, description="False for drafts (e.g. from import-cpsc): never served")
    superseded_by: str | None = Field(
        default=None, description="Id of the campaign that replaced this one (a warning that "
        "became a recall); a superseded campaign is not served while its successor is")
    part_of: str | None = Field(default=None, description="Family id; regional parts share it")
    brand: str
    title: LocalText
    authority: Authority
    announced: date
    announced_precision: Literal["day", "month"] = Field(
        default="day", description="'month' when the sources give only the month: show YYYY-MM")
    regions: list[str] = Field(min_length=1)
    sold: DateWindow | None = None
    made: DateWindow | None = None
    hazard: LocalText
    figures: Figures = Figures()
    products: list[Product] = Field(min_length=1)
    not_included: list[str] = Field(
        default_factory=list, description="Model numbers the notice names as NOT in this recall "
        "(PPCXM06A beside PPCXM06): said so, never read as the recalled model they resemble")
    serial_rule: SerialRule
    remedies: list[Remedy] = Field(
        default_factory=list, description="Empty when no source states the remedy")
    claims: list[Claim] = Field(default_factory=list)
    safety: LocalText | None = None
    disposal: LocalText | None = None
    contacts: list[Contact] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)
    last_reviewed: date
    last_checked: date = Field(
        description="When a person last checked the sources still say this (staleness)")
    unverified_notes: list[str] = Field(default_factory=list, description="Never shown to users")

    @property
    def family(self) -> str:
        """The id shared by a recall and its regional parts."""
        return self.part_of or self.id

    @property
    def announced_label(self) -> str:
        """The announcement date only as precise as the sources: '2025-06-12' or '2025-06'."""
        iso = self.announced.isoformat()
        return iso[:7] if self.announced_precision == "month" else iso

    @field_validator("regions")
    @classmethod
    def _known_regions(cls, value: list[str]) -> list[str]:
        for i, region in enumerate(value):
            problem = _region_problem(region)
            if problem:
                raise ValueError(f"item {i}: {problem}")
        if len(set(value)) != len(value):
            raise ValueError("a region is listed twice")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Campaign:
        source_ids = {s.id for s in self.sources}
        if len(source_ids) != len(self.sources):
            raise ValueError("sources: duplicate source id")
        regional: tuple[tuple[str, Sequence[Remedy | Claim | Contact]], ...] = (
            ("remedies", self.remedies), ("claims", self.claims), ("contacts", self.contacts))
        for kind, items in regional:
            for i, item in enumerate(items):
                problem = _region_problem(item.region)
                if problem:
                    raise ValueError(f"{kind}.{i}.region: {problem}")
                for sid in item.sources:
                    if sid not in source_ids:
                        raise ValueError(f"{kind}.{i}.sources: unknown source id {sid!r}")
        models = [p.model for p in self.products]
        if len(set(models)) != len(models):
            raise ValueError("products: a model is listed twice")
        if set(models) & set(self.not_included):
            raise ValueError("not_included: a model is both recalled and not included")
        if self.kind == "warning" and self.remedies:
            raise ValueError("remedies: a warning offers no remedy (use kind recall)")
        if self.last_checked < self.last_reviewed:
            raise ValueError("last_checked: earlier than last_reviewed")
        return self

    def text_fields(self) -> list[LocalText]:
        """Every user-facing text of this campaign (for translation coverage checks)."""
        texts: list[LocalText] = [self.title, self.hazard]
        texts += [t for t in (self.safety, self.disposal, self.figures.units,
                              self.figures.incidents, self.serial_rule.where_printed,
                              self.serial_rule.published_batches) if t]
        match = self.serial_rule.match
        texts += [match.in_words] if match.kind == "pattern" and match.in_words else []
        texts += [p.label_location for p in self.products if p.label_location]
        for remedy in self.remedies:
            texts += [o.description for o in remedy.options]
            texts += [remedy.note] if remedy.note else []
        for claim in self.claims:
            texts += claim.steps + claim.photos
            texts += [x for x in (claim.proof_note, claim.processing_time) if x]
        return texts


def _region_problem(region: str) -> str | None:
    if region in REGIONS:
        return None
    return f"unknown region {region!r} (known: {', '.join(sorted(REGIONS))})"


class GuidanceTopic(Strict):
    text: LocalText
    sources: list[str] = Field(min_length=1)


class Guidance(Strict):
    """Advice that holds for every recall: safety steps, disposal, travel, scams."""

    emergency: GuidanceTopic
    stop_using: GuidanceTopic
    disposal: GuidanceTopic
    storage: GuidanceTopic
    flights: GuidanceTopic | None = None
    sources: list[Source] = Field(min_length=1)
    last_reviewed: date

    @model_validator(mode="after")
    def _sources_known(self) -> Guidance:
        ids = {s.id for s in self.sources}
        for name in ("emergency", "stop_using", "disposal", "storage", "flights"):
            topic = getattr(self, name)
            if topic is None:
                continue
            for sid in topic.sources:
                if sid not in ids:
                    raise ValueError(f"{name}.sources: unknown source id {sid!r}")
        return self


class Airline(Strict):
    """An airline (or group) a flight rule names, with the names people type for it."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list, description="Other names, any language")
    not_when: list[str] = Field(
        default_factory=list,
        description="Phrases that contain a name but mean something else ('United Arab Emirates')")


class FlightRule(Strict):
    """One rule for carrying power banks on aircraft: worldwide, a country's, or an airline's."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    scope: Literal["everywhere", "region", "airline"]
    name: LocalText
    effective: date | None = Field(default=None, description="None only for long-standing rules")
    effective_precision: Literal["day", "month"] = "day"
    regions: list[str] = Field(
        default_factory=list, description="Where it applies (scope region), or the airlines' "
        "home countries (scope airline: shown for flights there when no airline is named)")
    airlines: list[str] = Field(default_factory=list, description="Airline ids it binds")
    text: LocalText
    sources: list[str] = Field(min_length=1)

    @property
    def effective_label(self) -> str | None:
        if self.effective is None:
            return None
        iso = self.effective.isoformat()
        return iso[:7] if self.effective_precision == "month" else iso

    @model_validator(mode="after")
    def _scoped(self) -> FlightRule:
        if self.scope == "everywhere" and (self.regions or self.airlines):
            raise ValueError("regions: a rule for everywhere names no region or airline")
        if self.scope == "region" and not self.regions:
            raise ValueError("regions: a regional rule names at least one region")
        if self.scope == "airline" and not self.airlines:
            raise ValueError("airlines: an airline rule names at least one airline")
        if self.scope != "everywhere" and self.effective is None:
            raise ValueError("effective: a country or airline rule has a start date")
        for i, region in enumerate(self.regions):
            problem = _region_problem(region)
            if problem:
                raise ValueError(f"regions.{i}: {problem}")
        return self


class Flights(Strict):
    """Flight rules for power banks (knowledge/data/flights.yaml)."""

    recalled_units: GuidanceTopic = Field(description="Recalled units must never fly")
    airlines: list[Airline] = Field(default_factory=list)
    rules: list[FlightRule] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    last_checked: date

    @model_validator(mode="after")
    def _consistent(self) -> Flights:
        source_ids = {s.id for s in self.sources}
        airline_ids = {a.id for a in self.airlines}
        if len(airline_ids) != len(self.airlines):
            raise ValueError("airlines: duplicate airline id")
        if len({r.id for r in self.rules}) != len(self.rules):
            raise ValueError("rules: duplicate rule id")
        for sid in self.recalled_units.sources:
            if sid not in source_ids:
                raise ValueError(f"recalled_units.sources: unknown source id {sid!r}")
        for i, rule in enumerate(self.rules):
            for sid in rule.sources:
                if sid not in source_ids:
                    raise ValueError(f"rules.{i}.sources: unknown source id {sid!r}")
            for aid in rule.airlines:
                if aid not in airline_ids:
                    raise ValueError(f"rules.{i}.airlines: unknown airline id {aid!r}")
        return self
