"""The shape of a language's phrase bank for demo comments."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: Topics a comment can be about: the touchpoints, plus the planted late-delivery problem.
TOPICS = (
    "website",
    "checkout",
    "onboarding",
    "usage",
    "support",
    "shipping_returns",
    "renewal",
)


@dataclass(frozen=True, slots=True)
class Bank:
    """Fragments in one language, combined into comments by :mod:`cxlens.demo.comments`.

    ``topics`` maps a touchpoint key to its positive (``pos``) and negative (``neg``)
    fragments; ``late`` holds complaints about late deliveries (the planted problem);
    ``generic`` holds ``pos``/``neu``/``neg`` fragments about the company as a whole.
    ``but`` joins a positive and a negative fragment in a mixed comment.
    """

    language: str
    topics: Mapping[str, Mapping[str, tuple[str, ...]]]
    late: tuple[str, ...]
    generic: Mapping[str, tuple[str, ...]]
    openers: tuple[str, ...]
    closers_pos: tuple[str, ...]
    closers_neg: tuple[str, ...]
    but: str
