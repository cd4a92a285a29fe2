"""Shared fixtures: one real e5 embedder and one default analyzer for the whole session."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from cxlens.text import DefaultAnalyzer, E5Embedder, Vectors, default_analyzer
from cxlens.text.types import EmbeddingKind


class CountingEmbedder:
    """A real embedder that counts how many texts it embedded (and which)."""

    def __init__(self, inner: E5Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str], *, kind: EmbeddingKind) -> Vectors:
        self.texts.extend(texts)
        return self.inner.embed(texts, kind=kind)


@pytest.fixture(scope="session")
def embedder() -> E5Embedder:
    return E5Embedder()


@pytest.fixture(scope="session")
def analyzer(embedder: E5Embedder) -> DefaultAnalyzer:
    return default_analyzer(embedder=embedder)
