"""The SQL of accounts: users by email, tokens by hash or prefix, the audit log, web sessions
and the failed sign-ins counted for throttling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from cxlens.models import ApiToken, AuditEntry, SignInFailure, User, WebSession


def user_by_email(session: Session, email: str) -> User | None:
    """The user with this (normalised) email."""
    return session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def all_users(session: Session) -> list[User]:
    """Every user, by email."""
    return list(session.execute(select(User).order_by(User.email)).scalars())


def token_by_hash(session: Session, secret_hash: str) -> tuple[ApiToken, User] | None:
    """The token whose secret hashes to ``secret_hash``, with its owner."""
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.secret_hash == secret_hash)
    ).first()
    return None if row is None else (row[0], row[1])


def token_by_prefix(session: Session, prefix: str) -> tuple[ApiToken, User] | None:
    """The token with this visible prefix, with its owner."""
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.prefix == prefix)
    ).first()
    return None if row is None else (row[0], row[1])


def prefix_taken(session: Session, prefix: str) -> bool:
    """Whether a token already has this prefix."""
    return session.execute(select(ApiToken.id).where(ApiToken.prefix == prefix)).first() is not None


def tokens_with_owners(session: Session, user_id: int | None = None) -> list[tuple[ApiToken, User]]:
    """Every token (of ``user_id`` when given) with its owner, newest first."""
    query = select(ApiToken, User).join(User, User.id == ApiToken.user_id)
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    rows = session.execute(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    return [(token, owner) for token, owner in rows]


def recent_audit_entries(session: Session, limit: int) -> list[AuditEntry]:
    """The newest ``limit`` audit entries, newest first."""
    return list(
        session.execute(
            select(AuditEntry)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(limit)
        ).scalars()
    )


def audit_entries_page(session: Session, offset: int, limit: int) -> list[AuditEntry]:
    """``limit`` audit entries from ``offset``, newest first."""
    return list(
        session.execute(
            select(AuditEntry)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .offset(offset)
            .limit(limit)
        ).scalars()
    )


def audit_entry_count(session: Session) -> int:
    """How many audit entries there are."""
    return int(session.execute(select(func.count()).select_from(AuditEntry)).scalar_one())


def any_user(session: Session) -> bool:
    """Whether the store has at least one user."""
    return session.execute(select(User.id).limit(1)).first() is not None


def web_session_by_hash(session: Session, secret_hash: str) -> tuple[WebSession, User] | None:
    """The web session whose secret hashes to ``secret_hash``, with its user."""
    row = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.secret_hash == secret_hash)
    ).first()
    return None if row is None else (row[0], row[1])


def touch_web_session(session: Session, session_id: int, when: datetime) -> None:
    """Set the web session's ``last_seen_at`` to ``when`` (no row loaded)."""
    session.execute(update(WebSession).where(WebSession.id == session_id).values(last_seen_at=when))


def delete_web_session_by_hash(session: Session, secret_hash: str) -> int | None:
    """Delete the web session whose secret hashes to ``secret_hash``; its user's id, if any."""
    user_id = session.execute(
        delete(WebSession)
        .where(WebSession.secret_hash == secret_hash)
        .returning(WebSession.user_id)
    ).scalar_one_or_none()
    return user_id


def delete_stale_web_sessions(session: Session, now: datetime, idle_since: datetime) -> int:
    """Delete web sessions past their lifetime or unused since ``idle_since``; how many."""
    result = session.execute(
        delete(WebSession).where(
            or_(WebSession.expires_at <= now, WebSession.last_seen_at < idle_since)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def delete_user_web_sessions(session: Session, user_id: int) -> None:
    """Delete every web session of the user (they are signed out everywhere)."""
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


def sign_in_failures_since(
    session: Session, kind: str, key: str, since: datetime
) -> tuple[int, datetime | None]:
    """How many failures of ``kind``/``key`` happened after ``since``, and the oldest one."""
    count, oldest = session.execute(
        select(func.count(), func.min(SignInFailure.failed_at)).where(
            SignInFailure.kind == kind,
            SignInFailure.key == key,
            SignInFailure.failed_at > since,
        )
    ).one()
    return int(count), oldest


def add_sign_in_failures(session: Session, keys: list[tuple[str, str]], when: datetime) -> None:
    """Record one failed sign-in under each ``(kind, key)``."""
    session.add_all(SignInFailure(kind=kind, key=key, failed_at=when) for kind, key in keys)


def delete_sign_in_failures(session: Session, kind: str, key: str) -> None:
    """Forget the failures counted against ``kind``/``key``."""
    session.execute(
        delete(SignInFailure).where(SignInFailure.kind == kind, SignInFailure.key == key)
    )


def delete_sign_in_failures_before(session: Session, before: datetime) -> None:
    """Forget the failures older than ``before`` (out of every window)."""
    session.execute(delete(SignInFailure).where(SignInFailure.failed_at <= before))


def active_admin_count(session: Session) -> int:
    """How many active users are admins."""
    query = select(func.count(User.id)).where(User.role == "admin", User.is_active.is_(True))
    return int(session.execute(query).scalar_one())
