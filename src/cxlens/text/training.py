"""Training data and training of the sentiment head (multinomial logistic regression).

The training comments are written by the cxlens project (``data/sentiment/<lang>/*.txt``,
one file per register, sections ``[negative]``, ``[neutral]``, ``[positive]``) and may be
redistributed with it.
Short comments are also joined in pairs of the same polarity, as customers often write
two remarks in one comment. The research-only evaluation sets are never used here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

from cxlens.core.errors import InputError, Location
from cxlens.text.sentiment import SentimentHead
from cxlens.text.types import SENTIMENTS, Sentiment, Vectors

#: The UI languages (``cxlens.core.vocabulary.UI_LANGUAGES``) in the order the shipped
#: weights were trained in: the order feeds the seeded shuffle, so it stays as it was
#: (``tests/core/test_vocabulary.py`` checks that the two hold the same languages).
TRAINING_LANGUAGES: tuple[str, ...] = ("en", "it", "fr", "de", "es", "nl", "ro", "fy")
_JOINS = (", ", ". ", "! ", " - ")
_ENDINGS = ("", "!", ".", " 😡", " :(", " 👍", " :)", "...")


@dataclass(frozen=True)
class Example:
    """One labelled training comment."""

    text: str
    label: Sentiment
    language: str


def parse_examples(text: str, language: str, source: str = "<text>") -> list[Example]:
    """Examples from the ``[label]``-sectioned text format (one comment per line).

    Blank lines and comment lines (``#`` alone or followed by a space) are skipped; a line
    that starts with a hashtag (``#fail``) is a text.
    """
    label: Sentiment | None = None
    out: list[Example] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line == "#" or line.startswith("# "):
            continue  # a comment; "#fail ..." (a hashtag) is a text
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1]
            if name not in SENTIMENTS:
                raise InputError(
                    f"unknown section {line}",
                    Location(file=source, row=number),
                    expected="[negative], [neutral] or [positive]",
                )
            label = SENTIMENTS[SENTIMENTS.index(name)]
            continue
        if label is None:
            raise InputError(
                "a comment before any section",
                Location(file=source, row=number),
                expected="a [negative], [neutral] or [positive] line first",
            )
        out.append(Example(line, label, language))
    return out


def shipped_examples(languages: Sequence[str] = TRAINING_LANGUAGES) -> list[Example]:
    """The training comments that ship with cxlens."""
    root = resources.files("cxlens.text.data").joinpath("sentiment")
    out: list[Example] = []
    for language in languages:
        folder = root.joinpath(language)
        files = sorted(
            (f for f in folder.iterdir() if f.name.endswith(".txt")), key=lambda f: f.name
        )
        for file in files:
            name = f"{language}/{file.name}"
            out.extend(parse_examples(file.read_text("utf-8"), language, name))
    return out


def augment(examples: Sequence[Example], *, pairs_per_label: int = 25) -> list[Example]:
    """The examples plus, per language and label, pairs joined as one comment (seeded)."""
    rng = np.random.default_rng(4)
    out = list(examples)
    groups: dict[tuple[str, str], list[Example]] = {}
    for example in examples:
        groups.setdefault((example.language, example.label), []).append(example)
    for (_, label), group in sorted(groups.items()):
        if len(group) < 2 or label == "neutral":
            continue
        for _ in range(pairs_per_label):
            a, b = rng.choice(len(group), size=2, replace=False)
            join = _JOINS[int(rng.integers(len(_JOINS)))]
            ending = _ENDINGS[int(rng.integers(len(_ENDINGS)))]
            text = f"{group[a].text}{join}{group[b].text}{ending}"
            out.append(Example(text, group[a].label, group[a].language))
    return out


def train_head(
    vectors: Vectors,
    labels: Sequence[Sentiment],
    *,
    l2: float = 1e-3,
    version: str = "custom",
) -> SentimentHead:
    """Class-balanced multinomial logistic regression with L2 (L-BFGS, deterministic)."""
    y = np.asarray([SENTIMENTS.index(label) for label in labels], dtype=np.intp)
    n, dim = vectors.shape
    k = len(SENTIMENTS)
    if n == 0 or len(set(y.tolist())) < 2:
        raise InputError(
            "too few labelled comments to train on",
            Location(field="labels"),
            expected="comments with at least two different sentiments",
        )
    counts = np.bincount(y, minlength=k).astype(np.float64)
    weights = (n / (k * np.maximum(counts, 1.0)))[y]
    x = vectors.astype(np.float64)
    onehot = np.eye(k)[y]

    def loss(theta: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        w = theta[: k * dim].reshape(k, dim)
        b = theta[k * dim :]
        logits = x @ w.T + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        value = -float(np.sum(weights * np.log(np.sum(p * onehot, axis=1) + 1e-12))) / n
        value += l2 * float(np.sum(w * w))
        g = (p - onehot) * weights[:, None] / n
        grad_w = g.T @ x + 2 * l2 * w
        grad_b = g.sum(axis=0)
        return value, np.concatenate([grad_w.ravel(), grad_b])

    result = minimize(
        loss, np.zeros(k * dim + k), jac=True, method="L-BFGS-B", options={"maxiter": 500}
    )
    theta = result.x
    return SentimentHead(
        weights=theta[: k * dim].reshape(k, dim).astype(np.float32),
        bias=theta[k * dim :].astype(np.float32),
        version=version,
    )
