"""Readers of the third-party evaluation sets: UMSAB (tweets) and SemEval-2016 restaurants.

Evaluation only: nothing read here is ever used to train a model that cxlens ships.
Malformed files raise :class:`~cxlens.core.errors.InputError` naming the file and the row.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from cxlens.core.errors import InputError, Location
from cxlens.text.types import SENTIMENTS, Sentiment

#: UMSAB's language folders, by ISO 639-1 code.
UMSAB_LANGUAGES: dict[str, str] = {
    "en": "english",
    "fr": "french",
    "de": "german",
    "it": "italian",
    "es": "spanish",
}

#: SemEval-2016 restaurant files, by ISO 639-1 code.
SEMEVAL_FILES: dict[str, str] = {"nl": "restaurants_dutch.xml", "en": "restaurants_english.xml"}


@dataclass(frozen=True, slots=True)
class LabelledText:
    """A text and its gold sentiment."""

    text: str
    label: Sentiment


@dataclass(frozen=True, slots=True)
class Opinion:
    """One gold aspect of a SemEval sentence: ``ENTITY#ATTRIBUTE`` and its polarity."""

    category: str
    polarity: str  # negative, neutral, positive or conflict

    @property
    def entity(self) -> str:
        """The entity part of the category (``FOOD`` in ``FOOD#QUALITY``)."""
        return self.category.split("#", 1)[0]

    @property
    def attribute(self) -> str:
        """The attribute part of the category (``QUALITY`` in ``FOOD#QUALITY``)."""
        return self.category.split("#", 1)[1] if "#" in self.category else ""


@dataclass(frozen=True, slots=True)
class Sentence:
    """A SemEval sentence with its gold opinions (possibly none)."""

    id: str
    text: str
    opinions: tuple[Opinion, ...]


def umsab_paths(root: Path, language: str) -> tuple[Path, Path]:
    """The text and label files of UMSAB's test set for ``language`` under ``root``."""
    folder = root / "umsab" / UMSAB_LANGUAGES.get(language, language)
    return folder / "test_text.txt", folder / "test_labels.txt"


def read_umsab(text_file: Path, label_file: Path) -> list[LabelledText]:
    """Read one UMSAB test set: one text per line, one label (0/1/2) per line."""
    texts = text_file.read_text(encoding="utf-8").splitlines()
    labels = label_file.read_text(encoding="utf-8").splitlines()
    if len(texts) != len(labels):
        raise InputError(
            f"{len(texts)} texts but {len(labels)} labels",
            Location(file=str(label_file)),
            expected="one label per line of " + text_file.name,
        )
    out: list[LabelledText] = []
    for row, (text, raw) in enumerate(zip(texts, labels, strict=True), start=1):
        value = raw.strip()
        if value not in ("0", "1", "2"):
            raise InputError(
                f"label {value!r}",
                Location(file=str(label_file), row=row),
                expected="0 (negative), 1 (neutral) or 2 (positive)",
            )
        out.append(LabelledText(text=text, label=SENTIMENTS[int(value)]))
    return out


def read_semeval(path: Path) -> list[Sentence]:
    """Read a SemEval-2016 ABSA file; sentences marked ``OutOfScope`` are left out."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise InputError(
            f"not well-formed XML: {exc}",
            Location(file=str(path), row=exc.position[0]),
            expected="a SemEval-2016 <Reviews> file",
        ) from exc
    out: list[Sentence] = []
    for node in root.iter("sentence"):
        if node.get("OutOfScope", "").upper() == "TRUE":
            continue
        text = node.findtext("text")
        if text is None:
            raise InputError(
                "sentence without <text>",
                Location(file=str(path), field=node.get("id")),
                expected="<text>…</text> in every <sentence>",
            )
        opinions = tuple(
            Opinion(category=op.get("category", ""), polarity=op.get("polarity", ""))
            for op in node.iter("Opinion")
        )
        out.append(Sentence(id=node.get("id", ""), text=text, opinions=opinions))
    return out
