"""Discord adapter: slash commands, buttons and modals over the recall engine (discord.py 2)."""
