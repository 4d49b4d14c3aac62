"""The slash commands: one `/recall` group for everyone, and `/recall-psa` for moderators.

Discord applies `default_member_permissions` to a whole top-level command, never to one
subcommand, so the moderators' PSA is its own top-level command (hidden from members' picker by
Manage Messages) and is checked again at run time: server admins can change who sees it.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import Range

from .respond import answer, apologise, engine_of, inbound_for
from .translator import described

log = logging.getLogger(__name__)

AUTOCOMPLETE_MAX = 25
CHOICE_MAX = 100
Model = Range[str, 1, 40]
Serial = Range[str, 1, 64]
Region = Range[str, 1, 32]

EVERYWHERE = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=False)
GUILD_INSTALL = app_commands.AppInstallationType(guild=True, user=False)


def _args(*parts: str | None) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


async def _ask(interaction: discord.Interaction[Any], command: str, *parts: str | None) -> None:
    await answer(engine_of(interaction), interaction,
                 inbound_for(interaction, command=command, args=_args(*parts)))


async def _models_autocomplete(interaction: discord.Interaction[Any],
                               current: str) -> list[app_commands.Choice[str]]:
    """Model numbers matching what was typed: served from memory, ≤ 25 (the 3-second rule)."""
    engine = engine_of(interaction)
    lang = engine.language_for(str(interaction.locale))
    return [
        app_commands.Choice(name=label[:CHOICE_MAX], value=model[:CHOICE_MAX])
        for label, model in engine.autocomplete_models(current, lang)[:AUTOCOMPLETE_MAX]
    ]


class RecallGroup(app_commands.Group):
    """`/recall …`: check a device and learn what to do; works in servers and in DMs."""

    def __init__(self) -> None:
        super().__init__(name="recall", description=described("cmd_start"),
                         allowed_contexts=EVERYWHERE, allowed_installs=GUILD_INSTALL)

    @app_commands.command(name="check", description=described("cmd_check"))
    @app_commands.describe(model=described("param_model"), serial=described("param_serial"),
                           region=described("param_region"))
    @app_commands.autocomplete(model=_models_autocomplete)
    async def check(self, interaction: discord.Interaction[Any], model: Model,
                    serial: Serial | None = None, region: Region | None = None) -> None:
        """Is my power bank recalled?"""
        await _ask(interaction, "check", model, serial, region)

    @app_commands.command(name="models", description=described("cmd_models"))
    async def models(self, interaction: discord.Interaction[Any]) -> None:
        """Which models are recalled."""
        await _ask(interaction, "models")

    @app_commands.command(name="remedy", description=described("cmd_remedy"))
    @app_commands.describe(model=described("param_model"), region=described("param_region"))
    @app_commands.autocomplete(model=_models_autocomplete)
    async def remedy(self, interaction: discord.Interaction[Any], model: Model,
                     region: Region | None = None) -> None:
        """What the owner of a recalled model gets, in their region."""
        await _ask(interaction, "remedy", model, region)

    @app_commands.command(name="dispose", description=described("cmd_dispose"))
    async def dispose(self, interaction: discord.Interaction[Any]) -> None:
        """How to get rid of a recalled power bank safely."""
        await _ask(interaction, "dispose")

    @app_commands.command(name="contact", description=described("cmd_contact"))
    async def contact(self, interaction: discord.Interaction[Any]) -> None:
        """Whom to contact about a recall."""
        await _ask(interaction, "contact")

    @app_commands.command(name="help", description=described("cmd_help"))
    async def help(self, interaction: discord.Interaction[Any]) -> None:
        """What the bot can do."""
        await _ask(interaction, "help")

    @app_commands.command(name="alerts", description=described("cmd_alerts"))
    async def alerts(self, interaction: discord.Interaction[Any]) -> None:
        """My recall alerts: list them, stop them (issue #16)."""
        await _ask(interaction, "alerts")

    @app_commands.command(name="forget", description=described("cmd_forget"))
    async def forget(self, interaction: discord.Interaction[Any]) -> None:
        """Delete what the bot keeps about me."""
        await _ask(interaction, "forget")


def is_moderator(interaction: discord.Interaction[Any]) -> bool:
    """Manage Messages (or Administrator) in this channel, from Discord's resolved permissions."""
    permissions = interaction.permissions
    return bool(interaction.guild_id) and (permissions.manage_messages or permissions.administrator)


PSA_ACTIONS = [app_commands.Choice(name=name, value=name)
               for name in ("post", "subscribe", "unsubscribe", "stats")]


@app_commands.command(name="recall-psa", description=described("cmd_psa"))
@app_commands.describe(brand=described("param_brand"), region=described("param_region"),
                       action=described("param_action"))
@app_commands.choices(action=PSA_ACTIONS)
@app_commands.default_permissions(manage_messages=True)
@app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
@app_commands.allowed_installs(guilds=True, users=False)
async def recall_psa(interaction: discord.Interaction[Any], brand: Range[str, 1, 32] | None = None,
                     region: Region | None = None, action: str | None = None) -> None:
    """Post the recall PSA in this channel (moderators); the engine words any refusal.

    `action`: subscribe / unsubscribe this channel to recall updates, or the server's stats
    (issue #16; answered only to the moderator who asked)."""
    moderator = is_moderator(interaction)
    verb = action if action in ("subscribe", "unsubscribe", "stats") else None
    inbound = inbound_for(interaction, command="psa", is_moderator=moderator, chat_kind="group",
                          args=_args(verb, brand, region))  # issue #12: narrow by brand, region
    # A moderator's PSA is public; a refusal and the community actions only for who asked.
    await answer(engine_of(interaction), interaction, inbound, public=moderator and verb is None)


class RecallTree(app_commands.CommandTree[Any]):
    """The command tree; errors become a catalogued apology, never 'interaction failed'."""

    async def on_error(self, interaction: discord.Interaction[Any],
                       error: app_commands.AppCommandError, /) -> None:
        """Log the failure and apologise to the user in their language."""
        log.error("command %s failed", getattr(interaction.command, "qualified_name", "?"),
                  exc_info=error)
        if interaction.type is discord.InteractionType.autocomplete:
            return  # an autocomplete cannot carry a message; Discord shows no choices
        engine = getattr(interaction.client, "engine", None)
        if engine is not None:
            await apologise(engine.catalog, engine.language_for(str(interaction.locale)),
                            interaction)


def build_tree(client: discord.Client) -> RecallTree:
    """The command tree with every command of this bot."""
    tree = RecallTree(client)
    tree.add_command(RecallGroup())
    tree.add_command(recall_psa)
    return tree
