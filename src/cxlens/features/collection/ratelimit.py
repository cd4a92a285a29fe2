"""A small in-process token-bucket rate limiter (per client and route).

Good for the embedded single-process default; behind several workers each process keeps
its own buckets, so the effective limit is per process.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class RateLimiter:
    """``burst`` requests at once, refilled at ``rate`` per second, per key.

    At most ``max_keys`` buckets are kept (least recently used dropped), so a flood of
    addresses cannot exhaust memory.
    """

    def __init__(
        self,
        rate: float = 5.0,
        burst: int = 30,
        *,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Take one token from ``key``'s bucket; ``False`` when it is empty."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
            return allowed
