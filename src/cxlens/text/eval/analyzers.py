"""The analyzers the harness can evaluate, by name; each is built only when asked for."""

from __future__ import annotations

from collections.abc import Callable

from cxlens.text.types import TextAnalyzer


def _default() -> TextAnalyzer:
    from cxlens.text import default_analyzer

    return default_analyzer()


def _fast() -> TextAnalyzer:
    from cxlens.text.fast import FastAnalyzer

    return FastAnalyzer.load()


#: Analyzer factories by the name given to ``--analyzers``.
ANALYZERS: dict[str, Callable[[], TextAnalyzer]] = {"default": _default, "fast": _fast}
