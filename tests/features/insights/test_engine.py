"""The text engine per backend: the GPU one shares the default's cache and model stamp."""

from __future__ import annotations

import pytest
import torch

from cxlens.features.insights.engine import TextEngine, default_engine
from cxlens.text import BackendUnavailable, default_taxonomy
from cxlens.text.gpu import TorchE5Embedder


def test_the_default_engine_keys_its_cache_by_the_e5_model() -> None:
    engine = default_engine()
    assert engine.embedding_model.startswith("multilingual-e5-small-q4@")


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA GPU is present")
def test_the_gpu_engine_says_why_it_cannot_run_here() -> None:
    with pytest.raises(BackendUnavailable, match="needs a CUDA GPU"):
        default_engine("gpu")


def test_an_unknown_backend_is_an_error_that_lists_the_known_ones() -> None:
    with pytest.raises(BackendUnavailable, match=r"'tpu'.*default, gpu"):
        default_engine("tpu")


def test_a_torch_engine_with_the_default_cache_key_stamps_results_as_the_default() -> None:
    cpu = default_engine()
    torch_engine = TextEngine(embedder=TorchE5Embedder(device="cpu"), cache_key=cpu.embedding_model)
    taxonomy = default_taxonomy()
    assert torch_engine.embedding_model == cpu.embedding_model
    assert torch_engine.analyzer(taxonomy).model == cpu.analyzer(taxonomy).model
