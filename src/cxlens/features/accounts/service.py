"""Accounts: create users, sign them in, give them roles; API tokens; the audit log.

Every change to a user or a token is recorded with :func:`record_audit` in the same
transaction. Services flush, never commit (the caller's unit of work does). Time comes from
a :class:`~cxlens.core.clock.Clock`, so tests can move it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from cxlens.core.clock import Clock, SystemClock, as_utc
from cxlens.core.errors import ForbiddenError, InputError, Location, NotFoundError
from cxlens.core.vocabulary import Role
from cxlens.features.accounts import passwords
from cxlens.features.accounts import repository as repo
from cxlens.features.accounts.errors import (
    ApiTokenExpiredError,
    InvalidApiTokenError,
    InvalidCredentialsError,
    UserExistsError,
)
from cxlens.features.accounts.schemas import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    TOKEN_PREFIX,
    TOKEN_PREFIX_LENGTH,
    AuditAction,
    AuditEntryOut,
    CreatedToken,
    Principal,
    TokenIn,
    TokenOut,
    UserIn,
    UserOut,
    normalise_email,
)
from cxlens.models import ApiToken, AuditEntry, User


def _now(clock: Clock | None) -> datetime:
    return (clock or SystemClock()).now()


def record_audit(
    session: Session,
    action: AuditAction,
    *,
    actor: Principal | None = None,
    source: str = "cli",
    target: str | None = None,
    details: dict[str, Any] | None = None,
    clock: Clock | None = None,
) -> AuditEntry:
    """Add an audit entry: ``actor`` (none: the operator at ``source``) did ``action``."""
    entry = AuditEntry(
        actor_user_id=None if actor is None else actor.user_id,
        actor_email=None if actor is None else actor.email,
        source=source,
        action=action.value,
        target=target,
        details=details or None,
        created_at=_now(clock),
    )
    session.add(entry)
    return entry


def recent_audit(session: Session, limit: int = 100) -> list[AuditEntryOut]:
    """The newest ``limit`` audit entries, newest first."""
    return [AuditEntryOut.model_validate(e) for e in repo.recent_audit_entries(session, limit)]


def check_password(password: str) -> None:
    """Refuse a password that is too short or too long (``InputError`` on ``password``)."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise InputError(
            f"the password has {len(password)} characters",
            Location(field="password"),
            expected=f"{PASSWORD_MIN} to {PASSWORD_MAX} characters",
        )


def _user(session: Session, email: str) -> User:
    user = repo.user_by_email(session, normalise_email(email))
    if user is None:
        raise NotFoundError(f"no user {normalise_email(email)!r}", error_code="unknown_user")
    return user


def create_user(
    session: Session,
    data: UserIn,
    password: str | None,
    *,
    actor: Principal | None = None,
    source: str = "cli",
    clock: Clock | None = None,
) -> UserOut:
    """Create a user (``password`` none: one who cannot sign in with a password yet)."""
    if password is not None:
        check_password(password)
    if repo.user_by_email(session, data.email) is not None:
        raise UserExistsError(f"a user {data.email!r} exists already")
    user = User(
        email=data.email,
        display_name=data.display_name,
        role=data.role.value,
        data_scope=data.data_scope,
        password_hash=None if password is None else passwords.hash_password(password),
        is_active=True,
        created_at=_now(clock),
    )
    session.add(user)
    session.flush()
    record_audit(
        session,
        AuditAction.USER_CREATED,
        actor=actor,
        source=source,
        target=user.email,
        details={"role": user.role, "data_scope": user.data_scope},
        clock=clock,
    )
    return UserOut.model_validate(user)


def list_users(session: Session) -> list[UserOut]:
    """Every user, by email."""
    return [UserOut.model_validate(u) for u in repo.all_users(session)]


def set_role(
    session: Session,
    email: str,
    role: Role,
    *,
    actor: Principal | None = None,
    source: str = "cli",
    clock: Clock | None = None,
) -> UserOut:
    """Give the user ``role`` (audited with the old and the new role)."""
    user = _user(session, email)
    old = user.role
    user.role = role.value
    session.flush()
    record_audit(
        session,
        AuditAction.USER_ROLE_CHANGED,
        actor=actor,
        source=source,
        target=user.email,
        details={"from": old, "to": role.value},
        clock=clock,
    )
    return UserOut.model_validate(user)


def reset_password(
    session: Session,
    email: str,
    password: str,
    *,
    actor: Principal | None = None,
    source: str = "cli",
    clock: Clock | None = None,
) -> UserOut:
    """Set a new password for the user (an admin's reset; audited, the password is not).

    The user's web sessions end: they sign in again with the new password.
    """
    check_password(password)
    user = _user(session, email)
    user.password_hash = passwords.hash_password(password)
    repo.delete_user_web_sessions(session, user.id)  # signed out of every browser
    session.flush()
    record_audit(
        session,
        AuditAction.USER_PASSWORD_RESET,
        actor=actor,
        source=source,
        target=user.email,
        clock=clock,
    )
    return UserOut.model_validate(user)


