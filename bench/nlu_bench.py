"""Understanding, measured on the labelled owner-message corpus (evaluation/corpus/).

    python -m bench.nlu_bench [--split test|train] [--compare]

Prints JSON lines: question-type accuracy overall, per language and per type; the end-to-end
share of messages whose replies hold every required fact (and safety steps first where the
message describes a dangerous device); replies that call a recalled model safe (must be 0); and,
with --compare, the matcher candidates side by side (docs/understanding.md).

The test split is frozen (evaluation/README.md): nothing in bot/ is tuned on it.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.common import emit
from bot.catalog import CATALOG
from bot.dialog import Context, Dialog, d_questions
from bot.inbound import Inbound
from bot.matcher import Matcher, training_set
from bot.questions import questions
from bot.replies import Reply, SafetyCard, VerdictCard, plain_text
from bot.state import ConversationState
from bot.truth import UNSAFE_CLAIMS
from bot.understanding import Understood, understand
from knowledge import Knowledge

CORPUS = Path(__file__).resolve().parent.parent / "evaluation" / "corpus"
LANGS = ("en", "es", "de", "zh-Hans", "zh-Hant", "ja")
# Rule-level labels: what the policy did with a message that asked no question.
ENTITY_RULES = {
    "give the open check what it waited for": "fill",
    "the serial asked for, typed alone": "answer_serial",
    "check the models named": "model_only",
    "part of a serial while the check waits": "answer_serial",
    "a model number no recall names": "model_only",
    "did you mean this model": "model_only",
    "a question waiting for its region": "answer_region",
    "a place alone": "answer_region",
    "cancel": "cancel",
    "refuse prompt injection": "injection",
}


@dataclass
class Outcome:
    item: dict[str, Any]
    predicted: list[str]
    replies: list[Reply]
    missing: list[str] = field(default_factory=list)
    unsafe: bool = False

    @property
    def type_ok(self) -> bool:
        return type_matches(self.item, self.predicted)

    @property
    def facts_ok(self) -> bool:
        return not self.missing and not self.unsafe


def load(split: str) -> list[dict[str, Any]]:
    """`test` (frozen), `train`, or `dev`: the third of train held out from the matcher's examples."""
    from evaluation.import_examples import is_dev, train_items

    if split == "test":
        return list(yaml.safe_load((CORPUS / "test.yaml").read_text(encoding="utf-8")))
    data = train_items()
    return [i for i in data if is_dev(i["id"])] if split == "dev" else data


def type_matches(item: dict[str, Any], predicted: list[str]) -> bool:
    """The labelled primary type is the first thing the bot understood.

    Asking whether a named model is recalled and just naming it lead to the same action (the
    check starts), so is_recalled and model_only count as one when the message names a model.
    """
    wanted = str(item["types"][0])
    got = predicted[0] if predicted else "none"
    same = {"is_recalled", "model_only"}
    if wanted in same and got in same and (item["entities"].get("models") or got == "model_only"):
        return True
    return got == wanted


def predicted_types(u: Understood, rule: str, before: ConversationState,
                    replies: Sequence[Reply] = ()) -> list[str]:
    types: list[str] = []
    if u.safety:
        types.append("safety")
    if rule == "answer what was asked":
        said = [r for r in replies if not isinstance(r, SafetyCard)]
        if before.step == "await_region" and said and said[0].about == ("region_campaigns",):
            types.append("answer_region")  # the country it waited for, taken first, then answers
        elif before.step == "await_serial" and said and isinstance(said[0], VerdictCard):
            types.append("answer_serial")  # the serial it waited for decided first
        elif u.questions[:1] == ["is_recalled"] and u.models and said \
                and isinstance(said[0], VerdictCard):
            types.append("is_recalled")  # "is my A1263 recalled? it still works": understood
            # first and answered first by the model's check (d_questions leaves it to the check)
        types += d_questions(u, before)
    elif rule in ENTITY_RULES:
        kind = ENTITY_RULES[rule]
        if kind == "fill":
            kind = "answer_serial" if before.step == "await_serial" else "answer_region"
        types.append(kind)
    elif rule == "did you mean this question" and u.ranked:
        types.append("unsure:" + u.ranked[0].question)
    return types


