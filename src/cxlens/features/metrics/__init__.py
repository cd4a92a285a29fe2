"""Metrics from the store: survey metrics and operational metrics, counted in SQL."""

from cxlens.features.metrics.repository.dimensions import Filters
from cxlens.features.metrics.service import operational_metrics, store_metrics

__all__ = ["Filters", "operational_metrics", "store_metrics"]
