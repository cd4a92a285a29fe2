"""Shared fixtures: a real database on SQLite (a file) and on PostgreSQL.

``database_url`` is parametrised over both backends. PostgreSQL needs
``CXLENS_TEST_POSTGRES_URL`` (``make test`` starts a throwaway server and sets it); without
it the PostgreSQL cases are skipped, unless ``CXLENS_REQUIRE_POSTGRES=1`` says they must run.
Each PostgreSQL test gets a fresh database, dropped afterwards.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from cxlens.db import engine_for_url, unit_of_work, upgrade

POSTGRES_ENV = "CXLENS_TEST_POSTGRES_URL"

#: Starlette's test client names the host ``testserver``: every app the tests build allows
#: it beside the loopback names (tests/web/edge/test_hosts.py checks the real default list).
os.environ.setdefault("CXLENS_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1,::1")


def _postgres_admin_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get("CXLENS_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{POSTGRES_ENV} is not set but CXLENS_REQUIRE_POSTGRES=1")
        return None
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: an SQLite file in tmp_path, or a fresh PostgreSQL DB."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cxlens.db'}"
        return
    with _fresh_postgres_database() as url:
        yield url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL of a fresh PostgreSQL database (skipped without a server), for cross-backend tests."""
    with _fresh_postgres_database() as url:
        yield url


@contextmanager
def _fresh_postgres_database() -> Iterator[str]:
    admin_url = _postgres_admin_url()
    if admin_url is None:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (make test sets it)")
    name = f"cxlens_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on an empty (unmigrated) database of each backend."""
    eng = engine_for_url(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def migrated_engine(engine: Engine) -> Engine:
    """An engine on a database migrated to head."""
    upgrade(engine)
    return engine


@pytest.fixture
def session(migrated_engine: Engine) -> Iterator[Session]:
    """A session in a unit of work on a migrated database (committed at the end)."""
    with unit_of_work(migrated_engine) as s:
        yield s


#: Debian's Chromium, driven by Playwright (its own browser download cannot work offline).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole test session (skipped only without Chromium).

    Playwright's sync API allows one instance per thread at a time, so every browser test
    shares this one.
    """
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip(f"browser tests need Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
