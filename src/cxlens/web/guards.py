"""Checks every request passes before a route runs (an app-wide dependency).

:func:`reject_nul_bytes`: a NUL character (U+0000) in a path segment, a query parameter, a
form field or a JSON string is refused with 422 ``nul_character`` naming where it was.
PostgreSQL cannot store NUL in text (SQLite can), so without this check the same request
would be stored on one backend and fail with a server error on the other. Binary bodies (a
returned email, ``message/rfc822``) are not checked: their parsers read bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request

from cxlens.core.errors import InputError, Location

NUL = "\x00"
#: Content types whose bodies are text fields (checked); others are bytes (not checked).
_JSON_TYPES = ("application/json", "text/plain", "+json")
_FORM_TYPE = "application/x-www-form-urlencoded"


def nul_error(where: str) -> InputError:
    """The error for a NUL character found at ``where`` (``query.q``, ``body.answer`` …)."""
    return InputError(
        "contains a NUL character (U+0000)",
        Location(field=where),
        expected="text without NUL characters",
        error_code="nul_character",
    )


def check_form_fields(fields: dict[str, list[str]]) -> None:
    """Raise :func:`nul_error` for the first form field whose name or value holds a NUL."""
    for name, values in fields.items():
        if NUL in name or any(NUL in v for v in values):
            raise nul_error(f"body.{name.replace(NUL, '')}")


async def reject_nul_bytes(request: Request) -> None:
    """Refuse a request with a NUL character in its path, query or text body (422)."""
    for name, value in request.path_params.items():
        if NUL in str(value):
            raise nul_error(f"path.{name}")
    for name, value in request.query_params.multi_items():
        if NUL in name or NUL in value:
            raise nul_error(f"query.{name.replace(NUL, '')}")
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    is_form = content_type == _FORM_TYPE
    is_json = not is_form and (not content_type or content_type.endswith(_JSON_TYPES))
    if not (is_form or is_json):
        return
    try:
        body = await request.body()
    except RuntimeError:  # the stream was read as a form already: FastAPI validated it
        return
    if is_form:
        if b"%00" in body.lower() or b"\x00" in body:
            text = body.decode("utf-8", "replace")
            pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=1000)
            for name, value in pairs:
                if NUL in name or NUL in value:
                    raise nul_error(f"body.{name.replace(NUL, '')}")
        return
    if b"\x00" in body:
        raise nul_error("body")
    if b"\\u0000" not in body.lower():
        return
    try:
        data = json.loads(body)
    except ValueError:
        return  # not JSON: the route's own parsing answers
    for where in _nul_paths(data, "body"):
        raise nul_error(where)


def _nul_paths(value: Any, where: str) -> Iterator[str]:
    """Where in a parsed JSON value a string (a key or a value) holds a NUL."""
    if isinstance(value, str):
        if NUL in value:
            yield where
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{where}.{str(key).replace(NUL, '')}"
            if NUL in str(key):
                yield name
            yield from _nul_paths(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, f"{where}.{index}")


__all__ = ["check_form_fields", "nul_error", "reject_nul_bytes"]
