"""The questions the bot answers, as data: bot/data/questions.yaml, validated here.

Everything that names a question type (the matcher's labels, the slash commands, the
"Did you mean…?" buttons, the answers; a topic button's token `rc1:topic:<id>` names one) derives
from this file, so adding a question is data plus catalog text.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from bot.catalog import LANGUAGES

QUESTIONS_FILE = Path(__file__).parent / "data" / "questions.yaml"
# More examples, generated from the evaluation corpus' train split (evaluation/import_examples.py).
CORPUS_EXAMPLES_FILE = Path(__file__).parent / "data" / "examples-from-corpus.yaml"

# The parts of an answer the knowledge can supply for a model and region (bot/answers.py).
Part = Literal[
    "remedy", "claim_steps", "claim_photos", "proof_of_purchase", "unit_fate", "contact", "disposal",
    "storage", "stop_using", "checker", "serial_location", "serial_format", "region_campaigns",
    "hazard", "models_list", "flight_rules", "other_products", "serial_ranges", "processing_time",
]
PARTS: tuple[str, ...] = Part.__args__  # type: ignore[attr-defined]


class AnswerItem(BaseModel):
    """One piece of an answer: a part built from the knowledge, or a catalog message."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    part: Part | None = None
    message: str | None = None
    no_model_only: bool = Field(default=False, description="Given only when no model is known "
                                "(several units, no model: how claims go; with models, each "
                                "one's check says it)")

    @model_validator(mode="after")
    def _one(self) -> AnswerItem:
        if (self.part is None) == (self.message is None):
            raise ValueError("an answer item is either {part: …} or {message: …}")
        return self


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z_]*$")
    label: dict[str, str] = Field(description="A short button label per language ('Did you mean…?')")
    answer: tuple[AnswerItem, ...] = ()
    needs: tuple[Literal["model", "region"], ...] = ()
    after: Literal["check", "none"] = "none"
    command: str | None = None
    often_with: tuple[str, ...] = Field(
        default=(), description="Questions people often ask in the same message: a second one "
                                "of these is answered on weaker evidence (bot/understanding.py)")
    examples: dict[str, tuple[str, ...]]

    @model_validator(mode="after")
    def _every_language(self) -> Question:
        missing = [lang for lang in LANGUAGES if not self.examples.get(lang) or not self.label.get(lang)]
        if missing:
            raise ValueError(f"question {self.id!r} has no examples in {', '.join(missing)}")
        unknown = set(self.examples) - set(LANGUAGES)
        if unknown:
            raise ValueError(f"question {self.id!r}: unknown languages {sorted(unknown)}")
        return self


_QUESTIONS = TypeAdapter(list[Question])


def load_questions(path: Path = QUESTIONS_FILE,
                   more_examples: Path | None = CORPUS_EXAMPLES_FILE) -> tuple[Question, ...]:
    """Read and validate the questions file; errors name the question and the field."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    if more_examples is not None and more_examples.exists():
        extra = yaml.load(more_examples.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
        by_question = {entry["id"]: entry for entry in data}
        for qid, per_lang in extra.items():
            if qid not in by_question:
                raise ValueError(f"{more_examples.name}: no question {qid!r} in {path.name}")
            examples = by_question[qid]["examples"]
            for lang, texts in per_lang.items():
                examples[lang] = [*examples.get(lang, []), *texts]
    questions = tuple(_QUESTIONS.validate_python(data))
    ids = [q.id for q in questions]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"{path.name}: question ids used twice: {sorted(duplicates)}")
    for question in questions:
        unknown = set(question.often_with) - set(ids)
        if unknown:
            raise ValueError(f"question {question.id!r}: often_with names no question "
                             f"{sorted(unknown)}")
    return questions


@cache
def questions() -> tuple[Question, ...]:
    return load_questions()


@cache
def by_id() -> dict[str, Question]:
    return {q.id: q for q in questions()}


def by_command() -> dict[str, Question]:
    """Slash command → the question it asks (/remedy, /dispose, /contact, /models, /help)."""
    return {q.command: q for q in questions() if q.command}
