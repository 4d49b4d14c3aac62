"""Recall knowledge: schema, loader, index, serial rules. Knows nothing about chat."""

from __future__ import annotations

from pathlib import Path

from knowledge.check import CampaignVerdict, CheckResult, check, pick_regional
from knowledge.flights import load_flights
from knowledge.index import KnowledgeIndex, NameMatch
from knowledge.loader import (
    DATA_DIR,
    KnowledgeError,
    KnowledgeFiles,
    KnowledgeInvalid,
    load_files,
    validate_path,
)
from knowledge.normalise import NormalisedSerial, normalise_model, normalise_serial
from knowledge.schema import LANGUAGES, REGIONS, Campaign, Flights, Guidance, LocalText
from knowledge.serial_rules import SerialResult, Verdict, evaluate_serial


class Knowledge:
    """The loaded knowledge files and their index (and the flight rules, when shipped)."""

    def __init__(self, files: KnowledgeFiles, flights: Flights | None = None) -> None:
        self.files = files
        self.index = KnowledgeIndex(files.campaigns)
        self.guidance = files.guidance
        self.flights = flights
        self.version = files.version

    @classmethod
    def load(cls, data_dir: Path | None = None) -> Knowledge:
        """Load and index the knowledge files (raises KnowledgeInvalid listing every problem)."""
        return cls(load_files(data_dir), load_flights(data_dir))

    def check(self, model: str, serial: str | None = None,
              region: str | None = None) -> CheckResult:
        """Check one device; see knowledge.check.check."""
        return check(self.index, model, serial, region)


__all__ = [
    "DATA_DIR", "LANGUAGES", "REGIONS", "Campaign", "CampaignVerdict", "CheckResult", "Flights",
    "Guidance",
    "Knowledge", "KnowledgeError", "KnowledgeFiles", "KnowledgeIndex", "KnowledgeInvalid",
    "LocalText", "NameMatch", "NormalisedSerial", "SerialResult", "Verdict", "check",
    "evaluate_serial", "load_files", "normalise_model", "normalise_serial", "pick_regional",
    "validate_path",
]
