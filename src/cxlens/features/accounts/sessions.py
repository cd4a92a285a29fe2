"""Staff sign-in: server-side web sessions, their CSRF token, and login throttling.

A session is a row of ``web_sessions``; the browser's cookie carries a random secret
(``secrets.token_urlsafe(32)``) of which only the SHA-256 hash is stored. :func:`resolve_session`
reloads the user on every request and only reads, so a web worker can call it in a read-only
session; it says when ``last_seen_at`` is due a refresh (:data:`TOUCH_EVERY`), which the caller
writes with :func:`touch_session` — not on every request. A session ends when it is idle for
longer than ``session_idle_minutes``, ``session_lifetime_hours`` after it began, on sign-out
(:func:`end_session` deletes the row), when its user is deactivated or given another role.

Signing in is two steps so that the argon2 work runs outside the writer:
:func:`check_sign_in` (reads: the throttle, then the password) and :func:`complete_sign_in`
or :func:`record_failed_sign_in` (writes). Failed sign-ins are rows of
``sign_in_failures``, counted per email and per client address within a window, so every
web worker sees the same counts; over the limit, :func:`check_sign_in` refuses with 429
before it looks at the password. A successful sign-in clears the email's count.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from cxlens.core.clock import Clock, SystemClock, as_utc
from cxlens.core.settings import SessionSettings
from cxlens.core.vocabulary import Role
from cxlens.features.accounts import repository as repo
from cxlens.features.accounts.errors import SignInThrottledError
from cxlens.features.accounts.schemas import AuditAction, Principal, normalise_email
from cxlens.features.accounts.service import (
    VerifiedCredentials,
    record_audit,
    record_sign_in,
    verify_credentials,
)
from cxlens.models import WebSession

#: ``last_seen_at`` is written at most this often per session.
TOUCH_EVERY = timedelta(minutes=1)
#: The longest cookie secret looked up (a longer one is not ours).
_SECRET_MAX = 100
#: The longest email or client address counted (the column's length).
_KEY_MAX = 320


def _now(clock: Clock | None) -> datetime:
    return (clock or SystemClock()).now()


def hash_secret(secret: str) -> str:
    """The SHA-256 hex digest of a session cookie's secret (what the table stores)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class StartedSession:
    """A session just begun: the secret for the cookie (stored nowhere) and its CSRF token."""

    secret: str
    csrf_token: str
    principal: Principal
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ActiveSession:
    """A valid session of the current request, with its user as they are now."""

    id: int
    principal: Principal
    display_name: str | None
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    #: Whether ``last_seen_at`` is older than :data:`TOUCH_EVERY` (write it with
    #: :func:`touch_session`).
    needs_touch: bool

    def csrf_matches(self, token: str | None) -> bool:
        """Whether a form's ``token`` is this session's CSRF token (constant time)."""
        return token is not None and hmac.compare_digest(
            token.encode("utf-8"), self.csrf_token.encode("utf-8")
        )


def _idle(settings: SessionSettings) -> timedelta:
    return timedelta(minutes=settings.session_idle_minutes)


def start_session(
    session: Session,
    principal: Principal,
    *,
    settings: SessionSettings,
    clock: Clock | None = None,
    replacing: str | None = None,
) -> StartedSession:
    """Begin a session for ``principal``; ``replacing``: the cookie secret it supersedes.

    The superseded session (a browser signing in again) is deleted, so a secret known
    before sign-in never becomes a signed-in one; sessions past their time are purged.
    """
    now = _now(clock)
    repo.delete_stale_web_sessions(session, now, now - _idle(settings))
    if replacing:
        repo.delete_web_session_by_hash(session, hash_secret(replacing[:_SECRET_MAX]))
    secret = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=settings.session_lifetime_hours)
    session.add(
        WebSession(
            secret_hash=hash_secret(secret),
            user_id=principal.user_id,
            role=principal.role.value,
            csrf_secret=csrf_token,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
        )
    )
    session.flush()
    return StartedSession(secret, csrf_token, principal, expires_at)


def resolve_session(
    session: Session, secret: str | None, *, settings: SessionSettings, clock: Clock | None = None
) -> ActiveSession | None:
    """The session of a cookie's ``secret`` with its user reloaded; ``None`` if it is not valid.

    Not valid: unknown, past its lifetime, idle too long, its user inactive or given another
    role since sign-in. Only reads.
    """
    if not secret or len(secret) > _SECRET_MAX:
        return None
    found = repo.web_session_by_hash(session, hash_secret(secret))
    if found is None:
        return None
    row, user = found
    now = _now(clock)
    last_seen = as_utc(row.last_seen_at)
    expires_at = as_utc(row.expires_at)
    if expires_at <= now or last_seen + _idle(settings) <= now:
        return None
    if not user.is_active or user.role != row.role:
        return None
    principal = Principal(
        user_id=user.id, email=user.email, role=Role(user.role), data_scope=user.data_scope
    )
    return ActiveSession(
        id=row.id,
        principal=principal,
        display_name=user.display_name,
        csrf_token=row.csrf_secret,
        created_at=as_utc(row.created_at),
        last_seen_at=last_seen,
        expires_at=expires_at,
        needs_touch=now - last_seen >= TOUCH_EVERY,
    )


