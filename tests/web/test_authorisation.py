"""The authorisation matrix: every route × every role (and anonymous) → the expected answer.

:data:`MATRIX` names every route of the app with the permission it needs, :data:`PUBLIC`
for what respondents and providers reach (they check their own signatures), or a
:class:`Page` for a staff page (a signed-in session, not a token). A route added
without an entry, or an entry whose route is gone, fails
:func:`test_every_route_has_an_entry`; :func:`test_every_route_answers_each_role_as_listed`
calls each route with no token and with a token of each role and checks the answer:
anonymous → 401 ``unauthenticated``; a role without the permission → 403 ``not_permitted``;
a role with it → anything but those (the route's own 404 or 422 means it was let in). A
staff page: no session → 303 to ``/login``; a session whose role lacks the permission → 403;
one with it → 200.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Mount

from cxlens.core.settings import Settings
from cxlens.core.vocabulary import Role
from cxlens.db import read_only, unit_of_work
from cxlens.features.accounts import recent_audit, revoke_token
from cxlens.features.accounts.permissions import Permission, allows
from cxlens.models import ApiToken
from cxlens.web.app import create_app
from web.tokens import bearer, issue_token, session_cookie

PUBLIC = "public"


@dataclass(frozen=True)
class Page:
    """A staff page: a signed-in session with ``permission`` (none: any signed-in user)."""

    permission: Permission | None = None

    def lets_in(self, role: Role) -> bool:
        return self.permission is None or allows(role, self.permission)


#: Every route: (method, path template) → the permission it needs, or PUBLIC. HEAD answers
#: as GET does and is not listed; a mounted folder is listed with the method ``MOUNT``.
MATRIX: dict[tuple[str, str], Permission | Page | str] = {
    # operations and the offline API documentation
    ("GET", "/health"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("MOUNT", "/static-offline-docs"): PUBLIC,
    # staff pages: signing in and out (CSRF-checked forms), their stylesheet, then pages
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC,
    ("GET", "/staff/staff.css"): PUBLIC,
    ("GET", "/"): Page(),
    ("GET", "/admin/audit"): Page(Permission.ADMINISTER),
    # respondents: signed survey, vote, opt-out and unsubscribe links; anonymous links
    ("GET", "/s/{token}"): PUBLIC,
    ("POST", "/s/{token}"): PUBLIC,
    ("GET", "/v/{token}"): PUBLIC,
    ("POST", "/v/{token}"): PUBLIC,
    ("GET", "/o/{token}"): PUBLIC,
    ("GET", "/u/{token}"): PUBLIC,
    ("POST", "/u/{token}"): PUBLIC,
    ("GET", "/a/{survey_key}"): PUBLIC,
    ("POST", "/a/{survey_key}"): PUBLIC,
    # the on-site widget (its script and its two calls, with their CORS pre-flight)
    ("GET", "/widget/cxlens-widget.js"): PUBLIC,
    ("POST", "/api/v1/widget/decide"): PUBLIC,
    ("POST", "/api/v1/widget/answer"): PUBLIC,
    ("OPTIONS", "/api/v1/widget/{name}"): PUBLIC,
    # providers: signed callbacks, and returned e-mails carrying a signed reference
    ("POST", "/webhooks/twilio/status"): PUBLIC,
    ("POST", "/webhooks/sms-gateway/status"): PUBLIC,
    ("POST", "/api/v1/inbound/bounces"): PUBLIC,
    # staff and programs, with an API token
    ("GET", "/api/v1/metrics"): Permission.READ,
    ("GET", "/api/v1/funnel"): Permission.READ,
    ("GET", "/api/v1/comments"): Permission.READ,
    ("GET", "/api/v1/themes"): Permission.READ,
    ("POST", "/api/v1/events"): Permission.SEND,
    ("POST", "/api/v1/themes"): Permission.EDIT_INSIGHTS,
    ("PATCH", "/api/v1/themes/{key}"): Permission.EDIT_INSIGHTS,
    ("DELETE", "/api/v1/themes/{key}"): Permission.EDIT_INSIGHTS,
    ("POST", "/api/v1/themes/merge"): Permission.EDIT_INSIGHTS,
    ("POST", "/api/v1/themes/discover"): Permission.EDIT_INSIGHTS,
    ("POST", "/api/v1/comments/{comment_id}/labels"): Permission.EDIT_INSIGHTS,
}

#: A value for each path parameter (it need not name anything: 404 is an answer too).
PATH_VALUES = {"token": "x", "survey_key": "x", "key": "x", "comment_id": "1", "name": "decide"}

AUTH_CODES = {"unauthenticated", "invalid_api_token", "api_token_expired", "not_permitted"}


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path template) the app serves, included routers walked."""
    found: set[tuple[str, str]] = set()

    def walk(routes: list[Any]) -> None:
        for route in routes:
            if hasattr(route, "original_router"):
                walk(route.original_router.routes)
            elif isinstance(route, Mount):
                found.add(("MOUNT", route.path))
            else:
                for method in getattr(route, "methods", None) or ():
                    if method != "HEAD":
                        found.add((method, route.path))

    walk(list(app.routes))
    return found


