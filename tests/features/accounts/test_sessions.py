"""Web sessions, login throttling and the first admin on a real store (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cxlens.core.clock import ManualClock
from cxlens.core.settings import SessionSettings
from cxlens.core.vocabulary import Role
from cxlens.db import read_only, unit_of_work
from cxlens.features import accounts
from cxlens.features.accounts import AuditAction, InvalidCredentialsError, UserIn
from cxlens.features.accounts import sessions as web
from cxlens.features.accounts.errors import SignInThrottledError
from cxlens.features.accounts.service import FIRST_ADMIN_EMAIL, ensure_first_admin
from cxlens.models import AuditEntry, SignInFailure, User, WebSession

PASSWORD = "correct horse battery"
START = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
POLICY = SessionSettings(session_idle_minutes=30, session_lifetime_hours=8)


@pytest.fixture
def clock() -> ManualClock:
    """A manual clock at START."""
    return ManualClock(START)


def _user(engine: Engine, email: str = "ann@example.com", role: Role = Role.ANALYST) -> int:
    with unit_of_work(engine) as session:
        return accounts.create_user(session, UserIn(email=email, role=role), PASSWORD).id


def _sign_in(engine: Engine, clock: ManualClock, email: str = "ann@example.com") -> str:
    with read_only(engine) as session:
        verified = web.check_sign_in(
            session, email, PASSWORD, "10.0.0.1", settings=POLICY, clock=clock
        )
    with unit_of_work(engine) as session:
        return web.complete_sign_in(session, verified, settings=POLICY, clock=clock).secret


def _resolve(engine: Engine, secret: str, clock: ManualClock) -> web.ActiveSession | None:
    with read_only(engine) as session:  # resolving only reads
        return web.resolve_session(session, secret, settings=POLICY, clock=clock)


def test_a_session_lives_stores_only_a_hash_and_ends_on_sign_out(
    migrated_engine: Engine, clock: ManualClock
) -> None:
    user_id = _user(migrated_engine)
    secret = _sign_in(migrated_engine, clock)
    with unit_of_work(migrated_engine) as session:
        row = session.scalars(select(WebSession)).one()
        assert row.user_id == user_id and row.role == "analyst"
        assert row.secret_hash == web.hash_secret(secret) and secret not in row.secret_hash
        assert row.csrf_secret != secret
    active = _resolve(migrated_engine, secret, clock)
    assert active is not None
    assert active.principal.email == "ann@example.com" and active.principal.role is Role.ANALYST
    assert active.csrf_matches(active.csrf_token)
    assert not active.csrf_matches(None) and not active.csrf_matches("x" + active.csrf_token)
    assert active.expires_at == START + timedelta(hours=8)
    assert not active.needs_touch
    assert _resolve(migrated_engine, secret + "x", clock) is None
    assert _resolve(migrated_engine, "", clock) is None
    with unit_of_work(migrated_engine) as session:
        assert web.end_session(session, secret, actor=active.principal, clock=clock)
        assert not web.end_session(session, secret, clock=clock)
    with unit_of_work(migrated_engine) as session:
        assert session.scalars(select(WebSession)).all() == []
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == [AuditAction.USER_SIGNED_IN, AuditAction.USER_SIGNED_OUT]
    assert _resolve(migrated_engine, secret, clock) is None


def test_last_seen_is_refreshed_at_most_once_a_minute_and_idle_sessions_end(
    migrated_engine: Engine, clock: ManualClock
) -> None:
    _user(migrated_engine)
    secret = _sign_in(migrated_engine, clock)
    clock.advance(timedelta(seconds=59))
    active = _resolve(migrated_engine, secret, clock)
    assert active is not None and not active.needs_touch
    clock.advance(timedelta(seconds=1))
    active = _resolve(migrated_engine, secret, clock)
    assert active is not None and active.needs_touch
    # 29 minutes later the session is still alive only because it was touched
    clock.advance(timedelta(minutes=25))
    with unit_of_work(migrated_engine) as session:
        web.touch_session(session, active.id, clock=clock)
    clock.advance(timedelta(minutes=29))
    active = _resolve(migrated_engine, secret, clock)
    assert active is not None and active.last_seen_at == START + timedelta(minutes=26)
    clock.advance(timedelta(minutes=1))  # 30 minutes idle
    assert _resolve(migrated_engine, secret, clock) is None


def test_a_session_ends_at_its_absolute_lifetime_however_busy(
    migrated_engine: Engine, clock: ManualClock
) -> None:
    _user(migrated_engine)
    secret = _sign_in(migrated_engine, clock)
    active = _resolve(migrated_engine, secret, clock)
    assert active is not None
    for _ in range(8 * 3 - 1):  # touched every 20 minutes for 7 h 40
        clock.advance(timedelta(minutes=20))
        with unit_of_work(migrated_engine) as session:
            web.touch_session(session, active.id, clock=clock)
        assert _resolve(migrated_engine, secret, clock) is not None
    clock.advance(timedelta(minutes=20))
    assert _resolve(migrated_engine, secret, clock) is None


def test_deactivation_a_new_role_and_a_password_reset_end_sessions(
    migrated_engine: Engine, clock: ManualClock
) -> None:
    user_id = _user(migrated_engine)
    secret = _sign_in(migrated_engine, clock)
    with unit_of_work(migrated_engine) as session:
        accounts.set_role(session, "ann@example.com", Role.VIEWER)
    assert _resolve(migrated_engine, secret, clock) is None  # demoted: sign in again
    secret = _sign_in(migrated_engine, clock)
    active = _resolve(migrated_engine, secret, clock)
    assert active is not None and active.principal.role is Role.VIEWER
    with unit_of_work(migrated_engine) as session:
        user = session.get(User, user_id)
        assert user is not None
        user.is_active = False
    assert _resolve(migrated_engine, secret, clock) is None
    with unit_of_work(migrated_engine) as session:
        user = session.get(User, user_id)
        assert user is not None
        user.is_active = True
    assert _resolve(migrated_engine, secret, clock) is not None
    with unit_of_work(migrated_engine) as session:
        accounts.reset_password(session, "ann@example.com", "another long password")
    assert _resolve(migrated_engine, secret, clock) is None
    with unit_of_work(migrated_engine) as session:
        assert session.scalars(select(WebSession)).all() == []


def test_signing_in_again_replaces_the_browsers_session_and_purges_stale_ones(
    migrated_engine: Engine, clock: ManualClock
) -> None:
    _user(migrated_engine)
    _user(migrated_engine, "bob@example.com")
    old_bob = _sign_in(migrated_engine, clock, "bob@example.com")
    first = _sign_in(migrated_engine, clock)
    clock.advance(timedelta(hours=1))  # bob's session is idle past its timeout
    with read_only(migrated_engine) as session:
        verified = web.check_sign_in(
            session, "ann@example.com", PASSWORD, "10.0.0.1", settings=POLICY, clock=clock
        )
    with unit_of_work(migrated_engine) as session:
        second = web.complete_sign_in(
            session, verified, settings=POLICY, clock=clock, replacing=first
        ).secret
    assert second != first
    assert _resolve(migrated_engine, first, clock) is None
    assert _resolve(migrated_engine, second, clock) is not None
    with unit_of_work(migrated_engine) as session:
        hashes = set(session.scalars(select(WebSession.secret_hash)))
    assert hashes == {web.hash_secret(second)}  # bob's stale row purged
    assert web.hash_secret(old_bob) not in hashes


def _fail(engine: Engine, clock: ManualClock, email: str, client: str = "10.0.0.1") -> None:
    with read_only(engine) as session, pytest.raises(InvalidCredentialsError):
        web.check_sign_in(session, email, "wrong password!", client, settings=POLICY, clock=clock)
    with unit_of_work(engine) as session:
        web.record_failed_sign_in(session, email, client, settings=POLICY, clock=clock)


def test_five_failures_for_an_email_refuse_it_without_checking_the_password(
    migrated_engine: Engine, clock: ManualClock
) -> None:
    _user(migrated_engine)
    for _ in range(5):
        _fail(migrated_engine, clock, "Ann@Example.com")
        clock.advance(timedelta(minutes=1))
    with read_only(migrated_engine) as session, pytest.raises(SignInThrottledError) as refused:
        # the right password: refused all the same
        web.check_sign_in(
            session, "ann@example.com", PASSWORD, "10.9.9.9", settings=POLICY, clock=clock
        )
    assert refused.value.http_status == 429 and refused.value.error_code == "sign_in_throttled"
    assert refused.value.retry_after == 10 * 60 + 1  # the first failure leaves the window
    clock.advance(timedelta(minutes=10))
    with read_only(migrated_engine) as session:  # 4 failures in the window now
        web.check_sign_in(
            session, "ann@example.com", PASSWORD, "10.9.9.9", settings=POLICY, clock=clock
        )
    with unit_of_work(migrated_engine) as session:
        audited = session.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.USER_SIGN_IN_FAILED)
        ).all()
    assert len(audited) == 5
    assert audited[0].target == "ann@example.com"
    assert audited[0].details == {"client": "10.0.0.1"}
    assert all("wrong password" not in str(e.details) for e in audited)


def test_a_successful_sign_in_clears_the_emails_count(
    migrated_engine: Engine, clock: ManualClock
) -> None:
    _user(migrated_engine)
    for _ in range(4):
        _fail(migrated_engine, clock, "ann@example.com")
    _sign_in(migrated_engine, clock)
    for _ in range(4):
        _fail(migrated_engine, clock, "ann@example.com")
    with read_only(migrated_engine) as session:  # 4, not 8
        web.check_throttle(session, "ann@example.com", "10.0.0.2", settings=POLICY, clock=clock)
    with unit_of_work(migrated_engine) as session:
        kinds = session.scalars(select(SignInFailure.kind)).all()
    assert sorted(kinds) == ["client"] * 8 + ["email"] * 4  # the client's count stays


def test_twenty_failures_from_one_client_refuse_every_email_from_it(
    migrated_engine: Engine, clock: ManualClock
) -> None:
    for n in range(20):
        _fail(migrated_engine, clock, f"guess{n}@example.com", client="203.0.113.7")
    with read_only(migrated_engine) as session:
        with pytest.raises(SignInThrottledError) as refused:
            web.check_throttle(
                session, "new@example.com", "203.0.113.7", settings=POLICY, clock=clock
            )
        assert refused.value.retry_after == 15 * 60 + 1
        web.check_throttle(session, "new@example.com", "203.0.113.8", settings=POLICY, clock=clock)
    clock.advance(timedelta(minutes=16))
    _fail(migrated_engine, clock, "x@example.com", client="203.0.113.8")
    with unit_of_work(migrated_engine) as session:  # the old rows were purged
        assert len(session.scalars(select(SignInFailure)).all()) == 2


def test_the_first_admin_is_made_once_on_an_empty_store(session: Session) -> None:
    made = ensure_first_admin(session)
    assert made is not None
    assert made.user.email == FIRST_ADMIN_EMAIL and made.user.role is Role.ADMIN
    assert len(made.password) >= 20
    principal = accounts.authenticate(session, FIRST_ADMIN_EMAIL, made.password)
    assert principal.role is Role.ADMIN
    assert ensure_first_admin(session) is None
    assert len(accounts.list_users(session)) == 1


def test_no_first_admin_once_any_user_exists(session: Session) -> None:
    accounts.create_user(session, UserIn(email="v@example.com", role=Role.VIEWER), PASSWORD)
    assert ensure_first_admin(session) is None
    assert [u.email for u in accounts.list_users(session)] == ["v@example.com"]
