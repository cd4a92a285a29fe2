"""The text machinery the insights feature runs: an embedder, a base sentiment head, and the
cache of embedded theme texts. Built once per process (worker, server, CLI command)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from cxlens.text import DefaultAnalyzer, Embedder, SentimentHead, Taxonomy
from cxlens.text.backends import embedder_for
from cxlens.text.sentiment import default_head


@dataclass
class TextModels:
    """What analyses comments: ``embedder`` (e5 family) and the shipped sentiment head.

    ``theme_cache`` keeps embedded theme texts, so editing one theme embeds only its texts.
    """

    embedder: Embedder
    base_head: SentimentHead | None = None
    theme_cache: dict[str, npt.NDArray[np.float32]] = field(default_factory=dict)
    #: The embedding-cache key when it is not the embedder's own ``name@version``: a backend
    #: that computes the same model's vectors (the GPU one) shares the default's cache.
    cache_key: str | None = None

    @property
    def embedding_model(self) -> str:
        """``name@version`` of the embedder: the key of the embedding cache."""
        if self.cache_key is not None:
            return self.cache_key
        version = getattr(self.embedder, "version", None)
        return f"{self.embedder.name}@{version}" if version else self.embedder.name

    def analyzer(self, taxonomy: Taxonomy, head: SentimentHead | None = None) -> DefaultAnalyzer:
        """The default analyzer over these models with the company's taxonomy and head."""
        return DefaultAnalyzer(
            embedder=self.embedder,
            taxonomy=taxonomy,
            head=head or self.base_head or default_head(),
            theme_cache=self.theme_cache,
        )


def load_text_models(backend: str = "default") -> TextModels:
    """The text models: multilingual-e5-small on the CPU (``default``, offline) or on a CUDA GPU.

    ``gpu`` runs the same model on torch (``cxlens.text.gpu``): its vectors are the
    default's (cosine ≥ 0.999), so it shares the default's embedding cache and its results
    carry the default's model stamp — a GPU backfill is not redone by the CPU worker. It
    raises :class:`~cxlens.text.BackendUnavailable` without torch or a GPU, never falling
    back to the CPU. The backend is chosen by :func:`cxlens.text.backends.embedder_for`.
    """
    embedder, cache_key = embedder_for(backend)
    return TextModels(embedder=embedder, cache_key=cache_key)
