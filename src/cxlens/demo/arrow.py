"""Small helpers that turn numpy arrays into Arrow columns without Python loops."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from cxlens.core.tables import TS


def labels(
    codes: npt.NDArray[np.integer], names: Sequence[str], mask: npt.NDArray[np.bool_] | None = None
) -> pa.Array:
    """A string column: ``names[codes]``, null where ``mask`` is true."""
    dictionary = pa.array(list(names), type=pa.string())
    indices = pa.array(codes.astype(np.int32), mask=mask)
    return pc.take(dictionary, indices)


def refs(
    prefix: str,
    numbers: npt.NDArray[np.integer],
    width: int,
    mask: npt.NDArray[np.bool_] | None = None,
) -> pa.Array:
    """Zero-padded references such as ``C000042``, null where ``mask`` is true."""
    ints = pa.array(numbers.astype(np.int64), mask=mask)
    digits = pc.utf8_lpad(pc.cast(ints, pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def timestamps(us: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    """UTC timestamps from microseconds since the epoch, null where ``mask`` is true."""
    return pa.array(us.astype(np.int64), type=pa.int64(), mask=mask).cast(TS)


def floats(values: npt.NDArray[np.floating], mask: npt.NDArray[np.bool_]) -> pa.Array:
    """A float64 column, null where ``mask`` is true."""
    return pa.array(values.astype(np.float64), type=pa.float64(), mask=mask)
