"""Fixtures of the edge tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """An SQLite file URL (the edge answers before any route touches the store)."""
    return f"sqlite:///{tmp_path / 'cxlens.db'}"
