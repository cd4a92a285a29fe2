"""Turn score cells into numbers: missing markers, leading numbers, labels, decimal commas."""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from cxlens.ingest.labels import LabelScale, label_key, match_label_scale

#: Missing-answer markers, compared trimmed and lower-cased ("Not applicable" is the N/A
#: choice survey tools add to rating scales).
MISSING = frozenset(
    {
        "", "na", "n/a", "n.a.", "?", "-", "--", "null", "none", "nan", "#n/a",
        "not applicable", "don't know", "don’t know", "no answer", "no opinion",
        "non applicabile", "non so", "sans objet", "non applicable", "ne sais pas",
        "keine angabe", "weiß nicht", "weiss nicht", "no aplica", "no sé", "no se", "ns/nc",
        "n.v.t.", "nvt", "weet niet", "geen mening", "nu se aplică", "nu se aplica",
        "nu știu", "nu stiu",
    }
)  # fmt: skip
_LEADING = re.compile(
    r"^\s*([+-]?\d+(?:[.,]\d+)?)(?:\s*(?:[-:(=\u2013\u2014/]|\s|$).*)?$", re.DOTALL
)


def fold(text: str) -> str:
    """Lower case without accents (``Mulțumit`` → ``multumit``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()


def is_missing(value: str | None) -> bool:
    """True for an empty cell or a missing marker (NA, N/A, ?, -)."""
    return value is None or value.strip().lower() in MISSING


def to_number(value: str, *, decimal_comma: bool) -> float | None:
    """The number a score cell stands for, or ``None`` when it is not one."""
    match = _LEADING.match(value)
    if match:
        number = match.group(1)
        if "," in number:
            if not decimal_comma:
                return None
            number = number.replace(",", ".")
        return float(number)
    return None


class Converted(NamedTuple):
    """A converted score column: the numbers, the first bad row, the label scale used.

    ``bad`` is true for every cell that is neither missing nor a score (its value is null).
    """

    values: pa.Array
    first_bad: int | None
    labels: LabelScale | None
    bad: pa.Array


def convert(column: pa.ChunkedArray, *, decimal_comma: bool) -> Converted:
    """Convert a string column to float64, with the first bad row index and label scale.

    Distinct values are converted once (score columns have few), so this is fast on
    millions of rows. Missing markers become null; numbers (also leading ones, as in
    "10 - Extremely likely") convert; the remaining texts convert only when together they
    belong to one known label scale (:mod:`cxlens.ingest.labels`). The first value that
    converts to nothing is reported by its row index (``None`` when all convert).
    """
    encoded = pc.dictionary_encode(
        column.combine_chunks() if column.num_chunks else pa.array([], pa.string())
    )
    dictionary = encoded.dictionary.to_pylist()
    numbers: list[float | None] = []
    texts: dict[int, str] = {}
    for code, text in enumerate(dictionary):
        if is_missing(text):
            numbers.append(None)
            continue
        number = to_number(text, decimal_comma=decimal_comma)
        numbers.append(number)
        if number is None:
            texts[code] = text
    scale = match_label_scale(texts.values()) if texts else None
    bad_codes: list[int] = []
    for code, text in texts.items():
        if scale is None:
            bad_codes.append(code)
        else:
            numbers[code] = scale.score(label_key(text))
    values = pc.take(pa.array(numbers, pa.float64()), encoded.indices)
    first_bad: int | None = None
    mask = pc.is_in(encoded.indices, value_set=pa.array(bad_codes, encoded.indices.type))
    mask = pc.fill_null(mask, False)
    if bad_codes:
        first_bad = int(pc.indices_nonzero(mask)[0].as_py())
    return Converted(values, first_bad, scale, mask)


def bad_share(column: pa.ChunkedArray, values: pa.Array) -> float:
    """Share of non-missing cells that did not convert to a number."""
    present = len(column) - column.null_count
    if present == 0:
        return 0.0
    converted = len(values) - values.null_count
    texts = pc.utf8_lower(pc.utf8_trim_whitespace(column))
    markers = pc.sum(pc.cast(pc.is_in(texts, value_set=pa.array(sorted(MISSING))), pa.int64()))
    n_markers = int(markers.as_py() or 0)
    denominator = present - n_markers
    return 0.0 if denominator <= 0 else 1.0 - converted / denominator
