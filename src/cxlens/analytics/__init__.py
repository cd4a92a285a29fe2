"""Pure metrics engine: bucket counts in, values with intervals and tests out.

Nothing here imports SQLAlchemy, FastAPI or Typer. Counting happens where the data lives
(SQL on the store, DuckDB on files and frames); the formulas live here, once.

Modules: :mod:`~cxlens.analytics.counts` (mergeable counts),
:mod:`~cxlens.analytics.formulas` (counts -> :class:`MetricValue`),
:mod:`~cxlens.analytics.compare` (significance of a change),
:mod:`~cxlens.analytics.periods` (calendar periods in a time zone),
:mod:`~cxlens.analytics.engine` (counts in one DuckDB scan of any table),
:mod:`~cxlens.analytics.arrays` (counts of in-memory values),
:mod:`~cxlens.analytics.api` (the notebook API re-exported by :mod:`cxlens`).
The names below load lazily, so importing e.g. ``cxlens.analytics.counts`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "PERIODS",
    "Comparison",
    "CountsByGroup",
    "MetricKind",
    "MetricSpec",
    "MetricValue",
    "Scale",
    "ScoreColumn",
    "ces",
    "compute_counts",
    "compute_metrics",
    "csat",
    "cxi",
    "metrics",
    "metrics_from_counts",
    "nps",
]

if TYPE_CHECKING:
    from cxlens.analytics.api import ces, csat, cxi, metrics, nps
    from cxlens.analytics.engine import (
        CountsByGroup,
        MetricSpec,
        ScoreColumn,
        compute_counts,
        compute_metrics,
        metrics_from_counts,
    )
    from cxlens.analytics.periods import PERIODS
    from cxlens.analytics.results import Comparison, MetricValue
    from cxlens.analytics.scales import MetricKind, Scale

_LAZY = {
    **dict.fromkeys(("ces", "csat", "cxi", "metrics", "nps"), "cxlens.analytics.api"),
    **dict.fromkeys(
        (
            "CountsByGroup",
            "MetricSpec",
            "ScoreColumn",
            "compute_counts",
            "compute_metrics",
            "metrics_from_counts",
        ),
        "cxlens.analytics.engine",
    ),
    "PERIODS": "cxlens.analytics.periods",
    "Comparison": "cxlens.analytics.results",
    "MetricValue": "cxlens.analytics.results",
    "MetricKind": "cxlens.analytics.scales",
    "Scale": "cxlens.analytics.scales",
}


def __getattr__(name: str) -> Any:
    """Load the public names on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cxlens.analytics' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