def _state(item: dict[str, Any], knowledge: Knowledge) -> ConversationState:
    context = item.get("context") or {}
    state = ConversationState()
    if context.get("step"):
        state.step = context["step"]
        model = context.get("model")
        state.model = (knowledge.index.canonical_model(model) or model) if model else None
        state.region = context.get("region")
    return state


def run_item(dialog: Dialog, item: dict[str, Any]) -> Outcome:
    knowledge = dialog.knowledge
    state = _state(item, knowledge)
    inbound = Inbound(platform="console", chat_id="eval", user_id="eval", text=item["text"])
    turn = dialog.step(state, Context(inbound=inbound, lang=item["lang"], version=1))
    u = understand(item["text"], knowledge.index)
    outcome = Outcome(item, predicted_types(u, turn.rule, _state(item, knowledge), turn.replies),
                      turn.replies)
    outcome.unsafe = any(UNSAFE_CLAIMS.search(r.plain_text()) for r in turn.replies)
    outcome.missing = [f for f in item.get("facts", []) if not fact_present(f, item, turn.replies,
                                                                          knowledge)]
    return outcome


# ----- facts: what the replies must contain, from the knowledge in the user's language ----------

def _text(replies: Sequence[Reply]) -> str:
    return "\n".join(plain_text(r) for r in replies)


def _about(replies: Sequence[Reply]) -> set[str]:
    return {a for r in replies for a in r.about}


def _msg(lang: str, msgid: str) -> str:
    return CATALOG.text(lang, msgid).split("{")[0][:40]


def _campaigns(item: dict[str, Any], knowledge: Knowledge) -> list[Any]:
    models = item["entities"].get("models") or []
    context_model = (item.get("context") or {}).get("model")
    model = models[0] if models else context_model
    if not model or not knowledge.index.known_model(model):
        return []
    return knowledge.index.campaigns_for_model(model)


def fact_present(fact: str, item: dict[str, Any], replies: Sequence[Reply],
                 knowledge: Knowledge) -> bool:
    lang = item["lang"]
    text = _text(replies)
    about = _about(replies)
    region = item["entities"].get("region")
    campaigns = _campaigns(item, knowledge)
    g = knowledge.guidance

    def any_in(candidates: Iterable[str]) -> bool:
        return any(c and c in text for c in candidates)

    checks: dict[str, Callable[[], bool]] = {
        "safety_steps": lambda: bool(replies) and isinstance(replies[0], SafetyCard),
        "stop_using": lambda: any_in([g.stop_using.text.get(lang), _msg(lang, "answer_keep_using"),
                                      g.emergency.text.get(lang)[:40]]),
        "storage": lambda: any_in([g.storage.text.get(lang), g.stop_using.text.get(lang)]),
        "disposal": lambda: any_in([g.disposal.text.get(lang)[:60],
                                    *((c.disposal.get(lang)[:60]) for c in campaigns if c.disposal)]),
        "remedy": lambda: "remedy" in about or any_in(
            o.description.get(lang) for c in campaigns for r in c.remedies
            if not region or r.region in (region, "*") for o in r.options) or (
            not campaigns and "ask_model" in about),
        "claim_steps": lambda: any_in(s.get(lang) for c in campaigns for cl in c.claims
                                      for s in cl.steps) or "claim_steps" in about,
        "claim_photos": lambda: "claim_photos" in about or any_in(
            p.get(lang) for c in campaigns for cl in c.claims for p in cl.photos),
        "proof_of_purchase": lambda: "proof_of_purchase" in about or any_in(
            _msg(lang, f"proof_{k}") for k in
                                            ("required", "optional", "serial_or_receipt",
                                             "unknown")),
        "unit_fate": lambda: "unit_fate" in about or any_in(_msg(lang, f"unit_fate_{k}") for k in
                                    ("dispose_after_confirmation", "return_kit",
                                     "courier_pickup", "unknown")),
        "contact": lambda: "contact" in about or any_in(
            v for c in knowledge.index.campaigns for ct in c.contacts
            for v in (ct.phone, ct.email, ct.web) if v),
        "checker": lambda: "checker" in about or any(
            b.url for r in replies for b in r.buttons) or "anker.com/product-recalls" in text
            or any_in([_msg(lang, "verdict_confirm_with_brand_body"),  # no public checker: the
                       _msg(lang, "verdict_confirm_batches_body"),  # (Romoss: batches listed)
                       _msg(lang, "brand_decides")]),                   # brand's support confirms
        "serial_location": lambda: "serial_location" in about or "ask_serial" in about,
        "serial_format": lambda: "serial_format" in about or any_in(
            [_msg(lang, "serial_invalid_length"), _msg(lang, "serial_lookalikes")]),
        "no_serial_ranges": lambda: any_in([_msg(lang, "answer_serial_ranges"),
                                            _msg(lang, "general_serial_ranges")]),
        "no_times_known": lambda: any_in([_msg(lang, "answer_delivery_time"),
                                          _msg(lang, "no_times_known"),
                                          _msg(lang, "answer_deadline"),
                                          _msg(lang, "processing_time_overdue")]),
        "flight_rules": lambda: "flight_rules" in about,
        "region_campaigns": lambda: "region_campaigns" in about or "verdict" in about,
        "hazard": lambda: any_in(c.hazard.get(lang) for c in campaigns) or "hazard" in about,
        "models_list": lambda: "models_list" in about or "other_products" in about,
        "other_products": lambda: "other_products" in about or "models_list" in about,
        "verdict": lambda: any(isinstance(r, VerdictCard) for r in replies),
        "ask_model": lambda: "ask_model" in about or any_in([_msg(lang, "ask_model")]) or (
            "did_you_mean" in about),
        "ask_serial": lambda: "ask_serial" in about,
        "ask_region": lambda: "ask_region" in about,
        "refuse_safe_claim": lambda: not UNSAFE_CLAIMS.search(text) and (
            any_in([_msg(lang, "answer_reassure_safe"), _msg(lang, "answer_checker_says_no")])
            or "verdict" in about
            or "ask_model" in about or any_in([_msg(lang, "ask_model")])),
    }
    check = checks.get(fact)
    return check is not None and bool(check())


