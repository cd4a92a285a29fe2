"""One error map for the web app: problem details (RFC 9457) for the API, a page for people.

Every error that leaves a route goes through the handlers installed by
:func:`install_error_handlers`:

* a :class:`~cxlens.core.errors.CxlensError` answers with its ``http_status`` and its stable
  ``error_code``, plus the field, row, column, file, expectation and limit where the error
  knows them;
* FastAPI's request validation (a query or body that does not fit the schema) answers 422
  with one entry per invalid field in ``errors``;
* Starlette's HTTP errors (no such path, method not allowed, a body that cannot be parsed)
  answer with their status (405 with an ``Allow`` header listing every method of the path);
* anything else answers 500 with no detail (the traceback goes to the server log).

The API (``/api/``, ``/webhooks/``, …) gets ``application/problem+json``; the public pages
(``/s/``, ``/a/``, ``/v/``, ``/u/``, ``/o/``) and browsers asking for HTML get a short page
in the visitor's language. No code branches on an error's wording: it tests the class or
``error_code``. The codes are listed in ``docs/errors.md``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from babel.numbers import format_decimal
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from cxlens.core.errors import CxlensError, InputError

log = logging.getLogger("cxlens.web")

PROBLEM_MEDIA_TYPE = "application/problem+json"
#: Where a problem's ``type`` points: ``urn:cxlens:problem:<code>`` (see docs/errors.md).
PROBLEM_TYPE_PREFIX = "urn:cxlens:problem:"
#: Paths whose errors are always problem details, whatever the client accepts.
API_PREFIXES = ("/api/", "/webhooks/", "/health", "/openapi.json", "/docs", "/redoc")
#: Paths of the public pages: their errors are always an HTML page.
PAGE_PREFIXES = ("/s/", "/a/", "/v/", "/u/", "/o/")

#: The code of an HTTP error that is not a CxlensError, by status.
HTTP_CODES: dict[int, str] = {
    400: "malformed_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}

#: What a status means in this API (the description of each documented response).
DESCRIPTIONS: dict[int, str] = {
    400: "The body cannot be parsed (not JSON, not UTF-8)",
    401: "No valid API token: send ``Authorization: Bearer cxl_…`` (``unauthenticated``, "
    "``invalid_api_token``, ``api_token_expired``)",
    403: "Refused: the token's role lacks the permission (``not_permitted``), the signature "
    "does not match, or the feature is not configured",
    404: "No such thing (the id, key or token names nothing)",
    413: "The body is larger than the limit (``limit`` in the problem)",
    422: "The request does not fit: ``field``/``errors`` name what and where",
    429: "Too many requests from this client: wait (``Retry-After``) and try again",
    503: "A backend this request needs cannot run here",
}


class BodyTooLarge(StarletteHTTPException):
    """A request body that grew past its limit while it was read (413 ``too_large``).

    Raised by the body-limit middleware's ``receive`` (see :mod:`cxlens.web.edge.limits`);
    an ``HTTPException``, so that FastAPI's body parsing passes it on unchanged.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the limit of {limit:,} bytes")
        self.limit = limit


class FieldProblem(BaseModel):
    """One invalid part of a request."""

    field: str = Field(description="Where: ``query.min_n``, ``body.customer.email`` …")
    detail: str = Field(description="What is wrong with it")
    type: str = Field(description="The kind of error (pydantic's error type)")


class Problem(BaseModel):
    """Problem details (RFC 9457) of every error the API answers with."""

    type: str = Field(examples=["urn:cxlens:problem:invalid_input"])
    title: str = Field(description="The HTTP status's phrase", examples=["Unprocessable Content"])
    status: int = Field(examples=[422])
    detail: str = Field(description="What was wrong and where, in words")
    code: str = Field(description="Stable machine code (docs/errors.md)", examples=["not_found"])
    field: str | None = Field(default=None, description="The field at fault")
    row: int | None = Field(default=None, description="The row at fault (1-based)")
    column: str | None = Field(default=None, description="The column at fault")
    file: str | None = Field(default=None, description="The file at fault")
    expected: str | None = Field(default=None, description="What would have been right")
    limit: int | None = Field(default=None, description="The limit that was passed")
    errors: list[FieldProblem] | None = Field(
        default=None, description="Every invalid field (request validation)"
    )


