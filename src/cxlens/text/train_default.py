"""Regenerate the shipped sentiment head: ``python -m cxlens.text.train_default``.

Embeds the shipped training comments with the default embedder (through an on-disk cache,
``.cache/cxlens-embeddings`` under the current folder, so only new or edited lines are
embedded again; ``--no-cache`` embeds everything) and writes
``cxlens/text/data/sentiment_head.npz``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from cxlens.text.embeddings import E5Embedder
from cxlens.text.sentiment import HEAD_FILE
from cxlens.text.training import augment, shipped_examples, train_head
from cxlens.text.types import Embedder
from cxlens.text.vector_cache import DEFAULT_CACHE, VectorCache

#: Bump when the training data or the recipe changes.
HEAD_VERSION = "3"
#: L2 strength of the logistic regression (chosen by cross-validation on the shipped
#: comments, leaving one register file out at a time; see docs/text-analytics.md).
L2 = 1e-4
#: Same-polarity pairs per language and label added by :func:`augment`.
PAIRS_PER_LABEL = 25


def main(argv: Sequence[str] | None = None) -> int:
    """Train the default head and write it next to the training data."""
    parser = argparse.ArgumentParser(prog="python -m cxlens.text.train_default")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="embedding cache folder")
    parser.add_argument("--no-cache", action="store_true", help="embed every comment again")
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "data" / HEAD_FILE)
    args = parser.parse_args(argv)
    examples = augment(shipped_examples(), pairs_per_label=PAIRS_PER_LABEL)
    embedder: Embedder = E5Embedder()
    cache = None if args.no_cache else VectorCache(embedder, args.cache)
    started = time.perf_counter()
    texts = [e.text for e in examples]
    vectors = (cache or embedder).embed(texts, kind="query")
    seconds = time.perf_counter() - started
    head = train_head(vectors, [e.label for e in examples], l2=L2, version=HEAD_VERSION)
    args.output.write_bytes(head.save())
    embedded = len(examples) if cache is None else cache.misses
    print(
        f"{len(examples)} comments ({embedded} embedded, the rest cached) in {seconds:.1f} s; "
        f"wrote {args.output}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