def touch_session(session: Session, session_id: int, *, clock: Clock | None = None) -> None:
    """Record that the session was used now (call when :attr:`ActiveSession.needs_touch`)."""
    repo.touch_web_session(session, session_id, _now(clock))


def end_session(
    session: Session,
    secret: str | None,
    *,
    actor: Principal | None = None,
    source: str = "web",
    clock: Clock | None = None,
) -> bool:
    """Sign out: delete the session of ``secret`` (audited); whether there was one."""
    if not secret or len(secret) > _SECRET_MAX:
        return False
    user_id = repo.delete_web_session_by_hash(session, hash_secret(secret))
    if user_id is None:
        return False
    record_audit(
        session,
        AuditAction.USER_SIGNED_OUT,
        actor=actor,
        source=source,
        target=None if actor is None else actor.email,
        clock=clock,
    )
    return True


def end_user_sessions(session: Session, user_id: int) -> None:
    """Sign the user out of every browser."""
    repo.delete_user_web_sessions(session, user_id)


def _keys(email: str, client: str) -> list[tuple[str, str]]:
    return [("email", normalise_email(email)[:_KEY_MAX]), ("client", client[:_KEY_MAX])]


def check_throttle(
    session: Session,
    email: str,
    client: str,
    *,
    settings: SessionSettings,
    clock: Clock | None = None,
) -> None:
    """Refuse (429 ``sign_in_throttled``) an email or client over its failed sign-ins."""
    now = _now(clock)
    window = timedelta(minutes=settings.sign_in_window_minutes)
    limits = {
        "email": settings.sign_in_failures_per_email,
        "client": settings.sign_in_failures_per_client,
    }
    wait = 0.0
    for kind, key in _keys(email, client):
        count, oldest = repo.sign_in_failures_since(session, kind, key, now - window)
        if count >= limits[kind] and oldest is not None:
            wait = max(wait, (as_utc(oldest) + window - now).total_seconds())
    if wait > 0:
        raise SignInThrottledError(int(wait) + 1)


def check_sign_in(
    session: Session,
    email: str,
    password: str,
    client: str,
    *,
    settings: SessionSettings,
    clock: Clock | None = None,
) -> VerifiedCredentials:
    """The read half of a sign-in: the throttle first (the password is then not checked),
    then the email and password (``invalid_credentials``). Writes nothing."""
    check_throttle(session, email, client, settings=settings, clock=clock)
    return verify_credentials(session, email, password)


def complete_sign_in(
    session: Session,
    verified: VerifiedCredentials,
    *,
    settings: SessionSettings,
    clock: Clock | None = None,
    replacing: str | None = None,
) -> StartedSession:
    """The write half of a successful sign-in: audited, the email's failures forgotten, a
    new session begun."""
    principal = record_sign_in(session, verified, source="web", clock=clock)
    repo.delete_sign_in_failures(session, "email", principal.email[:_KEY_MAX])
    return start_session(session, principal, settings=settings, clock=clock, replacing=replacing)


def record_failed_sign_in(
    session: Session,
    email: str,
    client: str,
    *,
    settings: SessionSettings,
    clock: Clock | None = None,
) -> None:
    """Count a failed sign-in against the email and the client, and audit it.

    The audit entry names the email typed and the client address, never the password.
    Failures older than the window are purged.
    """
    now = _now(clock)
    repo.delete_sign_in_failures_before(
        session, now - timedelta(minutes=settings.sign_in_window_minutes)
    )
    repo.add_sign_in_failures(session, _keys(email, client), now)
    record_audit(
        session,
        AuditAction.USER_SIGN_IN_FAILED,
        source="web",
        target=normalise_email(email)[:_KEY_MAX] or None,
        details={"client": client[:_KEY_MAX]},
        clock=clock,
    )
    session.flush()


__all__ = [
    "TOUCH_EVERY",
    "ActiveSession",
    "StartedSession",
    "check_sign_in",
    "check_throttle",
    "complete_sign_in",
    "end_session",
    "end_user_sessions",
    "hash_secret",
    "record_failed_sign_in",
    "resolve_session",
    "start_session",
    "touch_session",
]
