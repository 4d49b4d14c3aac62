"""What the engine returns: a small closed set of typed replies, each with a plain-text form.

Adapters render these; they never author text. Every string here is already in the user's
language and is plain text (adapters escape it for HTML or Markdown).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Button(BaseModel):
    """A button: an engine action token, a deep link into a private check, or a web link."""

    model_config = ConfigDict(frozen=True)

    label: str = Field(min_length=1, max_length=80)
    token: str | None = Field(default=None, max_length=64)
    deep_link: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    url: str | None = Field(default=None, pattern=r"^https?://")

    @model_validator(mode="after")
    def _exactly_one_target(self) -> Button:
        if sum(x is not None for x in (self.token, self.deep_link, self.url)) != 1:
            raise ValueError("a button has exactly one of token, deep_link or url")
        return self


class Link(BaseModel):
    """Words that open a web page: rendered as a real link (HTML, Markdown), never a bare URL.

    The plain-text form (console, `recall-bot check`) is `label — url`, a terminal's only link.
    """

    model_config = ConfigDict(frozen=True)

    label: str = Field(min_length=1, max_length=200)
    url: str = Field(pattern=r"^https?://")

    def plain_text(self) -> str:
        return f"{self.label} — {self.url}"


class Section(BaseModel):
    model_config = ConfigDict(frozen=True)

    heading: str | None = None
    lines: list[str] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list, description="Shown after the lines")

    def plain_text(self) -> str:
        body = "\n".join([*self.lines, *(link.plain_text() for link in self.links)])
        return f"{self.heading}\n{body}" if self.heading else body


class _Reply(BaseModel):
    model_config = ConfigDict(frozen=True)

    buttons: list[Button] = Field(default_factory=list)
    private: bool = Field(default=False, description="Holds personal data (a serial): not public")
    about: tuple[str, ...] = Field(default=(), description="Question types and answer parts this "
                                   "reply answers (for tests and the evaluation; never shown)")


class TextReply(_Reply):
    """A plain message, optionally with buttons."""

    kind: Literal["text"] = "text"
    text: str

    def plain_text(self) -> str:
        return self.text


class ChoiceReply(_Reply):
    """A question with buttons for the likely answers; typing an answer works too."""

    kind: Literal["choice"] = "choice"
    text: str

    def plain_text(self) -> str:
        return self.text


class _Card(_Reply):
    """A titled card. Shape (issue #12): the title answers; a few short lines; one source line."""

    title: str
    sections: list[Section] = Field(default_factory=list)
    source: Link | None = Field(default=None, description="The one source line, as a link")
    footer: str | None = None

    def plain_text(self) -> str:
        parts = [self.title, *(s.plain_text() for s in self.sections)]
        if self.source:
            parts.append(self.source.plain_text())
        if self.footer:
            parts.append(self.footer)
        return "\n\n".join(p for p in parts if p)


VerdictKind = Literal[
    "affected", "warning", "not_affected", "confirm_on_checker", "serial_needed", "serial_invalid",
    "not_in_known_recall",
]


class VerdictCard(_Card):
    """The answer to 'is mine affected?', with next steps and sources."""

    kind: Literal["verdict"] = "verdict"
    verdict: VerdictKind
    model: str
    recalled_elsewhere: bool = Field(
        default=False, description="Not recalled where the user bought it, but recalled elsewhere:"
        " shown with caution, never as the neutral 'not in a recall' colour")


class InfoCard(_Card):
    """Remedy, claim, disposal, contact or model-list answers."""

    kind: Literal["info"] = "info"
    topic: str


class SafetyCard(_Card):
    """Urgent safety steps (hot, swelling, smoking): shown before anything else."""

    kind: Literal["safety"] = "safety"


class PsaCard(_Card):
    """The public service announcement moderators post; its button starts a private check."""

    kind: Literal["psa"] = "psa"


Reply = Annotated[
    TextReply | ChoiceReply | VerdictCard | InfoCard | SafetyCard | PsaCard,
    Field(discriminator="kind"),
]
REPLY_TYPES: tuple[type[_Reply], ...] = (
    TextReply, ChoiceReply, VerdictCard, InfoCard, SafetyCard, PsaCard,
)


def plain_text(reply: Reply) -> str:
    """The reply as plain text, buttons as `[label]` lines, link buttons `[label — url]`."""
    text = reply.plain_text()
    if reply.buttons:
        text += "\n" + "\n".join(f"[{b.label} — {b.url}]" if b.url else f"[{b.label}]"
                                  for b in reply.buttons)
    return text
