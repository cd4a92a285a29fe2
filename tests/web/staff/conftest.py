"""The app on a migrated database of each backend, a manual clock, and one user per role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from cxlens.core.clock import ManualClock
from cxlens.core.settings import Settings
from cxlens.core.vocabulary import Role
from cxlens.db import engine_for_url, unit_of_work, upgrade
from cxlens.features.accounts import UserIn, create_user
from cxlens.web.app import create_app

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Staff:
    """A test client of the app, its settings and its clock."""

    client: TestClient
    settings: Settings
    clock: ManualClock
    database_url: str

    def csrf(self, page: Response) -> str:
        """The CSRF token of the page's form."""
        found = CSRF.search(page.text)
        assert found, page.text
        return found.group(1)

    def sign_in(
        self, email: str, password: str = PASSWORD, next_path: str | None = None
    ) -> Response:
        """Open the sign-in form and post it (not following the redirect)."""
        form = self.client.get("/login")
        data = {"email": email, "password": password, "csrf_token": self.csrf(form)}
        if next_path is not None:
            data["next"] = next_path
        return self.client.post("/login", data=data, follow_redirects=False)


def make_staff(database_url: str, tmp_path: Path, **overrides: object) -> Iterator[Staff]:
    """The app on ``database_url`` with an admin, an analyst and a viewer."""
    engine = engine_for_url(database_url)
    upgrade(engine)
    with unit_of_work(engine) as session:
        for email, role in (
            ("admin@example.com", Role.ADMIN),
            ("ana@example.com", Role.ANALYST),
            ("vic@example.com", Role.VIEWER),
        ):
            create_user(session, UserIn(email=email, role=role, display_name=None), PASSWORD)
    engine.dispose()
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        signing_keys=["s" * 32],
        **overrides,  # type: ignore[arg-type]
    )
    clock = ManualClock()
    base = str(overrides.get("public_base_url", "http://testserver"))
    with TestClient(create_app(settings, clock=clock), base_url=base) as client:
        yield Staff(client, settings, clock, database_url)


@pytest.fixture
def staff(migrated_database_url: str, tmp_path: Path) -> Iterator[Staff]:
    """The app on each backend, over plain HTTP."""
    yield from make_staff(migrated_database_url, tmp_path)
