"""The question matcher and the questions file it learns from (bot/matcher.py, bot/questions.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.catalog import CATALOG, LANGUAGES
from bot.matcher import NGRAMS, Matcher, char_wb_ngrams, example_text, prepare, training_set
from bot.questions import load_questions, questions

TEXTS = ["where do i find the serial on the ⟨m⟩", "  two   spaces\tand a tab ", "a", "é ü ß",
         "我在⟨p⟩买的，能退款吗", "モバイルバッテリーの処分方法は？", "x" * 50, "", "?!", "a1263 sn: ⟨s⟩"]


@pytest.fixture(scope="module")
def trained() -> Matcher:
    texts, labels = training_set(questions())
    return Matcher.train(texts, labels)


@pytest.mark.parametrize("text", TEXTS)
def test_our_analyzer_is_scikit_learns(text: str) -> None:
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS,
                                lowercase=False).build_analyzer()
    assert char_wb_ngrams(text) == reference(text)


def test_fast_scoring_agrees_with_predict_proba(trained: Matcher) -> None:
    probes = [prepare(t) for t in TEXTS if t.strip()] + [
        example_text(e) for q in questions()[:10] for e in q.examples["en"][:2]]
    for text in probes:
        ours, reference = trained.rank(text, meaning=False), trained.reference_rank(text)
        assert [s.question for s in ours] == [s.question for s in reference], text
        for a, b in zip(ours, reference, strict=True):
            assert abs(a.score - b.score) < 1e-9


def test_a_saved_matcher_loads_and_scores_the_same(trained: Matcher, tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    trained.save(path)
    loaded = Matcher.load(path)
    assert loaded.labels == trained.labels
    for text in TEXTS:
        assert loaded.read(prepare(text)) == trained.read(prepare(text))


def test_every_answer_message_exists_in_every_language() -> None:
    for question in questions():
        for item in question.answer:
            if item.message:
                for lang in LANGUAGES:
                    assert CATALOG.has(lang, item.message), (question.id, item.message, lang)


def test_a_question_without_a_language_is_refused_by_name(tmp_path: Path) -> None:
    broken = tmp_path / "questions.yaml"
    broken.write_text("- id: broken_one\n  label: {en: Broken}\n  answer: []\n"
                      "  examples: {en: [x]}\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="broken_one"):
        load_questions(broken, more_examples=None)


def test_an_answer_part_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    labels = ", ".join(f"{lang}: x" for lang in LANGUAGES)
    examples = ", ".join(f"{lang}: [x]" for lang in LANGUAGES)
    broken = tmp_path / "questions.yaml"
    broken.write_text(f"- id: odd\n  label: {{{labels}}}\n  answer: [{{part: teleport}}]\n"
                      f"  examples: {{{examples}}}\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="teleport"):
        load_questions(broken, more_examples=None)


def test_the_matcher_reads_each_question_type_from_a_few_examples(trained: Matcher) -> None:
    """Sanity, not the evaluation (that is bench/nlu_bench.py on the frozen test split)."""
    right = total = 0
    for question in questions():
        for lang in LANGUAGES:
            for example in question.examples[lang][:1]:
                total += 1
                ranked = trained.rank(example_text(example), 1)
                right += bool(ranked) and ranked[0].question == question.id
    assert right / total > 0.9, (right, total)


def test_word_cached_reading_is_bit_identical_to_the_plain_one() -> None:
    """#14 sped up feature extraction (per-word and per-text caches): the scores and
    familiarity must be the very same floats as the plain n-gram pass, for every training
    text, cold and warm, and for texts the caches must not remember."""
    from bot.matcher import default_matcher

    matcher = default_matcher()
    texts, _ = training_set(questions())
    probes = [*texts, *(prepare(t) for t in TEXTS), "qwpoeiruty asdf", "🔋🔋 123", "jane.doe@x.y"]
    # the n-gram part for every text; with the embedding head (12 ms a text) for every 500th
    for number, text in enumerate(probes):
        for meaning in (False, True) if number % 500 == 0 or number >= len(texts) else (False,):
            plain = matcher._read_plain(text, meaning=meaning)
            for _ in range(3):  # cold, then word cache, then text cache
                assert matcher.read(text, meaning=meaning) == plain, text
            ranked, _familiar = matcher.read(text, meaning=meaning)
            ranked.clear()  # a caller's copy: the remembered reading is untouched
            assert matcher.read(text, meaning=meaning) == plain, text
    assert "jane.doe@x.y" not in matcher._words
    assert not any(b"jane" in digest for digest, _limit, _meaning in matcher._texts)  # digests only


def test_saving_a_build_keeps_only_the_newest_few_beside_it(trained: Matcher, tmp_path: Path) -> None:
    import os

    from bot.matcher import KEPT_BUILDS
    for n in range(6):  # old builds, oldest first
        old = tmp_path / f"matcher-old{n}.npz"
        old.write_bytes(b"x")
        os.utime(old, (1_000_000 + n, 1_000_000 + n))
    path = tmp_path / "matcher-new.npz"
    trained.save(path)
    kept = sorted(p.name for p in tmp_path.glob("matcher-*.npz"))
    assert len(kept) == KEPT_BUILDS and "matcher-new.npz" in kept
    assert "matcher-old5.npz" in kept and "matcher-old0.npz" not in kept
    assert Matcher.load(path).labels == trained.labels
