"""The training embedding cache: embeds each text once, keeps itself out of git."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from cxlens.text.types import EmbeddingKind, Vectors
from cxlens.text.vector_cache import VectorCache, text_key


class FakeEmbedder:
    """A deterministic 4-dimensional embedder that records what it embedded."""

    name = "fake"
    dim = 4

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str], *, kind: EmbeddingKind) -> Vectors:
        self.seen.extend(texts)
        out = np.asarray([[len(t), t.count("a"), kind == "query", 1.0] for t in texts])
        return out.astype(np.float32)


def test_each_text_is_embedded_once_and_vectors_come_back_in_order(tmp_path: Path) -> None:
    fake = FakeEmbedder()
    cache = VectorCache(fake, tmp_path / "cache")
    first = cache.embed(["banana", "kiwi", "banana"], kind="query")
    assert fake.seen == ["banana", "kiwi"]
    again = VectorCache(fake, tmp_path / "cache").embed(["kiwi", "banana", "fig"], kind="query")
    assert fake.seen == ["banana", "kiwi", "fig"]
    assert np.array_equal(again[0], first[1]) and np.array_equal(again[1], first[0])
    assert (tmp_path / "cache" / ".gitignore").read_text() == "*\n"


def test_kinds_are_cached_apart_and_empty_input_embeds_nothing(tmp_path: Path) -> None:
    fake = FakeEmbedder()
    cache = VectorCache(fake, tmp_path)
    assert cache.embed([], kind="query").shape == (0, 4)
    query = cache.embed(["a"], kind="query")
    passage = cache.embed(["a"], kind="passage")
    assert query[0, 2] == 1.0 and passage[0, 2] == 0.0
    assert fake.seen == ["a", "a"] and cache.hits == 0 and cache.misses == 2


def test_text_key_is_stable() -> None:
    assert text_key("hello") == text_key("hello") != text_key("hello ")
    assert len(text_key("")) == 64
