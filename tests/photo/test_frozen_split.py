"""The frozen test split cannot drift: committed bytes match the manifest, and the generator
still produces the same labels (models and serials) for the same seed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.photo.conftest import MANIFEST, TEST_DIR, needs_pil


def test_the_split_is_40_committed_labels_with_their_hashes() -> None:
    labels = MANIFEST["labels"]
    assert len(labels) == 40 and MANIFEST["seed"] == 17
    for truth in labels:
        data = (TEST_DIR / truth["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == truth["sha256"], truth["file"]
    assert sorted(p.name for p in TEST_DIR.glob("*.jpg")) == sorted(t["file"] for t in labels)


@needs_pil
def test_the_generator_still_makes_the_same_test_labels(tmp_path: Path) -> None:
    from evaluation.labels.generate import SEED, TEST_COUNT, TRAIN_COUNT, generate

    assert (MANIFEST["seed"], 40) == (SEED, TEST_COUNT) and TEST_COUNT + TRAIN_COUNT >= 200
    made = generate(tmp_path, count=3, seed=SEED, only=range(3))
    for truth, again in zip(MANIFEST["labels"][:3], made, strict=True):
        assert (again.file, again.model, again.serial) == (truth["file"], truth["model"],
                                                           truth["serial"])


def test_serials_follow_the_campaign_rules() -> None:
    """Anker serials in the truth are 16 characters without O or I, like real ones."""
    anker = [t for t in MANIFEST["labels"] if t["brand"] == "Anker"]
    assert len(anker) >= 20
    for truth in anker:
        assert len(truth["serial"]) == 16 and not set(truth["serial"]) & {"O", "I"}
