"""Buttons and modals. Nothing here lives in memory between events, so buttons survive restarts.

Every button's custom_id is the engine's action token (`rc1:…`, ≤ 64 characters; Discord allows
100) or a deep link (`rcdl:<payload>`). One `DynamicItem` class, registered once in `setup_hook`,
matches them all by regex and rebuilds the button from the pressed message, so a button sent
before a restart still routes. Modals are answered by custom_id (`rcm:check[:MODEL]`,
`rcm:serial`) in the client's interaction listener, never by a Modal object kept in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import discord
from discord import ui

from bot.catalog import CATALOG
from bot.replies import Button

TOKEN_RE = r"rc1:[a-z]{1,12}(?::[A-Za-z0-9*_\-]{1,24})?(?:@\d{1,10})?"
DEEP_LINK_PREFIX = "rcdl:"
DEEP_LINK_RE = r"rcdl:[A-Za-z0-9_\-]{1,64}"
MODAL_PREFIX = "rcm:"
CHECK_MODAL = "rcm:check"
SERIAL_MODAL = "rcm:serial"
CUSTOM_ID_MAX = 100
BUTTONS_MAX = 25  # 5 rows of 5
LABEL_MAX = 80
MODAL_TITLE_MAX = 45
INPUT_LABEL_MAX = 45
MODEL_MAX = 40
SERIAL_MAX = 64
REGION_MAX = 32
MODAL_VERBS = frozenset({"check", "serial"})  # these buttons open a modal, not the engine


@runtime_checkable
class ButtonRouter(Protocol):
    """What a client offers to route a pressed engine button (see client.RecallClient)."""

    async def press_button(self, interaction: discord.Interaction[Any], custom_id: str) -> None:
        """Answer one button press."""


def custom_id_for(button: Button) -> str:
    """The custom_id of an engine button: its token, or `rcdl:<payload>` for a deep link."""
    custom_id = button.token or f"{DEEP_LINK_PREFIX}{button.deep_link}"
    if len(custom_id) > CUSTOM_ID_MAX:
        raise ValueError(f"custom_id longer than {CUSTOM_ID_MAX} characters: {custom_id!r}")
    return custom_id


def opens_modal(custom_id: str) -> bool:
    """Whether pressing this button opens a modal (check / enter serial) rather than asking."""
    if custom_id.startswith(DEEP_LINK_PREFIX):
        payload = custom_id[len(DEEP_LINK_PREFIX):]
        return payload == "check" or payload.startswith("check-")
    verb = custom_id.split(":")[1].split("@")[0]
    return verb in MODAL_VERBS


class EngineButton(
    ui.DynamicItem[ui.Button[ui.View]],
    template=rf"^(?P<custom_id>{TOKEN_RE}|{DEEP_LINK_RE})$",
):
    """Any engine button; its custom_id carries the whole action, so no state is kept here."""

    def __init__(self, custom_id: str, label: str) -> None:
        style = discord.ButtonStyle.secondary
        if opens_modal(custom_id):
            style = discord.ButtonStyle.primary
        super().__init__(ui.Button(label=label[:LABEL_MAX], custom_id=custom_id, style=style))

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> EngineButton:
        """Rebuild the pressed button from the message it sits on."""
        label = getattr(item, "label", None) or "·"
        return cls(match["custom_id"], label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Hand the press to the client, which asks the engine or opens a modal."""
        client = interaction.client
        if isinstance(client, ButtonRouter):
            await client.press_button(interaction, self.item.custom_id or "")


def build_view(buttons: Sequence[Button]) -> ui.View | None:
    """A view of the engine's buttons (≤ 25), or None when there are none."""
    if not buttons:
        return None
    view = ui.View(timeout=None)
    for button in buttons[:BUTTONS_MAX]:
        if button.url is not None:
            view.add_item(ui.Button(label=button.label[:LABEL_MAX], url=button.url))
        else:
            view.add_item(EngineButton(custom_id_for(button), button.label))
    # The registered EngineButton class routes presses; a stopped view is not kept in memory
    # per message (and gets no 15-minute ephemeral timeout that would outlive its use).
    view.stop()
    return view


def _text_input(custom_id: str, label: str, *, required: bool, max_length: int,
                default: str | None = None) -> ui.Label[Any]:
    field: ui.TextInput[Any] = ui.TextInput(
        custom_id=custom_id, required=required, max_length=max_length, default=default,
        style=discord.TextStyle.short,
    )
    return ui.Label(text=label[:INPUT_LABEL_MAX], component=field)


def check_modal(lang: str, model: str | None = None) -> ui.Modal:
    """The 'check my device' modal: model (prefilled if known), serial and region (optional)."""
    modal = ui.Modal(title=CATALOG.text(lang, "ui_modal_title")[:MODAL_TITLE_MAX],
                     custom_id=CHECK_MODAL, timeout=None)
    modal.add_item(_text_input("model", CATALOG.text(lang, "ui_modal_model_label"),
                               required=True, max_length=MODEL_MAX, default=model))
    modal.add_item(_text_input("serial", CATALOG.text(lang, "ui_modal_serial_label"),
                               required=False, max_length=SERIAL_MAX))
    modal.add_item(_text_input("region", CATALOG.text(lang, "ui_modal_region_label"),
                               required=False, max_length=REGION_MAX))
    modal.stop()  # answered by custom_id in the client, not by this object (see module doc)
    return modal


def serial_modal(lang: str) -> ui.Modal:
    """The 'enter serial' modal: the engine already knows which model is being checked."""
    modal = ui.Modal(title=CATALOG.text(lang, "ui_modal_title")[:MODAL_TITLE_MAX],
                     custom_id=SERIAL_MODAL, timeout=None)
    modal.add_item(_text_input("serial", CATALOG.text(lang, "ui_modal_serial_label"),
                               required=True, max_length=SERIAL_MAX))
    modal.stop()
    return modal


def modal_for(custom_id: str, lang: str) -> ui.Modal:
    """The modal a modal-opening button asks for (see `opens_modal`)."""
    if custom_id.startswith(DEEP_LINK_PREFIX):
        payload = custom_id[len(DEEP_LINK_PREFIX):]
        model = payload.split("-", 1)[1] if "-" in payload else None
        return check_modal(lang, model)
    parts = custom_id.split("@")[0].split(":")
    if parts[1] == "serial":
        return serial_modal(lang)
    return check_modal(lang, parts[2] if len(parts) > 2 else None)


def modal_values(data: Mapping[str, Any] | None) -> dict[str, str]:
    """custom_id → value of every text input in a modal submission (rows or labels, any depth)."""
    values: dict[str, str] = {}

    def walk(components: Iterable[Mapping[str, Any]]) -> None:
        for component in components:
            if component.get("type") == discord.ComponentType.text_input.value:
                values[str(component.get("custom_id"))] = str(component.get("value") or "").strip()
            walk(component.get("components") or ())
            child = component.get("component")
            if isinstance(child, Mapping):
                walk((child,))

    walk((data or {}).get("components") or ())
    return values
