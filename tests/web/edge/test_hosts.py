"""The Host allow-list: another host is refused with 400 ``invalid_host`` before any route."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cxlens.core.settings import Settings
from cxlens.web.app import create_app
from cxlens.web.edge.hosts import HostCheckMiddleware, host_name


def test_the_default_list_is_the_public_host_loopback_and_the_bind_address() -> None:
    settings = Settings(public_base_url="https://cx.example.com", host="0.0.0.0", allowed_hosts=[])
    assert settings.resolved_allowed_hosts() == [
        "cx.example.com",
        "localhost",
        "127.0.0.1",
        "::1",
        "0.0.0.0",
    ]


def test_the_setting_replaces_the_default_list() -> None:
    settings = Settings(allowed_hosts="cx.example.com, *.cx.example.com")
    assert settings.resolved_allowed_hosts() == ["cx.example.com", "*.cx.example.com"]


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("cx.example.com:8443", "cx.example.com"),
        ("[::1]:8000", "::1"),
        ("CX.Example.com.", "cx.example.com"),
    ],
)
def test_the_host_name_of_a_header(header: str, name: str) -> None:
    assert host_name(header) == name


def test_wildcards_match_subdomains_only() -> None:
    check = HostCheckMiddleware(lambda *_: None, ["*.example.com"])  # type: ignore[arg-type,return-value]
    assert check.allows("cx.example.com")
    assert not check.allows("example.com") and not check.allows("evilexample.com")


@pytest.fixture
def client(sqlite_url: str) -> Iterator[TestClient]:
    settings = Settings(
        database_url=sqlite_url, public_base_url="https://cx.example.com", allowed_hosts=[]
    )
    app = create_app(settings)
    with TestClient(app, base_url="https://cx.example.com") as test_client:
        yield test_client
    app.state.engine.dispose()


def test_an_allowed_host_reaches_the_routes(client: TestClient) -> None:
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/openapi.json", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/openapi.json", headers={"Host": "[::1]:8000"}).status_code == 200


@pytest.mark.parametrize("path", ["/openapi.json", "/api/v1/metrics", "/health", "/nowhere"])
def test_another_host_is_a_problem_400_before_any_route(client: TestClient, path: str) -> None:
    r = client.get(path, headers={"Host": "rebound.attacker.example"})
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "invalid_host"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_a_survey_submission_with_another_host_is_refused_too(client: TestClient) -> None:
    r = client.post("/s/AAAAAAAAAAAAAAAAAAAAAAAA", data={"q": "nps"}, headers={"Host": "evil"})
    assert r.status_code == 400  # the fast path sits inside the check
    assert r.headers["x-cxlens-error"] == "invalid_host"  # a page, for a person


def test_a_request_without_host_is_refused(client: TestClient) -> None:
    assert client.get("/openapi.json", headers={"Host": ""}).status_code == 400
