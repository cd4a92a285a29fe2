"""The one settings object. Built by an entry point (CLI, web, worker) and passed down.

The settings are grouped by concern: each group is a class below (storage, analytics, web,
links, sign-in and sessions, collection, security, sender, e-mail, DKIM, SMS, Twilio, HTTP
gateway) and :class:`Settings` is all of them together. Every setting is read from one
``CXLENS_<NAME>`` environment variable (``data_dir`` from ``CXLENS_DATA_DIR``); the groups
do not change the names.
``docs/settings.md`` lists every setting with its variable, default and meaning (a test
keeps it complete).

Secrets (signing keys, widget secret, SMTP password, Twilio token, gateway credential and
callback secret) are :class:`~pydantic.SecretStr`: they print as ``**********`` in ``repr``,
logs and tracebacks; :func:`reveal` gives the value to the one place that needs it.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_PREFIX = "CXLENS_"


def reveal(secret: SecretStr | None) -> str | None:
    """The value of a secret setting, or ``None`` when it is unset (or empty)."""
    if secret is None:
        return None
    return secret.get_secret_value() or None


def _default_data_dir() -> Path:
    return Path.cwd() / ".cxlens"


def _split(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class StorageSettings(BaseModel):
    """Storage: where the data lives."""

    section: ClassVar[str] = "Storage"

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="folder of the embedded SQLite store (`cxlens.db`) and the signing key "
        "file; default `.cxlens` in the working directory",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the store (`postgresql://…` or `sqlite:///…`); wins "
        "over the data directory",
    )


class AnalyticsSettings(BaseModel):
    """Analytics: how numbers are computed and shown."""

    section: ClassVar[str] = "Analytics"

    min_n: int = Field(
        default=30, ge=1, description="below this n a metric is flagged low-confidence"
    )
    metrics_max_groups: int = Field(
        default=50_000,
        ge=1,
        description="`/api/v1/metrics` refuses a request estimated to make more groups than "
        "this (dimension values × periods; 422 `query_too_costly`)",
    )
    metrics_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description="`/api/v1/metrics` stops a query running longer than this (503 "
        "`query_timeout`); a query whose client left is stopped at once",
    )


class WebSettings(BaseModel):
    """Web server: where `cxlens serve` listens."""

    section: ClassVar[str] = "Web server"

    host: str = Field(default="127.0.0.1", description="address the web server binds to")
    port: int = Field(default=8000, description="port the web server listens on")


class LinkSettings(BaseModel):
    """Links and signing (docs/channels.md)."""

    section: ClassVar[str] = "Links and signing"

    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="the address customers reach cxlens at; survey, vote and unsubscribe "
        "links are built on it",
    )
    signing_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="comma-separated secret keys (16 bytes or more each); the first signs, "
        "any verifies; default one random key kept in `signing.key` in the data directory",
    )

    widget_secret: SecretStr | None = Field(
        default=None,
        description="secret the site embedding the widget signs customer references with "
        "(secret; 16 bytes or more); default derived from the first signing key "
        "(`cxlens widget secret` prints it)",
    )

    @field_validator("signing_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        return _split(value)


class SessionSettings(BaseModel):
    """Sign-in and sessions of the staff pages (docs/accounts.md)."""

    section: ClassVar[str] = "Sign-in and sessions"

    session_idle_minutes: int = Field(
        default=60, ge=1, description="a staff session unused for this long ends"
    )
    session_lifetime_hours: float = Field(
        default=12.0, gt=0, description="a staff session ends this long after sign-in, used or not"
    )
    secure_cookies: bool = Field(
        default=False,
        description="send the session cookies only over HTTPS (with the `__Host-` prefix) even "
        "when `public_base_url` is `http://`, e.g. behind a TLS-terminating proxy; they are "
        "whenever `public_base_url` is `https://`",
    )
    sign_in_failures_per_email: int = Field(
        default=5,
        ge=1,
        description="failed sign-ins for one email within the window before it is refused (429)",
    )
    sign_in_failures_per_client: int = Field(
        default=20,
        ge=1,
        description="failed sign-ins from one client address within the window before it is "
        "refused (429)",
    )
    sign_in_window_minutes: int = Field(
        default=15, ge=1, description="the window the failed sign-ins are counted in"
    )

    def secure_cookies_for(self, public_base_url: str) -> bool:
        """Whether cookies are ``Secure`` (``__Host-``): forced, or an ``https`` base URL."""
        return self.secure_cookies or public_base_url.lower().startswith("https://")


class CollectionSettings(BaseModel):
    """Responses the wrong hands cannot cast or change (docs/collection.md)."""

    section: ClassVar[str] = "Collection"

    survey_link_days: int = Field(
        default=60, ge=1, description="survey and vote links expire this many days after sending"
    )
    response_edit_hours: float = Field(
        default=24.0, ge=0, description="a submitted response may be changed for this long"
    )
    vote_burst_seconds: float = Field(
        default=10.0,
        ge=0,
        description="two different scores of one invitation clicked this close are a scanner",
    )
    anonymous_responses_per_client_hour: int = Field(
        default=5, ge=1, description="new anonymous-link responses per client address and survey"
    )
    anonymous_responses_per_survey_hour: int = Field(
        default=1000, ge=1, description="new anonymous-link responses per survey, all clients"
    )
    anonymous_form_hours: float = Field(
        default=6.0, gt=0, description="how long an anonymous survey's form token is accepted"
    )
    widget_signature_hours: float = Field(
        default=24.0,
        gt=0,
        description="how long a customer reference signed for the widget is accepted after "
        "its issue time",
    )


class SecuritySettings(BaseModel):
    """The HTTP edge: client addresses, allowed hosts, rate and body limits (docs/security.md)."""

    section: ClassVar[str] = "Security"

    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="comma-separated addresses or CIDR ranges of the reverse proxies in front "
        "of cxlens; only a request from one of them has its client taken from "
        "`X-Forwarded-For` (and its scheme from `X-Forwarded-Proto`)",
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="comma-separated host names a request's `Host` may name (`*.example.com` "
        "for subdomains, `*` for any); others are refused with 400 `invalid_host`",
    )
    api_token_requests_per_second: float = Field(
        default=20.0, gt=0, description="`/api/v1` calls per second per API token (refill rate)"
    )
    api_token_burst: int = Field(
        default=200, ge=1, description="`/api/v1` calls one API token may make at once"
    )
    api_client_requests_per_second: float = Field(
        default=5.0,
        gt=0,
        description="`/api/v1` calls per second per client address without a token",
    )
    api_client_burst: int = Field(
        default=100, ge=1, description="`/api/v1` calls one client without a token may make at once"
    )
    max_body_bytes: int = Field(
        default=1_048_576, ge=1, description="the largest request body of any route, in bytes"
    )
    max_bounce_bytes: int = Field(
        default=10_485_760,
        ge=1,
        description="the largest body of `POST /api/v1/inbound/bounces` (a returned email)",
    )

    @field_validator("trusted_proxies", "allowed_hosts", mode="before")
    @classmethod
    def _split_lists(cls, value: object) -> object:
        return _split(value)


class SenderSettings(BaseModel):
    """Who is asking: the company and signature in e-mail and SMS texts."""

    section: ClassVar[str] = "Sender"

    company_name: str | None = Field(
        default=None,
        description="the company named in greetings; default the sender name",
    )
    email_signature: str | None = Field(
        default=None, description="the signature under e-mails; default the sender name"
    )


class EmailSettings(BaseModel):
    """E-mail over SMTP (docs/channels.md)."""

    section: ClassVar[str] = "E-mail (SMTP)"

    smtp_host: str | None = Field(default=None, description="SMTP server; unset, no e-mail is sent")
    smtp_port: int = Field(
        default=587, description="587 for STARTTLS, 465 for SSL, 25 for a local relay"
    )
    smtp_security: Literal["starttls", "ssl", "none"] = Field(
        default="starttls",
        description="`starttls`, `ssl` (TLS from the first byte) or `none` (local relay only)",
    )
    smtp_username: str | None = Field(
        default=None, description="SMTP login (with the password, or neither)"
    )
    smtp_password: SecretStr | None = Field(
        default=None, description="SMTP password (secret; with the username, or neither)"
    )
    smtp_timeout: float = Field(default=30.0, description="seconds per SMTP network operation")
    smtp_local_hostname: str | None = Field(
        default=None, description="the name given in `EHLO`; default the machine name"
    )
    email_from_address: str | None = Field(
        default=None, description="sender address, e.g. `anna@acme.example`"
    )
    email_from_name: str | None = Field(
        default=None, description="human sender name, e.g. `Anna from Acme`"
    )
    email_reply_to: str | None = Field(
        default=None, description="where replies go, if not the sender"
    )
    email_bounce_address: str | None = Field(
        default=None,
        description="envelope sender (`MAIL FROM`) in its VERP form, so bounces name their "
        "invitation; default the sender",
    )
    email_unsubscribe_mailto: str | None = Field(
        default=None, description="the mailto half of `List-Unsubscribe`"
    )


class DkimSettings(BaseModel):
    """DKIM signing of e-mail (docs/channels.md): all three or none."""

    section: ClassVar[str] = "DKIM"

    dkim_domain: str | None = Field(
        default=None, description="the signing domain (`d=`), normally the From domain"
    )
    dkim_selector: str | None = Field(default=None, description="the selector (`s=`)")
    dkim_private_key_file: Path | None = Field(
        default=None,
        description="path to the PEM private key (keep it readable by cxlens only); its "
        "content is never logged",
    )


class SmsSettings(BaseModel):
    """SMS (docs/channels.md)."""

    section: ClassVar[str] = "SMS"

    sms_provider: Literal["twilio", "http"] | None = Field(
        default=None, description="`twilio` or `http`; unset, no SMS is sent"
    )
    sms_timeout: float = Field(default=10.0, description="seconds per SMS provider request")
    phone_region: str | None = Field(
        default=None,
        description="country (ISO code: `NL`, `IT` …) national phone numbers of an imported "
        "customer list are read in when a customer has no country; numbers are stored in E.164",
    )


class TwilioSettings(BaseModel):
    """Twilio (docs/channels.md)."""

    section: ClassVar[str] = "Twilio"

    twilio_account_sid: str | None = Field(default=None, description="the account SID `AC…`")
    twilio_auth_token: SecretStr | None = Field(
        default=None,
        description="the auth token or API key secret (secret); also checks delivery reports",
    )
    twilio_from: str | None = Field(
        default=None, description="the sending number or alphanumeric sender id"
    )
    twilio_messaging_service_sid: str | None = Field(
        default=None, description="or a messaging service `MG…` (one of the two)"
    )
    twilio_status_callback: str | None = Field(
        default=None,
        description="delivery-report URL sent with each message; default "
        "`{public_base_url}/webhooks/twilio/status` unless that is a loopback address",
    )
    twilio_base_url: str = Field(
        default="https://api.twilio.com", description="change only for a test double"
    )


class GatewaySettings(BaseModel):
    """A generic JSON-over-HTTP SMS gateway (docs/channels.md)."""

    section: ClassVar[str] = "HTTP SMS gateway"

    sms_gateway_url: str | None = Field(default=None, description="the gateway endpoint")
    sms_gateway_auth_header: str = Field(
        default="Authorization", description="header carrying the credential"
    )
    sms_gateway_auth_value: SecretStr | None = Field(
        default=None, description="the credential, e.g. `Bearer abc…` (secret)"
    )
    sms_gateway_sender_id: str | None = Field(default=None, description="the sender number or name")
    sms_gateway_to_field: str = Field(default="to", description="JSON field of the recipient")
    sms_gateway_from_field: str = Field(default="from", description="JSON field of the sender")
    sms_gateway_body_field: str = Field(default="text", description="JSON field of the text")
    sms_gateway_id_field: str = Field(
        default="id", description="where the reply holds the message id (dotted: `data.id`)"
    )
    sms_gateway_error_code_field: str = Field(
        default="code", description="where an error reply holds its code (dotted path)"
    )
    sms_gateway_error_message_field: str = Field(
        default="message", description="where an error reply holds its text (dotted path)"
    )
    sms_gateway_idempotency_header: str | None = Field(
        default="Idempotency-Key",
        description="header sent with a per-attempt key, if the gateway supports one",
    )
    sms_gateway_bounce_codes: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description='comma-separated gateway error codes meaning "invalid number"',
    )
    sms_gateway_callback_secret: SecretStr | None = Field(
        default=None,
        description="shared secret of `X-Cxlens-Signature` on delivery reports (secret)",
    )

    @field_validator("sms_gateway_bounce_codes", mode="before")
    @classmethod
    def _split_codes(cls, value: object) -> object:
        return _split(value)


GROUPS: tuple[type[BaseModel], ...] = (
    StorageSettings,
    AnalyticsSettings,
    WebSettings,
    LinkSettings,
    SessionSettings,
    CollectionSettings,
    SecuritySettings,
    SenderSettings,
    EmailSettings,
    DkimSettings,
    SmsSettings,
    TwilioSettings,
    GatewaySettings,
)
"""The settings groups, in the order ``docs/settings.md`` lists them."""


class Settings(
    StorageSettings,
    AnalyticsSettings,
    WebSettings,
    LinkSettings,
    SessionSettings,
    CollectionSettings,
    SecuritySettings,
    SenderSettings,
    EmailSettings,
    DkimSettings,
    SmsSettings,
    TwilioSettings,
    GatewaySettings,
    BaseSettings,
):
    """cxlens settings, read from ``CXLENS_*`` environment variables.

    ``database_url`` wins over ``data_dir``: without it cxlens keeps an SQLite file
    (``cxlens.db``) in the data directory.
    """

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    def resolved_signing_keys(self) -> list[str]:
        """The signing keys: ``CXLENS_SIGNING_KEYS``, or a key kept in the data directory.

        The embedded default creates ``signing.key`` (random, 32 bytes) on first use, so
        links stay valid across restarts without any set-up.
        """
        if self.signing_keys:
            return [key.get_secret_value() for key in self.signing_keys]
        path = self.data_dir / "signing.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
            path.chmod(0o600)
        return [path.read_text(encoding="utf-8").strip()]

    def resolved_allowed_hosts(self) -> list[str]:
        """The host names a request may name: ``allowed_hosts``, or by default the host of
        ``public_base_url``, ``localhost``, ``127.0.0.1``, ``::1`` and the bind ``host``."""
        if self.allowed_hosts:
            return [host.lower() for host in self.allowed_hosts]
        public = urlsplit(self.public_base_url).hostname
        found = [public or "", "localhost", "127.0.0.1", "::1", self.host.strip("[]").lower()]
        return list(dict.fromkeys(host for host in found if host))

    def resolved_widget_secret(self) -> str:
        """The widget secret: ``CXLENS_WIDGET_SECRET``, or one derived from the first
        signing key (so the embedded default needs no set-up; rotating that key changes it)."""
        given = reveal(self.widget_secret)
        if given:
            return given
        from cxlens.core.signing import derived_secret

        return derived_secret(self.resolved_signing_keys()[0], "widget")

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


def env_name(field: str) -> str:
    """The environment variable of a setting: ``smtp_host`` → ``CXLENS_SMTP_HOST``."""
    return ENV_PREFIX + field.upper()
