"""cxlens: customer-experience analytics with honest statistics.

The notebook API is loaded lazily, so that ``import cxlens.core`` stays light::

    import cxlens
    cxlens.nps([10, 9, 3, 8])
    cxlens.metrics(df, by=["touchpoint"], period="month")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Comparison",
    "InputError",
    "MetricKind",
    "MetricSpec",
    "MetricValue",
    "Scale",
    "ScoreColumn",
    "__version__",
    "ces",
    "csat",
    "cxi",
    "metrics",
    "nps",
]

if TYPE_CHECKING:
    from cxlens.analytics.api import ces, csat, cxi, metrics, nps
    from cxlens.analytics.engine import MetricSpec, ScoreColumn
    from cxlens.analytics.results import Comparison, MetricValue
    from cxlens.analytics.scales import MetricKind, Scale
    from cxlens.core.errors import InputError

_LAZY = {
    "nps": "cxlens.analytics.api",
    "csat": "cxlens.analytics.api",
    "ces": "cxlens.analytics.api",
    "cxi": "cxlens.analytics.api",
    "metrics": "cxlens.analytics.api",
    "MetricSpec": "cxlens.analytics.engine",
    "ScoreColumn": "cxlens.analytics.engine",
    "Comparison": "cxlens.analytics.results",
    "MetricValue": "cxlens.analytics.results",
    "MetricKind": "cxlens.analytics.scales",
    "Scale": "cxlens.analytics.scales",
    "InputError": "cxlens.core.errors",
}


def __getattr__(name: str) -> Any:
    """Load the public API on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cxlens' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
