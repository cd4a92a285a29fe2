"""The tokenizer pool (its results are checked through the embedder: test_embedder.py)."""

from __future__ import annotations

import pytest

from cxlens.text.gpu.workers import TokenizerPool


def test_at_least_one_worker() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        TokenizerPool(0)
