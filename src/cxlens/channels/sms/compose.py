"""Compose an invitation SMS that fits in one segment where it can.

The caller gives templates in the customer's language, longest first (say "Hi ${first_name},
thanks for shopping at ${company}! How did we do? ${link}", then "${company}: how did we
do? ${link}", then "How did we do? ${link}"). The composer tries, for each template in
turn: the names as given, the first name only, the names folded to GSM-7 (``ș`` → ``s``,
which more than doubles the room), the whole text folded, and the company cut word by word.
The link is never cut or changed. If nothing fits, the shortest candidate wins.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from string import Template

from cxlens.channels.sms.segments import SegmentInfo, fold_to_gsm7, segment_info
from cxlens.core.errors import InputError, Location

_NAME_KEYS = frozenset({"name", "first_name"})
_KEYS = _NAME_KEYS | {"company", "link"}


@dataclass(frozen=True, slots=True)
class ComposedSms:
    """The text to send and how it travels."""

    text: str
    info: SegmentInfo


def _check(template: str, index: int) -> set[str]:
    parsed = Template(template)
    field = f"templates[{index}]"
    if not parsed.is_valid():
        raise InputError("the SMS template has a stray '$'", Location(field=field))
    used = parsed.get_identifiers()
    unknown = set(used) - _KEYS
    if unknown:
        raise InputError(
            f"the SMS template uses unknown placeholder(s) {', '.join(sorted(unknown))}",
            Location(field=field),
            expected="${name}, ${first_name}, ${company} and ${link}",
        )
    links = sum(
        1
        for m in parsed.pattern.finditer(template)
        if (m.group("named") or m.group("braced")) == "link"
    )
    if links != 1:
        raise InputError("an SMS template must contain ${link} exactly once", Location(field=field))
    return set(used)


def _company_cuts(company: str) -> Iterator[str]:
    """Shorter forms of ``company``, word by word; none ending in a short word ("of", "The")
    or shorter than four characters."""
    words = company.split()
    for keep in range(len(words) - 1, 0, -1):
        cut = " ".join(words[:keep])
        if len(words[keep - 1]) >= 3 and len(cut) >= 4:
            yield cut


def _candidates(template: str, name: str | None, company: str, link: str) -> Iterator[str]:
    parsed = Template(template)
    full = " ".join(name.split()) if name else ""
    first = full.split(" ", 1)[0]

    def fill(full_name: str, first_name: str, company_name: str) -> str:
        return parsed.substitute(
            name=full_name, first_name=first_name, company=company_name, link=link
        )

    def fold_all(text: str) -> str:
        head, _, tail = text.partition(link)  # the link stays exactly as given
        return fold_to_gsm7(head) + link + fold_to_gsm7(tail)

    yield fill(full, first, company)
    yield fill(first, first, company)
    folded_first, folded_company = fold_to_gsm7(first), fold_to_gsm7(company)
    yield fill(folded_first, folded_first, folded_company)
    yield fold_all(fill(folded_first, folded_first, folded_company))
    for cut in _company_cuts(folded_company):
        yield fold_all(fill(folded_first, folded_first, cut))


def compose_sms(
    templates: Sequence[str],
    *,
    link: str,
    company: str,
    name: str | None = None,
    max_segments: int = 1,
) -> ComposedSms:
    """The first candidate text within ``max_segments`` (see the module's docstring).

    Templates that use the name are skipped for a customer without one. The link must be a
    single token without spaces; templates must each contain ``${link}`` once.
    """
    if not link or any(c.isspace() for c in link):
        raise InputError(f"{link!r} is not a usable link", Location(field="link"))
    has_name = bool(name and name.strip())
    used = [_check(t, i) for i, t in enumerate(templates)]
    usable = [
        t for t, keys in zip(templates, used, strict=True) if has_name or not keys & _NAME_KEYS
    ]
    if not usable:
        raise InputError(
            "every SMS template uses the customer's name, but this customer has none",
            Location(field="templates"),
            expected="a last template without ${name} / ${first_name}",
        )
    best: ComposedSms | None = None
    for template in usable:
        for text in _candidates(template, name, company, link):
            info = segment_info(text)
            if info.segments <= max_segments:
                return ComposedSms(text, info)
            if best is None or (info.segments, info.units) < (best.info.segments, best.info.units):
                best = ComposedSms(text, info)
    assert best is not None
    return best
