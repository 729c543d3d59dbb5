"""Settings from the environment and `.env`, validated once at start.

Only the composition root (`bot.app`) and the CLI read settings; every other module gets the
values it needs passed in. The bot token is a `SecretStr` so it never shows in a repr, a log
line or a validation error.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite:///data/alertbot.sqlite3"
TOKEN_PATTERN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,}$")


class Settings(BaseSettings):
    """Every setting the bot reads; `.env.example` documents each with its default."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", hide_input_in_errors=True
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = DEFAULT_DATABASE_URL
    feeds_path: Path = Path("feeds")
    templates_path: Path = Path("templates")
    lexicons_path: Path = Path("lexicons")
    hotlines_path: Path = Path("hotlines/hotlines.yaml")
    locales_path: Path = Path("locales")
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    poll_interval: int = Field(default=900, ge=30, le=86_400)
    alert_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    review_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    # Telegram's paid broadcast: up to 1,000 messages/s, each charged in Stars to the bot.
    delivery_paid_broadcast: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    public_base_url: str | None = None
    port: int = Field(default=8080, ge=1, le=65_535)
    metrics_port: int | None = Field(default=None, ge=0, le=65_535)

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _token_shape(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not TOKEN_PATTERN.match(value.strip()):
            raise ValueError(
                "does not look like a bot token (digits, a colon, then at least 20 letters, "
                "digits, '_' or '-'); copy it again from @BotFather"
            )
        return value.strip()

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http:// or https:// URL such as https://api.telegram.org")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        scheme = urlsplit(value).scheme.split("+")[0]
        if scheme not in ("sqlite", "postgresql", "postgres"):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in re.split(r"[,\s]+", value.strip()) if p]
            if not all(re.fullmatch(r"-?\d+", p) for p in parts):
                raise ValueError("must be Telegram user ids (numbers) separated by commas")
            return tuple(int(p) for p in parts)
        return value

    @model_validator(mode="after")
    def _thresholds_ordered(self) -> Settings:
        if (
            self.alert_threshold is not None
            and self.review_threshold is not None
            and self.review_threshold > self.alert_threshold
        ):
            raise ValueError("REVIEW_THRESHOLD must not be above ALERT_THRESHOLD")
        return self

    @property
    def bot_base_url(self) -> str:
        """PTB's `base_url`: the convention a local Bot API server also follows."""
        return f"{self.telegram_api_url}/bot"

    @property
    def bot_base_file_url(self) -> str:
        return f"{self.telegram_api_url}/file/bot"

    @property
    def public_url(self) -> str:
        """Where the public alert feeds are linked from: PUBLIC_BASE_URL, else the webhook's
        origin, else this machine's port."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        if self.webhook_url:
            parts = urlsplit(self.webhook_url)
            return f"{parts.scheme}://{parts.netloc}"
        return f"http://localhost:{self.port}"

    def require_token(self) -> str:
        if self.telegram_bot_token is None:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather in Telegram "
                "(/newbot), then put TELEGRAM_BOT_TOKEN=<token> in .env or the environment"
            )
        return self.telegram_bot_token.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read and validate settings; a problem becomes one `ConfigError` line naming the setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name}: {message}") from None


def redact_url(url: str) -> str:
    """The URL with any password replaced, for messages that name a database."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username}:***@{host}" if parts.username else f"***@{host}"
    return urlunsplit(parts._replace(netloc=netloc))
