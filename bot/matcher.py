"""Which question a message asks: a classifier learned from the examples in questions.yaml.

Character n-grams (1–4, within words) weighted by TF-IDF, and a linear classifier trained with a
logistic loss (scikit-learn's SGDClassifier, one-vs-rest). Character n-grams need no tokenizer,
so Chinese and Japanese (no spaces) work the same way as English, and a typo costs a few n-grams
instead of the whole word. The method was chosen by measurement against three other candidates
(docs/understanding.md; `python -m bench --only nlu`).

Training takes well under a second and runs once per process, on first use. Scoring does not go
through scikit-learn's per-call validation: the fitted vocabulary, IDF weights and coefficients
are used directly (tens of µs a message); a test checks it agrees with scikit-learn's output.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from bot.questions import Question, questions
from knowledge.normalise import fold

# How examples write the things entity rules find; the matcher sees them as these tokens.
PLACEHOLDERS = {"MODEL": "⟨m⟩", "SERIAL": "⟨s⟩", "PLACE": "⟨p⟩"}
_PLACEHOLDER = re.compile("|".join(PLACEHOLDERS))
_SPACES = re.compile(r"\s+")
MAX_CHARS = 600  # a question is asked in the first or last few hundred characters


@dataclass(frozen=True)
class Scored:
    question: str
    score: float


def prepare(text: str) -> str:
    """Lower-case, fold Unicode, keep the start and end of long messages."""
    text = fold(text)
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS // 3] + " " + text[-2 * MAX_CHARS // 3:]
    return _SPACES.sub(" ", text).strip().lower()


def example_text(example: str) -> str:
    """An example from questions.yaml as the matcher sees it (MODEL → ⟨m⟩ …)."""
    return prepare(_PLACEHOLDER.sub(lambda m: PLACEHOLDERS[m.group(0)], example))


def training_set(qs: Sequence[Question]) -> tuple[list[str], list[str]]:
    """Every example, and each again with a model before it and a place after it.

    People add "my A1263" or "bought in Canada" to any question; without these variants the
    placeholders alone would pull a question towards the few examples that contain them.
    """
    texts: list[str] = []
    labels: list[str] = []
    model, place = PLACEHOLDERS["MODEL"], PLACEHOLDERS["PLACE"]
    for question in qs:
        for examples in question.examples.values():
            for example in examples:
                text = example_text(example)
                variants = [text]
                if model not in text and question.id != "model_only":
                    variants += [f"{model} {text}", f"{text} {place}"]
                texts += variants
                labels += [question.id] * len(variants)
    return texts, labels


class Matcher:
    """Ranks question types for a prepared text; scores are probabilities summing to 1."""

    def __init__(self, texts: Sequence[str], labels: Sequence[str], *, alpha: float = 1e-5) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import SGDClassifier

        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4),
                                          sublinear_tf=True, lowercase=False, dtype=np.float64)
        features = self.vectorizer.fit_transform(texts)
        self.model = SGDClassifier(loss="log_loss", alpha=alpha, max_iter=50, tol=None,
                                   random_state=0)
        self.model.fit(features, list(labels))
        self.labels: tuple[str, ...] = tuple(str(c) for c in self.model.classes_)
        self._analyze: Callable[[str], list[str]] = self.vectorizer.build_analyzer()
        self._vocabulary: dict[str, int] = dict(self.vectorizer.vocabulary_)
        self._idf: NDArray[np.float64] = self.vectorizer.idf_
        # (features × classes), so one fancy-indexed sum gives every class's score.
        self._weights: NDArray[np.float64] = np.ascontiguousarray(self.model.coef_.T)
        self._bias: NDArray[np.float64] = self.model.intercept_

    def rank(self, text: str, limit: int = 3) -> list[Scored]:
        """The likeliest question types for `text` (already `prepare`d), best first."""
        return self.read(text, limit)[0]

    def read(self, text: str, limit: int = 3) -> tuple[list[Scored], float]:
        """(the likeliest question types, the text's familiarity), from one pass over its
        n-grams."""
        counts: dict[int, int] = {}
        vocabulary = self._vocabulary
        grams = self._analyze(text)
        for gram in grams:
            index = vocabulary.get(gram)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        familiar = _familiarity(text, grams, vocabulary)
        if not counts:
            return [], familiar
        indices = np.fromiter(counts, dtype=np.intp, count=len(counts))
        tf = np.fromiter((1.0 + math.log(n) for n in counts.values()), dtype=np.float64,
                         count=len(counts))
        values = tf * self._idf[indices]
        values /= math.sqrt(float(values @ values))
        logits = values @ self._weights[indices] + self._bias
        probabilities = 1.0 / (1.0 + np.exp(-logits))  # one-vs-rest, normalised: as predict_proba
        probabilities /= probabilities.sum()
        best = np.argsort(-probabilities)[:limit]
        return [Scored(self.labels[i], float(probabilities[i])) for i in best], familiar

    def familiarity(self, text: str) -> float:
        return _familiarity(text, self._analyze(text), self._vocabulary)

    def reference_rank(self, text: str, limit: int = 3) -> list[Scored]:
        """The same through scikit-learn's public API (tests compare the two)."""
        probabilities = self.model.predict_proba(self.vectorizer.transform([text]))[0]
        best = np.argsort(-probabilities)[:limit]
        return [Scored(self.labels[i], float(probabilities[i])) for i in best]


def _familiarity(text: str, grams: list[str], vocabulary: dict[str, int]) -> float:
    """Share of a Latin-script text's 3- and 4-grams seen in training (1.0 for other scripts).

    Keyboard mashing ("qwpoeiruty") shares almost none; any real sentence shares many. Chinese
    and Japanese are not measured: their n-grams are sparse even for real questions.
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0  # emoji, digits, punctuation: nothing to read a question from
    if sum(c.isascii() for c in letters) < 0.8 * len(letters):
        return 1.0
    long_grams = [g for g in grams if len(g.strip()) >= 3 and "⟨" not in g]
    if not long_grams:
        return 1.0
    return sum(g in vocabulary for g in long_grams) / len(long_grams)


@cache
def default_matcher() -> Matcher:
    """Trained once per process from bot/data/questions.yaml."""
    texts, labels = training_set(questions())
    return Matcher(texts, labels)
