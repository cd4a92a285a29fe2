"""Theme scoring from cached comment embeddings: cosine similarity plus a trained head.

Comments and theme texts are embedded with the e5 ``query: `` prefix on both sides. A
theme's similarity to a comment mixes the best match among its texts (description and
examples) with the match to their centroid. Each theme gets a threshold calibrated from its
own texts against the other themes' texts; the calibrated score maps the threshold to 0.5.

Themes the shipped theme head knows (same key, unchanged meaning: see
:mod:`cxlens.text.theme_head`) also get its logistic-regression evidence: the two are
averaged in logit space (:data:`SIMILARITY_WEIGHT`) and expressed back in similarity units,
so a threshold (calibrated, set by the user or learned from labels) means the same thing
for every theme. A theme the head does not know (added, edited, merged) is scored by
similarity alone.

Scoring needs only vectors: adding a theme embeds that theme's texts, never the comments.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from cxlens.text.embeddings import normalise
from cxlens.text.taxonomy import Taxonomy
from cxlens.text.theme_head import ThemeHead, default_theme_head
from cxlens.text.types import Embedder, Vectors

#: A calibrated score at or above this is a theme hit.
HIT = 0.5
#: Weight of the best single text against the centroid in a theme's similarity.
MAX_WEIGHT = 0.6
#: Centred similarity over which the calibrated score moves from 0.5 to about 0.73.
TEMPERATURE = 0.01
#: Thresholds on the centred similarity are kept within these bounds.
MIN_THRESHOLD, MAX_THRESHOLD = 0.026, 0.036
DEFAULT_THRESHOLD = 0.028
#: A threshold sits this far above the 95th percentile of the other themes' texts.
MARGIN = 0.007
#: A comment with no hit still gets its best theme (at :data:`HIT`) when that theme scores
#: at least this much and leads the runner-up by :data:`DOMINANT_LEAD`.
DOMINANT_FLOOR = 0.3
DOMINANT_LEAD = 0.1
#: Weight of the similarity logit against the head's logit for themes the head knows.
SIMILARITY_WEIGHT = 0.2


@dataclass(frozen=True)
class TaxonomyVectors:
    """A taxonomy's embedded texts: what :func:`score_themes` needs besides comment vectors.

    ``prototypes`` holds one row per theme text, ``owner`` the theme index of each row,
    ``centroids`` one normalised row per theme, ``thresholds`` one similarity per theme.
    ``head_weights``/``head_bias`` hold the theme head's row for each theme it knows
    (``head_mask``), and ``calibrated`` the calibrated thresholds the head's evidence is
    centred on; without a head they are ``None``.
    """

    keys: tuple[str, ...]
    names: tuple[str, ...]
    prototypes: Vectors
    owner: npt.NDArray[np.intp]
    centroids: Vectors
    thresholds: npt.NDArray[np.float32]
    head_weights: Vectors | None = None
    head_bias: npt.NDArray[np.float32] | None = None
    head_mask: npt.NDArray[np.bool_] | None = None
    calibrated: npt.NDArray[np.float32] | None = None
    head_version: str | None = None


def embed_taxonomy(
    taxonomy: Taxonomy,
    embedder: Embedder,
    *,
    cache: MutableMapping[str, npt.NDArray[np.float32]] | None = None,
    head: ThemeHead | Literal["default"] | None = "default",
) -> TaxonomyVectors:
    """Embed every theme text (``query:`` prefix), reusing ``cache`` (text → vector).

    ``head`` is the theme head to combine with the similarity (the shipped one by default,
    ``None`` for similarity alone); it applies only to the themes it was trained for.
    """
    cache = {} if cache is None else cache
    texts: list[str] = []
    owner: list[int] = []
    for index, theme in enumerate(taxonomy.themes):
        for text in theme.texts():
            texts.append(text)
            owner.append(index)
    missing = list(dict.fromkeys(t for t in texts if t not in cache))
    if missing:
        for text, vector in zip(missing, embedder.embed(missing, kind="query"), strict=True):
            cache[text] = vector
    dim = embedder.dim
    prototypes = (
        np.stack([cache[t] for t in texts]).astype(np.float32)
        if texts
        else np.zeros((0, dim), dtype=np.float32)
    )
    owner_arr = np.asarray(owner, dtype=np.intp)
    k = len(taxonomy)
    centroids = np.zeros((k, dim), dtype=np.float32)
    np.add.at(centroids, owner_arr, prototypes)
    centroids = normalise(centroids)
    partial = TaxonomyVectors(
        keys=taxonomy.keys,
        names=tuple(t.name for t in taxonomy.themes),
        prototypes=prototypes,
        owner=owner_arr,
        centroids=centroids,
        thresholds=np.full(k, DEFAULT_THRESHOLD, dtype=np.float32),
    )
    calibrated = calibrate_thresholds(partial)
    thresholds = calibrated.copy()
    for index, theme in enumerate(taxonomy.themes):
        if theme.threshold is not None:
            thresholds[index] = theme.threshold
    theme_head = default_theme_head() if head == "default" else head
    weights = bias = mask = None
    version = None
    if theme_head is not None and theme_head.weights.shape[1] == dim:
        rows = theme_head.rows_for(taxonomy)
        mask = rows >= 0
        weights = np.zeros((k, dim), dtype=np.float32)
        bias = np.zeros(k, dtype=np.float32)
        weights[mask] = theme_head.weights[rows[mask]]
        bias[mask] = theme_head.bias[rows[mask]]
        version = theme_head.version if mask.any() else None
    return TaxonomyVectors(
        keys=partial.keys,
        names=partial.names,
        prototypes=prototypes,
        owner=owner_arr,
        centroids=centroids,
        thresholds=thresholds,
        head_weights=weights,
        head_bias=bias,
        head_mask=mask,
        calibrated=calibrated,
        head_version=version,
    )


def theme_similarities(comment_vectors: Vectors, taxonomy: TaxonomyVectors) -> Vectors:
    """Evidence ``(n, k)`` for every comment and theme, in similarity units.

    The centred similarity (:func:`text_similarities`); for a theme the head knows, the
    logit average ``w·z_sim + (1 − w)·z_head`` (``w`` = :data:`SIMILARITY_WEIGHT`, ``z_sim``
    the similarity's distance from the calibrated threshold over :data:`TEMPERATURE`)
    mapped back to similarity units. A threshold compares with this evidence.
    """
    sims = text_similarities(comment_vectors, taxonomy)
    if (
        taxonomy.head_mask is None
        or taxonomy.head_weights is None
        or taxonomy.head_bias is None
        or taxonomy.calibrated is None
        or not taxonomy.head_mask.any()
        or sims.shape[0] == 0
    ):
        return sims
    base = taxonomy.calibrated[None, :]
    z_head = comment_vectors @ taxonomy.head_weights.T + taxonomy.head_bias
    mixed = (
        base + SIMILARITY_WEIGHT * (sims - base) + (1 - SIMILARITY_WEIGHT) * TEMPERATURE * z_head
    )
    out: Vectors = np.where(taxonomy.head_mask[None, :], mixed, sims).astype(np.float32)
    return out


def text_similarities(comment_vectors: Vectors, taxonomy: TaxonomyVectors) -> Vectors:
    """Similarity ``(n, k)`` of every comment to every theme's texts, centred per comment.

    A theme's raw similarity mixes its best single text with its centroid; the mean over
    the themes is subtracted, which removes the baseline that all e5 similarities share.
    """
    n, k = comment_vectors.shape[0], len(taxonomy.keys)
    if n == 0 or k == 0:
        return np.zeros((n, k), dtype=np.float32)
    per_text = comment_vectors @ taxonomy.prototypes.T
    best = np.full((n, k), -1.0, dtype=np.float32)
    for j in range(k):
        cols = taxonomy.owner == j
        if cols.any():
            best[:, j] = per_text[:, cols].max(axis=1)
    centroid = comment_vectors @ taxonomy.centroids.T
    raw = MAX_WEIGHT * best + (1.0 - MAX_WEIGHT) * centroid
    # e5 similarities share a large baseline per text: centre on the mean over themes
    out: Vectors = (raw - raw.mean(axis=1, keepdims=True)).astype(np.float32)
    return out


def score_themes(comment_vectors: Vectors, taxonomy: TaxonomyVectors) -> Vectors:
    """Calibrated theme scores ``(n, k)`` in [0, 1]; a score >= :data:`HIT` is a hit.

    Works on cached comment vectors: nothing is embedded here. A comment below
    :data:`HIT` everywhere whose best theme clearly dominates (see :data:`DOMINANT_FLOOR`)
    gets that theme raised to :data:`HIT`, so a clear topic is not lost to a strict threshold.
    """
    sims = theme_similarities(comment_vectors, taxonomy)
    z = (sims - taxonomy.thresholds[None, :]) / TEMPERATURE
    out: Vectors = (1.0 / (1.0 + np.exp(-z))).astype(np.float32)
    return lift_dominant(out)


def lift_dominant(scores: Vectors) -> Vectors:
    """``scores`` with each hit-less row's clearly dominant theme raised to :data:`HIT`."""
    n, k = scores.shape
    if n == 0 or k == 0:
        return scores
    out = scores.copy()
    best = np.argmax(out, axis=1)
    top = out[np.arange(n), best]
    second = np.sort(out, axis=1)[:, -2] if k > 1 else np.zeros(n, dtype=np.float32)
    lift = (top < HIT) & (top >= DOMINANT_FLOOR) & (top - second >= DOMINANT_LEAD)
    out[np.arange(n)[lift], best[lift]] = HIT
    return out


def theme_hits(
    scores: Vectors, keys: Sequence[str], *, limit: int = 5
) -> list[list[tuple[str, float]]]:
    """Per comment, the ``(key, score)`` of themes scoring >= :data:`HIT`, best first."""
    out: list[list[tuple[str, float]]] = []
    for row in scores:
        order = np.argsort(-row)[:limit]
        out.append([(keys[j], float(row[j])) for j in order if row[j] >= HIT])
    return out


def calibrate_thresholds(vectors: TaxonomyVectors) -> npt.NDArray[np.float32]:
    """One threshold per theme: just above what the *other* themes' texts score on it.

    Every theme text is scored (centred) against every theme; a theme's threshold is the
    95th percentile of the other themes' texts plus :data:`MARGIN`, within sane bounds.
    Themes with few texts (a user's new theme) get the same treatment.
    """
    k = len(vectors.keys)
    thresholds = np.full(k, DEFAULT_THRESHOLD, dtype=np.float32)
    if k < 2:
        return thresholds
    sims = text_similarities(vectors.prototypes, vectors)
    for j in range(k):
        negatives = sims[vectors.owner != j, j]
        if len(negatives):
            value = float(np.quantile(negatives, 0.95)) + MARGIN
            thresholds[j] = np.clip(value, MIN_THRESHOLD, MAX_THRESHOLD)
    return thresholds
