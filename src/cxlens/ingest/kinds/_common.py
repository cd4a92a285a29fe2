"""Shared helpers of the kind readers: the raw-table shape, header matching, nulls, errors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import pyarrow as pa
import pyarrow.compute as pc

from cxlens.core.errors import InputError, Location

#: Cell values that mean "no value" in the exports we read (compared lower-cased, stripped).
NULL_TOKENS = frozenset({"", "?", "-", "--", "null", "none", "na", "n/a", "#n/a", "nan", "nil"})

_NULL_SET = pa.array(sorted(NULL_TOKENS), pa.string())
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


class RawLike(Protocol):
    """What a kind reader needs of ``cxlens.ingest.raw.RawTable``: named string columns."""

    @property
    def source(self) -> str: ...

    @property
    def header(self) -> list[str]: ...

    @property
    def table(self) -> pa.Table: ...

    @property
    def first_data_row(self) -> int: ...

    def file_row(self, index: int) -> int:
        """The 1-based file row of table row ``index``."""
        ...


def normalize_header(name: str) -> str:
    """Lower-case a header and reduce every run of non-alphanumerics to one space."""
    return _NON_ALNUM.sub(" ", name.strip().lower()).strip()


def header_key(name: str) -> str:
    """The key headers are matched on: case, spaces, underscores and punctuation ignored.

    ``customerID``, ``Customer ID`` and ``customer_id`` all give ``customerid``.
    """
    return _NON_ALNUM.sub("", name.strip().lower())


def header_index(raw: RawLike) -> dict[str, str]:
    """Map each normalised header to the first original column name carrying it."""
    index: dict[str, str] = {}
    for name in raw.header:
        index.setdefault(normalize_header(name), name)
    return index


def find_column(index: Mapping[str, str], aliases: Iterable[str]) -> str | None:
    """The original name of the first column whose header is one of ``aliases``.

    ``index`` is :func:`header_index`'s; headers match as :func:`header_key` does.
    """
    keyed: dict[str, str] = {}
    for name, column in index.items():
        keyed.setdefault(header_key(name), column)
    for alias in aliases:
        found = keyed.get(header_key(alias))
        if found is not None:
            return found
    return None


def match_fields(
    raw: RawLike, aliases: Mapping[str, Sequence[str]], taken: Iterable[str] = ()
) -> dict[str, str]:
    """Map field names to the column that carries each (fields without a column left out).

    Headers match case-, space- and underscore-insensitively (:func:`header_key`). A column
    is used by at most one field; ``taken`` columns are not used at all.
    """
    index: dict[str, str] = {}
    for name in raw.header:
        index.setdefault(header_key(name), name)
    used = set(taken)
    found: dict[str, str] = {}
    for field_name, names in aliases.items():
        for alias in names:
            column = index.get(header_key(alias))
            if column is not None and column not in used:
                found[field_name] = column
                used.add(column)
                break
    return found


def missing_column_error(raw: RawLike, what: str, accepted: Sequence[str], kind: str) -> InputError:
    """The error for a required column that is not there."""
    return InputError(
        f"no {what} column in this {kind} file; columns found: {', '.join(raw.header)}",
        Location(file=raw.source),
        expected="a column named one of: " + ", ".join(repr(a) for a in accepted),
    )


def clean_array(raw: RawLike, column: str) -> pa.Array:
    """A column as a string array, stripped, with every null token turned into null."""
    values = pc.utf8_trim_whitespace(raw.table.column(column).combine_chunks().cast(pa.string()))
    is_null = pc.is_in(pc.utf8_lower(values), value_set=_NULL_SET)
    return pc.if_else(is_null, pa.scalar(None, pa.string()), values)


def clean_values(raw: RawLike, column: str) -> list[str | None]:
    """The stripped text of a column, with every null token turned into ``None``."""
    values: list[str | None] = clean_array(raw, column).to_pylist()
    return values


def value_error(
    raw: RawLike, index: int, column: str, value: object, expected: str, problem: str = ""
) -> InputError:
    """The error for one unusable cell (``index`` is the 0-based data row)."""
    return InputError(
        problem or f"cannot read {value!r}",
        Location(file=raw.source, row=raw.file_row(index), column=column),
        expected=expected,
    )


def printable_mapping(found: Mapping[str, str]) -> dict[str, str]:
    """Turn field→column into the printable column→field mapping."""
    return {column: field_name for field_name, column in found.items()}
