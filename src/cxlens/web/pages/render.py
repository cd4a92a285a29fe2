"""Jinja2 rendering of the public pages, with security headers and the inlined CSS."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from cxlens.web.pages.i18n import gettext_for

HERE = Path(__file__).resolve().parent

#: Headers of every public page: nothing external, never framed, no token in Referer.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@cache
def environment() -> Environment:
    """The template environment (autoescaping on)."""
    return Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def css() -> str:
    """The page stylesheet (``survey.css``), inlined so a page is one request."""
    return (HERE / "survey.css").read_text(encoding="utf-8")


def render(template: str, lang: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` in ``lang`` (``_`` is that language's gettext)."""
    page = (
        environment()
        .get_template(template)
        .render(lang=lang, _=gettext_for(lang), css=css(), **context)
    )
    return HTMLResponse(page, status_code=status_code, headers=SECURITY_HEADERS)
