"""Hashed character n-grams, vectorised with numpy (no Python loop over n-grams).

A text is normalised (NFKC, lowercase, whitespace collapsed, one space at each end) and
every character 1- to 5-gram, word boundaries included, is hashed into ``2**bits`` buckets.
Counts are log-scaled and each row is L2-normalised. The hash is fixed (a polynomial over
code points, then a multiplicative mix), so the same text gives the same features in every
process and on every platform.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse

#: The n-gram lengths used.
NGRAMS: tuple[int, ...] = (1, 2, 3, 4, 5)
_BASE = np.uint64(1_000_003)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def normalise(text: str) -> str:
    """The text as the features see it: NFKC, lowercase, single spaces, padded."""
    return " " + " ".join(unicodedata.normalize("NFKC", text).lower().split()) + " "


def featurize(texts: Sequence[str], bits: int) -> sparse.csr_matrix:
    """The ``(len(texts), 2**bits)`` sparse feature matrix of ``texts``."""
    n = len(texts)
    dim = 1 << bits
    if n == 0:
        return sparse.csr_matrix((0, dim), dtype=np.float32)
    norm = [normalise(t) for t in texts]
    lengths = np.fromiter((len(t) for t in norm), dtype=np.int64, count=n)
    codes = np.frombuffer("".join(norm).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    doc = np.repeat(np.arange(n, dtype=np.int64), lengths)
    rows: list[npt.NDArray[np.int64]] = []
    cols: list[npt.NDArray[np.int64]] = []
    shift = np.uint64(64 - bits)
    for size in NGRAMS:
        count = len(codes) - size + 1
        if count <= 0:
            continue
        h = np.full(count, np.uint64(size), dtype=np.uint64)
        for k in range(size):
            h = h * _BASE + codes[k : k + count]
        valid = doc[:count] == doc[size - 1 : size - 1 + count]
        rows.append(doc[:count][valid])
        cols.append(((h[valid] * _MIX) >> shift).astype(np.int64))
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    matrix = sparse.csr_matrix(
        (np.ones(len(r), dtype=np.float32), (r, c)), shape=(n, dim), dtype=np.float32
    )
    matrix.sum_duplicates()
    matrix.data = np.log1p(matrix.data)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    result: sparse.csr_matrix = sparse.diags((1.0 / norms).astype(np.float32)) @ matrix
    return result.tocsr()
