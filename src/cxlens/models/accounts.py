"""Staff accounts: users with a role and an optional data scope, API tokens, the audit log.

Passwords are stored only as argon2id hashes, API tokens only as SHA-256 hashes of their
secret (with a short visible prefix for listing); ``docs/accounts.md`` says why and how.
Emails are stored normalised (trimmed, lower case), so the unique constraint makes them
unique regardless of case.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from cxlens.core.vocabulary import Role
from cxlens.models.base import Base, utcnow
from cxlens.models.enums import check_in

_ROLES = [r.value for r in Role]


class User(Base):
    """A person who signs in to cxlens: a role, and optionally a data scope.

    ``data_scope`` maps a customer attribute to the values this user may see
    (``{"region": ["NL"]}``); ``None`` means no restriction. ``password_hash`` is an argon2id
    hash (``None`` for a user who cannot sign in with a password).
    """

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(check_in("role", _ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(16))
    data_scope: Mapped[dict[str, Any] | None]
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]


class ApiToken(Base):
    """A secret for ``/api/v1``, owned by a user, with its own role and an optional expiry.

    Only ``secret_hash`` (SHA-256 hex of the whole secret) is stored; ``prefix`` is the
    secret's first characters (``cxl_`` and 8 more), shown in listings and used to revoke it.
    """

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint(check_in("role", _ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class AuditEntry(Base):
    """One thing done to accounts or data: who (user and email at the time), what, to what.

    ``actor_email`` is kept as it was, so an entry still says who after the user is gone;
    ``source`` is where it was done (``cli``, ``web``, ``api``).
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor_email: Mapped[str | None] = mapped_column(String(320))
    source: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(400))
    details: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebSession(Base):
    """A signed-in browser: the staff pages' server-side session (docs/accounts.md).

    The cookie carries a random secret; only its SHA-256 hash (``secret_hash``) is stored,
    so a copy of the database signs no one in. ``role`` is the user's role when they signed
    in: a session whose user has another role now (or is inactive) no longer works.
    ``last_seen_at`` is refreshed at most once a minute; the session ends when it is idle
    for longer than the idle timeout, or at ``expires_at`` (its absolute lifetime), or on
    sign-out (the row is deleted). ``csrf_secret`` is the token every staff form carries.
    """

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    csrf_secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class SignInFailure(Base):
    """One failed sign-in, counted against an email and against a client address.

    ``kind`` is ``email`` or ``client``, ``key`` the normalised email or the address. Stored
    in the database, so every web worker counts the same failures; rows older than the
    throttling window are purged.
    """

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        CheckConstraint(check_in("kind", ["email", "client"]), name="kind"),
        Index(None, "kind", "key", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(320))
    failed_at: Mapped[datetime] = mapped_column(index=True)
