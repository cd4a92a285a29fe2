"""What the generator returns, and its export to CSV/Parquet files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from cxlens.core.tables import NormalizedResponses

FileFormat = Literal["csv", "parquet"]


@dataclass(frozen=True, slots=True)
class PlantedProblem:
    """The one problem hidden in the demo, so that a demo of the product can find it."""

    region: str
    touchpoint: str
    start: datetime  # inclusive, UTC
    end: datetime  # exclusive, UTC
    description: str


@dataclass(frozen=True, slots=True)
class DemoData:
    """A synthetic company in the normalised tables of :mod:`cxlens.core.tables`.

    ``renewals`` (customer_ref, renewed_at) is an extra the core contract has no table for.
    """

    company: str
    seed: int
    start: datetime
    end: datetime
    customers: pa.Table
    responses: NormalizedResponses
    cases: pa.Table
    referrals: pa.Table
    renewals: pa.Table
    planted: PlantedProblem

    def tables(self) -> dict[str, pa.Table]:
        """The tables by file stem: responses, customers, cases, referrals, renewals."""
        return {
            "responses": self.responses.table,
            "customers": self.customers,
            "cases": self.cases,
            "referrals": self.referrals,
            "renewals": self.renewals,
        }

    def write_files(
        self, directory: Path | str, formats: tuple[FileFormat, ...] = ("csv", "parquet")
    ) -> list[Path]:
        """Write every table as ``<name>.csv`` and/or ``<name>.parquet``; return the paths.

        CSV timestamps are ISO 8601 in UTC, so ``cxlens analyze responses.csv`` reads them.
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        for name, table in self.tables().items():
            if "csv" in formats:
                path = out / f"{name}.csv"
                pcsv.write_csv(_iso_timestamps(table), path)
                written.append(path)
            if "parquet" in formats:
                path = out / f"{name}.parquet"
                pq.write_table(table, path)
                written.append(path)
        return written


def _iso_timestamps(table: pa.Table) -> pa.Table:
    """Timestamps as ISO 8601 text with a ``Z`` (``2024-03-01T09:30:00Z``)."""
    import pyarrow.compute as pc

    columns = []
    for col in table.columns:
        if pa.types.is_timestamp(col.type):
            col = pc.strftime(col, format="%Y-%m-%dT%H:%M:%SZ")
        columns.append(col)
    return pa.table(columns, names=table.column_names)
