"""API tokens for web tests: a real user and token in the app's database, sent as Bearer."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from cxlens.core.settings import Settings
from cxlens.core.vocabulary import Role
from cxlens.db import unit_of_work
from cxlens.features.accounts import Principal, TokenIn, UserIn, create_token, create_user
from cxlens.features.accounts.sessions import start_session


def issue_token(
    engine: Engine, role: Role = Role.ADMIN, scope: dict[str, list[str]] | None = None
) -> str:
    """The secret of a new token with ``role``, owned by a new user with that role (and
    the data ``scope`` given)."""
    email = f"{role.value}-{uuid.uuid4().hex[:8]}@example.com"
    with unit_of_work(engine) as session:
        create_user(session, UserIn(email=email, role=role, data_scope=scope), None)
        created = create_token(session, TokenIn(user_email=email, role=role, name="tests"))
    return created.secret


def bearer(secret: str) -> dict[str, str]:
    """The ``Authorization`` header of a token."""
    return {"Authorization": f"Bearer {secret}"}


def authorise(client: TestClient, role: Role = Role.ADMIN) -> TestClient:
    """``client`` with a token of ``role`` on every request (the app's own database)."""
    app: FastAPI = client.app  # type: ignore[assignment]
    client.headers.update(bearer(issue_token(app.state.engine, role)))
    return client


def session_cookie(engine: Engine, settings: Settings, role: Role) -> dict[str, str]:
    """The staff-page session cookie of a new user with ``role``, signed in (plain HTTP)."""
    email = f"page-{role.value}-{uuid.uuid4().hex[:8]}@example.com"
    with unit_of_work(engine) as session:
        user = create_user(session, UserIn(email=email, role=role), None)
        principal = Principal(user_id=user.id, email=user.email, role=role)
        started = start_session(session, principal, settings=settings)
    return {"cxlens_session": started.secret}
