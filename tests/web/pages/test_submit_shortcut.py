"""The short way in for ``POST /s/{token}``: same answers, and only that route takes it."""

from __future__ import annotations

import re
from typing import Any

from starlette.middleware.errors import ServerErrorMiddleware

from cxlens.web.edge.client import ClientAddressMiddleware
from cxlens.web.edge.headers import SecurityHeadersMiddleware
from cxlens.web.edge.hosts import HostCheckMiddleware
from cxlens.web.edge.limits import ApiRateLimitMiddleware, BodyLimitMiddleware
from cxlens.web.pages.submit_shortcut import SubmitShortcut


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_the_submit_route_sits_inside_the_edge_checks_and_the_error_middleware(
    site: Any,
) -> None:
    site.client.get("/health")
    layers: list[type] = []
    app = site.client.app.middleware_stack
    while not isinstance(app, SubmitShortcut):
        layers.append(type(app))
        app = app.app
    assert layers == [
        SecurityHeadersMiddleware,
        HostCheckMiddleware,
        ClientAddressMiddleware,
        ApiRateLimitMiddleware,
        ServerErrorMiddleware,
        BodyLimitMiddleware,
    ]


def test_a_submission_through_the_fast_path_saves_and_redirects(site: Any) -> None:
    page = site.client.get(site.survey())
    fields = {"csrf": _csrf(page.text), "q": "nps", "lang": "en", "answer": "9"}
    r = site.client.post(site.survey(), data=fields, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith(site.survey())


def test_a_forged_token_is_the_404_page_with_security_headers(site: Any) -> None:
    r = site.client.post("/s/AAAAAAAAAAAAAAAAAAAAAAAA", data={"q": "nps", "answer": "9"})
    assert r.status_code == 404
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_other_paths_and_methods_go_down_the_normal_stack(site: Any) -> None:
    assert site.client.post("/s/a/b", data={}).status_code == 404
    assert site.client.post("/s/", data={}).status_code in (404, 405)
    assert site.client.put(site.survey(), data={}).status_code == 405
    assert site.client.get(site.survey()).status_code == 200
