"""The text models per backend: the GPU one shares the default's cache and model stamp."""

from __future__ import annotations

import pytest
import torch

from cxlens.features.insights.text_models import TextModels, load_text_models
from cxlens.text import BackendUnavailable, default_taxonomy
from cxlens.text.gpu import TorchE5Embedder


def test_the_default_text_models_key_their_cache_by_the_e5_model() -> None:
    models = load_text_models()
    assert models.embedding_model.startswith("multilingual-e5-small-q4@")


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA GPU is present")
def test_the_gpu_text_models_say_why_it_cannot_run_here() -> None:
    with pytest.raises(BackendUnavailable, match="needs a CUDA GPU"):
        load_text_models("gpu")


def test_an_unknown_backend_is_an_error_that_lists_the_known_ones() -> None:
    with pytest.raises(BackendUnavailable, match=r"'tpu'.*default, gpu"):
        load_text_models("tpu")


def test_torch_text_models_with_the_default_cache_key_stamps_results_as_the_default() -> None:
    cpu = load_text_models()
    torch_models = TextModels(embedder=TorchE5Embedder(device="cpu"), cache_key=cpu.embedding_model)
    taxonomy = default_taxonomy()
    assert torch_models.embedding_model == cpu.embedding_model
    assert torch_models.analyzer(taxonomy).model == cpu.analyzer(taxonomy).model
