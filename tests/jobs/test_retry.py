from __future__ import annotations

import random
from datetime import timedelta

import pytest

from cxlens.jobs import RetryPolicy


def test_backoff_doubles_up_to_the_cap() -> None:
    policy = RetryPolicy(base=timedelta(seconds=10), cap=timedelta(minutes=5), jitter=0.0)
    rng = random.Random(1)
    delays = [policy.delay(n, rng).total_seconds() for n in range(1, 8)]
    assert delays == [10, 20, 40, 80, 160, 300, 300]


def test_jitter_stays_within_its_share_and_varies() -> None:
    policy = RetryPolicy(base=timedelta(seconds=10), cap=timedelta(hours=1), jitter=0.5)
    rng = random.Random(7)
    samples = [policy.delay(3, rng).total_seconds() for _ in range(200)]
    assert all(20.0 <= s <= 40.0 for s in samples)
    assert len(set(samples)) > 100


def test_huge_attempt_numbers_do_not_overflow() -> None:
    policy = RetryPolicy(jitter=0.0)
    assert policy.delay(10_000, random.Random(0)) == policy.cap


@pytest.mark.parametrize(
    "kwargs",
    [
        {"jitter": 1.5},
        {"base": timedelta(0)},
        {"base": timedelta(hours=2), "cap": timedelta(minutes=1)},
    ],
)
def test_bad_policies_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_attempts_count_from_one() -> None:
    with pytest.raises(ValueError):
        RetryPolicy().raw_delay(0)
