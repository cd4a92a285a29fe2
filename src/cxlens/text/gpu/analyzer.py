"""The GPU analyzer: the default analyzer's pipeline over the torch e5 embedder.

Language, sentiment head, themes and aspect sentiment are the default analyzer's; only the
embedder differs, and its vectors are interchangeable, so results match the default's and
are stamped ``cxlens-e5-torch@1.0+head.N`` to tell the backend.
"""

from __future__ import annotations

from collections.abc import MutableMapping

import numpy as np
import numpy.typing as npt

from cxlens.text.analyzer import ANALYZER_VERSION, DefaultAnalyzer
from cxlens.text.gpu.embedder import DEFAULT_BATCH, TorchE5Embedder
from cxlens.text.sentiment import SentimentHead
from cxlens.text.taxonomy import Taxonomy
from cxlens.text.types import Embedder

NAME = "cxlens-e5-torch"


class GpuAnalyzer(DefaultAnalyzer):
    """The default analyzer with multilingual-e5-small on torch (CUDA, float16).

    ``embedder`` defaults to ``TorchE5Embedder()`` (CUDA; raises
    :class:`~cxlens.text.types.BackendUnavailable` without torch or a GPU).
    """

    name = NAME
    version = ANALYZER_VERSION

    def __init__(
        self,
        *,
        embedder: Embedder | None = None,
        taxonomy: Taxonomy | None = None,
        head: SentimentHead | None = None,
        theme_cache: MutableMapping[str, npt.NDArray[np.float32]] | None = None,
    ) -> None:
        gpu = embedder or TorchE5Embedder()
        super().__init__(
            embedder=gpu,
            taxonomy=taxonomy,
            head=head,
            theme_cache=theme_cache,
        )
        self.gpu_embedder = gpu

    def with_taxonomy(self, taxonomy: Taxonomy) -> GpuAnalyzer:
        """The same analyzer with another taxonomy; theme texts already embedded are reused."""
        return GpuAnalyzer(
            embedder=self.gpu_embedder,
            taxonomy=taxonomy,
            head=self.head,
            theme_cache=self._theme_cache,
        )


def gpu_analyzer(
    *, device: str = "cuda", batch_size: int = DEFAULT_BATCH, taxonomy: Taxonomy | None = None
) -> GpuAnalyzer:
    """The GPU analyzer; :class:`~cxlens.text.types.BackendUnavailable` if it cannot run."""
    return GpuAnalyzer(
        embedder=TorchE5Embedder(device=device, batch_size=batch_size), taxonomy=taxonomy
    )
