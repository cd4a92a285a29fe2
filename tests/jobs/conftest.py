"""Fixtures of the job-queue tests: a manual clock and a fresh handler registry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cxlens.core.clock import ManualClock
from cxlens.jobs import HandlerRegistry

START = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    """A clock at 2030-01-15 09:00 UTC that moves only when told to."""
    return ManualClock(START)


@pytest.fixture
def registry() -> HandlerRegistry:
    """An empty registry (the default one is left alone)."""
    return HandlerRegistry()
