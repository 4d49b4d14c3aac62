"""What an adapter hands the engine: one user event, platform-neutral."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Platform = Literal["console", "telegram", "discord"]
ChatKind = Literal["private", "group"]

# Commands the engine understands; adapters map their platform's commands onto these.
COMMANDS: tuple[str, ...] = (
    "start", "check", "models", "remedy", "dispose", "contact", "psa", "language", "forget",
    "help", "cancel", "alerts",  # alerts: bot/community.py (issue #16)
)


class Inbound(BaseModel):
    """One event from a user: text, a button's action token, or a command with arguments."""

    model_config = ConfigDict(frozen=True)

    platform: Platform
    chat_id: str = Field(max_length=64)
    user_id: str = Field(max_length=64)
    text: str | None = None
    action: str | None = None
    command: str | None = None
    args: str = ""
    locale: str | None = Field(default=None, description="The platform's language tag, if known")
    chat_kind: ChatKind = "private"
    is_moderator: bool = Field(default=False, description="Checked by the adapter on the platform")
    group_id: str | None = Field(default=None, max_length=64, description=(
        "The Discord server an interaction came from (community stats and subscriptions)"))
    image: bytes | None = Field(default=None, repr=False, description=(
        "A photo's bytes (label reading, bot/photo). Only in memory: never stored or logged"))

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.platform, self.chat_id, self.user_id)
