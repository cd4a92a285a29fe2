"""The one settings object. Built by an entry point (CLI, web, worker) and passed down."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path.cwd() / ".cxlens"


class Settings(BaseSettings):
    """cxlens settings, read from ``CXLENS_*`` environment variables.

    ``database_url`` wins over ``data_dir``: without it cxlens keeps an SQLite file
    (``cxlens.db``) in the data directory.
    """

    model_config = SettingsConfigDict(env_prefix="CXLENS_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = None
    min_n: int = Field(default=30, ge=1, description="below this n a metric is low-confidence")
    timezone: str = "UTC"
    host: str = "127.0.0.1"
    port: int = 8000

    # Links and signing (docs/channels.md)
    public_base_url: str = "http://127.0.0.1:8000"
    signing_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Who is asking (e-mail and SMS texts)
    company_name: str | None = None
    email_signature: str | None = None

    # Email (docs/channels.md)
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_timeout: float = 30.0
    smtp_local_hostname: str | None = None
    email_from_address: str | None = None
    email_from_name: str | None = None
    email_reply_to: str | None = None
    email_bounce_address: str | None = None
    email_unsubscribe_mailto: str | None = None
    dkim_domain: str | None = None
    dkim_selector: str | None = None
    dkim_private_key_file: Path | None = None

    # SMS (docs/channels.md)
    phone_region: str | None = Field(
        default=None,
        description="ISO country code (NL, IT …) national phone numbers are read in when a"
        " customer has no country; numbers are stored in E.164",
    )
    sms_provider: Literal["twilio", "http"] | None = None
    sms_timeout: float = 10.0
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from: str | None = None
    twilio_messaging_service_sid: str | None = None
    twilio_status_callback: str | None = None
    twilio_base_url: str = "https://api.twilio.com"
    sms_gateway_url: str | None = None
    sms_gateway_auth_header: str = "Authorization"
    sms_gateway_auth_value: str | None = None
    sms_gateway_sender_id: str | None = None
    sms_gateway_callback_secret: str | None = None
    sms_gateway_bounce_codes: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("signing_keys", "sms_gateway_bounce_codes", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value

    def resolved_signing_keys(self) -> list[str]:
        """The signing keys: ``CXLENS_SIGNING_KEYS``, or a key kept in the data directory.

        The embedded default creates ``signing.key`` (random, 32 bytes) on first use, so
        links stay valid across restarts without any set-up.
        """
        if self.signing_keys:
            return list(self.signing_keys)
        path = self.data_dir / "signing.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
            path.chmod(0o600)
        return [path.read_text(encoding="utf-8").strip()]

    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL to use: ``database_url`` or the SQLite file in ``data_dir``."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            elif url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgres://")
            return url
        return f"sqlite:///{(self.data_dir / 'cxlens.db').resolve()}"
