"""Security headers on every response: API, docs, widget script, 404s and errors.

The documentation pages get a CSP that names their inline script by its hash; Chromium
renders Swagger UI and ReDoc under it, with no CSP violation but the one it is there for
(ReDoc's logo on a CDN).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from cxlens.core.settings import Settings
from cxlens.web.app import create_app
from cxlens.web.edge.headers import DEFAULT_CSP, script_hashes
from web.edge.serving import free_port, served


def _app(sqlite_url: str, public: str = "http://127.0.0.1:8000") -> FastAPI:
    app = create_app(Settings(database_url=sqlite_url, public_base_url=public))

    @app.get("/api/v1/test-boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("boom")

    return app


@pytest.fixture
def client(sqlite_url: str) -> Iterator[TestClient]:
    app = _app(sqlite_url)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
    app.state.engine.dispose()


def _common(headers: object) -> None:
    assert headers["x-content-type-options"] == "nosniff"  # type: ignore[index]
    assert headers["referrer-policy"] == "no-referrer"  # type: ignore[index]
    assert headers["x-frame-options"] == "DENY"  # type: ignore[index]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]  # type: ignore[index]
    assert "strict-transport-security" not in headers  # type: ignore[operator]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/openapi.json", 200),
        ("GET", "/api/v1/nowhere", 404),
        ("GET", "/nowhere", 404),
        ("DELETE", "/api/v1/metrics", 405),
        ("POST", "/api/v1/events", 401),  # no token
        ("GET", "/api/v1/test-boom", 500),
        ("GET", "/", 303),
    ],
)
def test_api_answers_and_errors_have_the_headers(
    client: TestClient, method: str, path: str, status: int
) -> None:
    r = client.request(method, path, follow_redirects=False)
    assert r.status_code == status
    _common(r.headers)
    assert r.headers["content-security-policy"] == DEFAULT_CSP
    assert r.headers["cross-origin-resource-policy"] == "same-origin"


def test_the_widget_script_is_readable_by_the_sites_that_embed_it(client: TestClient) -> None:
    r = client.get("/widget/cxlens-widget.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    _common(r.headers)
    assert r.headers["cross-origin-resource-policy"] == "cross-origin"
    assert r.headers["cache-control"] == "public, max-age=300"  # the route's own, kept
    preflight = client.options("/api/v1/widget/decide")
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert preflight.headers["cross-origin-resource-policy"] == "cross-origin"


def test_the_survey_pages_keep_their_own_csp(client: TestClient) -> None:
    r = client.get("/s/AAAAAAAAAAAAAAAAAAAAAAAA")
    assert r.status_code == 404
    _common(r.headers)
    assert "style-src 'unsafe-inline'" in r.headers["content-security-policy"]
    posted = client.post("/s/AAAAAAAAAAAAAAAAAAAAAAAA", data={"q": "nps"})  # the fast path
    assert posted.status_code == 404
    _common(posted.headers)


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/oauth2-redirect"])
def test_the_docs_csp_names_each_inline_script_by_its_hash(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    _common(r.headers)
    csp = r.headers["content-security-policy"]
    hashes = script_hashes(r.content)
    assert hashes or path == "/redoc"
    for source in hashes:
        assert source in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert int(r.headers["content-length"]) == len(r.content)


def test_hsts_when_the_public_address_is_https(sqlite_url: str) -> None:
    app = _app(sqlite_url, "https://cx.example.com")
    with TestClient(app, base_url="https://cx.example.com") as test_client:
        r = test_client.get("/openapi.json")
    assert r.headers["strict-transport-security"] == "max-age=31536000"
    app.state.engine.dispose()


def test_chromium_renders_the_docs_under_their_csp(sqlite_url: str, browser: Browser) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(database_url=sqlite_url, port=port, public_base_url=base)
    app = create_app(settings)
    context = browser.new_context()
    violations: list[str] = []
    try:
        with served(app, settings):
            page = context.new_page()
            page.on(
                "console",
                lambda m: (
                    violations.append(m.text)
                    if re.search("Content Security Policy|Refused to", m.text)
                    else None
                ),
            )
            page.goto(f"{base}/docs")
            path = page.locator(".opblock-summary-path", has_text="/api/v1/metrics").first
            path.wait_for(timeout=15000)  # Swagger UI ran and read /openapi.json
            page.goto(f"{base}/redoc")
            page.locator("[data-section-id^='tag/']").first.wait_for(timeout=15000)  # ReDoc
            assert page.locator("[data-section-id^='operation/']").count() > 5
    finally:
        context.close()
        app.state.engine.dispose()
    # nothing of cxlens is blocked; what is, is elsewhere (ReDoc's "powered by" logo on its
    # CDN: cxlens loads nothing from outside, and the CSP makes sure of it)
    assert [v for v in violations if not re.search(r"'https?://(?!127\.0\.0\.1)", v)] == []
