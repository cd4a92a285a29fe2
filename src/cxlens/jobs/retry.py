"""Retry delays: exponential backoff with jitter."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long to wait before attempt ``n + 1`` after attempt ``n`` failed.

    The delay doubles with every attempt from ``base`` up to ``cap``; ``jitter`` (0–1) takes
    a random share off it, so that jobs failing together do not retry together:
    ``delay(n)`` lies in ``[raw·(1 − jitter), raw]`` with ``raw = min(cap, base·2^(n−1))``.
    """

    base: timedelta = timedelta(seconds=10)
    cap: timedelta = timedelta(hours=1)
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError(f"jitter must lie in [0, 1], not {self.jitter}")
        if self.base <= timedelta(0) or self.cap < self.base:
            raise ValueError("retry base must be positive and cap at least base")

    def raw_delay(self, attempt: int) -> timedelta:
        """The delay after failed attempt ``attempt`` (1-based) before jitter."""
        if attempt < 1:
            raise ValueError(f"attempts count from 1, not {attempt}")
        exponent = min(attempt - 1, 62)
        seconds = min(self.cap.total_seconds(), self.base.total_seconds() * 2.0**exponent)
        return timedelta(seconds=seconds)

    def delay(self, attempt: int, rng: random.Random) -> timedelta:
        """The jittered delay after failed attempt ``attempt`` (1-based)."""
        raw = self.raw_delay(attempt)
        return raw * (1.0 - self.jitter * rng.random())
