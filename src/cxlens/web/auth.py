"""Who is calling ``/api/v1``: the Bearer-token check and the permission each route needs.

A route that staff or programs call declares what it needs with :func:`requires`::

    @router.get("/funnel", dependencies=[requires(Permission.READ)])

or takes the caller as a parameter (``caller: Annotated[Principal, requires(...)]``) when it
records who acted. The dependency reads ``Authorization: Bearer cxl_…``, checks the token
(:func:`~cxlens.features.accounts.verify_token`, in a read-only session) and the caller's
role against :mod:`cxlens.features.accounts.permissions`: no token → 401 ``unauthenticated``,
a bad one → 401 ``invalid_api_token`` / ``api_token_expired``, a role without the permission
→ 403 ``not_permitted``. Routes that respondents and providers reach (survey pages, vote
links, the widget, provider callbacks) check their own signatures instead and declare
:data:`PUBLIC` in ``tests/web/test_authorisation.py``'s matrix.

A token's use is recorded (``last_used_at`` and a ``token.used`` audit entry) through the
writer at most once per :data:`TOKEN_USE_INTERVAL_S` per token and process, so reads stay
reads.
"""

from __future__ import annotations

import threading
import time
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cxlens.db import read_only, writer_for
from cxlens.features.accounts import Principal, record_token_use, verify_token
from cxlens.features.accounts.errors import AuthenticationError
from cxlens.features.accounts.permissions import Permission, check

#: The OpenAPI security scheme of ``/api/v1`` (``components.securitySchemes.apiToken``).
bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="apiToken",
    bearerFormat="cxl_…",
    description="An API token (`cxlens tokens create`), sent as `Authorization: Bearer cxl_…`. "
    "Its role decides what it may call (docs/accounts.md).",
)

#: Seconds between two recordings of one token's use (per process).
TOKEN_USE_INTERVAL_S = 300.0

#: Where the caller of a request is kept once checked.
PRINCIPAL_STATE = "cxlens_principal"


class MissingCredentialsError(AuthenticationError):
    """A protected route called without an API token."""

    error_code = "unauthenticated"

    def __init__(self) -> None:
        super().__init__("this route needs an API token: Authorization: Bearer cxl_…")


class _TokenUses:
    """When this process last recorded each token's use (monotonic seconds)."""

    def __init__(self) -> None:
        self._last: dict[int, float] = {}
        self._lock = threading.Lock()

    def due(self, token_id: int) -> bool:
        now = time.monotonic()
        with self._lock:
            last = self._last.get(token_id)
            if last is not None and now - last < TOKEN_USE_INTERVAL_S:
                return False
            self._last[token_id] = now
            return True


_USES_STATE = "cxlens_token_uses"


def _token_uses(request: Request) -> _TokenUses:
    found = getattr(request.app.state, _USES_STATE, None)
    if not isinstance(found, _TokenUses):
        found = _TokenUses()
        setattr(request.app.state, _USES_STATE, found)
    return found


def api_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    """The principal of the request's API token (401 without a valid one)."""
    if credentials is None:
        raise MissingCredentialsError()
    engine: Engine = request.app.state.engine
    with read_only(engine) as session:
        principal = verify_token(session, credentials.credentials, touch=False)
    if principal.token_id is not None and _token_uses(request).due(principal.token_id):
        route = f"{request.method} {_route_path(request)}"

        def touch(session: Session) -> None:
            record_token_use(session, principal, route=route)

        writer_for(engine).write(touch)
    setattr(request.state, PRINCIPAL_STATE, principal)
    return principal


def _route_path(request: Request) -> str:
    """The route's template (``/api/v1/themes/{key}``), not the path with its values."""
    route: Any = request.scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(path or request.url.path)


@cache
def requires(permission: Permission) -> DependsParam:
    """The dependency of a route that needs ``permission``: it yields the caller."""

    def permitted(caller: Annotated[Principal, Depends(api_caller)]) -> Principal:
        check(caller.role, permission)
        return caller

    permitted.__name__ = f"requires_{permission.value}"
    dependency: DependsParam = Depends(permitted)
    return dependency


#: The caller of a route that reads analytics (its ``data_scope`` limits what it is shown).
Reader = Annotated[Principal, requires(Permission.READ)]


__all__ = [
    "PRINCIPAL_STATE",
    "TOKEN_USE_INTERVAL_S",
    "MissingCredentialsError",
    "Reader",
    "api_caller",
    "bearer_scheme",
    "requires",
]
