"""The Telegram adapter: parse updates into engine events, render engine replies as HTML."""

from adapters.telegram.app import TelegramAdapter, build_application

__all__ = ["TelegramAdapter", "build_application"]