@pytest.fixture
def app(migrated_database_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    built = create_app(Settings(database_url=migrated_database_url, data_dir=tmp_path))
    yield built
    built.state.engine.dispose()


def test_every_route_has_an_entry(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'c.db'}", data_dir=tmp_path))
    routes = app_routes(app)
    missing = sorted(routes - set(MATRIX))
    stale = sorted(set(MATRIX) - routes)
    assert not missing, f"routes without an entry in MATRIX (add one): {missing}"
    assert not stale, f"MATRIX entries for routes that no longer exist: {stale}"


def _call(client: TestClient, method: str, path: str, headers: dict[str, str]) -> Any:
    url = path.format(**{k: v for k, v in PATH_VALUES.items() if "{" + k + "}" in path})
    if method == "MOUNT":
        return client.get(url + "/swagger-ui.css", headers=headers)
    kwargs: dict[str, Any] = {"headers": headers}
    if method in ("POST", "PATCH", "PUT"):
        kwargs["json"] = {}
    return client.request(method, url, **kwargs)


def _code(response: Any) -> str | None:
    if response.headers.get("content-type", "").endswith("json"):
        body = response.json()
        return body.get("code") if isinstance(body, dict) else None
    return response.headers.get("x-cxlens-error")


def test_every_route_answers_each_role_as_listed(app: FastAPI) -> None:
    failures: list[str] = []
    with TestClient(app) as client:
        tokens = {role: bearer(issue_token(app.state.engine, role)) for role in Role}
        for (method, path), needs in sorted(MATRIX.items(), key=str):
            if isinstance(needs, Page):
                continue  # test_every_staff_page_answers_each_role_as_listed
            callers: list[tuple[str, dict[str, str], bool]] = [("anonymous", {}, False)]
            callers += [
                (role.value, tokens[role], needs == PUBLIC or allows(role, Permission(needs)))
                for role in Role
            ]
            for who, headers, let_in in callers:
                response = _call(client, method, path, headers)
                code = _code(response)
                where = f"{method} {path} as {who}: {response.status_code} {code}"
                if needs == PUBLIC or let_in:
                    if code in AUTH_CODES or response.status_code == 401:
                        failures.append(f"{where} (expected to be let in)")
                elif who == "anonymous":
                    if (response.status_code, code) != (401, "unauthenticated"):
                        failures.append(f"{where} (expected 401 unauthenticated)")
                    elif not response.headers.get("www-authenticate", "").startswith("Bearer"):
                        failures.append(f"{where} (no WWW-Authenticate: Bearer)")
                elif (response.status_code, code) != (403, "not_permitted"):
                    failures.append(f"{where} (expected 403 not_permitted)")
    assert not failures, "\n".join(failures)


def test_every_staff_page_answers_each_role_as_listed(app: FastAPI) -> None:
    failures: list[str] = []
    engine, settings = app.state.engine, app.state.settings
    pages = {key: needs for key, needs in MATRIX.items() if isinstance(needs, Page)}
    with TestClient(app) as client:
        cookies = {role: session_cookie(engine, settings, role) for role in Role}
        token = bearer(issue_token(engine, Role.ADMIN))
        for (method, path), page in sorted(pages.items(), key=str):
            for who, cookie, headers in [
                ("anonymous", {}, {}),
                ("an admin's API token", {}, token),
                *((role.value, cookies[role], {}) for role in Role),
            ]:
                client.cookies.clear()
                client.cookies.update(cookie)
                response = client.request(method, path, headers=headers, follow_redirects=False)
                where = f"{method} {path} as {who}: {response.status_code}"
                role = Role(who) if who in set(Role) else None
                if role is None:
                    location = response.headers.get("location", "")
                    if response.status_code != 303 or not location.startswith("/login"):
                        failures.append(f"{where} (expected 303 to /login)")
                elif page.lets_in(role):
                    if response.status_code != 200:
                        failures.append(f"{where} (expected 200)")
                elif response.status_code != 403:
                    failures.append(f"{where} (expected 403)")
        client.cookies.clear()
    assert not failures, "\n".join(failures)


def test_openapi_declares_the_token_scheme_on_every_protected_operation(app: FastAPI) -> None:
    schema = app.openapi()
    scheme = schema["components"]["securitySchemes"]["apiToken"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            needs = MATRIX[(method.upper(), path)]
            assert not isinstance(needs, Page), f"a staff page in the OpenAPI: {path}"
            declared = operation.get("security") == [{"apiToken": []}]
            assert declared == (needs != PUBLIC), f"{method.upper()} {path}"
            if needs != PUBLIC:
                assert {"401", "403"} <= set(operation["responses"]), f"{method} {path}"


def test_bad_expired_and_revoked_tokens_are_refused(app: FastAPI) -> None:
    engine = app.state.engine
    secret = issue_token(engine, Role.VIEWER)
    with TestClient(app) as client:
        assert client.get("/api/v1/themes", headers=bearer(secret)).status_code == 200
        wrong = client.get("/api/v1/themes", headers=bearer(secret[:-2] + "zz"))
        assert (wrong.status_code, wrong.json()["code"]) == (401, "invalid_api_token")
        basic = client.get("/api/v1/themes", headers={"Authorization": "Basic YTpi"})
        assert (basic.status_code, basic.json()["code"]) == (401, "unauthenticated")
        with unit_of_work(engine) as session:
            token = session.query(ApiToken).filter_by(prefix=secret[:12]).one()
            token.expires_at = token.created_at - timedelta(seconds=1)
        expired = client.get("/api/v1/themes", headers=bearer(secret))
        assert (expired.status_code, expired.json()["code"]) == (401, "api_token_expired")
        with unit_of_work(engine) as session:
            session.query(ApiToken).filter_by(prefix=secret[:12]).one().expires_at = None
            revoke_token(session, secret[:12])
        revoked = client.get("/api/v1/themes", headers=bearer(secret))
        assert (revoked.status_code, revoked.json()["code"]) == (401, "invalid_api_token")


def test_a_tokens_use_is_recorded_once_per_interval(app: FastAPI) -> None:
    engine = app.state.engine
    secret = issue_token(engine, Role.ANALYST)
    with TestClient(app) as client:
        for _ in range(3):
            assert client.get("/api/v1/themes", headers=bearer(secret)).status_code == 200
    with read_only(engine) as session:
        token = session.query(ApiToken).filter_by(prefix=secret[:12]).one()
        assert token.last_used_at is not None
        uses = [e for e in recent_audit(session) if e.action == "token.used"]
    assert len(uses) == 1
    assert uses[0].target == secret[:12]
    assert uses[0].details == {"route": "GET /api/v1/themes", "role": "analyst"}


def test_theme_edits_are_audited_with_the_caller(app: FastAPI) -> None:
    engine = app.state.engine
    secret = issue_token(engine, Role.ANALYST)
    with TestClient(app) as client:
        made = client.post("/api/v1/themes", json={"name": "Parking"}, headers=bearer(secret))
        assert made.status_code == 201, made.text
        key = made.json()["key"]
        assert client.delete(f"/api/v1/themes/{key}", headers=bearer(secret)).status_code == 204
    with read_only(engine) as session:
        entries = [e for e in recent_audit(session) if e.action.startswith("theme.")]
    assert [(e.action, e.target, e.source) for e in entries] == [
        ("theme.deleted", key, "api"),
        ("theme.added", key, "api"),
    ]
    assert all(e.actor_email and e.actor_email.startswith("analyst-") for e in entries)