def set_active(
    session: Session,
    email: str,
    active: bool,
    *,
    actor: Principal | None = None,
    source: str = "cli",
    clock: Clock | None = None,
) -> UserOut:
    """Deactivate (``active`` false) or reactivate a user, audited.

    A deactivated user cannot sign in, their web sessions end at once and their API tokens
    stop working (kept, so reactivating brings them back unless revoked meanwhile).
    Deactivating the last active admin is refused: nobody could administer cxlens.
    """
    user = _user(session, email)
    if user.is_active == active:
        return UserOut.model_validate(user)
    if not active and user.role == Role.ADMIN.value and repo.active_admin_count(session) <= 1:
        raise ForbiddenError(
            f"{user.email} is the last active admin: make another admin first",
            error_code="last_admin",
        )
    user.is_active = active
    if not active:
        repo.delete_user_web_sessions(session, user.id)
    session.flush()
    record_audit(
        session,
        AuditAction.USER_REACTIVATED if active else AuditAction.USER_DEACTIVATED,
        actor=actor,
        source=source,
        target=user.email,
        clock=clock,
    )
    return UserOut.model_validate(user)


def _principal(user: User, role: Role, token_id: int | None = None) -> Principal:
    return Principal(
        user_id=user.id,
        email=user.email,
        role=role,
        data_scope=user.data_scope,
        token_id=token_id,
    )


@dataclass(frozen=True, slots=True)
class VerifiedCredentials:
    """An email and password that matched, checked in a read-only session.

    ``seen_hash`` is the stored hash they matched; ``new_hash`` a replacement made with the
    current argon2 parameters when the stored one is stale. :func:`record_sign_in` writes.
    """

    user_id: int
    seen_hash: str
    new_hash: str | None = None


def verify_credentials(session: Session, email: str, password: str) -> VerifiedCredentials:
    """Check an email and password, writing nothing; else ``invalid_credentials``.

    An unknown email, an inactive user and a user without a password cost one argon2
    verification like a known one, and fail with the same error. The argon2 work happens
    here, so a web worker does it outside the writer.
    """
    if len(password) > PASSWORD_MAX:
        raise InvalidCredentialsError()
    user = repo.user_by_email(session, normalise_email(email))
    if user is None or user.password_hash is None or not user.is_active:
        passwords.verify_nobody(password)
        raise InvalidCredentialsError()
    ok, stale = passwords.verify(user.password_hash, password)
    if not ok:
        raise InvalidCredentialsError()
    return VerifiedCredentials(
        user_id=user.id,
        seen_hash=user.password_hash,
        new_hash=passwords.hash_password(password) if stale else None,
    )


def record_sign_in(
    session: Session,
    verified: VerifiedCredentials,
    *,
    source: str = "web",
    clock: Clock | None = None,
) -> Principal:
    """Record a verified sign-in (``last_sign_in_at``, the audit entry); its principal.

    A user deactivated, or whose password changed, since :func:`verify_credentials` is
    refused with ``invalid_credentials``. A stale hash is replaced.
    """
    user = session.get(User, verified.user_id)
    if user is None or not user.is_active or user.password_hash != verified.seen_hash:
        raise InvalidCredentialsError()
    if verified.new_hash is not None:
        user.password_hash = verified.new_hash
    user.last_sign_in_at = _now(clock)
    principal = _principal(user, Role(user.role))
    record_audit(
        session,
        AuditAction.USER_SIGNED_IN,
        actor=principal,
        source=source,
        target=user.email,
        clock=clock,
    )
    session.flush()
    return principal


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    source: str = "web",
    clock: Clock | None = None,
) -> Principal:
    """The principal of the user with this email and password; else ``invalid_credentials``.

    :func:`verify_credentials` then :func:`record_sign_in`, in one session. A hash made
    with older parameters is replaced by one with the current ones.
    """
    return record_sign_in(
        session, verify_credentials(session, email, password), source=source, clock=clock
    )


#: The first admin's email, made by :func:`ensure_first_admin` (``.localhost`` is reserved).
FIRST_ADMIN_EMAIL = "admin@cxlens.localhost"


@dataclass(frozen=True, slots=True)
class FirstAdmin:
    """The admin made on an empty store, with the password to print once."""

    user: UserOut
    password: str


def ensure_first_admin(
    session: Session, *, source: str = "cli", clock: Clock | None = None
) -> FirstAdmin | None:
    """On a store with no users, create one admin with a random password; else nothing.

    The password (``secrets.token_urlsafe(18)``, 24 characters) is in the result and
    nowhere else: the caller shows it once. Once any user exists this does nothing, ever.
    """
    if repo.any_user(session):
        return None
    password = secrets.token_urlsafe(18)
    data = UserIn(email=FIRST_ADMIN_EMAIL, role=Role.ADMIN, display_name="Administrator")
    user = create_user(session, data, password, source=source, clock=clock)
    return FirstAdmin(user=user, password=password)


def audit_page(session: Session, page: int, per_page: int) -> tuple[list[AuditEntryOut], int]:
    """Page ``page`` (1-based) of the audit log, newest first, and the number of entries."""
    offset = (max(page, 1) - 1) * per_page
    entries = repo.audit_entries_page(session, offset, per_page)
    return [AuditEntryOut.model_validate(e) for e in entries], repo.audit_entry_count(session)


