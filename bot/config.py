"""Settings from ``PARLEY_*`` environment variables (DESIGN §3).

Nothing here runs at import time: :func:`load_settings` is called by the composition root.
A bad value raises :class:`SettingsError` carrying one sentence that names the variable.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./parley.db"
_DB_SCHEMES = ("sqlite+aiosqlite", "postgresql+asyncpg")
_LOCALE = re.compile(r"[a-z]{2,3}(_[A-Z][a-z]{3})?(_[A-Z]{2})?")


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one sentence naming the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PARLEY_", extra="ignore", frozen=True)

    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)
    telegram_token: SecretStr | None = None
    telegram_library: Literal["aiogram", "ptb"] = "aiogram"
    telegram_api_base: str = "https://api.telegram.org"
    telegram_mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    agent_chat_id: int | None = None
    creditor_name: str = Field(default="Parley Demo Lending", min_length=1, max_length=200)
    default_locale: str = "en"
    secret_key: SecretStr | None = None
    public_url: str | None = None
    trusted_proxies: str | None = None

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in _DB_SCHEMES:
            raise ValueError(f"must start with one of {', '.join(s + '://' for s in _DB_SCHEMES)}")
        if scheme.startswith("postgresql") and not urlsplit(value).hostname:
            raise ValueError("must name a host")
        return value

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if not _LOCALE.fullmatch(value):
            raise ValueError("must be a locale such as en or zh_CN")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        _require_url(value, ("redis", "rediss", "unix"))
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        for part in value.split(","):
            try:
                ipaddress.ip_network(part.strip(), strict=False)
            except ValueError:
                raise ValueError(
                    "must be comma-separated addresses or networks such as 10.0.0.0/8"
                ) from None
        return value

    @field_validator("telegram_api_base", "webhook_url", "public_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        _require_url(value, ("http", "https"))
        return value.rstrip("/")

    @model_validator(mode="after")
    def _webhook(self) -> Settings:
        if self.telegram_token is not None and self.telegram_mode == "webhook":
            if self.webhook_url is None:
                raise ValueError("PARLEY_WEBHOOK_URL is required in webhook mode")
            if self.webhook_secret is None:
                raise ValueError("PARLEY_WEBHOOK_SECRET is required in webhook mode")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def behind_tls(self) -> bool:
        """PARLEY_PUBLIC_URL is https://: cookies are Secure and HSTS is sent."""
        return self.public_url is not None and self.public_url.startswith("https://")

    def proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """The proxies whose X-Forwarded-For and X-Forwarded-Proto are believed."""
        if self.trusted_proxies is None:
            return ()
        return tuple(
            ipaddress.ip_network(part.strip(), strict=False)
            for part in self.trusted_proxies.split(",")
        )

    def sqlite_path(self) -> Path | None:
        """The database file, or None for PostgreSQL or an in-memory database."""
        if not self.is_sqlite:
            return None
        path = self.database_url.split(":///", 1)[1] if ":///" in self.database_url else ""
        if path in ("", ":memory:"):
            return None
        return Path(path)


def _require_url(value: str, schemes: tuple[str, ...]) -> None:
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        raise ValueError(f"must be a URL starting with {' or '.join(s + '://' for s in schemes)}")
    if parts.scheme != "unix" and not parts.hostname:
        raise ValueError("must be a URL with a host")
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        raise ValueError("has a malformed port") from exc


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read settings; raise SettingsError with one sentence naming the bad variable."""
    env = dict(os.environ if environ is None else environ)
    values = {
        key[len("PARLEY_") :].lower(): val
        for key, val in env.items()
        if key.startswith("PARLEY_") and key[len("PARLEY_") :].lower() in Settings.model_fields
    }
    try:
        # Values are passed explicitly so the result does not depend on ambient os.environ.
        return Settings.model_validate(values)
    except ValidationError as exc:
        raise SettingsError(_sentence(exc, values)) from None


def _sentence(exc: ValidationError, values: dict[str, str]) -> str:
    error = exc.errors()[0]
    if not error["loc"]:  # a rule across variables already names them
        return str(error["msg"]).removeprefix("Value error, ") + "."
    field = str(error["loc"][0])
    variable = f"PARLEY_{field.upper()}"
    shown = values.get(field, "")
    shown = shown if len(shown) <= 60 and field not in ("secret_key", "telegram_token") else "…"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "literal_error":
        message = message.replace("Input should be", "must be")
    message = message.replace("Input should be", "must be").replace("Input ", "")
    return f"{variable} {message[0].lower()}{message[1:]} (got {shown!r})."


MIN_KEY_BYTES = 32


def secret_key(settings: Settings) -> bytes:
    """The key for verification hashes and cookies: at least 32 bytes.

    With SQLite a key is generated once into ``<database>.secret`` (mode 0600) beside the
    database; any other database requires ``PARLEY_SECRET_KEY`` so that the key is never kept
    in the database it protects. A shorter key (an empty file, say) is refused: it would make
    cookies forgeable and the verification hashes guessable.
    """
    if settings.secret_key is not None:
        value = settings.secret_key.get_secret_value().strip().encode()
        if len(value) < MIN_KEY_BYTES:
            raise SettingsError(
                f"PARLEY_SECRET_KEY must be at least {MIN_KEY_BYTES} bytes long "
                "(for example the output of `openssl rand -hex 32`)."
            )
        return value
    db_path = settings.sqlite_path()
    if db_path is None:
        if settings.is_sqlite:
            return secrets.token_bytes(32)  # in-memory database: the key lives as long as it
        raise SettingsError("PARLEY_SECRET_KEY must be set when the database is not SQLite.")
    key_path = db_path.with_name(db_path.name + ".secret")
    if key_path.exists():
        mode = stat.S_IMODE(key_path.stat().st_mode)
        if mode & 0o077:
            raise SettingsError(f"{key_path} must be readable by its owner only (chmod 600).")
        key = key_path.read_bytes().strip()
        if len(key) < MIN_KEY_BYTES:
            raise SettingsError(
                f"{key_path} must hold a key of at least {MIN_KEY_BYTES} bytes "
                "(delete it to have a new one generated, which ends every session)."
            )
        return key
    key_path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(32).encode()
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(token)
    return token
