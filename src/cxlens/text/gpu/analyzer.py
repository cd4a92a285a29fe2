"""The GPU analyzer: the default analyzer's pipeline over the torch e5 embedder.

Language, sentiment head, themes and aspect sentiment are the default analyzer's; only the
embedder differs, and its vectors are interchangeable, so results match the default's and
are stamped ``cxlens-e5-torch@1.0+head.N`` to tell the backend.
"""

from __future__ import annotations

from typing import Any

from cxlens.text.analyzer import ANALYZER_VERSION, DefaultAnalyzer
from cxlens.text.gpu.embedder import DEFAULT_BATCH, TorchE5Embedder
from cxlens.text.taxonomy import Taxonomy
from cxlens.text.types import Embedder

NAME = "cxlens-e5-torch"


class GpuAnalyzer(DefaultAnalyzer):
    """The default analyzer with multilingual-e5-small on torch (CUDA, float16).

    ``embedder`` defaults to ``TorchE5Embedder()`` (CUDA; raises
    :class:`~cxlens.text.types.BackendUnavailable` without torch or a GPU); ``options`` are
    :class:`DefaultAnalyzer`'s keyword arguments (taxonomy, heads, theme cache).
    """

    name = NAME
    version = ANALYZER_VERSION

    def __init__(self, *, embedder: Embedder | None = None, **options: Any) -> None:
        super().__init__(embedder=embedder or TorchE5Embedder(), **options)
        self._options = options

    def with_taxonomy(self, taxonomy: Taxonomy) -> GpuAnalyzer:
        """The same analyzer with another taxonomy; theme texts already embedded are reused."""
        options = {**self._options, "taxonomy": taxonomy, "head": self.head}
        options["theme_cache"] = self._theme_cache
        return GpuAnalyzer(embedder=self.embedder, **options)


def gpu_analyzer(
    *, device: str = "cuda", batch_size: int = DEFAULT_BATCH, taxonomy: Taxonomy | None = None
) -> GpuAnalyzer:
    """The GPU analyzer; :class:`~cxlens.text.types.BackendUnavailable` if it cannot run."""
    return GpuAnalyzer(
        embedder=TorchE5Embedder(device=device, batch_size=batch_size), taxonomy=taxonomy
    )
