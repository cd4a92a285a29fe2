"""A nearly free scale check on Arrow score columns, run beside the grouped scan.

The grouped scan spends about a fifth of its time on per-group ``min``/``max``, which
only serve to validate the scales. For a pyarrow table the same answer is usually
available from the column's value buffers with numpy (memory speed, and numpy releases
the GIL, so it runs on a thread while DuckDB scans). The buffers include the slots of
null values, whatever they hold: when every slot lies within the scale, so do the real
values; when some slot does not (a real bad value, NaN, or junk under a null), the
caller falls back to the exact check in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa


def _buffers(table: Any, column: str) -> list[np.ndarray[Any, Any]] | None:
    """The value buffers of ``column`` as numpy arrays, or None if not a plain number."""
    if not isinstance(table, pa.Table | pa.RecordBatch):
        return None
    try:
        col = table.column(column)
    except KeyError:  # e.g. a name that appears twice
        return None
    if not (pa.types.is_floating(col.type) or pa.types.is_integer(col.type)):
        return None
    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    dtype = np.dtype(col.type.to_pandas_dtype())
    out: list[np.ndarray[Any, Any]] = []
    for chunk in chunks:
        if len(chunk) == chunk.null_count:
            continue  # no values at all (its buffer may be absent)
        buf = chunk.buffers()[1]
        if buf is None:
            return None
        values = np.frombuffer(buf, dtype=dtype, count=chunk.offset + len(chunk))
        out.append(values[chunk.offset :])
    return out


def within_bounds(table: Any, columns: Sequence[tuple[str, float, float]]) -> bool:
    """True when every slot of each ``(column, low, high)`` lies in ``[low, high]``.

    False also when it cannot tell cheaply (not a pyarrow table, not a plain numeric
    column, a NaN anywhere): then the caller must check exactly.
    """
    for column, low, high in columns:
        arrays = _buffers(table, column)
        if arrays is None:
            return False
        for values in arrays:
            lo, hi = values.min(), values.max()
            # NaN compares False both ways, so it fails this test too.
            if not (lo >= low and hi <= high):
                return False
    return True
