"""Tokenizing in several processes, for GPUs that one Python thread cannot keep fed.

Each worker process (started with ``spawn``: no state shared with the parent, CUDA
included) reads the vocabulary once and tokenizes slices of the texts it is sent.
"""

from __future__ import annotations

import multiprocessing
import weakref
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from cxlens.text.gpu.checkpoint import read_checkpoint
from cxlens.text.gpu.tokenizer import UnigramTokenizer

_TOKENIZER: list[UnigramTokenizer] = []  # the worker's own tokenizer


def _start(model_path: Path | None) -> None:
    _TOKENIZER.append(UnigramTokenizer(read_checkpoint(model_path).vocabulary))


def _encode(texts: list[str]) -> list[list[int]]:
    tokenizer = _TOKENIZER[0]
    return [tokenizer.encode(text) for text in texts]


class TokenizerPool:
    """``workers`` processes that each run a :class:`UnigramTokenizer`."""

    def __init__(self, workers: int, model_path: Path | None = None) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.workers = workers
        self._pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(model_path,),
        )
        self._closer = weakref.finalize(self, self._pool.shutdown)

    def encode(self, texts: list[str]) -> list[list[int]]:
        """Content token ids of every text, in order (as :meth:`UnigramTokenizer.encode`)."""
        size = max(1, -(-len(texts) // (4 * self.workers)))
        slices = [texts[i : i + size] for i in range(0, len(texts), size)]
        return [ids for part in self._pool.map(_encode, slices) for ids in part]

    def close(self) -> None:
        """Stop the worker processes."""
        self._closer()
