"""One error map: problem details (RFC 9457) for the API, a page for people, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from cxlens.core.settings import Settings
from cxlens.web.app import create_app
from cxlens.web.errors import PROBLEM_MEDIA_TYPE
from web.tokens import authorise


@pytest.fixture
def client(migrated_database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=migrated_database_url, data_dir=tmp_path))
    with TestClient(app) as test_client:
        yield authorise(test_client)
    app.state.engine.dispose()


def _problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["type"] == f"urn:cxlens:problem:{code}"
    assert isinstance(body["title"], str) and isinstance(body["detail"], str)
    return body


def test_a_cxlens_error_is_a_problem_with_its_status_code_and_field(client: TestClient) -> None:
    missing = client.delete("/api/v1/themes/no-such-theme")
    assert "no-such-theme" in str(_problem(missing, 404, "not_found")["detail"])
    nameless = client.post("/api/v1/themes", json={"name": "  "})
    assert _problem(nameless, 422, "invalid_input")["field"] == "name"


def test_request_validation_is_a_problem_listing_every_field(client: TestClient) -> None:
    response = client.get("/api/v1/comments", params={"limit": 0, "offset": -1})
    body = _problem(response, 422, "invalid_request")
    assert body["field"] == "query.limit"
    assert [e["field"] for e in body["errors"]] == ["query.limit", "query.offset"]


def test_method_not_allowed_lists_every_method_of_the_path(client: TestClient) -> None:
    response = client.put("/api/v1/themes")
    _problem(response, 405, "method_not_allowed")
    assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("get", "/api/v1/comments", {"params": {"theme": "a\x00b"}}),
        ("post", "/api/v1/themes", {"json": {"name": "Parking\x00"}}),
        (
            "post",
            "/api/v1/events",
            {"json": {"event": "order.completed", "customer": {"ref": "c\x001"}}},
        ),
        ("post", "/api/v1/widget/decide", {"content": '{"survey": "x\\u0000"}'}),
        ("get", "/a/survey%00key", {}),
    ],
)
def test_a_nul_character_is_refused_at_the_edge_on_both_backends(
    client: TestClient, method: str, path: str, kwargs: dict[str, object]
) -> None:
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 422, response.text  # PostgreSQL answered 500 before
    if path.startswith("/a/"):
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["x-cxlens-error"] == "nul_character"
    else:
        _problem(response, 422, "nul_character")


def test_pages_and_browsers_get_a_page_not_json(client: TestClient) -> None:
    page = client.get("/s/", headers={"accept-language": "nl"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Deze link is niet geldig" in page.text
    browser = client.get("/nowhere", headers={"accept": "text/html"})
    assert browser.status_code == 404 and "<html" in browser.text
    program = client.get("/nowhere")
    _problem(program, 404, "not_found")


def test_the_openapi_documents_problems_and_every_status(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "Problem" in schema["components"]["schemas"]
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    label = schema["paths"]["/api/v1/comments/{comment_id}/labels"]["post"]["responses"]
    assert set(label) == {"201", "400", "401", "403", "404", "413", "422", "429"}  # 413/429: edge
    assert PROBLEM_MEDIA_TYPE in label["404"]["content"]
    hook = schema["paths"]["/webhooks/twilio/status"]["post"]["responses"]
    assert {"403", "413", "422"} <= set(hook)