# ----- reporting -----------------------------------------------------------------------------

def report(outcomes: list[Outcome], split: str, started: float) -> None:
    def share(values: Iterable[bool]) -> tuple[float, int]:
        values = list(values)
        return (round(100 * sum(values) / len(values), 1) if values else float("nan"), len(values))

    accuracy, n = share(o.type_ok for o in outcomes)
    e2e, _ = share(o.facts_ok for o in outcomes)
    safety = [o for o in outcomes if "safety" in o.item["types"]]
    safety_first, n_safety = share(bool(o.replies) and isinstance(o.replies[0], SafetyCard)
                                   for o in safety)
    emit("nlu", "overall", split=split, messages=n, type_accuracy=accuracy, end_to_end=e2e,
         safety_first=safety_first, safety_messages=n_safety,
         unsafe_replies=sum(o.unsafe for o in outcomes),
         seconds=round(time.perf_counter() - started, 2))
    unseen = [o for o in outcomes if "issue #11" not in str(o.item.get("origin", ""))]
    acc_unseen, n_unseen = share(o.type_ok for o in unseen)
    e2e_unseen, _ = share(o.facts_ok for o in unseen)
    emit("nlu", "without_issue_examples", split=split, messages=n_unseen,
         type_accuracy=acc_unseen, end_to_end=e2e_unseen)
    for lang in LANGS:
        mine = [o for o in outcomes if o.item["lang"] == lang]
        acc, count = share(o.type_ok for o in mine)
        end, _ = share(o.facts_ok for o in mine)
        emit("nlu", "language", split=split, lang=lang, messages=count, type_accuracy=acc,
             end_to_end=end)
    by_type: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_type[o.item["types"][0]].append(o)
    for qtype, mine in sorted(by_type.items()):
        acc, count = share(o.type_ok for o in mine)
        end, _ = share(o.facts_ok for o in mine)
        confused = Counter(o.predicted[0] if o.predicted else "none" for o in mine if not o.type_ok)
        emit("nlu", "type", split=split, type=qtype, messages=count, type_accuracy=acc,
             end_to_end=end, confused_with=dict(confused.most_common(3)))


def failures(outcomes: list[Outcome]) -> None:
    for o in outcomes:
        if not (o.type_ok and o.facts_ok):
            emit("nlu", "failure", id=o.item["id"], text=o.item["text"][:120],
                 wanted=o.item["types"], got=o.predicted, missing=o.missing, unsafe=o.unsafe)


# ----- matcher candidates --------------------------------------------------------------------