def problem(
    status: int, code: str, detail: str, **extra: str | int | list[dict[str, str]] | None
) -> dict[str, Any]:
    """The problem-details body of an error (members that are ``None`` left out)."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + code,
        "title": _phrase(status),
        "status": status,
        "detail": detail,
        "code": code,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def problem_of(error: CxlensError) -> dict[str, Any]:
    """The problem-details body of a :class:`CxlensError`."""
    if isinstance(error, InputError):
        where = error.location
        return problem(
            error.http_status,
            error.error_code,
            str(error),
            field=where.field,
            row=where.row,
            column=where.column,
            file=where.file,
            expected=error.expected,
            limit=error.limit,
        )
    return problem(error.http_status, error.error_code, str(error))


def problem_response(
    body: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """``body`` (from :func:`problem`) as ``application/problem+json``."""
    return JSONResponse(
        dict(body),
        status_code=int(body["status"]),
        media_type=PROBLEM_MEDIA_TYPE,
        headers=dict(headers or {}),
    )


def wants_page(request: Request) -> bool:
    """Whether the error is shown to a person (an HTML page) rather than to a program."""
    path = request.url.path
    if path.startswith(API_PREFIXES):
        return False
    return path.startswith(PAGE_PREFIXES) or "text/html" in request.headers.get("accept", "")


def error_page(request: Request, body: Mapping[str, Any]) -> HTMLResponse:
    """A short page in the visitor's language for the problem ``body``.

    It says what the visitor can do, not the internal detail (which may name ids or tokens).
    """
    # here, not at the top: the pages package imports this module
    from cxlens.web.pages.i18n import UI_LANGUAGES, choose_language, gettext_for
    from cxlens.web.pages.render import render

    lang = choose_language(UI_LANGUAGES, accept_language=request.headers.get("accept-language"))
    _ = gettext_for(lang)
    status = int(body["status"])
    code = str(body["code"])
    if status in (404, 410):
        heading = _("This link is not valid")
        lines = [_("The link may be incomplete or no longer valid.")]
    elif status == 429:
        heading = _("Too many requests")
        lines = [_("Please wait a moment and try again.")]
    elif code in ("too_long", "too_large") and body.get("limit"):
        heading = _("Something went wrong")
        limit = format_decimal(int(body["limit"]), locale=lang)
        lines = [
            _("Your answer is too long (limit: %(limit)s characters).") % {"limit": limit},
            _("Please go back and try again."),
        ]
    elif status >= 500:
        heading = _("Something went wrong")
        lines = [_("Please wait a moment and try again.")]
    else:
        heading = _("Something went wrong")
        lines = [_("Please go back and try again.")]
    page = render("message.html", lang, status, title=heading, heading=heading, lines=lines)
    page.headers["X-Cxlens-Error"] = code
    return page


def respond(
    request: Request, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> Response:
    """The page or the problem details of ``body``, as the request wants."""
    response: Response = (
        error_page(request, body) if wants_page(request) else problem_response(body)
    )
    response.headers.update(dict(headers or {}))
    return response


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _field(loc: Sequence[int | str]) -> str:
    return ".".join(str(part) for part in loc)


async def cxlens_error_handler(request: Request, exc: Exception) -> Response:
    """A :class:`CxlensError` that reached the edge."""
    assert isinstance(exc, CxlensError)
    headers = {"WWW-Authenticate": 'Bearer realm="cxlens"'} if exc.http_status == 401 else None
    return respond(request, problem_of(exc), headers)


async def validation_error_handler(request: Request, exc: Exception) -> Response:
    """FastAPI's request validation: 422 with every invalid field (never the input)."""
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": _field(e.get("loc", ())), "detail": str(e.get("msg", "")), "type": e["type"]}
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"field": "request", "detail": "not valid", "type": ""}
    detail = f"{first['field']}: {first['detail']}"
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more)"
    body = problem(422, HTTP_CODES[422], detail, field=first["field"], errors=errors)
    return respond(request, body)


async def http_error_handler(request: Request, exc: Exception) -> Response:
    """Starlette's and FastAPI's own HTTP errors (no such path, method, unparseable body)."""
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    headers = dict(exc.headers or {})
    if status == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request, headers.get("Allow", "")))
    detail = exc.detail if isinstance(exc.detail, str) else _phrase(status)
    body = problem(status, HTTP_CODES.get(status, f"http_{status}"), detail)
    if isinstance(exc, BodyTooLarge) and not wants_page(request):
        body["limit"] = exc.limit  # in bytes: the page speaks of an answer's characters
    return respond(request, body, headers)


async def server_error_handler(request: Request, exc: Exception) -> Response:
    """Anything unexpected: 500 with no detail; the traceback goes to the server log."""
    body = problem(500, HTTP_CODES[500], "an unexpected error; it has been logged")
    return respond(request, body)


