"""Answer scales exported as labels ("Very satisfied" … "Very dissatisfied"), as whole sets.

A column's labels are matched against each known scale *as a set*: every label must belong
to one scale, which then gives each label its score (1 = the first label) and the scale its
size and direction. So "Slightly satisfied" is 5 on the 7-point scale and never mixed with a
5-point one. Scales are written in en/it/fr/de/es/nl/ro, compared without accents or case.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class LabelScale:
    """An ordered label set: ``labels[0]`` scores 1; ``higher_is_better`` its direction."""

    name: str
    labels: tuple[str, ...]
    higher_is_better: bool = True

    @property
    def points(self) -> int:
        """Number of labels (the scale runs from 1 to ``points``)."""
        return len(self.labels)

    def score(self, key: str) -> float:
        """The score of a label key (see :func:`label_key`)."""
        return float(self.labels.index(key) + 1)


def label_key(text: str) -> str:
    """Lower case, no accents, one space between words, no trailing period."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return re.sub(r"\s+", " ", plain).strip().rstrip(".").strip()


def _scale(name: str, spec: str, higher_is_better: bool = True) -> LabelScale:
    return LabelScale(name, tuple(label_key(x) for x in spec.split("|")), higher_is_better)


_SATISFACTION = (
    # en: generic, SurveyMonkey ("Somewhat"), Qualtrics ("Extremely", 5 and 7 points)
    "very dissatisfied|dissatisfied|neutral|satisfied|very satisfied",
    "very dissatisfied|dissatisfied|neither satisfied nor dissatisfied|satisfied|very satisfied",
    "very unsatisfied|unsatisfied|neither satisfied nor dissatisfied|satisfied|very satisfied",
    "very dissatisfied|somewhat dissatisfied|neither satisfied nor dissatisfied"
    "|somewhat satisfied|very satisfied",
    "extremely dissatisfied|somewhat dissatisfied|neither satisfied nor dissatisfied"
    "|somewhat satisfied|extremely satisfied",
    "very dissatisfied|dissatisfied|somewhat dissatisfied|neither satisfied nor dissatisfied"
    "|somewhat satisfied|satisfied|very satisfied",
    "extremely dissatisfied|moderately dissatisfied|slightly dissatisfied"
    "|neither satisfied nor dissatisfied|slightly satisfied|moderately satisfied"
    "|extremely satisfied",
    # it
    "molto insoddisfatto|insoddisfatto|né soddisfatto né insoddisfatto|soddisfatto"
    "|molto soddisfatto",
    "molto insoddisfatto|insoddisfatto|neutrale|soddisfatto|molto soddisfatto",
    "molto insoddisfatto|abbastanza insoddisfatto|né soddisfatto né insoddisfatto"
    "|abbastanza soddisfatto|molto soddisfatto",
    # fr
    "très insatisfait|insatisfait|ni satisfait ni insatisfait|satisfait|très satisfait",
    "très insatisfait|insatisfait|neutre|satisfait|très satisfait",
    "très insatisfait|plutôt insatisfait|ni satisfait ni insatisfait|plutôt satisfait"
    "|très satisfait",
    # de
    "sehr unzufrieden|unzufrieden|weder zufrieden noch unzufrieden|zufrieden|sehr zufrieden",
    "sehr unzufrieden|unzufrieden|neutral|zufrieden|sehr zufrieden",
    "sehr unzufrieden|eher unzufrieden|weder zufrieden noch unzufrieden|eher zufrieden"
    "|sehr zufrieden",
    # es
    "muy insatisfecho|insatisfecho|ni satisfecho ni insatisfecho|satisfecho|muy satisfecho",
    "muy insatisfecho|insatisfecho|neutral|satisfecho|muy satisfecho",
    "muy insatisfecho|algo insatisfecho|ni satisfecho ni insatisfecho|algo satisfecho"
    "|muy satisfecho",
    # nl
    "zeer ontevreden|ontevreden|neutraal|tevreden|zeer tevreden",
    "zeer ontevreden|ontevreden|niet tevreden, niet ontevreden|tevreden|zeer tevreden",
    "zeer ontevreden|ontevreden|niet tevreden en niet ontevreden|tevreden|zeer tevreden",
    # ro
    "foarte nemulțumit|nemulțumit|neutru|mulțumit|foarte mulțumit",
    "foarte nemulțumit|nemulțumit|nici mulțumit, nici nemulțumit|mulțumit|foarte mulțumit",
)
_EASE = (
    "very difficult|difficult|neutral|easy|very easy",
    "very difficult|difficult|neither easy nor difficult|easy|very easy",
    "very difficult|somewhat difficult|neither easy nor difficult|somewhat easy|very easy",
    "extremely difficult|somewhat difficult|neither easy nor difficult|somewhat easy"
    "|extremely easy",
    "very difficult|difficult|somewhat difficult|neither easy nor difficult|somewhat easy"
    "|easy|very easy",
    "extremely difficult|moderately difficult|slightly difficult|neither easy nor difficult"
    "|slightly easy|moderately easy|extremely easy",
    "molto difficile|difficile|né facile né difficile|facile|molto facile",
    "molto difficile|abbastanza difficile|né facile né difficile|abbastanza facile|molto facile",
    "très difficile|difficile|ni facile ni difficile|facile|très facile",
    "très difficile|plutôt difficile|ni facile ni difficile|plutôt facile|très facile",
    "sehr schwierig|schwierig|weder einfach noch schwierig|einfach|sehr einfach",
    "sehr schwierig|eher schwierig|weder einfach noch schwierig|eher einfach|sehr einfach",
    "sehr schwer|schwer|weder leicht noch schwer|leicht|sehr leicht",
    "muy difícil|difícil|ni fácil ni difícil|fácil|muy fácil",
    "muy difícil|algo difícil|ni fácil ni difícil|algo fácil|muy fácil",
    "zeer moeilijk|moeilijk|neutraal|makkelijk|zeer makkelijk",
    "zeer moeilijk|moeilijk|neutraal|gemakkelijk|zeer gemakkelijk",
    "foarte dificil|dificil|neutru|ușor|foarte ușor",
    "foarte dificil|dificil|nici ușor, nici dificil|ușor|foarte ușor",
)
_EFFORT = (
    "very low effort|low effort|neutral|high effort|very high effort",
    "very low effort|low effort|moderate effort|high effort|very high effort",
)
_AGREEMENT = (
    "strongly disagree|disagree|neither agree nor disagree|agree|strongly agree",
    "strongly disagree|disagree|somewhat disagree|neither agree nor disagree|somewhat agree"
    "|agree|strongly agree",
    "fortemente in disaccordo|in disaccordo|né d'accordo né in disaccordo|d'accordo"
    "|fortemente d'accordo",
    "pas du tout d'accord|pas d'accord|ni d'accord ni pas d'accord|d'accord|tout à fait d'accord",
    "stimme überhaupt nicht zu|stimme nicht zu|weder noch|stimme zu|stimme voll und ganz zu",
    "totalmente en desacuerdo|en desacuerdo|ni de acuerdo ni en desacuerdo|de acuerdo"
    "|totalmente de acuerdo",
    "helemaal mee oneens|mee oneens|neutraal|mee eens|helemaal mee eens",
    "dezacord total|dezacord|nici acord, nici dezacord|acord|acord total",
)

#: Every known label scale; on a tie the smaller scale, then the first listed, wins.
LABEL_SCALES: tuple[LabelScale, ...] = (
    *(_scale("satisfaction", s) for s in _SATISFACTION),
    *(_scale("ease", s) for s in _EASE),
    *(_scale("effort", s, higher_is_better=False) for s in _EFFORT),
    *(_scale("agreement", s) for s in _AGREEMENT),
)


def match_label_scale(labels: Iterable[str]) -> LabelScale | None:
    """The smallest known scale that holds every one of ``labels`` (``None`` if none does)."""
    keys = {label_key(text) for text in labels}
    if not keys:
        return None
    fits = [s for s in LABEL_SCALES if keys <= set(s.labels)]
    return min(fits, key=lambda s: s.points) if fits else None
