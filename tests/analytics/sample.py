"""Random response tables shared by the engine, API and property tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa


def response_table(n: int, seed: int = 0) -> pa.Table:
    """A responses table with dimensions, all score kinds, missing values and timestamps."""
    rng = np.random.default_rng(seed)
    start = datetime(2024, 11, 1, tzinfo=UTC)
    seconds = rng.integers(0, 200 * 86400, n)
    nps = rng.integers(0, 11, n).astype(float)
    nps[rng.random(n) < 0.1] = np.nan
    touchpoints = rng.choice(np.array(["web", "shop", "support"]), n).tolist()
    for i in np.flatnonzero(rng.random(n) < 0.05):
        touchpoints[i] = None
    return pa.table(
        {
            "touchpoint": pa.array(touchpoints, pa.string()),
            "region": pa.array(rng.choice(np.array(["north", "south"]), n)),
            "nps": pa.array(nps, mask=rng.random(n) < 0.05),
            "csat": pa.array(rng.integers(1, 6, n), pa.int64()),
            "ces": pa.array(rng.integers(1, 6, n).astype(float)),
            "cxi_effectiveness": pa.array(rng.integers(1, 6, n), pa.int32()),
            "cxi_ease": pa.array(rng.integers(1, 6, n), pa.int32()),
            "cxi_emotion": pa.array(rng.integers(1, 6, n), pa.int32()),
            "submitted_at": pa.array(
                [start + timedelta(seconds=int(s)) for s in seconds],
                pa.timestamp("us", tz="UTC"),
            ),
        }
    )
