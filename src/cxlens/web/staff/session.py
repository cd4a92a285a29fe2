"""The staff pages' side of sign-in: the cookies, the request's session, CSRF, ``next``.

The session cookie is ``cxlens_session`` — ``__Host-cxlens_session`` when it is ``Secure``
(an ``https`` public base URL, or ``secure_cookies``) — HttpOnly, SameSite=Lax, Path=/,
without an expiry (the server ends the session). The sign-in form has its own CSRF cookie
(``cxlens_login_csrf``, double submit: the form's hidden field is an HMAC of the cookie's
value under the signing key), so a login form posted from another site is refused too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from cxlens.core.clock import Clock
from cxlens.core.errors import TooLargeError
from cxlens.core.settings import Settings
from cxlens.db import read_only, writer_for
from cxlens.features.accounts.sessions import ActiveSession, resolve_session, touch_session
from cxlens.web.deps import get_clock
from cxlens.web.guards import check_form_fields

SESSION_COOKIE = "cxlens_session"
LOGIN_CSRF_COOKIE = "cxlens_login_csrf"
#: The name of every staff form's CSRF field.
CSRF_FIELD = "csrf_token"
#: The largest staff form body read (a sign-in form is well under 1 KiB).
FORM_LIMIT = 16 * 1024
_FORM_TYPE = "application/x-www-form-urlencoded"


def settings_of(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def clock_of(request: Request) -> Clock:
    """The app's clock (tests move it)."""
    return get_clock(request)


def secure(settings: Settings) -> bool:
    """Whether the cookies are ``Secure`` (and carry the ``__Host-`` prefix)."""
    return settings.secure_cookies_for(settings.public_base_url)


def cookie_name(settings: Settings, base: str) -> str:
    """``base``, prefixed ``__Host-`` when the cookies are ``Secure``."""
    return f"__Host-{base}" if secure(settings) else base


def set_cookie(response: Response, settings: Settings, base: str, value: str) -> None:
    """Set one of the staff cookies (HttpOnly, SameSite=Lax, Path=/, Secure as configured)."""
    response.set_cookie(
        cookie_name(settings, base),
        value,
        path="/",
        secure=secure(settings),
        httponly=True,
        samesite="lax",
    )


def clear_cookie(response: Response, settings: Settings, base: str) -> None:
    """Remove one of the staff cookies."""
    response.delete_cookie(
        cookie_name(settings, base),
        path="/",
        secure=secure(settings),
        httponly=True,
        samesite="lax",
    )


def session_secret(request: Request) -> str | None:
    """The session cookie's secret, if the request has one."""
    return request.cookies.get(cookie_name(settings_of(request), SESSION_COOKIE))


def current_session(request: Request) -> ActiveSession | None:
    """The request's valid session, or ``None`` (not signed in).

    It is resolved in a short read-only session of its own, closed before ``last_seen_at``
    is refreshed through the writer (at most once a minute per session).
    """
    secret = session_secret(request)
    if not secret:
        return None
    settings = settings_of(request)
    clock = clock_of(request)
    engine = request.app.state.engine
    with read_only(engine) as session:
        active = resolve_session(session, secret, settings=settings, clock=clock)
    if active is not None and active.needs_touch:
        session_id = active.id
        writer_for(engine).write(lambda s: touch_session(s, session_id, clock=clock))
    return active


def safe_next(value: str | None) -> str:
    """``value`` when it is a path on this site (``/…``, not ``//…``), else ``/``."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    if any(ch in value for ch in "\\\r\n\t\x00") or len(value) > 2000:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value


def to_login(request: Request) -> RedirectResponse:
    """303 to the sign-in page, coming back to this page afterwards."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    target = "/login" if here == "/" else "/login?" + urlencode({"next": here})
    return RedirectResponse(target, status_code=303)


def _login_key(settings: Settings) -> bytes:
    return settings.resolved_signing_keys()[0].encode("utf-8")


def _login_token(key: bytes, nonce: str) -> str:
    return hmac.new(key, f"cxlens-login:{nonce}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class LoginCsrf:
    """The sign-in form's CSRF pair: the cookie's nonce (new or kept) and the field's token."""

    nonce: str
    token: str
    is_new: bool


def login_csrf(request: Request) -> LoginCsrf:
    """The sign-in form's CSRF pair for this browser (a new nonce when it has none)."""
    settings = settings_of(request)
    nonce = request.cookies.get(cookie_name(settings, LOGIN_CSRF_COOKIE))
    is_new = not nonce or len(nonce) > 100
    if is_new:
        nonce = secrets.token_urlsafe(24)
    assert nonce is not None
    return LoginCsrf(nonce, _login_token(_login_key(settings), nonce), is_new)


def login_csrf_valid(request: Request, token: str | None) -> bool:
    """Whether the sign-in form's ``token`` matches this browser's CSRF cookie."""
    settings = settings_of(request)
    nonce = request.cookies.get(cookie_name(settings, LOGIN_CSRF_COOKIE))
    if not nonce or not token or len(nonce) > 100:
        return False
    return any(
        hmac.compare_digest(_login_token(key.encode("utf-8"), nonce), token)
        for key in settings.resolved_signing_keys()
    )


async def form_fields(request: Request) -> dict[str, str]:
    """The request's URL-encoded form (first value of each field; at most :data:`FORM_LIMIT`)."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != _FORM_TYPE:
        return {}
    body = await request.body()
    if len(body) > FORM_LIMIT:
        raise TooLargeError("the form is too large", limit=FORM_LIMIT)
    pairs = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    check_form_fields(fields)
    return {name: values[0] for name, values in fields.items()}
