"""Shared fixtures: a real database on SQLite (a file) and on PostgreSQL.

``database_url`` and ``migrated_database_url`` are parametrised over both backends (through
``backend``); ``postgres_url`` and ``migrated_postgres_url`` are PostgreSQL only (for tests
that compare the backends).
PostgreSQL needs ``CXLENS_TEST_POSTGRES_URL`` (``make test`` starts a throwaway server and
sets it); without it the PostgreSQL cases are skipped, unless ``CXLENS_REQUIRE_POSTGRES=1``
says they must run.

Two kinds of database, never both in one test:

- ``database_url`` (and ``engine`` on it): an *empty* database, never migrated. For the
  migration tests and anything that runs ``upgrade`` (or a command that migrates) itself.
- ``migrated_database_url`` (and ``migrated_engine``, ``session`` on it): a database at the
  head revision. The migrations run once per test session and backend, lazily, into a
  template (an SQLite file; a PostgreSQL database), built from the migrations of the code
  under test; each test gets its own copy (``shutil.copyfile``; ``CREATE DATABASE ...
  TEMPLATE``, the next copy made in a thread while a test runs), so it starts as a freshly
  migrated database does. The PostgreSQL template is dropped at the end of the session.

Each PostgreSQL test gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from cxlens.db import engine_for_url, unit_of_work, upgrade

POSTGRES_ENV = "CXLENS_TEST_POSTGRES_URL"
#: The file name of a test's SQLite database in its tmp_path.
SQLITE_FILE = "cxlens.db"

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


def _require_postgres_admin_url() -> str:
    admin_url = _postgres_admin_url()
    if admin_url is None:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (make test sets it)")
    return admin_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """``"sqlite"`` or ``"postgresql"``: the backend of this test's database fixtures."""
    if "database_url" in request.fixturenames and "migrated_database_url" in request.fixturenames:
        pytest.fail(
            "a test gets an empty database (database_url, engine) or a migrated one "
            "(migrated_database_url, migrated_engine, session), not both"
        )
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: an SQLite file in tmp_path, or a fresh PostgreSQL DB."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / SQLITE_FILE}"
        return
    with _fresh_postgres_database() as url:
        yield url


@pytest.fixture
def migrated_database_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A URL of a database at the head revision, a copy of the session's migrated template.

    SQLite: a copy of the template file in tmp_path. PostgreSQL: a database of its own
    created from the template database, dropped afterwards.
    """
    if backend == "sqlite":
        target = tmp_path / SQLITE_FILE
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    copies: _PostgresCopies = request.getfixturevalue("postgres_copies")
    with copies.take() as url:
        yield url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL of a fresh PostgreSQL database (skipped without a server), for cross-backend tests."""
    with _fresh_postgres_database() as url:
        yield url


@pytest.fixture
def migrated_postgres_url(postgres_copies: _PostgresCopies) -> Iterator[str]:
    """Like ``postgres_url``, but at the head revision (a copy of the migrated template)."""
    with postgres_copies.take() as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated to head, once per session (copy it, never open it)."""
    path = tmp_path_factory.mktemp("template") / SQLITE_FILE
    engine = engine_for_url(f"sqlite:///{path}")
    try:
        upgrade(engine)
    finally:
        engine.dispose()  # the last connection closed: the WAL is checkpointed and removed
    assert not Path(f"{path}-wal").exists(), "the template's WAL was not folded into the file"
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """The name of a PostgreSQL database migrated to head, once per session; dropped at the end.

    Nothing may stay connected to it: ``CREATE DATABASE ... TEMPLATE`` refuses a template
    with open connections.
    """
    admin_url = _require_postgres_admin_url()
    name = f"cxlens_template_{uuid.uuid4().hex[:12]}"
    _run_admin(admin_url, f'CREATE DATABASE "{name}"')
    try:
        engine = engine_for_url(_url_of(admin_url, name))
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        yield name
    finally:
        _run_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _PostgresCopies:
    """Copies of the template, each made while the test before it runs (it takes ~1 s).

    One thread makes them with ``CREATE DATABASE ... TEMPLATE``; a copy that no test took
    is dropped at the end of the session.
    """

    def __init__(self, admin_url: str, template: str) -> None:
        self._admin_url = admin_url
        self._template = template
        self._maker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-template-copy")
        self._next: Future[str] | None = None

    def _make(self) -> str:
        name = f"cxlens_test_{uuid.uuid4().hex[:12]}"
        _run_admin(self._admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{self._template}"')
        return name

    @contextmanager
    def take(self) -> Iterator[str]:
        """A URL of a database of its own at head, dropped afterwards; the next one begun."""
        ready, self._next = self._next, self._maker.submit(self._make)
        name = ready.result() if ready is not None else self._make()
        try:
            yield _url_of(self._admin_url, name)
        finally:
            _run_admin(self._admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        """Wait for the copy in the making and drop it; stop the thread."""
        pending, self._next = self._next, None
        try:
            if pending is not None:
                name = pending.result()
                _run_admin(self._admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            self._maker.shutdown(wait=True)


@pytest.fixture(scope="session")
def postgres_copies(postgres_template: str) -> Iterator[_PostgresCopies]:
    """Where the PostgreSQL tests get their copies of the template (one made ahead)."""
    copies = _PostgresCopies(_require_postgres_admin_url(), postgres_template)
    try:
        yield copies
    finally:
        copies.close()


def _url_of(admin_url: str, name: str) -> str:
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _run_admin(admin_url: str, statement: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(statement))
    finally:
        admin.dispose()


@contextmanager
def _fresh_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards."""
    admin_url = _require_postgres_admin_url()
    name = f"cxlens_test_{uuid.uuid4().hex[:12]}"
    _run_admin(admin_url, f'CREATE DATABASE "{name}"')
    try:
        yield _url_of(admin_url, name)
    finally:
        _run_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on an empty (unmigrated) database of each backend."""
    eng = engine_for_url(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def migrated_engine(migrated_database_url: str) -> Iterator[Engine]:
    """An engine on a database at the head revision (``migrated_database_url``)."""
    eng = engine_for_url(migrated_database_url)
    yield eng
    eng.dispose()


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
