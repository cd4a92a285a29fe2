"""The web app over a real database: health, metrics API and the offline OpenAPI page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from cxlens.core.settings import Settings
from cxlens.core.vocabulary import Role
from cxlens.db import engine_for_url, unit_of_work
from cxlens.features.file_import.service import import_file
from cxlens.web.app import create_app
from web.tokens import authorise, bearer, issue_token

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def client(migrated_database_url: str) -> Iterator[TestClient]:
    engine = engine_for_url(migrated_database_url)
    with unit_of_work(engine) as session:
        import_file(session, DATA / "surveys" / "qualtrics.csv")
        import_file(session, DATA / "kinds" / "zendesk_history.csv", kind="cases")
    engine.dispose()
    app = create_app(Settings(database_url=migrated_database_url))
    with TestClient(app) as test_client:
        yield authorise(test_client, Role.VIEWER)
    app.state.engine.dispose()


def test_health_checks_the_database(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["revision"] is not None


def test_metrics_api_returns_values_with_intervals(client: TestClient) -> None:
    response = client.get("/api/v1/metrics")
    assert response.status_code == 200
    metrics = response.json()["metrics"]
    nps = next(m for m in metrics if m["metric"] == "nps" and not m["group"])
    assert nps["n"] > 0
    assert nps["ci_low"] <= nps["value"] <= nps["ci_high"]
    assert any(m["metric"] == "fcr" for m in metrics)
    assert response.json()["partial_responses"] == 0  # imports are finished responses


def test_metrics_api_slices_and_trends(client: TestClient) -> None:
    response = client.get("/api/v1/metrics", params={"by": "survey", "period": "week"})
    assert response.status_code == 200
    body = response.json()
    nps = [m for m in body["metrics"] if m["metric"] == "nps"]
    assert nps and all(m["group"].keys() == {"survey"} for m in nps)
    assert all(m["period"] and "-W" in m["period"] for m in nps)
    assert any("change" in m for m in nps[1:])


def test_metrics_api_rejects_a_bad_time_zone(client: TestClient) -> None:
    response = client.get("/api/v1/metrics", params={"tz": "Mars/Olympus", "period": "month"})
    assert response.status_code == 422
    assert "Mars/Olympus" in response.text


def test_metrics_api_reports_no_data_apart(client: TestClient) -> None:
    body = client.get("/api/v1/metrics").json()
    assert not [m for m in body["metrics"] if m["metric"] == "referral_rate"]
    assert {
        "metric": "referral_rate",
        "group": {},
        "period": None,
        "reason": "no referrals in the store",
    } in body["no_data"]


@pytest.mark.parametrize("by", ["regoin", "theme"])
def test_metrics_api_refuses_an_unknown_dimension(client: TestClient, by: str) -> None:
    response = client.get("/api/v1/metrics", params={"by": by})
    assert response.status_code == 422
    assert f"unknown dimension {by!r}" in response.text
    assert "region" in response.text and "touchpoint" in response.text


def test_openapi_page_works_offline(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text and "unpkg" not in page.text
    schema = client.get("/openapi.json").json()
    assert "/api/v1/metrics" in schema["paths"]
    assert "/health" in schema["paths"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_cxlens_serve_answers_over_http(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "CXLENS_DATA_DIR": str(tmp_path)}
    env.pop("CXLENS_DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "cxlens", "db", "upgrade"], env=env, check=True, capture_output=True
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "cxlens", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert response.json()["status"] == "ok"
        anonymous = httpx.get(f"http://127.0.0.1:{port}/api/v1/metrics", timeout=10)
        assert anonymous.status_code == 401
        token = issue_token(engine_for_url(f"sqlite:///{tmp_path / 'cxlens.db'}"), Role.VIEWER)
        metrics = httpx.get(
            f"http://127.0.0.1:{port}/api/v1/metrics", headers=bearer(token), timeout=10
        )
        assert metrics.status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout is not None:
            server.stdout.close()
