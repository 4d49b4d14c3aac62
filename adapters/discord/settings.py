"""Discord settings from the environment (and a .env file in the working directory)."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_API_BASE_URL = "https://discord.com/api/v10"


class DiscordSettings(BaseSettings):
    """DISCORD_BOT_TOKEN (required), DISCORD_API_BASE_URL, RECALL_BOT_DB."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    discord_bot_token: SecretStr = Field(min_length=1)
    # Every REST call (interaction callbacks and webhooks included) goes here; the gateway URL is
    # whatever GET {base}/gateway/bot answers.
    discord_api_base_url: str = DEFAULT_API_BASE_URL
    # A path, sqlite:PATH or a postgresql:// URL (a str: Path would fold the URL's "//").
    recall_bot_db: str | None = None  # None: the engine's default (bot.engine.default_db_path)

    @field_validator("discord_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        """Whitespace around the token is dropped; none may be inside. Never quotes the value."""
        token = value.get_secret_value().strip()
        if not token or any(c.isspace() for c in token) or not token.isascii():
            raise ValueError("not a bot token: copy it again from the Developer Portal")
        return SecretStr(token)

    @field_validator("discord_api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://, e.g. https://discord.com/api/v10")
        return value.rstrip("/")

    @property
    def token(self) -> str:
        """The bot token (never log it)."""
        return self.discord_bot_token.get_secret_value()
