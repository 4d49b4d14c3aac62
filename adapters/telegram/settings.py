"""Telegram settings from the environment (and a .env file in the working directory)."""

from __future__ import annotations

import hashlib
import hmac
import re

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
# "<bot id>:<secret>" as @BotFather issues it (the secret is 35 characters today).
TOKEN_SHAPE = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{30,100}")


class TelegramSettings(BaseSettings):
    """TELEGRAM_BOT_TOKEN (required), TELEGRAM_API_BASE_URL, RECALL_BOT_DB"""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    telegram_bot_token: SecretStr = Field(min_length=1)
    # python-telegram-bot's base_url form: the token is appended (or fills a `{token}` slot).
    telegram_api_base_url: str = DEFAULT_API_BASE_URL
    telegram_webhook_secret: SecretStr | None = None  # TELEGRAM_WEBHOOK_SECRET (optional)
    # A path, sqlite:PATH or a postgresql:// URL (a str: Path would fold the URL's "//").
    recall_bot_db: str | None = None  # None: the engine's default (XDG data directory)

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        """Whitespace around the token (a trailing space or newline in .env) is dropped; what
        is left must look like a bot token. The message never quotes the value."""
        token = value.get_secret_value().strip()
        if not TOKEN_SHAPE.fullmatch(token):
            raise ValueError("not a bot token: expected <digits>:<secret> from @BotFather")
        return SecretStr(token)

    @field_validator("telegram_api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @property
    def token(self) -> str:
        """The bot token (keep it out of logs: see adapters.logsafety)."""
        return self.telegram_bot_token.get_secret_value()

    @property
    def base_file_url(self) -> str:
        """The file-download base URL that matches the API base URL."""
        base = self.telegram_api_base_url
        return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base

    def webhook_secret(self) -> str:
        """The webhook secret token: configured, or derived from the bot token (stable, secret)."""
        if self.telegram_webhook_secret is not None:
            secret = self.telegram_webhook_secret.get_secret_value()
        else:
            digest = hmac.new(self.token.encode(), b"recall-bot webhook", hashlib.sha256)
            secret = digest.hexdigest()
        return secret
