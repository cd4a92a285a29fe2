"""Regenerate the shipped theme head: ``python -m cxlens.text.train_themes``.

Training data, all written by the cxlens project: the default taxonomy's texts (name +
description and examples, one theme each), the theme training sentences
(``cxlens/text/data/themes/<lang>.txt``, sections ``[theme_key]`` and ``[none]`` for
comments about no theme), and recombinations of those sentences within a language (a theme
sentence joined with a no-theme one, or with another theme's: a mention inside a longer
comment). The research-only evaluation sets are never used. Writes
``cxlens/text/data/theme_head.npz``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from cxlens.core.errors import InputError, Location
from cxlens.text.taxonomy import Taxonomy, default_taxonomy
from cxlens.text.theme_head import HEAD_FILE, train_theme_head
from cxlens.text.training import TRAINING_LANGUAGES
from cxlens.text.types import Embedder

#: Bump when the training data or the recipe changes.
THEME_HEAD_VERSION = "1"
L2 = 1e-4
#: Recombined comments per theme sentence.
PAIRS_PER_SENTENCE = 2
NONE = "none"
_JOINS = (", ", ". ", " and ", "; ", "! ")


@dataclass(frozen=True)
class ThemeSentence:
    """One training comment: its themes (empty: about no theme) and its language."""

    text: str
    themes: tuple[str, ...]
    language: str


def parse_theme_sentences(text: str, language: str, source: str = "<text>") -> list[ThemeSentence]:
    """Sentences from the ``[theme_key]``-sectioned text format (one comment per line)."""
    key: str | None = None
    out: list[ThemeSentence] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            key = line[1:-1].strip()
            continue
        if key is None:
            raise InputError(
                "a comment before any section",
                Location(file=source, row=number),
                expected="a [theme_key] or [none] line first",
            )
        out.append(ThemeSentence(line, () if key == NONE else (key,), language))
    return out


def shipped_theme_sentences(
    languages: Sequence[str] = TRAINING_LANGUAGES,
) -> list[ThemeSentence]:
    """The theme training sentences that ship with cxlens."""
    root = resources.files("cxlens.text.data").joinpath("themes")
    out: list[ThemeSentence] = []
    for language in languages:
        name = f"{language}.txt"
        out.extend(parse_theme_sentences(root.joinpath(name).read_text("utf-8"), language, name))
    return out


def recombine(
    sentences: Sequence[ThemeSentence], *, per_sentence: int = PAIRS_PER_SENTENCE, seed: int = 4
) -> list[ThemeSentence]:
    """Longer comments made of two sentences of one language (seeded, deterministic).

    Each theme sentence is joined ``per_sentence`` times, half the time with a no-theme
    sentence (either order; the theme stays) and otherwise with another theme sentence
    (both themes).
    """
    rng = np.random.default_rng(seed)
    by_language: dict[str, list[ThemeSentence]] = {}
    for sentence in sentences:
        by_language.setdefault(sentence.language, []).append(sentence)
    out: list[ThemeSentence] = []
    for language in sorted(by_language):
        group = by_language[language]
        plain = [s for s in group if not s.themes]
        themed = [s for s in group if s.themes]
        for sentence in themed:
            for _ in range(per_sentence):
                join = _JOINS[int(rng.integers(len(_JOINS)))]
                if rng.random() < 0.5 and plain:
                    other = plain[int(rng.integers(len(plain)))]
                    first, second = (sentence, other) if rng.random() < 0.5 else (other, sentence)
                    themes = sentence.themes
                else:
                    other = themed[int(rng.integers(len(themed)))]
                    first, second = sentence, other
                    themes = tuple(dict.fromkeys((*sentence.themes, *other.themes)))
                out.append(ThemeSentence(f"{first.text}{join}{second.text}", themes, language))
    return out


def training_set(
    taxonomy: Taxonomy, sentences: Sequence[ThemeSentence]
) -> tuple[list[str], npt.NDArray[np.bool_]]:
    """Texts and ``(n, k)`` labels: every theme's texts, then ``sentences``.

    A sentence naming a theme the taxonomy lacks is an :class:`InputError`.
    """
    keys = list(taxonomy.keys)
    texts: list[str] = []
    rows: list[tuple[int, ...]] = []
    for index, theme in enumerate(taxonomy.themes):
        for text in theme.texts():
            texts.append(text)
            rows.append((index,))
    for sentence in sentences:
        unknown = [k for k in sentence.themes if k not in keys]
        if unknown:
            raise InputError(
                f"unknown theme {unknown[0]!r} for {sentence.text!r}",
                Location(field="theme"),
                expected="one of " + ", ".join(keys) + f" or {NONE}",
            )
        texts.append(sentence.text)
        rows.append(tuple(keys.index(k) for k in sentence.themes))
    labels = np.zeros((len(texts), len(keys)), dtype=bool)
    for i, row in enumerate(rows):
        labels[i, list(row)] = True
    return texts, labels


def train_default_head(embedder: Embedder) -> tuple[bytes, int]:
    """The shipped head's ``.npz`` bytes and how many texts it was trained on."""
    from cxlens.text.theme_head import ThemeHead

    taxonomy = default_taxonomy()
    sentences = shipped_theme_sentences()
    texts, labels = training_set(taxonomy, [*sentences, *recombine(sentences)])
    vectors = embedder.embed(texts, kind="query")
    head: ThemeHead = train_theme_head(
        vectors, labels, taxonomy.themes, l2=L2, version=THEME_HEAD_VERSION
    )
    return head.save(), len(texts)


def main() -> int:
    """Train the default theme head and write it next to the taxonomy."""
    from cxlens.text.embeddings import E5Embedder

    started = time.perf_counter()
    data, count = train_default_head(E5Embedder())
    target = Path(__file__).parent / "data" / HEAD_FILE
    target.write_bytes(data)
    seconds = time.perf_counter() - started
    print(f"{count} texts embedded and trained on in {seconds:.1f} s; wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
