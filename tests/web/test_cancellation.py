"""Reads stopped when their client leaves or their time is up; metrics refused when too costly."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from cxlens.core.settings import Settings
from cxlens.core.vocabulary import Role
from cxlens.db import unit_of_work
from cxlens.web.app import create_app
from cxlens.web.cancellation import ClientDisconnectedError, QueryTimeoutError, cancellable_read
from db.test_cancel import SLOW
from factories import add_customer
from web.tokens import authorise


def _in_a_thread(main: Callable[[], Awaitable[object]]) -> object:
    """``anyio.run(main)`` on a thread of its own (the browser tests' Playwright keeps an
    event loop in the test thread)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(anyio.run, main).result()


def _slow(engine: Engine) -> object:
    def fn(session: Session) -> object:
        return session.execute(text(SLOW[engine.dialect.name])).scalar()

    return fn


def test_a_read_whose_client_left_is_stopped(migrated_engine: Engine) -> None:
    started = time.monotonic()

    async def gone_after_half_a_second() -> bool:
        return time.monotonic() - started > 0.5

    async def main() -> object:
        return await cancellable_read(
            migrated_engine,
            _slow(migrated_engine),  # type: ignore[arg-type]
            is_disconnected=gone_after_half_a_second,
            timeout_s=600,
        )

    with pytest.raises(ClientDisconnectedError):
        _in_a_thread(main)
    assert time.monotonic() - started < 10


def test_a_read_past_its_time_limit_is_stopped_with_503(migrated_engine: Engine) -> None:
    async def present() -> bool:
        return False

    async def main() -> object:
        return await cancellable_read(
            migrated_engine,
            _slow(migrated_engine),  # type: ignore[arg-type]
            is_disconnected=present,
            timeout_s=0.5,
        )

    started = time.monotonic()
    with pytest.raises(QueryTimeoutError) as caught:
        _in_a_thread(main)
    assert time.monotonic() - started < 10
    assert caught.value.http_status == 503


def test_a_quick_read_answers(migrated_engine: Engine) -> None:
    async def present() -> bool:
        return False

    async def main() -> object:
        return await cancellable_read(
            migrated_engine,
            lambda s: s.execute(text("SELECT 3")).scalar(),
            is_disconnected=present,
            timeout_s=5,
        )

    assert _in_a_thread(main) == 3


@pytest.fixture
def client(
    migrated_engine: Engine, migrated_database_url: str, tmp_path: Path
) -> Iterator[TestClient]:
    settings = Settings(
        database_url=migrated_database_url, data_dir=tmp_path, metrics_max_groups=20
    )
    app = create_app(settings)
    with TestClient(app) as test_client:
        yield authorise(test_client, Role.VIEWER)
    app.state.engine.dispose()


def test_metrics_refuse_a_request_that_would_make_too_many_groups(
    client: TestClient, migrated_engine: Engine
) -> None:
    with unit_of_work(migrated_engine) as session:
        for i in range(25):
            add_customer(session, f"c-{i}", region=f"R{i}")
    refused = client.get("/api/v1/metrics", params={"by": "region"})
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["code"] == "query_too_costly" and body["limit"] == 20
    assert "25 groups" in body["detail"] and body["field"] == "query.by"
    assert client.get("/api/v1/metrics", params={"by": "survey"}).status_code == 200
    assert client.get("/api/v1/metrics", params={"period": "day"}).status_code == 200
