"""``python -m cxlens.text.fast.train``: distil the fast path from the default analyzer.

The corpus is text the project may ship, chosen to reach beyond the demo vocabulary: the
sentences the project wrote for the default sentiment head, the default taxonomy's texts,
the theme training sentences and their recombinations (the theme head's training data),
comments written by the demo generator in its 8 languages, and the clauses of all of
them; never the research-only evaluation sets. The default analyzer labels it (sentiment
probabilities and every theme's calibrated score) and a linear model over hashed
character n-grams learns to reproduce those outputs (soft-target cross-entropy for
sentiment, soft-target logistic loss per theme, L2 penalty, L-BFGS). Soft targets pull
theme scores towards "no", so each theme's bias is then shifted so that the score
threshold agreeing best with the teacher's hits on held-out texts maps to 0.5.
The weights are written to ``cxlens/text/fast/weights.npz``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from scipy import optimize, sparse

from cxlens.text.clauses import split_clauses
from cxlens.text.fast.analyzer import WEIGHTS_FILE
from cxlens.text.fast.features import featurize
from cxlens.text.fast.model import FastModel, Matrix, sigmoid, softmax

#: Version of the fast model written by this trainer.
VERSION = "1.1"
#: Hash buckets: 2**BITS.
BITS = 17


@dataclass(frozen=True)
class Targets:
    """What the teacher said about each text: sentiment probabilities and theme scores."""

    sentiment: Matrix  # (n, 3)
    themes: Matrix  # (n, k), each in [0, 1]
    names: tuple[str, ...]
    teacher: str


class Teacher(Protocol):
    """Anything that gives soft targets for texts (the default analyzer, via :func:`label`)."""

    def __call__(self, texts: Sequence[str]) -> Targets: ...


def default_teacher(batch_size: int = 256) -> Teacher:
    """The default analyzer as a teacher: its head's probabilities and calibrated scores."""
    from cxlens.text.analyzer import default_analyzer
    from cxlens.text.themes import score_themes

    analyzer = default_analyzer()
    tax = analyzer.taxonomy_vectors()

    def label(texts: Sequence[str]) -> Targets:
        probs: list[Matrix] = []
        scores: list[Matrix] = []
        for start in range(0, len(texts), batch_size):
            vectors = analyzer.embedder.embed(list(texts[start : start + batch_size]), kind="query")
            probs.append(analyzer.head.probabilities(vectors))
            scores.append(score_themes(vectors, tax))
            print(f"\rteacher: {start + len(vectors)}/{len(texts)}", end="", file=sys.stderr)
        print(file=sys.stderr)
        return Targets(
            np.concatenate(probs).astype(np.float32),
            np.concatenate(scores).astype(np.float32),
            tuple(tax.names),
            analyzer.model,
        )

    return label


def with_clauses(texts: Sequence[str]) -> list[str]:
    """``texts`` followed by the clauses of every multi-clause text (aspect sentiment)."""
    extra: list[str] = []
    for text in texts:
        clauses = split_clauses(text)
        if len(clauses) > 1:
            extra += clauses
    return [*texts, *extra]


def fit(
    features: sparse.csr_matrix,
    targets: Targets,
    *,
    l2: float = 1e-4,
    max_iter: int = 300,
) -> tuple[Matrix, Matrix]:
    """Weights ``(dim, 3 + k)`` and bias minimising the soft-target losses plus ``l2``."""
    n, dim = features.shape
    k = targets.themes.shape[1]
    out = 3 + k
    t_sent = targets.sentiment.astype(np.float64)
    t_theme = targets.themes.astype(np.float64)
    x = features.astype(np.float64)
    xt = x.T.tocsr()

    def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
        w = flat[: dim * out].reshape(dim, out)
        b = flat[dim * out :]
        z = np.asarray(x @ w) + b
        zs = z[:, :3] - z[:, :3].max(axis=1, keepdims=True)
        log_p = zs - np.log(np.exp(zs).sum(axis=1, keepdims=True))
        zt = z[:, 3:]
        value = -(t_sent * log_p).sum() / n
        value += (np.logaddexp(0.0, zt) - t_theme * zt).sum() / n
        value += 0.5 * l2 * float((w * w).sum())
        g = np.empty_like(z)
        g[:, :3] = (np.exp(log_p) - t_sent) / n
        g[:, 3:] = (1.0 / (1.0 + np.exp(-zt)) - t_theme) / n
        grad_w = np.asarray(xt @ g) + l2 * w
        return value, np.concatenate([grad_w.ravel(), g.sum(axis=0)])

    start = np.zeros(dim * out + out)
    start[dim * out + 3 :] = -2.0  # themes are rare: start near "no"
    found = optimize.minimize(
        loss, start, jac=True, method="L-BFGS-B", options={"maxiter": max_iter}
    )
    flat = found.x
    return (
        flat[: dim * out].reshape(dim, out).astype(np.float32),
        flat[dim * out :].astype(np.float32),
    )


def distil(
    texts: Sequence[str],
    teacher: Teacher,
    *,
    bits: int = BITS,
    l2: float = 1e-4,
    max_iter: int = 300,
    version: str = VERSION,
) -> FastModel:
    """A fast model trained to reproduce ``teacher`` on ``texts``."""
    targets = teacher(texts)
    weights, bias = fit(featurize(texts, bits), targets, l2=l2, max_iter=max_iter)
    return FastModel(bits, weights, bias, targets.names, targets.teacher, version)


