"""A small in-process token-bucket rate limiter, keyed by any string.

The one limiter of cxlens: the public pages (per client address and route), new anonymous
responses (per client and survey) and the REST API (per token, per client address) all
use it. Good for the embedded single-process default; behind several workers each process keeps
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
        return self.take(key) == 0.0

    def take(self, key: str) -> float:
        """Take one token from ``key``'s bucket: ``0.0`` when taken, else the seconds until
        the bucket holds one again (what ``Retry-After`` says)."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.rate if self.rate > 0 else float("inf")
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
            return wait
