"""A small demo, generated once for the tests of this package."""

from __future__ import annotations

import pytest

from cxlens.demo import DemoData, generate


@pytest.fixture(scope="session")
def demo() -> DemoData:
    """3 000 customers over two years, about 14 400 responses."""
    return generate(seed=7, customers=3_000, years=2)
