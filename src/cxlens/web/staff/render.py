"""Jinja2 rendering of the staff pages, with their security headers and their stylesheet.

The stylesheet is a file of this package served by cxlens itself (``/staff/staff.css``), so
the pages' Content-Security-Policy allows styles from ``'self'`` only: no inline style, no
script, nothing from another origin.
"""

from __future__ import annotations

from functools import cache
from hashlib import sha256
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

HERE = Path(__file__).resolve().parent
CSS_PATH = "/staff/staff.css"

#: Headers of every staff page: nothing external or inline, never framed, not cached.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@cache
def environment() -> Environment:
    """The staff template environment (autoescaping on)."""
    return Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def css() -> bytes:
    """The staff stylesheet."""
    return (HERE / "staff.css").read_bytes()


@cache
def css_version() -> str:
    """A short hash of the stylesheet, appended to its URL so a new one is fetched."""
    return sha256(css()).hexdigest()[:12]


def render(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with ``context`` (and the stylesheet's URL)."""
    page = (
        environment()
        .get_template(template)
        .render(css_url=f"{CSS_PATH}?v={css_version()}", **context)
    )
    return HTMLResponse(page, status_code=status_code, headers=SECURITY_HEADERS)
