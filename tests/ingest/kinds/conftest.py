"""Helpers for the kind-reader tests: real files read by the real ``read_raw``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cxlens.ingest.raw import RawTable, read_raw

DATA = Path(__file__).resolve().parents[2] / "data" / "kinds"


@pytest.fixture
def fixture_raw() -> Callable[[str], RawTable]:
    """Read a fixture file of tests/data/kinds."""

    def load(name: str) -> RawTable:
        return read_raw(DATA / name)

    return load


@pytest.fixture
def csv_raw(tmp_path: Path) -> Callable[..., RawTable]:
    """Write CSV text to a file and read it back (``encoding`` to write it in)."""

    def load(text: str, name: str = "export.csv", encoding: str = "utf-8") -> RawTable:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return read_raw(path)

    return load
