"""The vote inside the email: the first question as a row of signed score links.

Each score is an ``<a>`` to a URL the caller builds (a signed answer link), laid out with a
table and inline styles so it works in email clients without CSS files or JavaScript. Every
link carries a text alternative (``aria-label`` and ``title``) and the plain-text part lists
the same links one per line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from html import escape

from cxlens.core.errors import InputError, Location

LinkBuilder = Callable[[int], str]
"""Builds the signed URL that records ``value`` as the answer (the caller signs it)."""

_SMILEYS: dict[int, tuple[str, ...]] = {
    3: ("\N{SLIGHTLY FROWNING FACE}", "\N{NEUTRAL FACE}", "\N{SLIGHTLY SMILING FACE}"),
    5: (
        "\N{POUTING FACE}",
        "\N{SLIGHTLY FROWNING FACE}",
        "\N{NEUTRAL FACE}",
        "\N{SLIGHTLY SMILING FACE}",
        "\N{GRINNING FACE WITH SMILING EYES}",
    ),
}
_STAR = "\N{BLACK STAR}"
_FONT = "font-family:Arial,Helvetica,sans-serif;"


class VoteStyle(StrEnum):
    """How the scores look: numbers (0–10 NPS, 1–5 CSAT, 1–7 CES), stars or smileys."""

    NUMBERS = "numbers"
    STARS = "stars"
    SMILEYS = "smileys"


@dataclass(frozen=True, slots=True)
class VoteQuestion:
    """A score question to answer from the email, in the customer's language.

    ``labels`` gives the text alternative of a value ("Very satisfied"); values without a
    label read as the number ("7", or "3/5" for stars and smileys). ``low_label`` and
    ``high_label`` are the anchors printed under the two ends of the row.
    """

    text: str
    values: tuple[int, ...]
    style: VoteStyle = VoteStyle.NUMBERS
    labels: Mapping[int, str] = field(default_factory=dict)
    low_label: str | None = None
    high_label: str | None = None

    def __post_init__(self) -> None:
        if not self.values or len(set(self.values)) != len(self.values):
            raise InputError(
                "a vote question needs distinct score values",
                Location(field="values"),
                expected="for example 0..10 or 1..5",
            )
        if self.style is VoteStyle.SMILEYS and len(self.values) not in _SMILEYS:
            raise InputError(
                f"smileys need 3 or 5 values, not {len(self.values)}",
                Location(field="values"),
                expected="a 3- or 5-point scale",
            )

    @classmethod
    def nps(cls, text: str, low_label: str, high_label: str) -> VoteQuestion:
        """The 0–10 likelihood-to-recommend question."""
        return cls(text, tuple(range(11)), VoteStyle.NUMBERS, {}, low_label, high_label)

    @classmethod
    def scale(
        cls,
        text: str,
        values: Sequence[int],
        labels: Mapping[int, str] | None = None,
        *,
        low_label: str | None = None,
        high_label: str | None = None,
    ) -> VoteQuestion:
        """A numbered scale: CSAT 1–5, CES 1–7 ..."""
        return cls(text, tuple(values), VoteStyle.NUMBERS, labels or {}, low_label, high_label)

    @classmethod
    def stars(
        cls, text: str, count: int = 5, labels: Mapping[int, str] | None = None
    ) -> VoteQuestion:
        """1..``count`` stars."""
        return cls(text, tuple(range(1, count + 1)), VoteStyle.STARS, labels or {})

    @classmethod
    def smileys(
        cls, text: str, labels: Mapping[int, str] | None = None, *, points: int = 5
    ) -> VoteQuestion:
        """3 or 5 faces, from unhappy (1) to happy."""
        return cls(text, tuple(range(1, points + 1)), VoteStyle.SMILEYS, labels or {})

    def alternative(self, value: int) -> str:
        """The text alternative of ``value``: its label, else the number."""
        label = self.labels.get(value)
        number = str(value) if self.style is VoteStyle.NUMBERS else f"{value}/{max(self.values)}"
        if label:
            return f"{number} \N{EN DASH} {label}"
        if value == self.values[0] and self.low_label:
            return f"{number} \N{EN DASH} {self.low_label}"
        if value == self.values[-1] and self.high_label:
            return f"{number} \N{EN DASH} {self.high_label}"
        return number

    def face(self, value: int) -> str:
        """What the link shows: the number, a star or a smiley."""
        if self.style is VoteStyle.STARS:
            return _STAR
        if self.style is VoteStyle.SMILEYS:
            return _SMILEYS[len(self.values)][self.values.index(value)]
        return str(value)


def render_vote_html(question: VoteQuestion, link: LinkBuilder) -> str:
    """The question and its row of score links, as email-safe HTML (tables, inline styles)."""
    cells: list[str] = []
    width = max(1, 100 // len(question.values))
    for value in question.values:
        alt = escape(question.alternative(value))
        href = escape(link(value), quote=True)
        face = escape(question.face(value))
        if question.style is VoteStyle.NUMBERS:
            inner = face
            size = "16px"
        else:
            under = f'<br><span style="font-size:12px;line-height:16px;">{value}</span>'
            inner = f'<span role="img" aria-label="{alt}">{face}</span>{under}'
            size = "26px"
        cells.append(
            f'<td align="center" width="{width}%" style="padding:2px;">'
            f'<a href="{href}" title="{alt}" aria-label="{alt}" target="_blank" '
            f'style="display:block;padding:8px 0;border:1px solid #4b5563;border-radius:4px;'
            f"background:#ffffff;color:#111827;{_FONT}font-size:{size};line-height:28px;"
            f'font-weight:bold;text-decoration:none;text-align:center;">{inner}</a></td>'
        )
    parts = [
        f'<p style="margin:16px 0 8px;{_FONT}font-size:16px;line-height:24px;'
        f'font-weight:bold;color:#111827;">{escape(question.text)}</p>',
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        f'style="border-collapse:collapse;"><tr>{"".join(cells)}</tr></table>',
    ]
    if question.low_label or question.high_label:
        parts.append(
            '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">'
            f'<tr><td align="left" style="{_FONT}font-size:13px;line-height:18px;color:#374151;">'
            f"{escape(question.low_label or '')}</td>"
            f'<td align="right" style="{_FONT}font-size:13px;line-height:18px;color:#374151;">'
            f"{escape(question.high_label or '')}</td></tr></table>"
        )
    return "\n".join(parts)


def render_vote_text(question: VoteQuestion, link: LinkBuilder) -> str:
    """The question and one line per score with its link, for the plain-text part."""
    lines = [question.text, ""]
    lines.extend(f"  {question.alternative(value)}: {link(value)}" for value in question.values)
    return "\n".join(lines)
