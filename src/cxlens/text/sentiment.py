"""Sentiment: a logistic-regression head over e5 embeddings (negative / neutral / positive).

The head is trained by cxlens from about 6,000 comments the project wrote itself in eight
languages (``cxlens/text/data/sentiment/<lang>/*.txt``, see the README there) and ships as
``sentiment_head.npz``; ``python -m cxlens.text.train_default`` regenerates it. The label is
the most probable class (no extra neutral margin: on held-out project data the best margin
was within ±0.1 logit of zero).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from cxlens.text.types import SENTIMENTS, BackendUnavailable, Sentiment, Vectors

HEAD_FILE = "sentiment_head.npz"


@dataclass(frozen=True)
class SentimentHead:
    """Multinomial logistic regression: ``softmax(x @ weights.T + bias)`` over 3 classes."""

    weights: npt.NDArray[np.float32]  # (3, dim)
    bias: npt.NDArray[np.float32]  # (3,)
    version: str = "0"

    def probabilities(self, vectors: Vectors) -> Vectors:
        """Class probabilities ``(n, 3)`` in the order of :data:`SENTIMENTS`."""
        logits = vectors @ self.weights.T + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        out: Vectors = (p / p.sum(axis=1, keepdims=True)).astype(np.float32)
        return out

    def predict(self, vectors: Vectors) -> list[tuple[Sentiment, float]]:
        """Label and score (P(positive) − P(negative), in [−1, 1]) per vector."""
        return [label_and_score(row) for row in self.probabilities(vectors)]

    def save(self) -> bytes:
        """The head as ``.npz`` bytes."""
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer, weights=self.weights, bias=self.bias, version=np.array(self.version)
        )
        return buffer.getvalue()

    @classmethod
    def load(cls, data: bytes) -> SentimentHead:
        """The inverse of :meth:`save`."""
        with np.load(io.BytesIO(data)) as npz:
            return cls(
                weights=npz["weights"].astype(np.float32),
                bias=npz["bias"].astype(np.float32),
                version=str(npz["version"]),
            )


def label_and_score(probabilities: npt.NDArray[np.float32]) -> tuple[Sentiment, float]:
    """The sentiment label of one probability row and its score in [−1, 1]."""
    score = float(probabilities[2] - probabilities[0])
    return SENTIMENTS[int(np.argmax(probabilities))], score


@lru_cache(maxsize=1)
def default_head() -> SentimentHead:
    """The shipped sentiment head."""
    path = resources.files("cxlens.text.data").joinpath(HEAD_FILE)
    if not path.is_file():
        raise BackendUnavailable(
            f"the sentiment head {HEAD_FILE} is missing from cxlens/text/data; "
            "run: python -m cxlens.text.train_default"
        )
    return SentimentHead.load(path.read_bytes())
