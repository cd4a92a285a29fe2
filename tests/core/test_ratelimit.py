"""The token bucket."""

from cxlens.core.ratelimit import RateLimiter


def test_bucket_empties_and_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=1.0, burst=2, clock=lambda: now[0])
    assert limiter.allow("ip") and limiter.allow("ip")
    assert not limiter.allow("ip")
    assert limiter.allow("other")
    now[0] = 1.0
    assert limiter.allow("ip") and not limiter.allow("ip")


def test_take_says_how_long_until_the_next_token() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=0.5, burst=1, clock=lambda: now[0])
    assert limiter.take("token") == 0.0
    assert limiter.take("token") == 2.0
    now[0] = 1.5
    assert limiter.take("token") == 0.5
    now[0] = 2.0
    assert limiter.take("token") == 0.0
