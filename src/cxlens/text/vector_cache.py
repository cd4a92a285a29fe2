"""An on-disk cache of embeddings for training iterations (never shipped).

``python -m cxlens.text.train_default`` embeds a few thousand training comments; with this
cache only new or edited lines are embedded again. Vectors are keyed by the SHA-256 of the
text, per embedder name and embedding kind, and stored as one ``.npz`` per (embedder, kind)
in a folder that carries its own ``.gitignore`` (``*``), so nothing in it is committed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from cxlens.text.types import Embedder, EmbeddingKind, Vectors

#: The cache folder used by ``train_default`` unless told otherwise (relative to the cwd).
DEFAULT_CACHE = Path(".cache") / "cxlens-embeddings"


def text_key(text: str) -> str:
    """The cache key of one text (hex SHA-256 of its UTF-8 bytes)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class VectorCache:
    """Embeds through ``embedder``, reusing vectors already stored under ``folder``."""

    def __init__(self, embedder: Embedder, folder: Path = DEFAULT_CACHE) -> None:
        self.embedder = embedder
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def _file(self, kind: EmbeddingKind) -> Path:
        version = getattr(self.embedder, "version", "")
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{self.embedder.name}-{version}-{kind}")
        return self.folder / f"{name}.npz"

    def _read(self, kind: EmbeddingKind) -> dict[str, np.ndarray]:
        path = self._file(kind)
        if not path.is_file():
            return {}
        with np.load(path) as npz:
            keys = [str(k) for k in npz["keys"]]
            vectors = npz["vectors"].astype(np.float32)
        return dict(zip(keys, vectors, strict=True))

    def _write(self, kind: EmbeddingKind, table: dict[str, np.ndarray]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
        keys = sorted(table)
        vectors = np.stack([table[k] for k in keys]) if keys else np.empty((0, self.embedder.dim))
        tmp = self._file(kind).with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(keys), vectors=vectors.astype(np.float32))
        tmp.replace(self._file(kind))

    def embed(self, texts: Sequence[str], *, kind: EmbeddingKind) -> Vectors:
        """Vectors of ``texts`` (float32, ``(n, dim)``), embedding only the uncached ones."""
        if not texts:
            return np.empty((0, self.embedder.dim), dtype=np.float32)
        table = self._read(kind)
        keys = [text_key(t) for t in texts]
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in table:
                missing.setdefault(key, text)
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        if missing:
            fresh = self.embedder.embed(list(missing.values()), kind=kind)
            table.update(zip(missing, fresh, strict=True))
            self._write(kind, table)
        out: Vectors = np.stack([table[k] for k in keys]).astype(np.float32)
        return out
