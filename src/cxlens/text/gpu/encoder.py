"""The e5-small encoder (an XLM-RoBERTa/BERT stack) in plain torch modules.

Embeddings (word + position + type, layer norm), then 12 post-norm layers of multi-head
self-attention and a GELU feed-forward block, then mean pooling over the real tokens.
Padding is masked in attention and pooling, so a text's vector does not depend on the
batch it is in. Weights come from :mod:`cxlens.text.gpu.checkpoint`.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cxlens.text.gpu.checkpoint import BLOCK, Checkpoint, Config, q4_blocks


class QuantizedEmbedding(nn.Module):
    """The word table kept in its 4-bit blocks; only the rows looked up are expanded.

    250k rows × 384 would be 192 MB in float16 and slow to expand at load; the packed
    table is 54 MB and a batch's rows expand on the device in microseconds.
    """

    def __init__(self, scales: Tensor, nibbles: Tensor) -> None:
        super().__init__()
        self.scales: Tensor
        self.nibbles: Tensor
        self.register_buffer("scales", scales)
        self.register_buffer("nibbles", nibbles)

    def forward(self, ids: Tensor, dtype: torch.dtype) -> Tensor:
        """``(batch, length)`` ids → ``(batch, length, hidden)`` vectors in ``dtype``."""
        packed = self.nibbles[ids]
        values = torch.stack([packed & 0x0F, packed >> 4], dim=-2).to(dtype) - 8.0
        vectors = values.flatten(-2) * self.scales[ids][..., None]
        return vectors.flatten(-2)


class Attention(nn.Module):
    """Multi-head self-attention over padded sequences (query, key, value in one matmul)."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.heads = config.heads
        self.qkv = nn.Linear(config.hidden, 3 * config.hidden)
        self.out = nn.Linear(config.hidden, config.hidden)

    def forward(self, x: Tensor, keep: Tensor) -> Tensor:
        """``x`` ``(batch, length, hidden)``; ``keep`` ``(batch, 1, 1, length)``, True = token."""
        batch, length, hidden = x.shape
        qkv = self.qkv(x).view(batch, length, 3, self.heads, hidden // self.heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)
        context = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
        out: Tensor = self.out(context.transpose(1, 2).reshape(batch, length, hidden))
        return out


class FeedForward(nn.Module):
    """Linear → GELU (erf) → linear."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.up = nn.Linear(config.hidden, config.ffn)
        self.down = nn.Linear(config.ffn, config.hidden)

    def forward(self, x: Tensor) -> Tensor:
        """``(..., hidden)`` → ``(..., hidden)``."""
        out: Tensor = self.down(F.gelu(self.up(x)))
        return out


class Layer(nn.Module):
    """One post-norm transformer layer: ``x = LN(x + attn(x))``; ``x = LN(x + ffn(x))``."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.attention = Attention(config)
        self.attention_norm = nn.LayerNorm(config.hidden, eps=config.eps)
        self.ffn = FeedForward(config)
        self.ffn_norm = nn.LayerNorm(config.hidden, eps=config.eps)

    def forward(self, x: Tensor, keep: Tensor) -> Tensor:
        """Apply the layer to ``(batch, length, hidden)``."""
        x = self.attention_norm(x + self.attention(x, keep))
        out: Tensor = self.ffn_norm(x + self.ffn(x))
        return out


class Encoder(nn.Module):
    """multilingual-e5-small: token ids → mean-pooled (not yet normalised) vectors."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.config = config
        blocks = config.hidden // BLOCK
        self.word = QuantizedEmbedding(
            torch.zeros(config.vocab, blocks, dtype=torch.float16),
            torch.zeros(config.vocab, blocks, BLOCK // 2, dtype=torch.uint8),
        )
        self.position = nn.Embedding(config.max_positions, config.hidden)
        self.token_type = nn.Parameter(torch.zeros(config.hidden))
        self.norm = nn.LayerNorm(config.hidden, eps=config.eps)
        self.layers = nn.ModuleList(Layer(config) for _ in range(config.layers))

    def forward(self, ids: Tensor, lengths: Tensor) -> Tensor:
        """``ids`` ``(batch, length)`` padded on the right; ``lengths`` ``(batch,)``.

        Returns float32 ``(batch, hidden)``: the mean of each sequence's final hidden
        states over its ``lengths[i]`` tokens (specials included, padding excluded).
        """
        length = ids.shape[1]
        positions = torch.arange(length, device=ids.device)
        mask = positions[None, :] < lengths[:, None]
        words = self.word(ids, self.norm.weight.dtype)
        x = self.norm(words + self.position(positions)[None] + self.token_type)
        keep = mask[:, None, None, :]
        for layer in self.layers:
            x = layer(x, keep)
        summed = (x.float() * mask[..., None]).sum(dim=1)
        pooled: Tensor = summed / lengths[:, None].to(summed.dtype)
        return pooled


def build_encoder(checkpoint: Checkpoint, *, dtype: torch.dtype, device: str) -> Encoder:
    """The encoder with the checkpoint's weights, dequantised to ``dtype`` on ``device``."""
    config = checkpoint.config
    t = checkpoint.tensors
    host = np.float16 if dtype == torch.float16 else np.float32
    h, ff = config.hidden, config.ffn

    def param(name: str, rows: int) -> Tensor:
        return torch.from_numpy(t[name].array(rows, host))

    scales, nibbles = q4_blocks(t["emb.word"].data, config.vocab, h)
    state: dict[str, Tensor] = {
        "word.scales": torch.from_numpy(scales),
        "word.nibbles": torch.from_numpy(nibbles),
        "position.weight": param("emb.pos", config.max_positions),
        "token_type": param("emb.type", 2)[0],
        "norm.weight": param("emb.ln.w", 1)[0],
        "norm.bias": param("emb.ln.b", 1)[0],
    }
    for i in range(config.layers):
        mine, theirs = f"layers.{i}.", f"l{i}."
        state[mine + "attention.qkv.weight"] = torch.cat(
            [param(theirs + part + ".w", h) for part in ("q", "k", "v")]
        )
        state[mine + "attention.qkv.bias"] = torch.cat(
            [param(theirs + part + ".b", 1)[0] for part in ("q", "k", "v")]
        )
        for ours, name, rows in (
            ("attention.out", "ao", h),
            ("attention_norm", "aln", 0),
            ("ffn.up", "fi", ff),
            ("ffn.down", "fo", h),
            ("ffn_norm", "oln", 0),
        ):
            state[f"{mine}{ours}.bias"] = param(f"{theirs}{name}.b", 1)[0]
            state[f"{mine}{ours}.weight"] = (
                param(f"{theirs}{name}.w", rows) if rows else param(f"{theirs}{name}.w", 1)[0]
            )
    with torch.device("meta"):
        encoder = Encoder(config)
    encoder.load_state_dict(state, assign=True)
    # floating tensors only: the packed nibbles stay uint8
    return encoder.to(device=device, dtype=dtype).eval()
