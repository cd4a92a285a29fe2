"""One place chooses the text backend: cxlens.text.backends."""

from __future__ import annotations

import pytest

from cxlens.text import Backend, BackendUnavailable, DefaultAnalyzer, analyzer_for, default_taxonomy
from cxlens.text.backends import embedder_for
from cxlens.text.fast import FastAnalyzer


def test_an_unknown_backend_lists_the_known_ones() -> None:
    with pytest.raises(BackendUnavailable, match=r"'quantum'.*default, fast, gpu"):
        analyzer_for("quantum")
    with pytest.raises(BackendUnavailable, match=r"'fast'.*default, gpu"):
        embedder_for("fast")  # the fast model embeds nothing


def test_each_backend_has_its_analyzer() -> None:
    assert isinstance(analyzer_for(), DefaultAnalyzer)
    assert isinstance(analyzer_for(Backend.FAST), FastAnalyzer)
    assert {b.value for b in Backend} == {"default", "fast", "gpu"}


def test_the_fast_backend_refuses_a_taxonomy() -> None:
    with pytest.raises(BackendUnavailable, match="distilled"):
        analyzer_for("fast", taxonomy=default_taxonomy())
