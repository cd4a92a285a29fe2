"""``cxlens analyze FILE``: metrics straight from an export, no store needed."""

from cxlens.features.analysis.service import AnalysisReport, analyze_file

__all__ = ["AnalysisReport", "analyze_file"]
