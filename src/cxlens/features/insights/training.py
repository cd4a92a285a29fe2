"""Learning from the team's labels: a company sentiment head and theme thresholds/examples.

The sentiment head starts from the shipped one and is fine-tuned on the labelled comments'
cached vectors, pulled towards the shipped weights (so a few labels adjust it rather than
replace it). It is used only when it agrees with the labels at least as well as the shipped
head in cross-validation. Each theme with labelled positives and negatives gets the
similarity threshold that best separates them, and up to five labelled comments as examples.
A new head changes the analyses' model (``…+head.company-N``): the worker re-analyses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from cxlens.core.errors import InputError, Location
from cxlens.features.insights import repository as repo
from cxlens.features.insights.service import (
    SENTIMENT_HEAD,
    comment_vectors,
    company_taxonomy,
    now,
    rescore,
)
from cxlens.features.insights.text_models import TextModels
from cxlens.models.text import TextHead, TextLabel
from cxlens.text import SENTIMENTS, SentimentHead, embed_taxonomy, theme_similarities
from cxlens.text.sentiment import default_head
from cxlens.text.types import Vectors

#: Fewer sentiment labels than this train no head.
MIN_LABELS = 6
#: Examples learned per theme at most.
MAX_LEARNED_EXAMPLES = 5


@dataclass(frozen=True)
class TrainReport:
    """What ``train`` did: the head (if any), its accuracy against the shipped one, themes."""

    labels: int
    head_version: int | None
    head_active: bool
    accuracy_base: float | None
    accuracy_head: float | None
    thresholds: dict[str, float] = field(default_factory=dict)
    rescored: int = 0


def fine_tune(
    base: SentimentHead,
    x: Vectors,
    y: npt.NDArray[np.intp],
    *,
    steps: int = 300,
    rate: float = 0.5,
    pull: float = 0.01,
) -> SentimentHead:
    """Softmax regression started at ``base``, L2-pulled towards it (gradient descent)."""
    w = base.weights.astype(np.float64).copy()
    b = base.bias.astype(np.float64).copy()
    onehot = np.eye(len(SENTIMENTS))[y]
    counts = onehot.sum(axis=0)
    weight = (len(y) / (len(SENTIMENTS) * np.maximum(counts, 1)))[y]  # class-balanced
    for _ in range(steps):
        logits = x @ w.T + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * weight[:, None] / len(y)
        w -= rate * (g.T @ x + pull * (w - base.weights))
        b -= rate * (g.sum(axis=0) + pull * (b - base.bias))
    return SentimentHead(w.astype(np.float32), b.astype(np.float32), version=base.version)


def _accuracy(head: SentimentHead, x: Vectors, y: npt.NDArray[np.intp]) -> float:
    return float((np.argmax(head.probabilities(x), axis=1) == y).mean())


def _cross_validated(
    base: SentimentHead, x: Vectors, y: npt.NDArray[np.intp], folds: int = 5
) -> float:
    order = np.random.default_rng(0).permutation(len(y))
    correct = 0
    for fold in range(min(folds, len(y))):
        test = order[fold::folds]
        train = np.setdiff1d(order, test)
        head = fine_tune(base, x[train], y[train])
        correct += int((np.argmax(head.probabilities(x[test]), axis=1) == y[test]).sum())
    return correct / len(y)


def train(session: Session, models: TextModels) -> TrainReport:
    """Train the company's heads from the team's labels; re-score themes afterwards."""
    labels = repo.latest_labels(session)
    if not labels:
        raise InputError(
            "no labelled comments to learn from",
            Location(field="labels"),
            expected="labels first: cxlens text label COMMENT_ID --sentiment … --theme …",
        )
    comments = {c.answer_id: c for c in repo.comments_by_id(session, [r.answer_id for r in labels])}
    labels = [r for r in labels if r.answer_id in comments]
    vectors = comment_vectors(session, models, [comments[r.answer_id] for r in labels])
    row_of = {r.answer_id: i for i, r in enumerate(labels)}
    report_head = _train_sentiment(session, models, labels, vectors, row_of)
    thresholds = _train_themes(session, models, labels, vectors, row_of, comments)
    rescored = rescore(session, models)
    return TrainReport(labels=len(labels), thresholds=thresholds, rescored=rescored, **report_head)


def _train_sentiment(
    session: Session,
    models: TextModels,
    labels: list[TextLabel],
    vectors: Vectors,
    row_of: dict[int, int],
) -> dict[str, Any]:
    rows = [r for r in labels if getattr(r, "sentiment", None) in SENTIMENTS]
    empty: dict[str, Any] = {
        "head_version": None,
        "head_active": False,
        "accuracy_base": None,
        "accuracy_head": None,
    }
    classes = {r.sentiment for r in rows}
    if len(rows) < MIN_LABELS or len(classes) < 2:
        return empty
    x = vectors[[row_of[r.answer_id] for r in rows]]
    y = np.asarray([SENTIMENTS.index(r.sentiment) for r in rows], dtype=np.intp)
    base = models.base_head or default_head()
    base_accuracy = _accuracy(base, x, y)
    head_accuracy = _cross_validated(base, x, y)
    head = fine_tune(base, x, y)
    active = head_accuracy >= base_accuracy
    version = repo.next_head_version(session, SENTIMENT_HEAD)
    session.add(
        TextHead(
            kind=SENTIMENT_HEAD,
            version=version,
            embedder=models.embedding_model,
            parameters={
                "weights": head.weights.tolist(),
                "bias": head.bias.tolist(),
                "base": base.version,
                "active": active,
            },
            metrics={"accuracy_base": base_accuracy, "accuracy_cv": head_accuracy},
            examples=len(rows),
            trained_at=now(),
        )
    )
    session.flush()
    return {
        "head_version": version,
        "head_active": active,
        "accuracy_base": base_accuracy,
        "accuracy_head": head_accuracy,
    }


def _train_themes(
    session: Session,
    models: TextModels,
    labels: list[TextLabel],
    vectors: Vectors,
    row_of: dict[int, int],
    comments: dict[int, repo.Comment],
) -> dict[str, float]:
    themed = [r for r in labels if getattr(r, "themes", None) is not None]
    if not themed:
        return {}
    for row in repo.themes(session):
        positives = [r for r in themed if row.key in (r.themes or [])]
        learned = [comments[r.answer_id].text for r in positives]
        if learned:
            examples = {k: list(v) for k, v in (row.examples or {}).items()}
            current = examples.get("learned", [])
            examples["learned"] = list(dict.fromkeys([*current, *learned]))[-MAX_LEARNED_EXAMPLES:]
            row.examples = examples
            row.threshold = None
    session.flush()
    taxonomy = company_taxonomy(session)
    tax_vectors = embed_taxonomy(taxonomy, models.embedder, cache=models.theme_cache)
    x = vectors[[row_of[r.answer_id] for r in themed]]
    sims = theme_similarities(x, tax_vectors)
    thresholds: dict[str, float] = {}
    for j, key in enumerate(taxonomy.keys):
        truth = np.asarray([key in (r.themes or []) for r in themed])
        if truth.all() or not truth.any():
            continue
        threshold = best_threshold(sims[:, j], truth)
        stored = repo.theme_by_key(session, key)
        if stored is not None:
            stored.threshold = threshold
            thresholds[key] = threshold
    session.flush()
    return thresholds


def best_threshold(scores: npt.NDArray[np.float32], truth: npt.NDArray[np.bool_]) -> float:
    """The cut between sorted scores that maximises F1 (midpoint between neighbours)."""
    values = np.unique(scores)
    cuts = np.concatenate([[values[0] - 1e-3], (values[:-1] + values[1:]) / 2, [values[-1] + 1e-3]])
    best, best_f1 = float(cuts[0]), -1.0
    for cut in cuts:
        predicted = scores >= cut
        tp = float((predicted & truth).sum())
        f1 = 2 * tp / max(float(predicted.sum() + truth.sum()), 1.0)
        if f1 > best_f1:
            best, best_f1 = float(cut), f1
    return best
