"""Discovery: comments that fit no theme, clustered, summarised and proposed as themes.

Works from the cached vectors: spherical k-means (NumPy, seeded, so the same comments give
the same proposals), keywords from the words and word pairs most typical of each cluster,
and the verbatims closest to its centroid. Proposals are stored as themes with status
``proposed``: nothing changes until the team accepts one.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from cxlens.features.insights import repository as repo
from cxlens.features.insights.service import (
    Fresh,
    add_theme,
    ensure_themes,
    store_vectors,
    vectors_to_cache,
)
from cxlens.features.insights.text_models import TextModels
from cxlens.text import theme_key
from cxlens.text.types import Vectors

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
#: Words too common in customer comments, in our languages, to name a theme.
STOPWORDS = frozenset(
    [
        "the",
        "and",
        "but",
        "for",
        "was",
        "were",
        "are",
        "not",
        "you",
        "your",
        "our",
        "with",
        "this",
        "that",
        "have",
        "has",
        "had",
        "very",
        "too",
        "all",
        "get",
        "got",
        "its",
        "it's",
        "they",
        "them",
        "their",
        "there",
        "then",
        "than",
        "just",
        "from",
        "what",
        "when",
        "would",
        "could",
        "della",
        "delle",
        "dello",
        "degli",
        "che",
        "con",
        "per",
        "non",
        "una",
        "uno",
        "sono",
        "era",
        "molto",
        "anche",
        "come",
        "più",
        "het",
        "een",
        "van",
        "dat",
        "die",
        "niet",
        "met",
        "voor",
        "zijn",
        "maar",
        "ook",
        "wel",
        "nog",
        "bij",
        "les",
        "des",
        "une",
        "est",
        "pas",
        "que",
        "qui",
        "pour",
        "avec",
        "sur",
        "mais",
        "très",
        "été",
        "der",
        "die",
        "das",
        "und",
        "nicht",
        "ist",
        "ein",
        "eine",
        "mit",
        "für",
        "war",
        "aber",
        "sehr",
        "auch",
        "los",
        "las",
        "una",
        "que",
        "con",
        "por",
        "para",
        "pero",
        "muy",
        "está",
        "fue",
        "este",
        "sunt",
        "care",
        "din",
        "pentru",
        "foarte",
        "dar",
        "nou",
        "mai",
        "wie",
        "wat",
        "mar",
        "net",
        "dat",
        "hie",
        "mei",
        "foar",
    ]
)


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed theme: its key, keywords, size and representative verbatims."""

    key: str
    name: str
    keywords: tuple[str, ...]
    size: int
    verbatims: tuple[str, ...]
    answer_ids: tuple[int, ...]


def kmeans(
    vectors: Vectors, k: int, *, seed: int = 0, rounds: int = 30
) -> tuple[npt.NDArray[np.intp], Vectors]:
    """Spherical k-means (k-means++ start): ``(labels, unit centroids)``."""
    rng = np.random.default_rng(seed)
    n = vectors.shape[0]
    centroids = [vectors[int(rng.integers(n))]]
    for _ in range(1, k):
        sims = np.max(vectors @ np.stack(centroids).T, axis=1)
        weights = np.clip(1.0 - sims, 0.0, None) ** 2
        total = float(weights.sum())
        pick = int(rng.choice(n, p=weights / total)) if total > 0 else int(rng.integers(n))
        centroids.append(vectors[pick])
    centres = np.stack(centroids).astype(np.float32)
    labels = np.zeros(n, dtype=np.intp)
    for _ in range(rounds):
        new = np.argmax(vectors @ centres.T, axis=1).astype(np.intp)
        for j in range(k):
            members = vectors[new == j]
            if len(members):
                mean = members.sum(axis=0)
                centres[j] = mean / max(float(np.linalg.norm(mean)), 1e-12)
        if np.array_equal(new, labels):
            break
        labels = new
    return labels, centres


