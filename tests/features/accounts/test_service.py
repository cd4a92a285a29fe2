"""Accounts on a real store (both backends): users, sign-in, roles, API tokens, the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from cxlens.core.clock import ManualClock
from cxlens.core.errors import CxlensError, ForbiddenError, InputError, NotFoundError
from cxlens.core.vocabulary import Role
from cxlens.features import accounts
from cxlens.features.accounts import (
    ApiTokenExpiredError,
    AuditAction,
    InvalidApiTokenError,
    InvalidCredentialsError,
    TokenIn,
    UserExistsError,
    UserIn,
)
from cxlens.features.accounts import repository as repo
from cxlens.models import User

PASSWORD = "correct horse battery"


def _user(session: Session, email: str = "Ann@Example.com", role: Role = Role.ADMIN) -> int:
    return accounts.create_user(session, UserIn(email=email, role=role), PASSWORD).id


def test_a_user_is_stored_with_a_lowercase_email_and_an_argon2id_hash(session: Session) -> None:
    made = accounts.create_user(
        session,
        UserIn(
            email="  Ann@Example.COM ",
            role=Role.ANALYST,
            display_name="Ann",
            data_scope={"region": ["NL", "BE", "NL"]},
        ),
        PASSWORD,
    )
    assert (made.email, made.role, made.data_scope) == (
        "ann@example.com",
        Role.ANALYST,
        {"region": ["BE", "NL"]},
    )
    stored = repo.user_by_email(session, "ann@example.com")
    assert stored is not None and stored.password_hash is not None
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    with pytest.raises(UserExistsError) as taken:
        accounts.create_user(session, UserIn(email="ANN@example.com", role=Role.VIEWER), PASSWORD)
    assert (taken.value.http_status, taken.value.error_code) == (409, "user_exists")
    assert [u.email for u in accounts.list_users(session)] == ["ann@example.com"]


def test_bad_input_names_the_field(session: Session) -> None:
    with pytest.raises(InputError) as short:
        accounts.create_user(session, UserIn(email="a@example.com", role=Role.VIEWER), "short")
    assert short.value.location.field == "password"
    assert "12 to 1024 characters" in str(short.value)
    with pytest.raises(ValueError, match="not an email address"):
        UserIn(email="not-an-email", role=Role.VIEWER)
    with pytest.raises(ValueError, match="lists no values"):
        UserIn(email="a@example.com", role=Role.VIEWER, data_scope={"region": []})
    with pytest.raises(ValueError):
        UserIn.model_validate({"email": "a@example.com", "role": "owner"})
    assert UserIn(email="a@example.com", role=Role.VIEWER, data_scope={}).data_scope is None


def test_authenticate_signs_in_and_refuses_alike(session: Session) -> None:
    clock = ManualClock()
    user_id = _user(session)
    principal = accounts.authenticate(session, "ANN@example.com", PASSWORD, clock=clock)
    assert (principal.user_id, principal.role, principal.token_id) == (user_id, Role.ADMIN, None)
    stored = session.get(User, user_id)
    assert stored is not None and stored.last_sign_in_at is not None
    errors: list[CxlensError] = []
    for email, password in [
        ("ann@example.com", "wrong password!"),
        ("nobody@example.com", PASSWORD),
        ("ann@example.com", "x" * 5000),
    ]:
        with pytest.raises(InvalidCredentialsError) as refused:
            accounts.authenticate(session, email, password)
        errors.append(refused.value)
    assert {(e.http_status, e.error_code, str(e)) for e in errors} == {
        (401, "invalid_credentials", "the email or the password is not right")
    }
    assert stored is not None
    stored.is_active = False
    with pytest.raises(InvalidCredentialsError):
        accounts.authenticate(session, "ann@example.com", PASSWORD)


def test_a_hash_with_old_parameters_is_replaced_at_sign_in(session: Session) -> None:
    user_id = _user(session)
    stored = session.get(User, user_id)
    assert stored is not None
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    stored.password_hash = weak
    accounts.authenticate(session, "ann@example.com", PASSWORD)
    assert stored.password_hash != weak
    assert not PasswordHasher().check_needs_rehash(stored.password_hash)
    again = stored.password_hash
    accounts.authenticate(session, "ann@example.com", PASSWORD)
    assert stored.password_hash == again  # current parameters: kept


def test_role_changes_and_password_resets_are_audited(session: Session) -> None:
    _user(session, "bob@example.com", Role.VIEWER)
    assert accounts.set_role(session, "BOB@example.com", Role.AGENT).role is Role.AGENT
    accounts.reset_password(session, "bob@example.com", "a brand new passphrase")
    accounts.authenticate(session, "bob@example.com", "a brand new passphrase")
    with pytest.raises(InvalidCredentialsError):
        accounts.authenticate(session, "bob@example.com", PASSWORD)
    with pytest.raises(NotFoundError) as unknown:
        accounts.set_role(session, "nobody@example.com", Role.ADMIN)
    assert unknown.value.error_code == "unknown_user"
    entries = list(reversed(accounts.recent_audit(session)))
    assert [(e.action, e.target) for e in entries] == [
        (AuditAction.USER_CREATED, "bob@example.com"),
        (AuditAction.USER_ROLE_CHANGED, "bob@example.com"),
        (AuditAction.USER_PASSWORD_RESET, "bob@example.com"),
        (AuditAction.USER_SIGNED_IN, "bob@example.com"),
    ]
    assert entries[1].details == {"from": "viewer", "to": "agent"}
    assert entries[0].source == "cli" and entries[0].actor_email is None
    assert entries[3].actor_email == "bob@example.com"
    assert all(PASSWORD not in str(e.details) for e in entries)


def test_a_token_is_shown_once_stored_hashed_and_verified(session: Session) -> None:
    clock = ManualClock()
    owner_id = _user(session)
    created = accounts.create_token(
        session, TokenIn(user_email="ann@example.com", role=Role.ANALYST), clock=clock
    )
    secret = created.secret
    assert secret.startswith("cxl_") and len(secret) == 4 + 43
    assert created.token.prefix == secret[:12]
    found = repo.token_by_prefix(session, created.token.prefix)
    assert found is not None
    token, _owner = found
    assert token.secret_hash != secret and secret not in token.secret_hash
    assert len(token.secret_hash) == 64
    clock.advance(timedelta(minutes=5))
    principal = accounts.verify_token(session, secret, clock=clock)
    assert (principal.user_id, principal.role, principal.token_id) == (
        owner_id,
        Role.ANALYST,
        token.id,
    )
    listed = accounts.list_tokens(session)
    assert [(t.prefix, t.role, t.user_email) for t in listed] == [
        (created.token.prefix, Role.ANALYST, "ann@example.com")
    ]
    assert listed[0].last_used_at is not None
    assert "secret" not in listed[0].model_dump()
    for wrong in ["", "cxl_", secret[:-1] + ("A" if secret[-1] != "A" else "B"), "Bearer x"]:
        with pytest.raises(InvalidApiTokenError) as refused:
            accounts.verify_token(session, wrong)
        assert (refused.value.http_status, refused.value.error_code) == (401, "invalid_api_token")


def test_an_expired_or_revoked_token_is_refused(session: Session) -> None:
    clock = ManualClock()
    _user(session)
    expiring = accounts.create_token(
        session,
        TokenIn(user_email="ann@example.com", role=Role.VIEWER, expires_days=30),
        clock=clock,
    )
    assert expiring.token.expires_at == clock.now() + timedelta(days=30)
    clock.advance(timedelta(days=29))
    accounts.verify_token(session, expiring.secret, clock=clock)
    clock.advance(timedelta(days=1))
    with pytest.raises(ApiTokenExpiredError) as expired:
        accounts.verify_token(session, expiring.secret, clock=clock)
    assert (expired.value.http_status, expired.value.error_code) == (401, "api_token_expired")

    kept = accounts.create_token(session, TokenIn(user_email="ann@example.com", role=Role.ADMIN))
    revoked = accounts.revoke_token(session, kept.token.prefix, clock=clock)
    assert revoked.revoked_at == clock.now()
    assert accounts.revoke_token(session, kept.token.prefix).revoked_at == clock.now()  # again
    with pytest.raises(InvalidApiTokenError):
        accounts.verify_token(session, kept.secret, clock=clock)
    with pytest.raises(NotFoundError) as unknown:
        accounts.revoke_token(session, "cxl_nothere")
    assert unknown.value.error_code == "unknown_api_token"
    actions = [e.action for e in accounts.recent_audit(session)]
    assert actions.count(AuditAction.TOKEN_CREATED) == 2
    assert actions.count(AuditAction.TOKEN_REVOKED) == 1  # revoking twice: one entry


def test_a_token_never_has_more_rights_than_its_owner(session: Session) -> None:
    _user(session, "agent@example.com", Role.AGENT)
    with pytest.raises(ForbiddenError) as refused:
        accounts.create_token(session, TokenIn(user_email="agent@example.com", role=Role.ADMIN))
    assert refused.value.error_code == "role_not_allowed"
    own = accounts.create_token(session, TokenIn(user_email="agent@example.com", role=Role.AGENT))
    view = accounts.create_token(session, TokenIn(user_email="agent@example.com", role=Role.VIEWER))
    accounts.set_role(session, "agent@example.com", Role.VIEWER)  # demoted: agent token dies
    with pytest.raises(InvalidApiTokenError):
        accounts.verify_token(session, own.secret)
    assert accounts.verify_token(session, view.secret).role is Role.VIEWER
    owner = repo.user_by_email(session, "agent@example.com")
    assert owner is not None
    owner.is_active = False  # deactivated: every token dies
    with pytest.raises(InvalidApiTokenError):
        accounts.verify_token(session, view.secret)


def test_tokens_are_listed_per_user(session: Session) -> None:
    _user(session, "ann@example.com")
    _user(session, "bob@example.com", Role.VIEWER)
    accounts.create_token(session, TokenIn(user_email="ann@example.com", role=Role.VIEWER))
    accounts.create_token(session, TokenIn(user_email="bob@example.com", role=Role.VIEWER))
    assert {t.user_email for t in accounts.list_tokens(session, "BOB@example.com")} == {
        "bob@example.com"
    }
    assert len(accounts.list_tokens(session)) == 2
