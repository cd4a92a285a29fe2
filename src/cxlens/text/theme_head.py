"""The trained theme head: one-vs-rest logistic regression per theme over e5 embeddings.

The head is trained by cxlens (``python -m cxlens.text.train_themes``) from the default
taxonomy's texts and the theme training sentences the project wrote
(``cxlens/text/data/themes/<lang>.txt``), and ships as ``theme_head.npz``. Each theme's
row remembers a *fingerprint* of the theme it was trained for (name, description,
examples): a theme whose fingerprint no longer matches (edited, merged) or that the head
does not know (added by the user) is scored by similarity alone, so a head never keeps
the old meaning of a changed theme. Examples under the ``learned`` group (added by
``cxlens text train`` from the team's labels) refine a theme without changing its meaning
and are left out of the fingerprint.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

from cxlens.text.taxonomy import Taxonomy, Theme
from cxlens.text.types import Vectors

HEAD_FILE = "theme_head.npz"
#: Example groups that do not change a theme's meaning (see the module docstring).
UNFINGERPRINTED = frozenset({"learned"})


def theme_fingerprint(theme: Theme) -> str:
    """A short hash of what a theme means: name, description and examples (not ``learned``)."""
    parts = [theme.name.strip().lower(), theme.description.strip()]
    for language in sorted(theme.examples):
        if language in UNFINGERPRINTED:
            continue
        parts.append(language)
        parts.extend(e.strip() for e in theme.examples[language] if e.strip())
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class ThemeHead:
    """Per-theme logistic regressions: ``logit = x @ weights[j] + bias[j]``.

    ``keys`` and ``fingerprints`` name the theme each row was trained for; ``version`` is
    stamped into the analyzer's model name.
    """

    keys: tuple[str, ...]
    fingerprints: tuple[str, ...]
    weights: npt.NDArray[np.float32]  # (k, dim)
    bias: npt.NDArray[np.float32]  # (k,)
    version: str = "0"

    def rows_for(self, taxonomy: Taxonomy) -> npt.NDArray[np.intp]:
        """For each theme of ``taxonomy``, its row in this head, or -1 (unknown or edited)."""
        index = {
            (key, fingerprint): row
            for row, (key, fingerprint) in enumerate(zip(self.keys, self.fingerprints, strict=True))
        }
        return np.asarray(
            [index.get((t.key, theme_fingerprint(t)), -1) for t in taxonomy.themes],
            dtype=np.intp,
        )

    def logits(self, vectors: Vectors) -> Vectors:
        """Logits ``(n, k)`` of every theme of the head."""
        out: Vectors = (vectors @ self.weights.T + self.bias).astype(np.float32)
        return out

    def save(self) -> bytes:
        """The head as ``.npz`` bytes."""
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            keys=np.array(self.keys),
            fingerprints=np.array(self.fingerprints),
            weights=self.weights,
            bias=self.bias,
            version=np.array(self.version),
        )
        return buffer.getvalue()

    @classmethod
    def load(cls, data: bytes) -> ThemeHead:
        """The inverse of :meth:`save`."""
        with np.load(io.BytesIO(data)) as npz:
            return cls(
                keys=tuple(str(k) for k in npz["keys"]),
                fingerprints=tuple(str(f) for f in npz["fingerprints"]),
                weights=npz["weights"].astype(np.float32),
                bias=npz["bias"].astype(np.float32),
                version=str(npz["version"]),
            )


def train_theme_head(
    vectors: Vectors,
    labels: npt.NDArray[np.bool_],
    themes: Sequence[Theme],
    *,
    l2: float = 1e-4,
    max_iter: int = 500,
    version: str = "custom",
) -> ThemeHead:
    """One class-balanced logistic regression per theme (one-vs-rest; L-BFGS, deterministic).

    ``labels`` is ``(n, k)``: which of ``themes`` each training vector belongs to (a row of
    zeros is a comment with no theme; a row may have several). Each theme's positives and
    negatives weigh half of its loss each; ``l2`` penalises the weights, not the biases.
    """
    n, dim = vectors.shape
    k = len(themes)
    if labels.shape != (n, k):
        raise ValueError(f"labels must be ({n}, {k}), not {labels.shape}")
    x = vectors.astype(np.float64)
    target = labels.astype(np.float64)
    positives = target.sum(axis=0)
    sample = np.where(
        target > 0, 0.5 / np.maximum(positives, 1.0), 0.5 / np.maximum(n - positives, 1.0)
    )

    def loss(theta: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        w = theta[: dim * k].reshape(dim, k)
        b = theta[dim * k :]
        z = x @ w + b
        value = float((sample * (np.logaddexp(0.0, z) - target * z)).sum())
        value += 0.5 * l2 * float((w * w).sum())
        g = sample * (1.0 / (1.0 + np.exp(-z)) - target)
        return value, np.concatenate([(x.T @ g + l2 * w).ravel(), g.sum(axis=0)])

    found = minimize(
        loss, np.zeros(dim * k + k), jac=True, method="L-BFGS-B", options={"maxiter": max_iter}
    )
    theta = found.x
    return ThemeHead(
        keys=tuple(t.key for t in themes),
        fingerprints=tuple(theme_fingerprint(t) for t in themes),
        weights=theta[: dim * k].reshape(dim, k).T.astype(np.float32),
        bias=theta[dim * k :].astype(np.float32),
        version=version,
    )


@lru_cache(maxsize=1)
def default_theme_head() -> ThemeHead | None:
    """The shipped theme head (``None`` when the file is missing: similarity only)."""
    path = resources.files("cxlens.text.data").joinpath(HEAD_FILE)
    if not path.is_file():
        return None
    return ThemeHead.load(path.read_bytes())
