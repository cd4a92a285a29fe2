"""The staff pages: sign-in, sign-out, the signed-in home page, the audit log (admins).

Every page that needs a signed-in user answers 303 to ``/login?next=…`` without one, and a
403 page when the user's role lacks the permission the page needs (asked of
:func:`~cxlens.features.accounts.permissions.allows`, never by role name). Every POST
checks its CSRF token first (403 ``csrf_failed``). Reads run in read-only sessions, writes
in the writer; the argon2 check of a sign-in runs in a read-only session, outside the writer.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cxlens.core.errors import CxlensError, ForbiddenError
from cxlens.db import read_only, writer_for
from cxlens.features.accounts.errors import (
    CsrfError,
    InvalidCredentialsError,
    SignInThrottledError,
)
from cxlens.features.accounts.permissions import ROLE_PERMISSIONS, Permission, allows
from cxlens.features.accounts.service import audit_page
from cxlens.features.accounts.sessions import (
    ActiveSession,
    check_sign_in,
    complete_sign_in,
    end_session,
    record_failed_sign_in,
)
from cxlens.web.edge.client import client_address
from cxlens.web.staff.render import css, render
from cxlens.web.staff.session import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    clear_cookie,
    clock_of,
    current_session,
    form_fields,
    login_csrf,
    login_csrf_valid,
    safe_next,
    session_secret,
    set_cookie,
    settings_of,
    to_login,
)

router = APIRouter(include_in_schema=False)

Form = Annotated[dict[str, str], Depends(form_fields)]
#: Audit entries per page.
AUDIT_PER_PAGE = 50

#: What each permission lets a user do, in the words of the home page.
PERMISSION_WORDS: dict[Permission, str] = {
    Permission.READ: "Read metrics, funnels, themes, comments and reports",
    Permission.EDIT_INSIGHTS: "Edit themes and correct a comment's labels",
    Permission.MANAGE_SURVEYS: "Create and edit surveys, campaigns and triggers",
    Permission.SEND: "Record events and send invitations to customers",
    Permission.WORK_CASES: "Work the closed-loop inbox",
    Permission.EXPORT: "Export responses and customers",
    Permission.ADMINISTER: "Manage users, roles and tokens; read the audit log",
}


def _nav(active: ActiveSession, current: str) -> list[dict[str, Any]]:
    links = [{"href": "/", "label": "Home", "current": current == "home"}]
    if allows(active.principal.role, Permission.ADMINISTER):
        links.append({"href": "/admin/audit", "label": "Audit log", "current": current == "audit"})
    links.append({"href": "/docs", "label": "API reference", "current": False})
    return links


def _page(active: ActiveSession, template: str, current: str, **context: Any) -> HTMLResponse:
    return render(
        template,
        me=active,
        nav=_nav(active, current),
        csrf_field=CSRF_FIELD,
        csrf_token=active.csrf_token,
        **context,
    )


def _error_page(
    error: CxlensError, active: ActiveSession | None, heading: str, line: str
) -> HTMLResponse:
    context: dict[str, Any] = {"title": heading, "heading": heading, "line": line}
    if active is not None:
        context |= {
            "me": active,
            "nav": _nav(active, ""),
            "csrf_field": CSRF_FIELD,
            "csrf_token": active.csrf_token,
        }
    page = render("message.html", error.http_status, **context)
    page.headers["X-Cxlens-Error"] = error.error_code
    return page


def _forbidden(active: ActiveSession, permission: Permission) -> HTMLResponse:
    error = ForbiddenError(f"needs {permission.value}", error_code="not_permitted")
    return _error_page(
        error,
        active,
        "You do not have access to this page",
        f"Your role ({active.principal.role.value}) does not include this. "
        "Ask an administrator if you need it.",
    )


def _csrf_refused(active: ActiveSession | None) -> HTMLResponse:
    return _error_page(
        CsrfError(),
        active,
        "This form has expired",
        "The page was open too long or came from another site. Go back, reload it and try again.",
    )


def _login_form(
    request: Request,
    *,
    next_path: str,
    email: str = "",
    error: str | None = None,
    status: int = 200,
    code: str | None = None,
) -> HTMLResponse:
    pair = login_csrf(request)
    page = render(
        "login.html",
        status,
        title="Sign in",
        next_path=next_path,
        email=email,
        error=error,
        csrf_field=CSRF_FIELD,
        csrf_token=pair.token,
    )
    if pair.is_new:
        set_cookie(page, settings_of(request), LOGIN_CSRF_COOKIE, pair.nonce)
    if code is not None:
        page.headers["X-Cxlens-Error"] = code
    return page


@router.get("/staff/staff.css")
def staff_css() -> Response:
    """The staff pages' stylesheet (cached for a year: its URL carries its hash)."""
    return Response(
        css(),
        media_type="text/css",
        headers={
            "Cache-Control": "public, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    """The sign-in form (already signed in: straight on to ``next``)."""
    target = safe_next(next)
    if current_session(request) is not None:
        return RedirectResponse(target, status_code=303)
    return _login_form(request, next_path=target)


@router.post("/login")
def login_submit(request: Request, form: Form) -> Response:
    """Sign in: CSRF, the throttle, the password; then a new session and on to ``next``."""
    settings = settings_of(request)
    clock = clock_of(request)
    target = safe_next(form.get("next"))
    email = form.get("email", "").strip()[:320]
    password = form.get("password", "")
    if not login_csrf_valid(request, form.get(CSRF_FIELD)):
        return _csrf_refused(None)
    client = client_address(request)
    engine = request.app.state.engine
    try:
        with read_only(engine) as session:
            verified = check_sign_in(
                session, email, password, client, settings=settings, clock=clock
            )
    except SignInThrottledError as error:
        page = _login_form(
            request,
            next_path=target,
            email=email,
            error="Too many failed sign-ins. Wait a few minutes, then try again.",
            status=429,
            code=error.error_code,
        )
        page.headers["Retry-After"] = str(error.retry_after)
        return page
    except InvalidCredentialsError as error:
        writer_for(engine).write(
            lambda s: record_failed_sign_in(s, email, client, settings=settings, clock=clock)
        )
        return _login_form(
            request,
            next_path=target,
            email=email,
            error="The email or the password is not right.",
            status=401,
            code=error.error_code,
        )
    previous = session_secret(request)
    try:
        started = writer_for(engine).write(
            lambda s: complete_sign_in(
                s, verified, settings=settings, clock=clock, replacing=previous
            )
        )
    except InvalidCredentialsError as error:  # deactivated or reset in between
        return _login_form(
            request,
            next_path=target,
            email=email,
            error="The email or the password is not right.",
            status=401,
            code=error.error_code,
        )
    response = RedirectResponse(target, status_code=303)
    set_cookie(response, settings, SESSION_COOKIE, started.secret)
    clear_cookie(response, settings, LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, form: Form) -> Response:
    """Sign out (CSRF-checked): the session's row is deleted and its cookie cleared."""
    active = current_session(request)
    if active is None:
        return RedirectResponse("/login", status_code=303)
    if not active.csrf_matches(form.get(CSRF_FIELD)):
        return _csrf_refused(active)
    settings = settings_of(request)
    clock = clock_of(request)
    secret = session_secret(request)
    principal = active.principal
    writer_for(request.app.state.engine).write(
        lambda s: end_session(s, secret, actor=principal, clock=clock)
    )
    response = RedirectResponse("/login", status_code=303)
    clear_cookie(response, settings, SESSION_COOKIE)
    return response


@router.get("/")
def home(request: Request) -> Response:
    """The signed-in staff home page: who is signed in, what their role allows, where to go."""
    active = current_session(request)
    if active is None:
        return to_login(request)
    settings = settings_of(request)
    granted = ROLE_PERMISSIONS[active.principal.role]
    abilities = [words for permission, words in PERMISSION_WORDS.items() if permission in granted]
    return _page(
        active,
        "home.html",
        "home",
        title="Home",
        abilities=abilities,
        idle_minutes=settings.session_idle_minutes,
        is_admin=allows(active.principal.role, Permission.ADMINISTER),
    )


@router.get("/admin/audit")
def audit_log(request: Request, page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> Response:
    """The audit log, newest first, :data:`AUDIT_PER_PAGE` entries a page (admins only)."""
    active = current_session(request)
    if active is None:
        return to_login(request)
    if not allows(active.principal.role, Permission.ADMINISTER):
        return _forbidden(active, Permission.ADMINISTER)
    with read_only(request.app.state.engine) as session:
        entries, total = audit_page(session, page, AUDIT_PER_PAGE)
    pages = max(1, math.ceil(total / AUDIT_PER_PAGE))
    return _page(
        active,
        "audit.html",
        "audit",
        title="Audit log",
        entries=entries,
        total=total,
        page=page,
        pages=pages,
        first=(page - 1) * AUDIT_PER_PAGE + 1,
    )


__all__ = ["router"]
