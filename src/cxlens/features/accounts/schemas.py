"""What the accounts feature takes and returns: users, API tokens, principals, audit entries.

Passwords never travel in these models (they are arguments of the service functions and
are never returned); a token's secret appears once, in :class:`CreatedToken`.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cxlens.core.clock import UtcDateTime
from cxlens.core.vocabulary import Role

#: Shortest and longest password accepted (the longest bounds the hashing work of a request).
PASSWORD_MIN = 12
PASSWORD_MAX = 1024
#: What an email must look like: one ``@``, no spaces, a dot in the domain.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
#: The secret's start: ``cxl_`` and 8 characters, stored in clear for listing and revoking.
TOKEN_PREFIX = "cxl_"
TOKEN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
#: The longest expiry a token may be given, in days (ten years).
TOKEN_MAX_DAYS = 3650


class AuditAction(StrEnum):
    """What an audit entry records. Later features add theirs here (one list)."""

    USER_CREATED = "user.created"
    USER_ROLE_CHANGED = "user.role_changed"
    USER_PASSWORD_RESET = "user.password_reset"
    USER_SIGNED_IN = "user.signed_in"
    USER_SIGN_IN_FAILED = "user.sign_in_failed"
    USER_SIGNED_OUT = "user.signed_out"
    USER_DEACTIVATED = "user.deactivated"
    USER_REACTIVATED = "user.reactivated"
    TOKEN_CREATED = "token.created"
    TOKEN_REVOKED = "token.revoked"
    TOKEN_USED = "token.used"
    THEME_ADDED = "theme.added"
    THEME_EDITED = "theme.edited"
    THEME_MERGED = "theme.merged"
    THEME_DELETED = "theme.deleted"
    THEMES_DISCOVERED = "themes.discovered"
    COMMENT_LABELLED = "comment.labelled"
    CUSTOMER_EXPORTED = "customer.exported"
    CUSTOMER_ERASED = "customer.erased"
    CUSTOMER_CONTACT_CHANGED = "customer.contact_changed"
    """A customer's e-mail, phone, name, locale or time zone changed (details: the field
    names only, never the values: the audit log is no second copy of personal data)."""


def normalise_email(email: str) -> str:
    """``email`` trimmed and in lower case (the form stored and looked up)."""
    return email.strip().lower()


def _checked_email(value: str) -> str:
    email = normalise_email(value)
    if not _EMAIL.fullmatch(email):
        raise ValueError("not an email address (expected name@example.com)")
    return email


def _checked_scope(value: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
    if not value:
        return None
    scope: dict[str, list[str]] = {}
    for attribute, allowed in value.items():
        if not attribute.strip():
            raise ValueError("a data scope names a customer attribute, not an empty key")
        if not allowed or any(not v.strip() for v in allowed):
            raise ValueError(
                f"the data scope of {attribute!r} lists no values (expected one or more, "
                "e.g. ['NL'])"
            )
        scope[attribute.strip()] = sorted(set(allowed))
    return scope


class UserIn(BaseModel):
    """A new user. ``data_scope`` (``{"region": ["NL"]}``) limits what they see; none: all."""

    email: str = Field(max_length=320)
    role: Role
    display_name: str | None = Field(default=None, max_length=300)
    data_scope: dict[str, list[str]] | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _checked_email(value)

    @field_validator("data_scope")
    @classmethod
    def _scope(cls, value: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
        return _checked_scope(value)


class UserOut(BaseModel):
    """A user as listed (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    display_name: str | None
    role: Role
    data_scope: dict[str, list[str]] | None
    is_active: bool
    created_at: UtcDateTime
    last_sign_in_at: UtcDateTime | None


class TokenIn(BaseModel):
    """A new API token for ``user_email``, with ``role``, expiring after ``expires_days``."""

    user_email: str = Field(max_length=320)
    role: Role
    expires_days: int | None = Field(default=None, ge=1, le=TOKEN_MAX_DAYS)
    name: str | None = Field(default=None, max_length=100)

    @field_validator("user_email")
    @classmethod
    def _email(cls, value: str) -> str:
        return normalise_email(value)


class TokenOut(BaseModel):
    """An API token as listed: its prefix, never its secret or hash."""

    id: int
    prefix: str
    user_email: str
    name: str | None
    role: Role
    created_at: UtcDateTime
    expires_at: UtcDateTime | None
    last_used_at: UtcDateTime | None
    revoked_at: UtcDateTime | None


class CreatedToken(BaseModel):
    """A token just created, with its secret: shown this once, stored nowhere."""

    token: TokenOut
    secret: str


class Principal(BaseModel):
    """Who is asking: a signed-in user, or the owner of an API token with the token's role.

    ``role`` is what they may do (a token's own role, not its owner's); ``data_scope`` is
    always the user's. ``token_id`` is set when the request came with a token.
    """

    model_config = ConfigDict(frozen=True)

    user_id: int
    email: str
    role: Role
    data_scope: dict[str, list[str]] | None = None
    token_id: int | None = None


class AuditEntryOut(BaseModel):
    """One audit entry as an admin reads it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: UtcDateTime
    actor_user_id: int | None
    actor_email: str | None
    source: str
    action: str
    target: str | None
    details: dict[str, Any] | None