def keywords(texts: Sequence[str], background: Sequence[str], *, top: int = 4) -> list[str]:
    """Words and word pairs frequent in ``texts`` and rarer in ``background``."""

    def grams(text: str) -> set[str]:
        words = [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
        return set(words) | {f"{a} {b}" for a, b in itertools.pairwise(words)}

    inside = Counter(g for t in texts for g in grams(t))
    overall = Counter(g for t in background for g in grams(t))
    scored = {
        g: (count / len(texts)) * np.log((1 + len(background)) / (1 + overall[g])) + count * 1e-3
        for g, count in inside.items()
        if count >= 2
    }
    ranked = sorted(scored, key=lambda g: (-scored[g], g))
    chosen: list[str] = []
    for gram in ranked:
        if any(gram in c or c in gram for c in chosen):
            continue
        chosen.append(gram)
        if len(chosen) == top:
            break
    return chosen


@dataclass(frozen=True, slots=True)
class Clusters:
    """What discovery found, before anything is stored: the proposals (with their wanted
    keys) and the comment vectors embedded on the way, to be cached."""

    proposals: tuple[Proposal, ...]
    fresh: Fresh


def find_clusters(
    session: Session,
    models: TextModels,
    *,
    min_size: int = 5,
    max_clusters: int = 8,
    verbatims: int = 3,
) -> Clusters:
    """Cluster the comments no theme matched (the slow part: embedding and k-means).

    Only reads: run it in a read session, then :func:`store_proposals` in a short write.
    """
    comments = repo.unthemed_comments(session)
    if len(comments) < 2 * min_size:
        return Clusters((), [])
    vectors, fresh = vectors_to_cache(session, models, comments)
    k = max(1, min(max_clusters, len(comments) // min_size))
    labels, centres = kmeans(vectors, k)
    texts = [c.text for c in comments]
    proposals: list[Proposal] = []
    for j in range(k):
        members = np.flatnonzero(labels == j)
        if len(members) < min_size:
            continue
        closest = members[np.argsort(-(vectors[members] @ centres[j]))]
        words = keywords([texts[i] for i in members], texts)
        if not words:
            continue
        name = " / ".join(words[:3])
        shown = tuple(texts[i] for i in closest[:verbatims])
        ids = tuple(comments[i].answer_id for i in closest)
        proposals.append(Proposal(theme_key(name), name, tuple(words), len(members), shown, ids))
    proposals.sort(key=lambda p: -p.size)
    return Clusters(tuple(proposals), fresh)


def store_proposals(session: Session, models: TextModels, clusters: Clusters) -> list[Proposal]:
    """Replace the proposals not yet accepted by ``clusters``' (a short write).

    Each proposal gets a key no theme holds yet; returns them, largest first.
    """
    ensure_themes(session)
    for old in repo.themes(session, status="proposed"):
        session.delete(old)
    session.flush()
    store_vectors(session, models, clusters.fresh)
    stored: list[Proposal] = []
    for found in clusters.proposals:
        proposal = replace(found, key=_free_key(session, found.key))
        row = add_theme(
            session,
            proposal.name,
            "Comments mentioning " + ", ".join(proposal.keywords),
            list(proposal.verbatims),
            status="proposed",
            source="discovered",
            details={
                "keywords": list(proposal.keywords),
                "size": proposal.size,
                "answer_ids": list(proposal.answer_ids[:50]),
            },
            key=proposal.key,
        )
        assert row.key == proposal.key
        stored.append(proposal)
    return stored


def discover(
    session: Session,
    models: TextModels,
    *,
    min_size: int = 5,
    max_clusters: int = 8,
    verbatims: int = 3,
) -> list[Proposal]:
    """Cluster the comments that no theme matched; store each cluster as a proposed theme.

    Earlier proposals not yet accepted are replaced. Returns the proposals, largest first.
    :func:`find_clusters` then :func:`store_proposals` in one session; the server and the
    CLI run the first in a read session and the second in a short write.
    """
    ensure_themes(session)
    found = find_clusters(
        session, models, min_size=min_size, max_clusters=max_clusters, verbatims=verbatims
    )
    return store_proposals(session, models, found)


def _free_key(session: Session, key: str) -> str:
    candidate, n = key, 2
    while repo.theme_by_key(session, candidate) is not None:
        candidate, n = f"{key}_{n}", n + 1
    return candidate
