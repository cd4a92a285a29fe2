"""Reading numeric columns written in any locale: ``1,5``, ``1.234,50``, ``€ 1 234.50``.

The decimal separator is decided once per column from its values: a value holding both
``.`` and ``,`` names the later one; a lone ``,`` (or ``.``) followed by other than exactly
three digits is a decimal separator. When nothing decides (``1,234``), ``,`` groups thousands
and ``.`` is the decimal point.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from ._common import RawLike, clean_array, clean_values, value_error

_STRIP = re.compile(r"[\s\u00a0\u202f'\u2019$€£¥%]|(?i:eur|usd|gbp|chf)")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)*)?([.,]\d+)?$")
_PLAIN = r"^[+-]?\d+(\.\d+)?$"
_DURATION = re.compile(r"^(\d+):([0-5]\d)(?::([0-5]\d))?$")


def _decimal_separator(texts: list[str]) -> str:
    for text in texts:
        if "." in text and "," in text:
            return "," if text.rfind(",") > text.rfind(".") else "."
    for text in texts:
        for sep in (",", "."):
            if text.count(sep) == 1 and len(text) - text.index(sep) - 1 != 3:
                return sep
    return "."


def _to_float(text: str, decimal: str) -> float:
    compact = _STRIP.sub("", text)
    if not _NUMBER.match(compact) or not any(c.isdigit() for c in compact):
        raise ValueError(text)
    group = "," if decimal == "." else "."
    whole, _, fraction = compact.partition(decimal)
    if decimal in fraction:
        raise ValueError(text)
    groups = whole.lstrip("+-").split(group)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        raise ValueError(text)  # e.g. "2.5" in a column whose decimal separator is ","
    if group in fraction:
        raise ValueError(text)
    return float(whole.replace(group, "") + ("." + fraction if fraction else ""))


def parse_numbers(raw: RawLike, column: str, expected: str = "a number") -> list[float | None]:
    """Parse a column as numbers (nulls kept); InputError on the first unreadable value."""
    cleaned = clean_array(raw, column)
    present = pc.drop_null(cleaned)
    if pc.all(pc.match_substring_regex(present, _PLAIN)).as_py() is not False:
        floats: list[float | None] = pc.cast(cleaned, pa.float64()).to_pylist()
        return floats  # the common case: plain "12" / "-3.5"
    texts: list[str | None] = cleaned.to_pylist()
    decimal = _decimal_separator([_STRIP.sub("", t) for t in texts if t is not None])
    out: list[float | None] = []
    for index, text in enumerate(texts):
        if text is None:
            out.append(None)
            continue
        try:
            out.append(_to_float(text, decimal))
        except ValueError as exc:
            raise value_error(raw, index, column, text, expected) from exc
    return out


def parse_counts(raw: RawLike, column: str) -> list[int | None]:
    """Parse a column of non-negative whole numbers (``3``, ``3.0``, ``3,0``)."""
    expected = "a whole number of 0 or more"
    out: list[int | None] = []
    for index, number in enumerate(parse_numbers(raw, column, expected)):
        if number is None:
            out.append(None)
        elif number < 0 or not number.is_integer():
            raise value_error(raw, index, column, clean_values(raw, column)[index], expected)
        else:
            out.append(int(number))
    return out


def parse_durations(raw: RawLike, column: str, unit_minutes: float) -> list[float | None]:
    """Parse a duration column into minutes.

    Values are numbers in the column's unit (``unit_minutes`` minutes each, e.g. 60 for a
    column "in hrs") or clock durations ``H:MM`` / ``H:MM:SS``.
    """
    texts = clean_values(raw, column)
    expected = "a duration such as 1.5 or 01:30:00"
    clock = [t for t in texts if t is not None and _DURATION.match(t)]
    if clock:
        out: list[float | None] = []
        for index, text in enumerate(texts):
            match = _DURATION.match(text) if text is not None else None
            if text is None:
                out.append(None)
            elif match is None:
                raise value_error(raw, index, column, text, expected)
            else:
                hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
                out.append(hours * 60 + minutes + seconds / 60)
        return out
    numbers = parse_numbers(raw, column, expected)
    for index, number in enumerate(numbers):
        if number is not None and number < 0:
            raise value_error(raw, index, column, texts[index], expected + " (not negative)")
    return [None if n is None else n * unit_minutes for n in numbers]
