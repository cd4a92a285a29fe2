"""A small rule-based teacher with the fast path's Teacher signature (real, not a mock)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cxlens.text.fast.train import Targets

THEMES = ("shipping & delivery", "staff attitude")
_NEG = ("late", "rude", "tardi", "scortes", "laat")
_POS = ("lovely", "great", "gentil", "perfett", "snel")


def keyword_teacher(texts: Sequence[str]) -> Targets:
    """Negative/positive by keywords; delivery and staff themes by keywords."""
    sentiment = np.full((len(texts), 3), 0.1, dtype=np.float32)
    themes = np.full((len(texts), 2), 0.05, dtype=np.float32)
    for i, text in enumerate(texts):
        low = text.lower()
        neg = any(w in low for w in _NEG)
        pos = any(w in low for w in _POS)
        sentiment[i, 0 if neg and not pos else 2 if pos and not neg else 1] = 0.8
        if any(w in low for w in ("delivery", "consegna", "parcel", "levering", "livraison")):
            themes[i, 0] = 0.9
        if any(w in low for w in ("staff", "personale", "personeel", "vendeur")):
            themes[i, 1] = 0.9
    return Targets(sentiment, themes, THEMES, "keywords@1")


CORPUS = [
    f"{subject} {verb}{end}"
    for subject in (
        "the delivery was",
        "my parcel was",
        "la consegna era",
        "de levering was",
        "the staff were",
        "il personale era",
        "het personeel was",
        "le vendeur était",
        "the shop was",
    )
    for verb in ("late", "rude", "lovely", "great", "ok", "tardi", "perfetta", "snel", "laat")
    for end in ("", "!", " :(", ".")
]