def _allowed_methods(request: Request, known: str) -> list[str]:
    """Every method some route of the app serves at this path (for ``Allow``).

    Starlette names only the first route whose path matches; routes included from routers
    sit in FastAPI's included-router wrappers, walked here by what they expose.
    """
    path = request.url.path
    methods = {m.strip() for m in known.split(",") if m.strip()}
    literal: set[str] = set()  # routes whose template is this very path win (``/themes/merge``
    # over ``/themes/{key}``), as the OpenAPI document lists them

    def walk(routes: Sequence[Any]) -> None:
        for route in routes:
            nested = getattr(route, "effective_candidates", None)
            if callable(nested):
                walk(nested())
                low = getattr(route, "effective_low_priority_routes", None)
                walk(low() if callable(low) else ())
                continue
            regex = getattr(route, "path_regex", None)
            if regex is not None and not hasattr(route, "routes") and regex.match(path):
                methods.update(getattr(route, "methods", None) or ())
                if getattr(route, "path_format", None) == path:
                    literal.update(getattr(route, "methods", None) or ())

    walk(request.app.router.routes)
    return sorted(literal or methods)


def install_error_handlers(app: FastAPI) -> None:
    """Register the one error map on ``app``, and the problem schema in its OpenAPI."""
    app.add_exception_handler(CxlensError, cxlens_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(Exception, server_error_handler)
    _document_problems(app)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a route: the problem details of each status it may answer with."""
    return {status: _problem_response_doc(status) for status in statuses}


def _problem_response_doc(status: int) -> dict[str, Any]:
    return {
        "description": DESCRIPTIONS.get(status, _phrase(status)),
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


#: JSON Schema ``pattern`` of text without NUL (every string the API takes: see web/guards.py).
NO_NUL_PATTERN = "^[^\\x00]*$"


#: Any JSON value with no NUL in a string or key: what an object's undeclared members may be.
ANY_WITHOUT_NUL = "JsonWithoutNul"
_ANY_REF = {"$ref": f"#/components/schemas/{ANY_WITHOUT_NUL}"}
_ANY_SCHEMA: dict[str, Any] = {
    "description": "Any JSON value without a NUL character in a string or a key",
    "anyOf": [
        {"type": "string", "pattern": NO_NUL_PATTERN},
        {"type": ["number", "boolean", "null"]},
        {"type": "array", "items": _ANY_REF},
        {
            "type": "object",
            "propertyNames": {"pattern": NO_NUL_PATTERN},
            "additionalProperties": _ANY_REF,
        },
    ],
}
#: Members of a schema that hold schemas by name (each value is a schema, whatever its name).
_NAMED_SCHEMAS = ("properties", "patternProperties", "$defs", "definitions", "schemas")
#: Members of a schema that hold data, not schemas.
_DATA = ("example", "examples", "default", "const", "enum")


def _forbid_nul(node: Any) -> None:
    """Say in the schemas what :func:`~cxlens.web.guards.reject_nul_bytes` enforces: no
    string (nor object key) holds a NUL. Binary strings and patterned ones are left alone;
    an object's undeclared members may be any JSON without NUL (they are ignored)."""
    if isinstance(node, list):
        for item in node:
            _forbid_nul(item)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "string" in kinds and not {"format", "pattern", "enum"} & node.keys():
        node["pattern"] = NO_NUL_PATTERN
    if "object" in kinds:
        node.setdefault("propertyNames", {"pattern": NO_NUL_PATTERN})
        if node.get("additionalProperties", True) is True:
            node["additionalProperties"] = dict(_ANY_REF)
    for key, value in node.items():
        if key in _NAMED_SCHEMAS and isinstance(value, dict):
            for schema in value.values():
                _forbid_nul(schema)
        elif key not in _DATA:
            _forbid_nul(value)


def _document_problems(app: FastAPI) -> None:
    """Wrap ``app.openapi``: the ``Problem`` schema, a problem 422 on every operation (every
    request passes the NUL check), 400 on every operation that takes a JSON body, 413 on
    every one that takes a body and 429 on every ``/api/`` one (the edge's limits)."""

    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()  # FastAPI's, cached until the routes change; the edits are idempotent
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        _, defs = models_json_schema(
            [(Problem, "serialization")], ref_template="#/components/schemas/{model}"
        )
        components.update(defs["$defs"])
        for route, path in schema.get("paths", {}).items():
            for operation in path.values():
                responses = operation.setdefault("responses", {})
                responses["422"] = _problem_response_doc(422)
                body = operation.get("requestBody", {}).get("content", {})
                if "application/json" in body:
                    responses.setdefault("400", _problem_response_doc(400))
                if "requestBody" in operation:  # the edge's body limit (web/edge/limits.py)
                    responses.setdefault("413", _problem_response_doc(413))
                if route.startswith("/api/"):  # the edge's rate limits
                    responses.setdefault("429", _problem_response_doc(429))
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        _forbid_nul(schema.get("paths", {}))
        _forbid_nul(components)
        components[ANY_WITHOUT_NUL] = _ANY_SCHEMA
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "BodyTooLarge",
    "FieldProblem",
    "Problem",
    "error_page",
    "install_error_handlers",
    "problem",
    "problem_of",
    "problem_response",
    "problem_responses",
    "respond",
]
