"""Which question a message asks: two readings learned from the examples in questions.yaml.

Character n-grams (1–4, within words) weighted by TF-IDF, and a linear classifier trained with a
logistic loss (scikit-learn's SGDClassifier, one-vs-rest). Character n-grams need no tokenizer,
so Chinese and Japanese (no spaces) work the same way as English, and a typo costs a few n-grams
instead of the whole word. Their probabilities are averaged with those of a multinomial logistic
head on sentence embeddings (bot/semantic.py), which reads paraphrases no example has. The method
was chosen by measurement against the other candidates (docs/understanding.md;
`python -m bench.nlu_bench --compare`).

Training takes a few seconds; the learned arrays are cached per machine (keyed by a hash of the
examples), so a process loads them in a fraction of a second. Scoring does not go
through scikit-learn's per-call validation: the fitted vocabulary, IDF weights and coefficients
are used directly (tens of µs a message); a test checks it agrees with scikit-learn's output.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bot.questions import Question, questions
from knowledge.normalise import fold

# How examples write the things entity rules find; the matcher sees them as these tokens.
PLACEHOLDERS = {"MODEL": "⟨m⟩", "SERIAL": "⟨s⟩", "PLACE": "⟨p⟩"}
_PLACEHOLDER = re.compile("|".join(PLACEHOLDERS))
_SPACES = re.compile(r"\s+")
log = logging.getLogger(__name__)
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


NGRAMS = (1, 4)  # character n-grams within words


_WHITE_SPACES = re.compile(r"\s\s+")


def char_wb_ngrams(text: str) -> list[str]:
    """scikit-learn's `char_wb` analyzer, restated so that loading a learned matcher does not
    import scikit-learn (a test checks the two agree): n-grams inside each word padded with a
    space; a word shorter than n counts once."""
    low, high = NGRAMS
    grams: list[str] = []
    append = grams.append
    for word in _WHITE_SPACES.sub(" ", text).split():
        word = f" {word} "
        length = len(word)
        for n in range(low, high + 1):
            offset = 0
            append(word[offset:offset + n])
            while offset + n < length:
                offset += 1
                append(word[offset:offset + n])
            if offset == 0:
                break
    return grams


# (known n-gram indices, letters, ASCII letters, long n-grams, long n-grams known)
_WordInfo = tuple[tuple[int, ...], int, int, int, int]
WORD_CACHE = 50_000  # words remembered by a matcher (a few MB)
TEXT_CACHE = 20_000  # readings of recent texts, by salted digest (a few MB)
# sublinear tf by count (index 0 unused): the very floats 1 + math.log(n) gives
_TF: tuple[float, ...] = (0.0, *(1.0 + math.log(n) for n in range(1, 64)))

def _analyzer() -> Callable[[str], list[str]]:
    return char_wb_ngrams


class Matcher:
    """Ranks question types for a prepared text; scores are probabilities summing to 1."""

    def __init__(self, labels: Sequence[str], vocabulary: dict[str, int],
                 idf: NDArray[np.float64], weights: NDArray[np.float64],
                 bias: NDArray[np.float64],
                 meaning: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None) -> None:
        self.labels: tuple[str, ...] = tuple(labels)
        # the sentence-embedding head (bot/semantic.py): (dimensions × classes) weights, bias
        self.meaning = meaning
        self._analyze = _analyzer()
        self._vocabulary = vocabulary
        self._idf = idf
        # (features × classes), so one fancy-indexed sum gives every class's score.
        self._weights = np.ascontiguousarray(weights)
        self._bias = bias
        self.fitted: tuple[Any, Any] | None = None  # (vectorizer, model) when trained here
        self._words: dict[str, _WordInfo] = {}
        self._texts: dict[tuple[bytes, int, bool], tuple[tuple[Scored, ...], float]] = {}
        self._salt = os.urandom(16)

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[str], *,
              alpha: float = 1e-5, semantic: bool = True) -> Matcher:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import SGDClassifier

        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True,
                                     lowercase=False, dtype=np.float64)
        features = vectorizer.fit_transform(texts)
        model = SGDClassifier(loss="log_loss", alpha=alpha, max_iter=50, tol=None, random_state=0)
        model.fit(features, list(labels))
        classes = [str(c) for c in model.classes_]
        meaning = _train_meaning(texts, labels, classes) if semantic else None
        matcher = cls(classes, dict(vectorizer.vocabulary_), vectorizer.idf_, model.coef_.T,
                      model.intercept_, meaning)
        matcher.fitted = (vectorizer, model)
        return matcher

    def save(self, path: Path) -> None:
        """The learned arrays (no pickles), written atomically."""
        terms = sorted(self._vocabulary, key=self._vocabulary.__getitem__)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp.npz")
        arrays: dict[str, Any] = {"labels": np.array(self.labels), "terms": np.array(terms),
                                  "idf": self._idf, "weights": self._weights, "bias": self._bias}
        if self.meaning is not None:
            arrays |= {"meaning_weights": self.meaning[0], "meaning_bias": self.meaning[1]}
        np.savez_compressed(temporary, **arrays)
        os.replace(temporary, path)
        _prune(path)

    @classmethod
    def load(cls, path: Path) -> Matcher:
        with np.load(path, allow_pickle=False) as data:
            terms = [str(t) for t in data["terms"]]
            meaning = ((data["meaning_weights"], data["meaning_bias"])
                       if "meaning_weights" in data.files else None)
            return cls([str(x) for x in data["labels"]], {t: i for i, t in enumerate(terms)},
                       data["idf"], data["weights"], data["bias"], meaning)

    def rank(self, text: str, limit: int = 3, *, meaning: bool = True) -> list[Scored]:
        """The likeliest question types for `text` (already `prepare`d), best first."""
        return self.read(text, limit, meaning=meaning)[0]

    def read(self, text: str, limit: int = 3, *,
             meaning: bool = True) -> tuple[list[Scored], float]:
        """(the likeliest question types, the text's familiarity), from one pass over its
        n-grams, averaged with the sentence-embedding head's reading unless `meaning` is False
        (parts of a message: n-grams alone, a fraction of the cost).

        Word by word, each word's n-grams looked up once and remembered (`_word`): the same
        features in the same order as `char_wb_ngrams` + look-ups, so the scores are
        bit-identical to the plain computation (`_read_plain`, checked by a test). The last
        TEXT_CACHE readings are kept by a salted digest of the text (never the text itself):
        the common questions ("what do I get?") are read once per process.
        """
        # keyed by a salted digest: the cache holds no message text
        key = (hashlib.blake2b(text.encode(), digest_size=16, key=self._salt).digest(),
               limit, meaning)
        known = self._texts.get(key)
        if known is not None:
            return list(known[0]), known[1]
        counts: dict[int, int] = {}
        get = counts.get
        letters = ascii_letters = long_total = long_known = 0
        word_cache = self._words
        for word in _WHITE_SPACES.sub(" ", text).split():
            info = word_cache.get(word)
            if info is None:
                info = self._word(word)
            indices, n_letters, n_ascii, n_long, n_known = info
            for index in indices:
                counts[index] = get(index, 0) + 1
            letters += n_letters
            ascii_letters += n_ascii
            long_total += n_long
            long_known += n_known
        # _familiarity, from the per-word counts
        if not letters:
            familiar = 0.0
        elif ascii_letters < 0.8 * letters or not long_total:
            familiar = 1.0
        else:
            familiar = long_known / long_total
        ranked = self._score(counts, limit, text if meaning else None)
        if len(self._texts) >= TEXT_CACHE:
            del self._texts[next(iter(self._texts))]
        self._texts[key] = (tuple(ranked), familiar)
        return ranked, familiar

    def _word(self, word: str) -> _WordInfo:
        """One word's known n-gram indices (in analyzer order), letters and long n-grams.

        Remembered only for words made entirely of n-grams seen in training (so what stays in
        memory is vocabulary, never a name or an address a user typed), up to WORD_CACHE words.
        """
        vocabulary = self._vocabulary
        grams = char_wb_ngrams(word)
        indices = [vocabulary.get(gram) for gram in grams]
        known = tuple(i for i in indices if i is not None)
        letters = [c for c in word if c.isalpha()]
        long_grams = [i for g, i in zip(grams, indices, strict=True)
                      if len(g.strip()) >= 3 and "⟨" not in g]
        info = (known, len(letters), sum(c.isascii() for c in letters), len(long_grams),
                sum(i is not None for i in long_grams))
        if len(known) == len(grams) and len(self._words) < WORD_CACHE:
            self._words[word] = info
        return info

    def _score(self, counts: dict[int, int], limit: int,
               text: str | None = None) -> list[Scored]:
        """The n-gram classifier's probabilities, averaged with the embedding head's for `text`
        when there is one. A text with no known n-gram (emoji, mashing) ranks nothing."""
        if not counts:
            return []
        indices = np.fromiter(counts, dtype=np.intp, count=len(counts))
        tf = np.fromiter((_TF[n] if n < len(_TF) else 1.0 + math.log(n)
                          for n in counts.values()), dtype=np.float64, count=len(counts))
        values = tf * self._idf[indices]
        values /= math.sqrt(float(values @ values))
        logits = values @ self._weights[indices] + self._bias
        probabilities = 1.0 / (1.0 + np.exp(-logits))  # one-vs-rest, normalised: as predict_proba
        probabilities /= probabilities.sum()
        if text is not None:
            meant = self._meaning_probabilities(text)
            if meant is not None:
                probabilities = (1.0 - MEANING_SHARE) * probabilities + MEANING_SHARE * meant
        best = np.argsort(-probabilities)[:limit]
        return [Scored(self.labels[i], float(probabilities[i])) for i in best]

    def _meaning_probabilities(self, text: str) -> NDArray[np.float64] | None:
        """The sentence-embedding head's probabilities (softmax: a multinomial head), in the
        order of `labels`; None without a head or an embedder."""
        from bot.semantic import embedder

        model = embedder() if self.meaning is not None else None
        if model is None or self.meaning is None:
            return None
        weights, bias = self.meaning
        scores = model.embed(text).astype(np.float64) @ weights + bias
        scores = np.exp(scores - scores.max())
        return np.asarray(scores / scores.sum(), dtype=np.float64)

    def meaning_rank(self, text: str, limit: int = 3) -> list[Scored]:
        """The embedding head's ranking alone (the evaluation compares it; the bot averages)."""
        probabilities = self._meaning_probabilities(text)
        if probabilities is None:
            return []
        best = np.argsort(-probabilities)[:limit]
        return [Scored(self.labels[i], float(probabilities[i])) for i in best]

    def _read_plain(self, text: str, limit: int = 3, *,
                    meaning: bool = True) -> tuple[list[Scored], float]:
        """`read` without the word cache: the reference its output must equal bit for bit."""
        counts: dict[int, int] = {}
        vocabulary = self._vocabulary
        grams = self._analyze(text)
        for gram in grams:
            index = vocabulary.get(gram)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        return (self._score(counts, limit, text if meaning else None),
                _familiarity(text, grams, vocabulary))

    def reference_rank(self, text: str, limit: int = 3) -> list[Scored]:
        """The n-gram part through scikit-learn's public API (tests compare it with
        `rank(text, meaning=False)`)."""
        assert self.fitted is not None, "only a matcher trained in this process has it"
        vectorizer, model = self.fitted
        probabilities = model.predict_proba(vectorizer.transform([text]))[0]
        best = np.argsort(-probabilities)[:limit]
        return [Scored(self.labels[i], float(probabilities[i])) for i in best]


MEANING_SHARE = 0.5  # the embedding head's weight in the average (docs/understanding.md)
MEANING_C = 10.0  # the head's inverse regularisation (measured on the dev third)


def semantic_examples(texts: Sequence[str],
                      labels: Sequence[str]) -> tuple[list[str], list[str]]:
    """The training set without its "⟨m⟩ …" and "… ⟨p⟩" variants: a sentence embedding is
    not pulled about by a placeholder, and each example is embedded once."""
    present = set(texts)
    kept = [(t, label) for t, label in zip(texts, labels, strict=True)
            if not (t.startswith(f"{PLACEHOLDERS['MODEL']} ") and t[4:] in present)
            and not (t.endswith(f" {PLACEHOLDERS['PLACE']}") and t[:-4] in present)]
    return [t for t, _ in kept], [label for _, label in kept]


def _train_meaning(texts: Sequence[str], labels: Sequence[str], classes: list[str],
                   ) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """A multinomial logistic head on the examples' sentence embeddings, its columns in the
    n-gram classifier's class order; None where the embedder cannot load."""
    from sklearn.linear_model import LogisticRegression

    from bot.semantic import embedder, example_vectors

    model = embedder()
    if model is None:
        return None
    kept, kept_labels = semantic_examples(texts, labels)
    head = LogisticRegression(C=MEANING_C, max_iter=3000)
    head.fit(example_vectors(kept, model), kept_labels)
    order = [list(head.classes_).index(c) for c in classes]
    weights = np.ascontiguousarray(head.coef_[order].T, dtype=np.float64)
    return weights, np.asarray(head.intercept_[order], dtype=np.float64)


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


def cache_path(texts: Sequence[str], labels: Sequence[str]) -> Path:
    """Where the matcher learned from these examples is kept between processes."""
    from importlib.metadata import version  # not `import sklearn`: that alone takes 0.7 s

    digest = hashlib.sha256()
    from bot.semantic import MODEL_ID, embedder

    meaning = f"{MODEL_ID} {MEANING_C}" if embedder() is not None else "letters only"
    for part in (version("scikit-learn"), repr(NGRAMS), meaning, *texts, *labels):
        digest.update(part.encode())
        digest.update(b"\0")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "recall-bot" / f"matcher-{digest.hexdigest()[:24]}.npz"


@cache
def default_matcher() -> Matcher:
    """Learned from bot/data/questions.yaml: once per machine (cached by the examples' hash,
    a few seconds), then loaded in a fraction of a second by every process."""
    texts, labels = training_set(questions())
    path = cache_path(texts, labels)
    try:
        return Matcher.load(path)
    except (OSError, ValueError, KeyError):  # none yet, or unreadable: learn it again
        pass
    matcher = Matcher.train(texts, labels)
    try:
        matcher.save(path)
    except OSError as error:  # a read-only home: fine, just slower to start next time
        log.info("matcher not cached (%s): it will be learned again next start",
                 type(error).__name__)
    return matcher


KEPT_BUILDS = 4  # each build is ~30 MB: a stranger's cache held 670 MB of old ones


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:  # removed by another process meanwhile
        return 0.0


def _prune(path: Path) -> None:
    """Keep the newest KEPT_BUILDS matcher builds beside `path` (and always `path` itself)."""
    builds = sorted((p for p in path.parent.glob("matcher-*.npz") if ".tmp." not in p.name),
                    key=_mtime, reverse=True)  # (another process's build being written stays)
    for old in builds[KEPT_BUILDS:]:
        if old != path:
            old.unlink(missing_ok=True)
