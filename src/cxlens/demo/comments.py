"""Comments the way customers write them: short, lowercase, typos, emojis, mixed feelings.

A comment is combined from fragments of the language's phrase bank (an opener, a fragment
about the touchpoint, perhaps a second fragment or a "but", a closer) and then roughened:
capitalisation, punctuation, an emoji, a typo, sometimes SHOUTING.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from cxlens.demo.phrases import BANKS, TOPICS, Bank

#: Topic code of a complaint about a late delivery (the planted problem).
LATE = len(TOPICS)
NEGATIVE, NEUTRAL, POSITIVE = 0, 1, 2

_EMOJI = (
    ("😡", "😤", "👎", "🙄", "😞", "🤬"),
    ("🤷", "😐", "🙂"),
    ("😊", "👍", "❤️", "🙏", "😍", "👌"),
)
_ENDINGS = (("", ".", "!", "!!", "!!!", " :("), ("", ".", "", " ..."), ("", ".", "!", "!!", " :)"))
_JOINS = (", ", ". ", " ", " - ", ", ")
_DRAWS = 14


def _pick(options: Sequence[str], u: float) -> str:
    return options[int(u * len(options))]


def _typo(text: str, u: float, v: float) -> str:
    """One keyboard slip: two letters swapped, a letter dropped or doubled."""
    if len(text) < 4:
        return text
    i = 1 + int(u * (len(text) - 2))
    if not (text[i].isalpha() and text[i - 1].isalpha()):
        return text
    if v < 0.4:
        return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]
    if v < 0.7:
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i] + text[i:]


def _body(bank: Bank, topic: int, sentiment: int, u: npt.NDArray[np.float64]) -> str:
    """The words of one comment, before roughening."""
    if topic == LATE:
        main = _pick(bank.late, u[0])
        if sentiment == POSITIVE:
            return f"{main} {bank.but} {_pick(bank.generic['pos'], u[1])}"
        if u[2] < 0.4:
            return main + _pick(_JOINS, u[3]) + _pick(bank.generic["neg"], u[1])
        return main
    frags = bank.topics[TOPICS[topic]]
    if u[4] < 0.08:  # just a couple of words
        return _pick(bank.generic[("neg", "neu", "pos")[sentiment]], u[0])
    if sentiment == NEUTRAL:
        if u[2] < 0.55:
            return f"{_pick(frags['pos'], u[0])}{_pick(_JOINS, u[3])[:1]} {bank.but} " + _pick(
                frags["neg"], u[1]
            )
        return _pick(bank.generic["neu"], u[0]) + (
            f", {bank.but} {_pick(frags['neg'], u[1])}" if u[3] < 0.5 else ""
        )
    polarity = "pos" if sentiment == POSITIVE else "neg"
    text = _pick(frags[polarity], u[0])
    if u[2] < 0.4:
        text += _pick(_JOINS, u[3]) + _pick(bank.generic[polarity], u[1])
    elif u[2] > 0.9:  # a positive with a small gripe, or a complaint with one good thing
        other = "neg" if polarity == "pos" else "pos"
        text += f", {bank.but} {_pick(frags[other], u[1])}"
    return text


def _comment(bank: Bank, topic: int, sentiment: int, u: npt.NDArray[np.float64]) -> str:
    text = _body(bank, topic, sentiment, u)
    opener = _pick(bank.openers, u[5])
    if opener:
        text = f"{opener} {text}"
    closers = bank.closers_pos if sentiment == POSITIVE else bank.closers_neg
    if sentiment != NEUTRAL and u[6] < 0.35:
        closer = _pick(closers, u[7])
        if closer:
            text += _pick((". ", " ", "! ", ", "), u[8]) + closer
    text += _pick(_ENDINGS[sentiment], u[9])
    if u[10] < 0.45:
        text = text[:1].upper() + text[1:]
    if u[11] < 0.12:
        text = _typo(text, u[12], u[13])
    if u[12] < 0.11:
        text += " " + _pick(_EMOJI[sentiment], u[13])
    if sentiment == NEGATIVE and u[13] < 0.03:
        text = text.upper()
    return text


def write_comments(
    rng: np.random.Generator,
    languages: Sequence[str],
    topics: npt.NDArray[np.integer],
    sentiments: npt.NDArray[np.integer],
) -> list[str]:
    """One comment per row, in ``languages[i]`` about ``topics[i]`` with ``sentiments[i]``.

    ``topics`` are indices into :data:`cxlens.demo.phrases.TOPICS` or :data:`LATE`;
    ``sentiments`` are :data:`NEGATIVE`, :data:`NEUTRAL` or :data:`POSITIVE`.
    """
    draws = rng.random((len(topics), _DRAWS))
    banks = [BANKS[lang] for lang in languages]
    return [
        _comment(bank, int(t), int(s), u)
        for bank, t, s, u in zip(banks, topics.tolist(), sentiments.tolist(), draws, strict=True)
    ]
