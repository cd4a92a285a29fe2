"""Turn bucket counts keyed by (group, period) into metric values with period-over-period tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from cxlens.analytics.periods import label_for_date, label_start, previous_label, zone
from cxlens.analytics.results import Comparison, MetricValue

C = TypeVar("C")
Keys = tuple[str | None, ...]
Key = tuple[Keys, str | None]

_STEP_DAYS = {"day": 1, "week": 7, "month": 32, "quarter": 93, "year": 366}


def group_of(by: Sequence[str], keys: Keys) -> dict[str, str | None]:
    """The ``group`` mapping of a metric value."""
    return dict(zip(by, keys, strict=True))


def clean_keys(values: Sequence[Any]) -> Keys:
    """Group key values as strings (``None`` stays ``None``)."""
    return tuple(None if v is None else str(v) for v in values)


#: Rank of dimension values that have a natural order (touchpoints: the journey), by
#: dimension name; values without a rank sort after the ranked ones, alphabetically.
Order = Mapping[str, Mapping[str, int]]


def sort_key(by: Sequence[str], order: Order | None = None) -> Callable[[Key], tuple[Any, ...]]:
    """Sort key of (group, period): ranked dimension values first, then by name, then time."""
    ranks = [(order or {}).get(name, {}) for name in by]

    def key(k: Key) -> tuple[Any, ...]:
        keys, label = k
        parts = tuple(
            (v is None, rank.get(v, len(rank)) if v is not None else 0, v or "")
            for v, rank in zip(keys, ranks, strict=True)
        )
        return (parts, label or "")

    return key


def emit(
    by: Sequence[str],
    period: str | None,
    counts: Mapping[Key, C],
    value: Callable[[C, dict[str, str | None], str | None], MetricValue],
    compare: Callable[[C, C], Comparison | None] | None = None,
    order: Order | None = None,
) -> list[MetricValue]:
    """One metric value per (group, period), each with its change from the previous period.

    Groups come in ``order`` where a dimension has one (touchpoints in journey order),
    else alphabetically; periods in time order.
    """
    out: list[MetricValue] = []
    for key in sorted(counts, key=sort_key(by, order)):
        keys, label = key
        current = counts[key]
        mv = value(current, group_of(by, keys), label)
        if period is not None and label is not None and compare is not None:
            previous = counts.get((keys, previous_label(label, period)))
            if previous is not None:
                change = compare(current, previous)
                if change is not None:
                    mv = replace(mv, change=change)
        out.append(mv)
    return out


def next_label(label: str, period: str) -> str:
    """Label of the period just after ``label``."""
    start = label_start(label, period)
    return label_for_date(start + timedelta(days=_STEP_DAYS[period]), period)


def labels_between(first: str, last: str, period: str) -> list[str]:
    """Every period label from ``first`` to ``last`` inclusive."""
    out = [first]
    while out[-1] < last:
        out.append(next_label(out[-1], period))
    return out


def bounds(label: str, period: str, tz: str) -> tuple[float, float]:
    """Start and end (exclusive) of a period in ``tz``, as POSIX timestamps."""
    info = zone(tz)

    def at(day: date) -> float:
        return datetime.combine(day, time(), tzinfo=info).timestamp()

    return at(label_start(label, period)), at(label_start(next_label(label, period), period))
