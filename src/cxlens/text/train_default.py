"""Regenerate the shipped sentiment head: ``python -m cxlens.text.train_default``.

Embeds the shipped training comments with the default embedder and writes
``cxlens/text/data/sentiment_head.npz``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from cxlens.text.embeddings import E5Embedder
from cxlens.text.sentiment import HEAD_FILE
from cxlens.text.training import augment, shipped_examples, train_head

#: Bump when the training data or the recipe changes.
HEAD_VERSION = "2"
L2 = 1e-4


def main() -> int:
    """Train the default head and write it next to the training data."""
    examples = augment(shipped_examples())
    started = time.perf_counter()
    vectors = E5Embedder().embed([e.text for e in examples], kind="query")
    seconds = time.perf_counter() - started
    head = train_head(vectors, [e.label for e in examples], l2=L2, version=HEAD_VERSION)
    target = Path(__file__).parent / "data" / HEAD_FILE
    target.write_bytes(head.save())
    rate = len(examples) / seconds
    print(f"{len(examples)} comments embedded in {seconds:.1f} s ({rate:.0f}/s); wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
