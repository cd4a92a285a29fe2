"""The token bucket."""

from cxlens.features.collection.ratelimit import RateLimiter


def test_bucket_empties_and_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=1.0, burst=2, clock=lambda: now[0])
    assert limiter.allow("ip") and limiter.allow("ip")
    assert not limiter.allow("ip")
    assert limiter.allow("other")
    now[0] = 1.0
    assert limiter.allow("ip") and not limiter.allow("ip")
