"""The SQL of accounts: users by email, tokens by hash or prefix, the audit log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cxlens.models import ApiToken, AuditEntry, User


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