class _Candidate:
    name = ""

    def fit(self, texts: list[str], labels: list[str]) -> None:
        raise NotImplementedError

    def predict(self, text: str) -> str:
        raise NotImplementedError


class _Ours(_Candidate):
    name = "tfidf-char-sgd + e5 head, averaged (chosen)"

    def fit(self, texts: list[str], labels: list[str]) -> None:
        self.matcher = Matcher.train(texts, labels)

    def predict(self, text: str) -> str:
        ranked = self.matcher.rank(text, 1)
        return ranked[0].question if ranked else "none"


class _Letters(_Ours):
    name = "tfidf-char-sgd alone (chosen until session 6)"

    def fit(self, texts: list[str], labels: list[str]) -> None:
        self.matcher = Matcher.train(texts, labels, semantic=False)

    def predict(self, text: str) -> str:
        ranked = self.matcher.rank(text, 1, meaning=False)
        return ranked[0].question if ranked else "none"


class _Meaning(_Ours):
    name = "multilingual-e5-small + logistic head alone"

    def predict(self, text: str) -> str:
        ranked = self.matcher.meaning_rank(text, 1)
        return ranked[0].question if ranked else "none"


class _LogReg(_Candidate):
    name = "tfidf-char-logreg"

    def fit(self, texts: list[str], labels: list[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        self.pipe = make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4),
                                                  sublinear_tf=True, lowercase=False),
                                  LogisticRegression(C=20, max_iter=3000))
        self.pipe.fit(texts, labels)

    def predict(self, text: str) -> str:
        return str(self.pipe.predict([text])[0])


class _Fuzzy(_Candidate):
    name = "rapidfuzz-nearest-example"

    def fit(self, texts: list[str], labels: list[str]) -> None:
        self.texts, self.labels = texts, labels

    def predict(self, text: str) -> str:
        from rapidfuzz import fuzz, process

        best = process.extractOne(text, self.texts, scorer=fuzz.WRatio)
        return self.labels[best[2]] if best else "none"


class _BM25(_Candidate):
    name = "bm25s-char-ngrams"

    def fit(self, texts: list[str], labels: list[str]) -> None:
        import bm25s

        self.labels = labels
        self.retriever = bm25s.BM25()
        self.retriever.index([self._grams(t) for t in texts], show_progress=False)

    @staticmethod
    def _grams(text: str) -> list[str]:
        return [text[i:i + n] for n in (2, 3) for i in range(max(0, len(text) - n + 1))] or [text]

    def predict(self, text: str) -> str:
        docs, _ = self.retriever.retrieve([self._grams(text)], k=1, show_progress=False)
        return self.labels[int(docs[0][0])]


def compare(items: list[dict[str, Any]], knowledge: Knowledge, split: str) -> None:
    """Each candidate learns from questions.yaml only, then labels the corpus' questions."""
    ids = {q.id for q in questions()}
    texts, labels = training_set(questions())
    asked = [(understand(i["text"], knowledge.index), i) for i in items if i["types"][0] in ids]
    asked = [(u, i) for u, i in asked if u.masked]
    for candidate in (_Ours(), _Letters(), _Meaning(), _LogReg(), _Fuzzy(), _BM25()):
        began = time.perf_counter()
        candidate.fit(texts, labels)
        trained = time.perf_counter() - began
        began = time.perf_counter()
        right = [candidate.predict(u.masked) == i["types"][0] for u, i in asked]
        per_message = (time.perf_counter() - began) / max(1, len(asked))
        emit("nlu", "candidate", split=split, candidate=candidate.name, messages=len(asked),
             accuracy=round(100 * sum(right) / max(1, len(right)), 1),
             train_s=round(trained, 2), us_per_message=round(per_message * 1e6, 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=("test", "train", "dev"), default="test")
    parser.add_argument("--compare", action="store_true", help="also compare matcher candidates")
    parser.add_argument("--failures", action="store_true", help="print every miss (train only)")
    args = parser.parse_args(argv)
    knowledge = Knowledge.load()
    items = load(args.split)
    started = time.perf_counter()
    dialog = Dialog(knowledge)
    outcomes = [run_item(dialog, item) for item in items]
    report(outcomes, args.split, started)
    if args.failures and args.split != "test":  # the test split is never read for tuning
        failures(outcomes)
    if args.compare:
        compare(items, knowledge, args.split)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
