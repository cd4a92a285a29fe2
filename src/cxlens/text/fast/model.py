"""The fast path's linear model: hashed n-grams → sentiment (softmax) and theme scores.

Weights ship as a compact ``.npz``: int8 per column with a float32 scale, plus biases, the
theme names and the teacher it was distilled from.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from cxlens.text.fast.features import featurize

Matrix = npt.NDArray[np.float32]


def softmax(z: Matrix) -> Matrix:
    """Row-wise softmax."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    out: Matrix = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
    return out


def sigmoid(z: Matrix) -> Matrix:
    """Element-wise logistic function."""
    out: Matrix = (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)
    return out


@dataclass(frozen=True)
class FastModel:
    """``weights`` ``(2**bits, 3 + k)`` and ``bias`` ``(3 + k,)``: 3 sentiment logits, k themes.

    ``themes`` are the theme names (in column order); ``teacher`` the ``name@version`` of
    the analyzer whose outputs it was trained on; ``version`` its own version.
    """

    bits: int
    weights: Matrix
    bias: Matrix
    themes: tuple[str, ...]
    teacher: str
    version: str

    def features(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The hashed n-gram features of ``texts``."""
        return featurize(texts, self.bits)

    def predict(self, texts: Sequence[str]) -> tuple[Matrix, Matrix]:
        """Sentiment probabilities ``(n, 3)`` and theme scores ``(n, k)`` in [0, 1]."""
        z = np.asarray(self.features(texts) @ self.weights, dtype=np.float32) + self.bias
        return softmax(z[:, :3]), sigmoid(z[:, 3:])

    def to_bytes(self) -> bytes:
        """The compressed ``.npz`` (int8 weights with a float32 scale per column)."""
        scale = np.abs(self.weights).max(axis=0) / 127.0
        scale[scale == 0] = 1.0
        quantised = np.round(self.weights / scale).astype(np.int8)
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            bits=np.int64(self.bits),
            weights=quantised,
            scale=scale.astype(np.float32),
            bias=self.bias.astype(np.float32),
            themes=np.array(self.themes, dtype=np.str_),
            teacher=np.str_(self.teacher),
            version=np.str_(self.version),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> FastModel:
        """The inverse of :meth:`to_bytes`."""
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            weights = npz["weights"].astype(np.float32) * npz["scale"]
            return cls(
                bits=int(npz["bits"]),
                weights=weights.astype(np.float32),
                bias=npz["bias"].astype(np.float32),
                themes=tuple(str(t) for t in npz["themes"]),
                teacher=str(npz["teacher"]),
                version=str(npz["version"]),
            )