def fidelity(model: FastModel, texts: Sequence[str], targets: Targets) -> tuple[float, float]:
    """Sentiment label agreement and theme-hit (score ≥ 0.5) agreement with the teacher."""
    z = np.asarray(model.features(texts) @ model.weights) + model.bias
    sentiment = float((softmax(z[:, :3]).argmax(1) == targets.sentiment.argmax(1)).mean())
    hits = float(((sigmoid(z[:, 3:]) >= 0.5) == (targets.themes >= 0.5)).mean())
    return sentiment, hits


def demo_corpus(per_language: int, seed: int = 4) -> list[str]:
    """Comments of the demo generator: every language, topic and sentiment, uniformly.

    Build-time only: the fast path itself never imports the demo package.
    """
    from cxlens.demo.comments import LATE, write_comments
    from cxlens.demo.phrases import BANKS

    rng = np.random.default_rng(seed)
    texts: list[str] = []
    for language in BANKS:
        topics = rng.integers(0, LATE + 1, per_language)
        sentiments = rng.integers(0, 3, per_language)
        texts += write_comments(rng, [language] * per_language, topics, sentiments)
    return list(dict.fromkeys(texts))


def project_sentences() -> list[str]:
    """The sentences the project wrote to train the default sentiment head (all languages)."""
    from cxlens.text.training import shipped_examples

    return [example.text for example in shipped_examples()]


def theme_sentences() -> list[str]:
    """The theme head's training texts: taxonomy texts, theme sentences, recombinations."""
    from cxlens.text.taxonomy import default_taxonomy
    from cxlens.text.train_themes import recombine, shipped_theme_sentences, training_set

    sentences = shipped_theme_sentences()
    texts, _ = training_set(default_taxonomy(), [*sentences, *recombine(sentences)])
    return texts


def threshold_shifts(
    logits: Matrix, teacher_scores: Matrix, *, grid: Sequence[float] = ()
) -> Matrix:
    """Per theme, ``logit(t)`` for the score threshold ``t`` that best matches the teacher.

    ``t`` maximises the F1 of ``sigmoid(logit) >= t`` against the teacher's hits (score
    >= 0.5) over ``grid`` (0.05 … 0.5 by default); subtracting the shift from the bias
    maps ``t`` to 0.5. A theme the teacher never hits keeps a shift of 0.
    """
    candidates = np.asarray(grid or np.arange(0.05, 0.501, 0.025), dtype=np.float64)
    scores = sigmoid(logits)
    truth = teacher_scores >= 0.5
    shifts = np.zeros(logits.shape[1], dtype=np.float32)
    for j in range(logits.shape[1]):
        if not truth[:, j].any():
            continue
        best, best_f1 = 0.5, -1.0
        for t in candidates:
            predicted = scores[:, j] >= t
            tp = float((predicted & truth[:, j]).sum())
            f1 = 2 * tp / max(float(predicted.sum() + truth[:, j].sum()), 1.0)
            if f1 > best_f1 + 1e-9:
                best, best_f1 = float(t), f1
        shifts[j] = np.log(best / (1.0 - best))
    return shifts


def main(argv: list[str] | None = None) -> int:
    """Regenerate the shipped weights (minutes on 2 cores: the teacher is the slow part)."""
    p = argparse.ArgumentParser(prog="python -m cxlens.text.fast.train", description=__doc__)
    p.add_argument("--per-language", type=int, default=250, help="demo comments per language")
    p.add_argument("--bits", type=int, default=BITS)
    p.add_argument("--l2", type=float, default=1e-4)
    p.add_argument("--max-iter", type=int, default=300)
    p.add_argument("--out", type=Path, default=Path(__file__).with_name(WEIGHTS_FILE))
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    corpus = [*project_sentences(), *theme_sentences(), *demo_corpus(args.per_language)]
    texts = list(dict.fromkeys(with_clauses(corpus)))
    print(
        f"corpus: {len(texts)} texts (project sentiment and theme sentences, recombinations, "
        "taxonomy texts, demo comments, clauses)",
        file=sys.stderr,
    )
    teacher = default_teacher()
    targets = teacher(texts)
    print(f"teacher labelled in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    held = np.random.default_rng(0).random(len(texts)) < 0.1
    train_idx = np.flatnonzero(~held)
    test_idx = np.flatnonzero(held)

    def subset(idx: np.ndarray) -> Targets:
        return Targets(targets.sentiment[idx], targets.themes[idx], targets.names, targets.teacher)

    x = featurize(texts, args.bits)
    weights, bias = fit(x[train_idx], subset(train_idx), l2=args.l2, max_iter=args.max_iter)
    model = FastModel(args.bits, weights, bias, targets.names, targets.teacher, VERSION)
    held_texts = [texts[i] for i in test_idx]
    s, h = fidelity(model, held_texts, subset(test_idx))
    print(f"held-out agreement with the teacher: sentiment {s:.3f}, theme hits {h:.3f}")
    held_logits = np.asarray(x[test_idx] @ weights, dtype=np.float32) + bias
    shifts = threshold_shifts(held_logits[:, 3:], targets.themes[test_idx])
    bias[3:] -= shifts
    model = FastModel(args.bits, weights, bias, targets.names, targets.teacher, VERSION)
    s, h = fidelity(model, held_texts, subset(test_idx))
    print(f"after the theme thresholds: sentiment {s:.3f}, theme hits {h:.3f} (held-out)")
    # the shipped model is refitted on everything, with the same threshold shifts
    weights, bias = fit(x, targets, l2=args.l2, max_iter=args.max_iter)
    bias[3:] -= shifts
    model = FastModel(args.bits, weights, bias, targets.names, targets.teacher, VERSION)
    data = model.to_bytes()
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data) / 1e6:.1f} MB) in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
