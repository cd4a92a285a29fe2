"""Compact storage of embeddings: int8 codes and one float scale per vector.

An L2-normalised float32 vector of 384 dimensions takes 1,536 bytes; as int8 codes it
takes 384 bytes plus a scale, and cosine similarities change by well under 0.01.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cxlens.text.types import Vectors

ENCODING = "int8"


def encode(vector: np.ndarray) -> tuple[float, bytes]:
    """``(scale, codes)`` of one vector: ``codes * scale`` approximates it."""
    values = np.asarray(vector, dtype=np.float32)
    peak = float(np.abs(values).max()) if values.size else 0.0
    scale = peak / 127.0 if peak > 0 else 1.0
    codes = np.clip(np.rint(values / scale), -127, 127).astype(np.int8)
    return scale, codes.tobytes()


def decode_many(rows: Sequence[tuple[float, bytes]], dim: int) -> Vectors:
    """The float32 matrix ``(len(rows), dim)`` of encoded vectors, re-normalised."""
    out = np.zeros((len(rows), dim), dtype=np.float32)
    for i, (scale, data) in enumerate(rows):
        out[i] = np.frombuffer(data, dtype=np.int8).astype(np.float32) * np.float32(scale)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: Vectors = (out / norms).astype(np.float32)
    return result
