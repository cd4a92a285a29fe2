"""The text machinery the insights feature runs: an embedder, a base sentiment head, and the
cache of embedded theme texts. Built once per process (worker, server, CLI command)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from cxlens.text import DefaultAnalyzer, E5Embedder, Embedder, SentimentHead, Taxonomy
from cxlens.text.sentiment import default_head


@dataclass
class TextEngine:
    """What analyses comments: ``embedder`` (e5 family) and the shipped sentiment head.

    ``theme_cache`` keeps embedded theme texts, so editing one theme embeds only its texts.
    """

    embedder: Embedder
    base_head: SentimentHead | None = None
    theme_cache: dict[str, npt.NDArray[np.float32]] = field(default_factory=dict)

    @property
    def embedding_model(self) -> str:
        """``name@version`` of the embedder: the key of the embedding cache."""
        version = getattr(self.embedder, "version", None)
        return f"{self.embedder.name}@{version}" if version else self.embedder.name

    def analyzer(self, taxonomy: Taxonomy, head: SentimentHead | None = None) -> DefaultAnalyzer:
        """The default analyzer over this engine with the company's taxonomy and head."""
        return DefaultAnalyzer(
            embedder=self.embedder,
            taxonomy=taxonomy,
            head=head or self.base_head or default_head(),
            theme_cache=self.theme_cache,
        )


def default_engine() -> TextEngine:
    """The default engine: multilingual-e5-small on the CPU (offline)."""
    return TextEngine(embedder=E5Embedder())
