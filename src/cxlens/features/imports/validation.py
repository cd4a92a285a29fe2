"""Checks of normalised tables before they reach the store: columns, required values, ranges."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from cxlens.core.errors import InputError, Location


def require_columns(table: pa.Table, schema: pa.Schema, what: str) -> None:
    """Raise :class:`InputError` naming the columns of ``schema`` missing from ``table``."""
    missing = [name for name in schema.names if name not in table.column_names]
    if missing:
        raise InputError(
            f"{what} table lacks column(s) {', '.join(missing)}",
            Location(column=missing[0]),
            expected=f"the columns {', '.join(schema.names)}",
        )


def conform(table: pa.Table, schema: pa.Schema, what: str) -> pa.Table:
    """``table`` cast to ``schema`` (column order and types), extra columns kept after."""
    require_columns(table, schema, what)
    columns: list[pa.Array | pa.ChunkedArray] = []
    for fld in schema:
        col = table.column(fld.name)
        if col.type != fld.type:
            try:
                col = col.cast(fld.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise InputError(
                    f"{what} column {fld.name} has type {col.type}",
                    Location(column=fld.name),
                    expected=str(fld.type),
                ) from exc
        columns.append(col)
    extra = [n for n in table.column_names if n not in schema.names]
    names = [*schema.names, *extra]
    columns.extend(table.column(n) for n in extra)
    return pa.Table.from_arrays(columns, names=names)


def require_values(table: pa.Table, columns: Sequence[str], what: str) -> None:
    """Raise :class:`InputError` at the first row where one of ``columns`` is null or empty."""
    for name in columns:
        col = table.column(name)
        bad = pc.or_kleene(pc.is_null(col), pc.equal(pc.utf8_length(col), 0))
        bad = pc.fill_null(bad, True)
        if pc.any(bad).as_py():
            row = pc.index(bad, True).as_py()
            raise InputError(
                f"{what} row has no {name}",
                Location(row=row + 1, column=name),
                expected=f"a non-empty {name}",
            )


def check_range(
    values: pa.ChunkedArray | pa.Array, low: float, high: float, column: str, offset: int = 0
) -> None:
    """Raise :class:`InputError` at the first value outside [low, high] (nulls are fine)."""
    outside = pc.fill_null(pc.or_(pc.less(values, low), pc.greater(values, high)), False)
    if pc.any(outside).as_py():
        row = pc.index(outside, True).as_py()
        value = values[row].as_py()
        raise InputError(
            f"score {value:g} is outside the question's scale",
            Location(row=offset + row + 1, column=column),
            expected=f"a score from {low:g} to {high:g}",
        )
