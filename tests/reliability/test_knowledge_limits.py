"""Issue #18, finding 5: knowledge files are bounded input.

Before: a 16 KB file of YAML aliases took 15.8 s and 2.3 GB (and validated); a hot reload of
such a file froze the event loop for 8.9 s; a symlink to an endless file was read without
bound; `(A+)+B` was accepted as a serial pattern rule."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from pathlib import Path

import pytest
import yaml

from bot.knowledge_source import KnowledgeSource
from bot.reload import KnowledgeReloader
from knowledge import DATA_DIR, KnowledgeInvalid, load_files, validate_path
from knowledge.loader import MAX_FILE_BYTES

SAMPLE = "campaigns/charmast-2024-us.yaml"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def alias_bomb(size: int = 16 * 1024) -> str:
    """Each line holds the previous one many times over: n lines → huge expansion."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    n = 0
    while sum(len(line) + 1 for line in lines) < size:
        n += 1
        refs = ", ".join([f"*a{n - 1}"] * 9)
        lines.append(f"a{n}: &a{n} [{refs}]")
    return "\n".join(lines) + "\n"


def errors_of(data_dir: Path) -> list[str]:
    with pytest.raises(KnowledgeInvalid) as caught:
        load_files(data_dir)
    return [str(e) for e in caught.value.errors]


def test_a_16_kb_alias_file_is_refused_in_under_a_second(data_dir: Path) -> None:
    bomb = alias_bomb()
    assert len(bomb) >= 16 * 1024
    (data_dir / SAMPLE).write_text(bomb, encoding="utf-8")
    began = time.perf_counter()
    errors = errors_of(data_dir)
    took = time.perf_counter() - began
    assert took < 1.0, f"{took:.2f} s"
    assert any("charmast-2024-us.yaml" in e and "aliases" in e for e in errors), errors
    assert any("aliases" in str(e) for e in validate_path(data_dir / SAMPLE))


def test_even_one_harmless_alias_is_refused(data_dir: Path) -> None:
    path = data_dir / SAMPLE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    text = yaml.safe_dump(data, allow_unicode=True)
    text = text.replace("id: charmast-2024-us", "id: &same charmast-2024-us", 1)
    path.write_text(text + "extra: *same\n", encoding="utf-8")
    assert any("aliases" in e for e in errors_of(data_dir))


async def test_hot_reload_of_an_alias_file_does_not_freeze_the_bot(data_dir: Path) -> None:
    source = KnowledgeSource.from_dir(data_dir)
    reloader = KnowledgeReloader(source, interval=3600)
    version = source.current.version
    (data_dir / SAMPLE).write_text(alias_bomb(), encoding="utf-8")
    longest = 0.0
    done = asyncio.Event()

    async def ticker() -> None:  # what every other user's turn would feel
        nonlocal longest
        while not done.is_set():
            began = time.perf_counter()
            await asyncio.sleep(0.01)
            longest = max(longest, time.perf_counter() - began - 0.01)

    ticking = asyncio.create_task(ticker())
    try:
        assert await reloader.reload() is False
    finally:
        done.set()
        await ticking
    assert source.current.version == version, "the previous knowledge keeps serving"
    assert longest < 0.25, f"the event loop stalled for {longest:.2f} s"


def test_a_symlink_out_of_the_folder_is_not_followed(data_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    shutil.copy(data_dir / SAMPLE, outside)
    (data_dir / SAMPLE).unlink()
    (data_dir / SAMPLE).symlink_to(outside)
    assert any("outside the knowledge folder" in e for e in errors_of(data_dir))
    endless = data_dir / "campaigns" / "endless.yaml"
    endless.symlink_to("/dev/zero")
    began = time.perf_counter()
    errors = errors_of(data_dir)
    assert time.perf_counter() - began < 1.0
    assert any(e.startswith("endless.yaml") for e in errors)


def test_a_symlink_inside_the_folder_still_works(data_dir: Path) -> None:
    real = data_dir / "campaigns" / "real.yaml.txt"
    (data_dir / SAMPLE).rename(real)
    (data_dir / SAMPLE).symlink_to(real)
    load_files(data_dir)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_or_an_oversized_file_is_refused_without_hanging(data_dir: Path) -> None:
    os.mkfifo(data_dir / "campaigns" / "pipe.yaml")  # nobody ever writes to it
    big = data_dir / "campaigns" / "big.yaml"
    big.write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 1), encoding="utf-8")
    began = time.perf_counter()
    errors = errors_of(data_dir)
    assert time.perf_counter() - began < 2.0
    assert any(e.startswith("pipe.yaml") and "not a regular file" in e for e in errors), errors
    assert any(e.startswith("big.yaml") and "larger than" in e for e in errors), errors


@pytest.mark.parametrize("regex", ["(A+)+B", "(A|AB)*C", "([0-9]*)*X", r"(\w)\1"])
def test_serial_patterns_that_can_backtrack_are_refused(data_dir: Path, regex: str) -> None:
    path = data_dir / SAMPLE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["serial_rule"] = {"match": {"kind": "pattern", "regex": regex}}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    errors = errors_of(data_dir)
    assert any("serial_rule.match.regex" in e for e in errors), errors


def test_a_linear_serial_pattern_is_accepted(data_dir: Path) -> None:
    path = data_dir / SAMPLE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["serial_rule"] = {"match": {"kind": "pattern", "regex": "(?:[A-F0-9]{4}-?){4}"}}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_files(data_dir)
