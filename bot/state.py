"""The conversation state the engine saves every turn (JSON in the store)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

Step = Literal["idle", "await_model", "await_serial", "await_region"]
STATE_SCHEMA = 1


class ConversationState(BaseModel):
    """Where one user's conversation stands. The serial lives here only while a check is open."""

    model_config = ConfigDict(extra="ignore")

    schema_version: int = STATE_SCHEMA
    step: Step = "idle"
    model: str | None = None
    serial: str | None = Field(default=None, description="Cleared as soon as the verdict is given")
    serial_skipped: bool = False
    region: str | None = None
    pending_question: str | None = Field(default=None,
                                         description="A question waiting for its model or region")
    queued_models: list[str] = Field(default_factory=list, description="Several units: next ones")
    language: str | None = Field(default=None, description="Explicit choice (/language)")
    last_language: str | None = None
    last_model: str | None = Field(default=None, description="Model of the last verdict")
    follow_up: str | None = Field(default=None, description="After 'I applied, no reply' or 'the "
                                  "checker says it's affected': what a model named next is answered "
                                  "with (contact, claim_how) instead of a new check")
    candidates: list[str] = Field(default_factory=list,
                                  description="Models offered in the last 'which one is yours?'")
    brand: str | None = Field(default=None, description="The brand last named without a model, "
                              "for follow-ups ('their phone number?')")
    last_verdict: str | None = None
    knowledge_version: str | None = None
    last_buttons: list[str] = Field(default_factory=list,
                                    description="Targets of the last turn's buttons, so typing N presses N")
    flood_window_start: float = 0.0
    flood_count: int = 0
    flood_notified: bool = False

    @classmethod
    def from_stored(cls, data: dict[str, object] | None) -> ConversationState:
        """The stored state, or a fresh one if it is missing or from an unreadable version."""
        if not data:
            return cls()
        try:
            return cls.model_validate(data)
        except ValidationError:
            return cls()

    @classmethod
    def from_json(cls, text: str) -> ConversationState | None:
        """The state in `text` (JSON as dump_json writes it), or None if it cannot be read
        as one (then from_stored decides, as for any stored dict)."""
        try:
            return cls.model_validate_json(text)
        except ValidationError:
            return None

    def dump(self) -> dict[str, object]:
        return self.model_dump(mode="json")

    def dump_json(self) -> str:
        """The JSON of dump(), as the stores write it (the same text but for the spelling of
        exponents in floats, e.g. 1e-7 for 1e-07; either reads back to the same state)."""
        return self.model_dump_json()

    def reset_check(self) -> None:
        """Forget the device under discussion (and its serial); keep language and flood data."""
        self.step = "idle"
        self.model = None
        self.serial = None
        self.serial_skipped = False
        self.pending_question = None
        self.candidates = []
        self.follow_up = None
