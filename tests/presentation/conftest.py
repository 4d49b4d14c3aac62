"""Shared fixtures: the shipped knowledge, loaded once."""

from __future__ import annotations

import pytest

from knowledge import Knowledge


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    return Knowledge.load()
