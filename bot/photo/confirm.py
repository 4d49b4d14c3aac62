"""The conversation around a label photo: show what was read, then Yes / Fix it.

A reading is never trusted blindly. The model and serial it found go into the check's state
(like a typed serial, deleted when the verdict is given) and the user is asked to confirm them
against the label; only "Yes" continues the check. The buttons carry the state version, so a
"Yes" pressed after the conversation moved on is refused as stale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.photo.parse import grouped
from bot.photo.reader import Outcome, Reading
from bot.replies import Button, ChoiceReply, Reply, TextReply
from bot.tokens import Action

if TYPE_CHECKING:
    from bot.dialog import Context, Dialog, Turn
    from bot.state import ConversationState

VERB = "photo"
_PLAIN: dict[Outcome, str] = {
    Outcome.UNSUPPORTED: "photo_unsupported",
    Outcome.TOO_LARGE: "photo_too_large",
    Outcome.NOT_AN_IMAGE: "photo_not_image",
    Outcome.UNCLEAR: "photo_unclear",
    Outcome.NO_MODEL: "photo_no_model",
    Outcome.BUSY: "photo_busy",
    Outcome.FAILED: "photo_unclear",
}


def on_reading(dialog: Dialog, state: ConversationState, ctx: Context, reading: Reading) -> Turn:
    """The turn after a photo was read (or could not be)."""
    from bot.dialog import Turn

    if ctx.inbound.chat_kind == "group":  # a label shows a serial: never discussed in a group
        return Turn([dialog.continue_privately(ctx, None)], state)
    msgid = _PLAIN.get(reading.outcome)
    if msgid is not None or reading.model is None:
        text = dialog.t(ctx, msgid or "photo_unclear")
        return Turn([TextReply(text=text), dialog.current_prompt(state, ctx)]
                    if reading.outcome in (Outcome.UNSUPPORTED, Outcome.NO_MODEL)
                    else [TextReply(text=text)], state)
    state.reset_check()
    state.queued_models = []
    state.model = reading.model
    state.serial = reading.serial
    state.step = "await_serial"  # typing a serial instead of pressing a button still works
    return Turn([confirmation(dialog, state, ctx, reading)], state)


def confirmation(dialog: Dialog, state: ConversationState, ctx: Context,
                 reading: Reading) -> Reply:
    """'Model A1263, serial AKF1 2Z33 0L84 19B6 — is that right?' with Yes / Fix it."""
    assert reading.model is not None
    if reading.serial:
        lines = [dialog.t(ctx, "photo_confirm", model=reading.model,
                          serial=grouped(reading.serial))]
        if reading.serial_changes:
            lines.append(dialog.t(ctx, "photo_lookalikes", changes=", ".join(
                reading.serial_changes)))
        if reading.unsure:
            lines.append(dialog.t(ctx, "photo_unsure"))
    else:
        lines = [dialog.t(ctx, "photo_confirm_model", model=reading.model)]
        if dialog.needs_serial(state):
            lines.append(dialog.t(ctx, "photo_no_serial"))
    buttons = [Button(label=dialog.t(ctx, "button_photo_yes"),
                      token=Action(VERB, "ok", ctx.version).pack()),
               Button(label=dialog.t(ctx, "button_photo_fix"),
                      token=Action(VERB, "fix", ctx.version).pack())]
    return ChoiceReply(text="\n".join(lines), buttons=buttons, private=reading.serial is not None)


def on_action(dialog: Dialog, state: ConversationState, ctx: Context, arg: str | None) -> Turn:
    """Yes → the check goes on with what was read; Fix it → type model and serial instead."""
    from bot.dialog import Turn

    if state.model is None:  # nothing pending (expired, or /cancel meanwhile)
        return Turn([dialog.current_prompt(state, ctx)], state)
    if arg == "ok":
        return dialog.continue_check(state, ctx)
    if arg == "fix":
        state.serial = None
        state.serial_skipped = False
        state.step = "await_serial"
        return Turn([TextReply(text=dialog.t(ctx, "photo_fix", model=state.model))], state)
    return Turn([TextReply(text=dialog.t(ctx, "button_invalid")),
                 dialog.current_prompt(state, ctx)], state)
