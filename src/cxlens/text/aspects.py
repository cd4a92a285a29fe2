"""Aspect sentiment: a comment's theme hits, each with the sentiment of its clauses.

Shared by every backend (default, fast, GPU), so a theme mention gets the same treatment
whichever model scored it: the comment's themes are its best scores (a theme named in one
clause only still counts), and each hit takes the mean sentiment of the clauses that
mention it, or the comment's when it has one clause.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from cxlens.text.sentiment import label_and_score
from cxlens.text.themes import HIT
from cxlens.text.types import ThemeHit

#: At most this many themes per comment.
MAX_THEMES = 4
#: A clause is attributed to a theme when it scores at least this (lower than a hit: the
#: comment as a whole already matched the theme).
CLAUSE_HIT = 0.3
#: Clauses within this much of a theme's best clause share the mention.
CLAUSE_MARGIN = 0.25


def aspect_hits(
    scores: npt.NDArray[np.float32],
    comment_probs: npt.NDArray[np.float32],
    clause_rows: npt.NDArray[np.intp],
    clause_scores: npt.NDArray[np.float32],
    clause_probs: npt.NDArray[np.float32],
    names: Sequence[str],
) -> tuple[ThemeHit, ...]:
    """The theme hits of one comment, best first, each with its clauses' sentiment.

    ``scores`` (themes,) and ``comment_probs`` (3,) are the comment's; ``clause_rows`` are
    its rows in ``clause_scores`` (clauses, themes) and ``clause_probs`` (clauses, 3), empty
    for a one-clause comment; ``names`` are the themes' names in score order.
    """
    if len(clause_rows):
        scores = np.maximum(scores, clause_scores[clause_rows].max(axis=0))
    order = [j for j in np.argsort(-scores)[:MAX_THEMES] if scores[j] >= HIT]
    hits: list[ThemeHit] = []
    for j in order:
        probs = comment_probs
        if len(clause_rows):
            per_clause = clause_scores[clause_rows, j]
            best = int(np.argmax(per_clause))
            chosen = clause_rows[per_clause >= max(CLAUSE_HIT, per_clause[best] - CLAUSE_MARGIN)]
            if len(chosen) == 0:
                chosen = clause_rows[[best]]
            probs = clause_probs[chosen].mean(axis=0)
        label, value = label_and_score(probs)
        hits.append(ThemeHit(names[j], float(scores[j]), label, value))
    return tuple(hits)
