"""Lookups over the loaded knowledge: exact by model number, fuzzy by marketing name."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, process, utils

from knowledge.normalise import model_key, normalise_model
from knowledge.schema import REGION_PARENTS, Campaign, Product, Replacement

# Names shorter than this are too vague to fuzz ("pb", "10k").
_MIN_FUZZY_QUERY = 4
_FUZZY_CUTOFF = 80.0
# Looks like a model number: one token mixing letters and digits (A1263, BI-B41, 2G520,
# PB2030MI), a one- or two-letter prefix split from its digits (A 1263), or a bare number.
_MODEL_LIKE = re.compile(
    r"^(?=[\w\-]*\d)[\w\-]+$|^[A-Z]{1,2}[\s\-]+\d[\w\-]*$|^\d[\d\s]*$", re.IGNORECASE)
# Words in nearly every name: a query made only of these names nothing in particular.
_GENERIC = frozenset({"anker", "power", "bank", "powerbank", "battery", "portable", "charger",
                      "mah", "the", "my", "a", "an"})

# Words of product names that everyday messages use too ("for Apple Watch", "with the cable"):
# they never pick a product by themselves.
_COMMON_NAME_WORDS = frozenset({
    "with", "watch", "apple", "road", "super", "trip", "dual", "solar", "jump", "starter",
    "cable", "built", "integrated", "magnetic", "wireless", "stand", "black", "white", "blue",
    "pink", "cream", "navy", "blush", "lavender", "midnight", "lightning", "charging", "power",
    "packaging", "speaker", "print", "teddy", "bluetooth", "speakerphone", "elements", "gravity",
    "korea", "tech", "icons", "mini", "slim", "plus", "ultra", "magsafe", "compact", "portable",
    "fast", "charge", "pack", "usb-c", "type-c", "powerbank", "battery", "batteries", "bank"})


@dataclass(frozen=True)
class NameMatch:
    product: Product
    matched: str
    score: float


class KnowledgeIndex:
    """Built once per load; every lookup is a dict access or one rapidfuzz call."""

    def __init__(self, campaigns: Sequence[Campaign]) -> None:
        # Drafts (e.g. imported from CPSC, not yet read by a person) are never served, and a
        # campaign replaced by a loaded successor (a warning that became a recall) gives way.
        reviewed = [c for c in campaigns if c.reviewed]
        ids = {c.id for c in reviewed}
        self.campaigns: tuple[Campaign, ...] = tuple(
            c for c in reviewed if c.superseded_by is None or c.superseded_by not in ids)
        self.superseded: tuple[Campaign, ...] = tuple(
            c for c in reviewed if c not in self.campaigns)
        self._by_model: dict[str, list[Campaign]] = {}
        self._products: dict[str, Product] = {}
        names: dict[str, str] = {}
        owners: dict[str, set[str]] = {}
        for campaign in self.campaigns:
            for product in campaign.products:
                key = model_key(product.model)
                self._by_model.setdefault(key, []).append(campaign)
                self._products.setdefault(key, product)
                for name in (product.name, *product.aliases):
                    processed = utils.default_process(name)
                    names.setdefault(processed, key)
                    owners.setdefault(processed, set()).add(key)
        self._names = names
        # Models a notice names as not included (PPCXM06A): never a "did you mean" for them
        self._not_included: dict[str, Campaign] = {
            model_key(m): c for c in self.campaigns for m in c.not_included}
        # product(): the spellings that named a product (only those: no other text is kept)
        self._product_memo: dict[str, Product] = {}
        self._campaigns_for_memo: dict[tuple[str, str | None], tuple[list[Campaign],
                                                                    list[Campaign]]] = {}
        self._alike_memo: dict[str, tuple[str, ...]] = {}  # brand → models_recalled_alike
        # Models a remedy hands out (A1259 in Taiwan, A1256 in Japan): a replacement named,
        # not the owner's unit — "refund or the A1259?" speaks of the model being checked
        self.remedy_models: frozenset[str] = frozenset(
            model_key(o.model) for c in self.campaigns for r in c.remedies for o in r.options
            if isinstance(o, Replacement) and o.model) - frozenset(self._by_model)
        # models whose notice lists batch codes (Romoss): a code typed mid-check is compared
        self.models_with_batches: frozenset[str] = frozenset(
            p.model for c in self.campaigns if c.serial_rule.published_batches for p in c.products)
        # A name two products share ("IKEA VARMFRONT": E2037 and E2038) names neither exactly.
        self._shared_names = frozenset(n for n, keys in owners.items() if len(keys) > 1)
        # Words of the marketing names ("powercore", "maggo"): a question that names none of
        # them needs no fuzzy search.
        self.name_words: frozenset[str] = frozenset(
            word for name in names for word in name.split() if len(word) >= 4)
        self._name_choices = list(names)
        # "Not in any recall this bot knows (as of …)": when the list was last brought up to date.
        self.as_of: date = max((c.last_checked for c in self.campaigns), default=date.min)

    @property
    def models(self) -> list[str]:
        """Every recalled model number, as the brands write them, sorted."""
        return sorted(p.model for p in self._products.values())

    def product(self, model: str) -> Product | None:
        """The product with this model number, however it was typed."""
        found = self._product_memo.get(model)  # model numbers as typed before, found then
        if found is None:
            found = self._products.get(model_key(model))
            if found is not None and len(self._product_memo) < 4096:
                self._product_memo[model] = found
        return found

    def not_included_in(self, token: str) -> tuple[str, Campaign] | None:
        """(the model as the notice writes it, the recall whose notice names it as not
        included), or None."""
        campaign = self._not_included.get(model_key(token))
        if campaign is None:
            return None
        model = next(m for m in campaign.not_included if model_key(m) == model_key(token))
        return model, campaign

    def campaigns_for_model(self, model: str) -> list[Campaign]:
        """Every campaign naming this model, in any region."""
        return list(self._by_model.get(model_key(model), ()))

    def canonical_model(self, text: str) -> str | None:
        """The model as the brand writes it, if `text` is a known model number."""
        product = self.product(text)
        return product.model if product else None

    def campaigns_for(self, model: str,
                      region: str | None) -> tuple[list[Campaign], list[Campaign]]:
        """See `_campaigns_for`; remembered per (model, region) — the index never changes —
        and returned as fresh lists, so a caller may change its copy."""
        key = (model_key(model), region)
        found = self._campaigns_for_memo.get(key)
        if found is None:
            found = self._campaigns_for(model, region)
            if len(self._campaigns_for_memo) < 4096:
                self._campaigns_for_memo[key] = found
        return list(found[0]), list(found[1])

    def _campaigns_for(self, model: str,
                       region: str | None) -> tuple[list[Campaign], list[Campaign]]:
        """(campaigns that apply in `region`, the model's campaigns elsewhere).

        Within one family (a recall and its regional parts) a campaign naming the region
        wins over the family's worldwide ('*') campaign.
        """
        every = self.campaigns_for_model(model)
        if region is None:
            return every, []
        wanted = {region, REGION_PARENTS.get(region, region)}
        families: dict[str, list[Campaign]] = {}
        for campaign in every:
            families.setdefault(campaign.family, []).append(campaign)
        applicable: list[Campaign] = []
        for members in families.values():
            explicit = [c for c in members if wanted & set(c.regions)]
            applicable += explicit or [c for c in members if "*" in c.regions]
        return applicable, [c for c in every if c not in applicable]

    def brand_of(self, model: str | None) -> str | None:
        """The brand whose recalls name the model (None if unknown or several)."""
        brands = {c.brand for c in self.campaigns_for_model(model)} if model else set()
        return brands.pop() if len(brands) == 1 else None

    def brand_models(self, brand: str) -> list[str]:
        """The brand's recalled models, in the order its campaigns list them."""
        key = brand.lower()
        return list(dict.fromkeys(p.model for c in self.campaigns if c.brand.lower() == key
                                  for p in c.products))

    def models_recalled_alike(self, brand: str) -> tuple[str, ...]:
        """The brand's recalled models when the same recalls name every one of them (Romoss's
        three, all in China's 2025 recall): "my Romoss" then has one answer whichever it is.
        Empty when the brand's models are in different recalls (Anker, Belkin)."""
        key = brand.lower()
        found = self._alike_memo.get(key)
        if found is None:
            models = sorted({p.model for c in self.campaigns if c.brand.lower() == key
                             for p in c.products})
            recalls = {tuple(id(c) for c in self.campaigns_for_model(m)) for m in models}
            found = tuple(models) if len(recalls) == 1 else ()
            if len(self._alike_memo) < 256:
                self._alike_memo[key] = found
        return found

    def recall_of_all(self, models: list[str]) -> Campaign | None:
        """The recall naming every one of `models` (worldwide first, then the newest), if it
        decides by serial number: the A1647 and A1689 are both in Anker's June 2025 recall, so
        "is the 20K with a cable recalled?" has an answer before the owner says which it is."""
        if len(models) < 2:
            return None
        common = [c for c in self.campaigns_for_model(models[0]) if c.kind == "recall"
                  and c.serial_rule.match.kind != "all_units"
                  and all(c in self.campaigns_for_model(m) for m in models[1:])]
        return max(common, key=lambda c: ("*" in c.regions, c.announced)) if common else None

    def region_matters(self, model: str) -> bool:
        """True when the model's campaigns or remedies differ by region."""
        every = self.campaigns_for_model(model)
        if len({frozenset(c.regions) for c in every}) > 1:
            return True
        return any(len({r.region for r in c.remedies}) > 1 for c in every)

    def exact_name(self, query: str) -> Product | None:
        """The product whose marketing name or alias is exactly `query` (case, punctuation and
        spacing aside): "powercore 10000" is the A1263, although A1642's name contains it."""
        processed = utils.default_process(query)
        key = self._names.get(processed)
        if key is None or processed in self._shared_names:
            return None
        return self._products[key]

    def search_names(self, query: str, limit: int = 5) -> list[NameMatch]:
        """Fuzzy lookup by marketing name; a model number is never fuzzed into another one."""
        cleaned = utils.default_process(query)
        if len(cleaned) < _MIN_FUZZY_QUERY or _MODEL_LIKE.match(query.strip()):
            return []
        if all(word in _GENERIC for word in cleaned.split()):
            return []
        hits = process.extract(cleaned, self._name_choices, scorer=fuzz.token_set_ratio,
                               processor=None, limit=limit * 3, score_cutoff=_FUZZY_CUTOFF)
        # "my Zolo power bank": the names with "zolo", not every "... Power Bank" ("power bank"
        # is all of "321 Power Bank", so token_set_ratio scores that name high too)
        distinctive = {w for w in cleaned.split() if len(w) >= 4 and w not in _GENERIC
                       and w not in _COMMON_NAME_WORDS}
        named = [(name, fuzz.token_set_ratio(cleaned, name), 0) for name in self._name_choices
                 if distinctive & set(name.split())]  # the shared word is the evidence
        best: dict[str, NameMatch] = {}
        for name, score, _ in named or hits:
            key = self._names[name]
            if key not in best or best[key].score < score:
                best[key] = NameMatch(self._products[key], name, float(score))
        ranked = sorted(best.values(), key=lambda m: (-m.score, m.product.model))
        return ranked[:limit]

    def known_model(self, text: str) -> bool:
        """True when `text` is the model number of a recalled product."""
        return model_key(text) in self._by_model

    def models_in(self, words: Iterable[str]) -> list[str]:
        """Known model numbers among `words`, in order, without repeats."""
        found: list[str] = []
        for word in words:
            product = self._products.get(model_key(normalise_model(word)))
            if product and product.model not in found:
                found.append(product.model)
        return found
