"""Turn score cells into numbers: missing markers, leading numbers, labels, decimal commas."""

from __future__ import annotations

import re
import unicodedata

import pyarrow as pa
import pyarrow.compute as pc

MISSING = frozenset({"", "na", "n/a", "?", "-", "--", "null", "none", "nan", "#n/a"})
_LEADING = re.compile(
    r"^\s*([+-]?\d+(?:[.,]\d+)?)(?:\s*(?:[-:(=\u2013\u2014/]|\s|$).*)?$", re.DOTALL
)

#: Five-point satisfaction labels in en/it/fr/de/es/nl/ro (accents removed, lower case).
CSAT_LABELS: dict[str, float] = {}
_SCALES = (
    "very dissatisfied|dissatisfied|neutral|satisfied|very satisfied",
    "very unsatisfied|unsatisfied|neither satisfied nor dissatisfied|satisfied|very satisfied",
    "molto insoddisfatto|insoddisfatto|ne soddisfatto ne insoddisfatto|soddisfatto"
    "|molto soddisfatto",
    "molto insoddisfatto|insoddisfatto|neutrale|soddisfatto|molto soddisfatto",
    "tres insatisfait|insatisfait|ni satisfait ni insatisfait|satisfait|tres satisfait",
    "tres insatisfait|insatisfait|neutre|satisfait|tres satisfait",
    "sehr unzufrieden|unzufrieden|weder zufrieden noch unzufrieden|zufrieden|sehr zufrieden",
    "muy insatisfecho|insatisfecho|ni satisfecho ni insatisfecho|satisfecho|muy satisfecho",
    "zeer ontevreden|ontevreden|neutraal|tevreden|zeer tevreden",
    "foarte nemultumit|nemultumit|neutru|multumit|foarte multumit",
)
for _line in _SCALES:
    for _score, _label in enumerate(_line.split("|"), start=1):
        CSAT_LABELS[_label] = float(_score)


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
    return CSAT_LABELS.get(fold(value).rstrip("."))


def convert(column: pa.ChunkedArray, *, decimal_comma: bool) -> tuple[pa.Array, int | None]:
    """Convert a string column to float64; return the array and the first bad row index.

    Distinct values are converted once (score columns have few), so this is fast on
    millions of rows. Missing markers become null; the first value that is neither a
    number nor a marker is reported by its row index (``None`` when all convert).
    """
    encoded = pc.dictionary_encode(
        column.combine_chunks() if column.num_chunks else pa.array([], pa.string())
    )
    dictionary = encoded.dictionary.to_pylist()
    numbers: list[float | None] = []
    bad_codes: list[int] = []
    for code, text in enumerate(dictionary):
        if is_missing(text):
            numbers.append(None)
            continue
        number = to_number(text, decimal_comma=decimal_comma)
        numbers.append(number)
        if number is None:
            bad_codes.append(code)
    values = pc.take(pa.array(numbers, pa.float64()), encoded.indices)
    first_bad: int | None = None
    if bad_codes:
        mask = pc.is_in(encoded.indices, value_set=pa.array(bad_codes, encoded.indices.type))
        first_bad = int(pc.indices_nonzero(mask)[0].as_py())
    return values, first_bad


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
