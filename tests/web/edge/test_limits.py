"""Body limits on every route and rate limits on ``/api/v1``, at the edge.

A body over the limit is refused with 413 ``too_large``: at once when ``Content-Length``
says so, while it streams in when it is chunked (in-process and through uvicorn), on the
API and on a survey page's ``POST`` (the submission's fast path). ``/api/v1`` callers get
429 ``rate_limited`` with ``Retry-After`` past their bucket: per API token, per client.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from cxlens.core.settings import Settings
from cxlens.web.app import create_app
from web.edge.serving import free_port, served
from web.tokens import authorise

MB = 1024 * 1024
FORGED = "/s/AAAAAAAAAAAAAAAAAAAAAAAA"


def _event(size: int) -> bytes:
    body = {"event": "order.completed", "customer": {"ref": "c1"}, "properties": {"x": ""}}
    raw = json.dumps(body).encode()
    return raw.replace(b'"x": ""', b'"x": "' + b"a" * (size - len(raw)) + b'"')


def _chunks(size: int, piece: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < size:
        yield b"a" * min(piece, size - sent)
        sent += piece


@pytest.fixture
def client(sqlite_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=sqlite_url, api_client_burst=10**6))
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


def _too_large(r: httpx.Response, limit: int = MB) -> None:
    assert r.status_code == 413, r.text[:200]
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "too_large" and r.json()["limit"] == limit


def test_an_event_body_over_the_limit_is_refused_at_once(client: TestClient) -> None:
    r = client.post(
        "/api/v1/events", content=_event(20 * MB), headers={"Content-Type": "application/json"}
    )
    _too_large(r)


def test_a_chunked_event_body_is_refused_once_it_passes_the_limit(client: TestClient) -> None:
    r = client.post(
        "/api/v1/events", content=_chunks(2 * MB), headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in r.request.headers
    _too_large(r)


def test_a_body_under_the_limit_passes_the_edge(
    migrated_engine: Engine, migrated_database_url: str
) -> None:
    app = create_app(Settings(database_url=migrated_database_url, signing_keys=["k" * 32]))
    with TestClient(app) as client:
        authorise(client)
        r = client.post(
            "/api/v1/events", content=_event(MB - 10), headers={"Content-Type": "application/json"}
        )
    assert r.status_code == 200, r.text[:200]  # the route took it
    app.state.engine.dispose()


@pytest.mark.parametrize("chunked", [False, True])
def test_a_survey_page_post_over_the_limit_is_a_413_page(client: TestClient, chunked: bool) -> None:
    body = _chunks(2 * MB) if chunked else b"answer=" + b"a" * (2 * MB)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    r = client.post(FORGED, content=body, headers=headers)
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["x-cxlens-error"] == "too_large"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_through_uvicorn_chunked_bodies_are_refused_too(sqlite_url: str) -> None:
    port = free_port()
    settings = Settings(database_url=sqlite_url, port=port, allowed_hosts=["127.0.0.1"])
    app = create_app(settings)
    with served(app, settings) as base, httpx.Client(base_url=base, timeout=30) as http:
        api = http.post(
            "/api/v1/events", content=_chunks(2 * MB), headers={"Content-Type": "application/json"}
        )
        page = http.post(FORGED, content=_chunks(2 * MB))
        declared = http.post(
            "/api/v1/events", content=b"a" * (2 * MB), headers={"Content-Type": "application/json"}
        )
    _too_large(api)
    assert page.status_code == 413 and page.headers["x-cxlens-error"] == "too_large"
    _too_large(declared)
    app.state.engine.dispose()


def test_a_returned_email_has_the_larger_limit(
    migrated_engine: Engine, migrated_database_url: str
) -> None:
    settings = Settings(database_url=migrated_database_url, signing_keys=["k" * 32])
    app = create_app(settings)
    headers = {"Content-Type": "message/rfc822"}
    message = b"From: mailer-daemon@example.com\r\nSubject: hello\r\n\r\n"
    with TestClient(app) as client:
        taken = client.post(
            "/api/v1/inbound/bounces", content=message + b"a" * (2 * MB), headers=headers
        )
        over = client.post("/api/v1/inbound/bounces", content=_chunks(11 * MB), headers=headers)
        events = client.post("/api/v1/events", content=_chunks(2 * MB), headers=headers)
    assert taken.status_code == 200, taken.text[:200]
    _too_large(over, 10 * MB)
    _too_large(events)  # the larger limit is that route's only
    app.state.engine.dispose()


@pytest.fixture
def limited(sqlite_url: str) -> Iterator[TestClient]:
    settings = Settings(
        database_url=sqlite_url,
        api_token_burst=2,
        api_token_requests_per_second=0.01,
        api_client_burst=3,
        api_client_requests_per_second=0.5,
    )
    app = create_app(settings)
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


def _calls(client: TestClient, n: int, token: str | None = None) -> list[int]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return [client.get("/api/v1/nowhere", headers=headers).status_code for _ in range(n)]


def test_each_api_token_has_its_own_bucket(limited: TestClient) -> None:
    assert _calls(limited, 3, "token-a") == [404, 404, 429]
    assert _calls(limited, 2, "token-b") == [404, 404]
    r = limited.get("/api/v1/nowhere", headers={"Authorization": "Bearer token-a"})
    assert r.status_code == 429
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "rate_limited"
    assert r.headers["retry-after"] == "100"  # one call refills in 1 / 0.01 s
    assert _calls(limited, 3) == [404, 404, 404]  # without a token: the client's bucket


def test_each_client_without_a_token_has_its_own_bucket(sqlite_url: str) -> None:
    settings = Settings(database_url=sqlite_url, api_client_burst=2)
    app = create_app(settings)
    with TestClient(app, client=("192.0.2.1", 1000)) as one:
        assert _calls(one, 3) == [404, 404, 429]
        assert one.get("/api/v1/nowhere").headers["retry-after"] == "1"  # 5 per second
    with TestClient(app, client=("192.0.2.2", 1000)) as two:
        assert _calls(two, 2) == [404, 404]
        assert two.get("/openapi.json").status_code == 200  # only /api/ is limited
        assert two.options("/api/v1/widget/decide").status_code == 204  # the widget: its own
    app.state.engine.dispose()