def may_grant(owner_role: Role, role: Role) -> bool:
    """Whether a user with ``owner_role`` may hold a token with ``role``.

    An admin's token may have any role; anyone else's only their own role or ``viewer``.
    """
    return owner_role is Role.ADMIN or role in (owner_role, Role.VIEWER)


def _token_out(token: ApiToken, owner: User) -> TokenOut:
    return TokenOut(
        id=token.id,
        prefix=token.prefix,
        user_email=owner.email,
        name=token.name,
        role=Role(token.role),
        created_at=token.created_at,
        expires_at=token.expires_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(
    session: Session,
    data: TokenIn,
    *,
    actor: Principal | None = None,
    source: str = "cli",
    clock: Clock | None = None,
) -> CreatedToken:
    """A new API token for ``data.user_email``; its secret is in the result and nowhere else."""
    owner = _user(session, data.user_email)
    if not may_grant(Role(owner.role), data.role):
        raise ForbiddenError(
            f"{owner.email} is {owner.role}: their tokens may be {owner.role} or viewer, "
            f"not {data.role.value}",
            error_code="role_not_allowed",
        )
    while True:
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        prefix = secret[:TOKEN_PREFIX_LENGTH]
        if not repo.prefix_taken(session, prefix):
            break
    now = _now(clock)
    token = ApiToken(
        user_id=owner.id,
        name=data.name,
        prefix=prefix,
        secret_hash=_hash_secret(secret),
        role=data.role.value,
        created_at=now,
        expires_at=None if data.expires_days is None else now + timedelta(days=data.expires_days),
    )
    session.add(token)
    session.flush()
    record_audit(
        session,
        AuditAction.TOKEN_CREATED,
        actor=actor,
        source=source,
        target=prefix,
        details={"owner": owner.email, "role": token.role, "expires_at": _iso(token.expires_at)},
        clock=clock,
    )
    return CreatedToken(token=_token_out(token, owner), secret=secret)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def list_tokens(session: Session, user_email: str | None = None) -> list[TokenOut]:
    """Every token (of ``user_email`` when given), newest first, without secrets."""
    user_id = None if user_email is None else _user(session, user_email).id
    return [_token_out(t, owner) for t, owner in repo.tokens_with_owners(session, user_id)]


def revoke_token(
    session: Session,
    prefix: str,
    *,
    actor: Principal | None = None,
    source: str = "cli",
    clock: Clock | None = None,
) -> TokenOut:
    """Revoke the token with this prefix (for good; revoking it again changes nothing)."""
    found = repo.token_by_prefix(session, prefix.strip())
    if found is None:
        raise NotFoundError(f"no API token {prefix.strip()!r}", error_code="unknown_api_token")
    token, owner = found
    if token.revoked_at is None:
        token.revoked_at = _now(clock)
        session.flush()
        record_audit(
            session,
            AuditAction.TOKEN_REVOKED,
            actor=actor,
            source=source,
            target=token.prefix,
            details={"owner": owner.email},
            clock=clock,
        )
    return _token_out(token, owner)


def record_token_use(
    session: Session,
    principal: Principal,
    *,
    route: str,
    source: str = "api",
    clock: Clock | None = None,
) -> None:
    """Record that ``principal``'s token was used on ``route``: ``last_used_at`` and an audit
    entry (``token.used``). The API calls it at most once per token every few minutes, not
    on every request (see :mod:`cxlens.web.auth`)."""
    if principal.token_id is None:
        return
    token = session.get(ApiToken, principal.token_id)
    if token is None:
        return
    token.last_used_at = _now(clock)
    record_audit(
        session,
        AuditAction.TOKEN_USED,
        actor=principal,
        source=source,
        target=token.prefix,
        details={"route": route, "role": principal.role.value},
        clock=clock,
    )
    session.flush()


def verify_token(
    session: Session, secret: str, *, clock: Clock | None = None, touch: bool = True
) -> Principal:
    """The principal of an API token's secret: its owner, with the token's role.

    Unknown, revoked, malformed, or owned by an inactive user (or by one whose role no
    longer allows the token's): ``invalid_api_token`` (401); past its expiry:
    ``api_token_expired`` (401). ``touch`` records the use (``last_used_at``).
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        raise InvalidApiTokenError()
    digest = _hash_secret(secret)
    found = repo.token_by_hash(session, digest)
    if found is None or not hmac.compare_digest(found[0].secret_hash, digest):
        raise InvalidApiTokenError()
    token, owner = found
    role = Role(token.role)
    if token.revoked_at is not None or not owner.is_active:
        raise InvalidApiTokenError()
    if not may_grant(Role(owner.role), role):
        raise InvalidApiTokenError()
    now = _now(clock)
    if token.expires_at is not None and as_utc(token.expires_at) <= now:
        raise ApiTokenExpiredError()
    if touch:
        token.last_used_at = now
        session.flush()
    return _principal(owner, role, token.id)
