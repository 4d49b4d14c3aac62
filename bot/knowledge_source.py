"""The knowledge currently served, and its reload: a bad file never replaces good knowledge."""

from __future__ import annotations

import logging
from pathlib import Path

from knowledge import Knowledge, KnowledgeInvalid

log = logging.getLogger(__name__)


class KnowledgeSource:
    """Holds the live Knowledge; `reload()` swaps it only when the new files validate."""

    def __init__(self, knowledge: Knowledge, data_dir: Path | None) -> None:
        self.current = knowledge
        self.data_dir = data_dir

    @classmethod
    def from_dir(cls, data_dir: Path | None = None) -> KnowledgeSource:
        return cls(Knowledge.load(data_dir), data_dir)

    @classmethod
    def fixed(cls, knowledge: Knowledge) -> KnowledgeSource:
        return cls(knowledge, None)

    def reload(self) -> bool:
        """Load the files again; on errors log them and keep serving the previous knowledge."""
        try:
            fresh = Knowledge.load(self.data_dir)
        except KnowledgeInvalid as exc:
            for error in exc.errors:
                log.error("knowledge reload rejected: %s", error)
            return False
        if fresh.version != self.current.version:
            log.info("knowledge reloaded: version %s", fresh.version)
        self.current = fresh
        return True
