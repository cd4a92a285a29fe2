"""Read a file of any supported kind and load it with the store importers.

The caller's unit of work makes the whole import one transaction: an error anywhere
leaves the store unchanged, and importing the same file twice adds nothing. A value that
does not fit its column is an error naming the file, row, column and expected form; with
``skip_bad_rows`` the rows holding such values are left out and listed in
:attr:`FileImportResult.skipped` instead. A corrected file replaces what the faulty one
stored (see :func:`cxlens.features.imports.import_responses`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy.orm import Session

from cxlens.core.errors import InputError, Location
from cxlens.features.imports.schemas import ImportResult
from cxlens.features.imports.service import (
    import_cases,
    import_customers,
    import_referrals,
    import_responses,
)
from cxlens.ingest.bad_values import BadValue, sort_bad
from cxlens.ingest.formats import detect_format
from cxlens.ingest.kinds import KIND_READERS, detect_kind, read_review_export
from cxlens.ingest.mapping import MappingOverrides, build_mapping, normalize_rows
from cxlens.ingest.raw import RawTable, read_raw

KINDS = ("auto", "responses", "reviews", "cases", "customers", "referrals")
#: At most this many rows are skipped in a file of cases, customers, referrals or reviews
#: (each is found by reading the file again without the rows skipped so far); beyond it the
#: import fails as without ``skip_bad_rows``.
MAX_SKIPPED_RECORDS = 100

Progress = Callable[..., None]


@dataclass(frozen=True)
class FileImportResult:
    """What ``cxlens import`` reports: the kind and format read, and what was stored."""

    source: str
    kind: str
    format: str
    result: ImportResult
    mapping: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    skipped: tuple[BadValue, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """``{"source", "kind", "format", "rows", "added", "updated", "skipped", "mapping",
        "warnings", "skipped_rows"}``.

        ``rows`` counts the data rows of the file, ``skipped`` the responses already in the
        store (or repeated in the file), ``skipped_rows`` the bad values whose rows were left
        out with ``skip_bad_rows`` (``{"file", "row", "column", "value", "problem",
        "expected"}`` each).
        """
        return {
            "source": self.source,
            "kind": self.kind,
            "format": self.format,
            "rows": self.result.rows + len({b.row for b in self.skipped}),
            "added": self.result.added,
            "updated": self.result.updated,
            "skipped": self.result.skipped_duplicates,
            "mapping": self.mapping,
            "warnings": list(dict.fromkeys([*self.warnings, *self.result.warnings])),
            "skipped_rows": [b.to_json() for b in self.skipped],
        }


def import_file(
    session: Session,
    path: Path | str,
    *,
    kind: str = "auto",
    overrides: MappingOverrides = MappingOverrides(),
    tz: str = "UTC",
    phone_region: str | None = None,
    on_progress: Progress | None = None,
    skip_bad_rows: bool = False,
) -> FileImportResult:
    """Import ``path`` as ``kind`` (``auto`` guesses it from the headers).

    ``skip_bad_rows`` leaves out the rows holding a value that does not fit its column and
    lists them in :attr:`FileImportResult.skipped`; without it such a value is an
    :class:`InputError` and nothing is stored.

    ``phone_region`` is the country national phone numbers of a customer list are read in
    when a customer has none (see :func:`cxlens.ingest.kinds.read_customers`).
    """
    if kind not in KINDS:
        raise InputError(
            f"unknown kind {kind!r}",
            Location(file=str(path)),
            expected="one of " + ", ".join(KINDS),
        )
    step = on_progress or (lambda *_args: None)
    step(f"reading {path}")
    raw = read_raw(path)
    if kind == "auto":
        kind = detect_kind(raw) or "responses"

    def progress(done: int, total: int) -> None:
        step(f"storing {kind}: {done:,}/{total:,}", done / total if total else 1.0)

    if kind == "responses":
        detected = detect_format(raw)
        mapping = build_mapping(detected.raw, detected.format, overrides)
        if not mapping.scores and not mapping.text:
            raise InputError(
                "no metric or comment column recognised, so there is nothing to import",
                Location(file=str(path)),
                expected="columns named with --nps/--csat/--ces/--text, or --kind for "
                "cases, customers, referrals or reviews",
            )
        data, skipped = normalize_rows(detected.raw, mapping, tz=tz, skip_bad_rows=skip_bad_rows)
        data = dataclasses.replace(data, survey_name=Path(path).stem)
        # A generic file's ids (1, 2, 3 ...) and LimeSurvey's number the rows of one survey;
        # the survey tools' own ids (Qualtrics R_..., SurveyMonkey, Typeform) are global.
        per_survey = detected.format.name in (detected.raw.container, "limesurvey")
        result = import_responses(session, data, on_progress=progress, ids_per_survey=per_survey)
        return FileImportResult(
            str(path),
            kind,
            detected.format.name,
            result,
            mapping.to_json(),
            tuple(mapping.warnings),
            skipped,
        )
    if kind == "reviews":
        reviews, skipped = _read_skipping(
            raw, lambda r: read_review_export(r, tz=tz), skip_bad_rows
        )
        result = import_responses(session, reviews.responses, on_progress=progress)
        return FileImportResult(
            str(path),
            kind,
            reviews.system,
            result,
            dict(reviews.mapping),
            tuple(reviews.warnings),
            skipped,
        )
    reader = KIND_READERS[kind]
    options: dict[str, Any] = {"tz": tz}
    if kind == "customers":
        options["phone_region"] = phone_region
    read, skipped = _read_skipping(raw, lambda r: reader(r, **options), skip_bad_rows)
    importer = {
        "cases": import_cases,
        "customers": import_customers,
        "referrals": import_referrals,
    }[kind]
    result = importer(session, read.table)
    return FileImportResult(
        str(path), kind, read.system, result, dict(read.mapping), tuple(read.warnings), skipped
    )


R = TypeVar("R")


def _read_skipping(
    raw: RawTable, read: Callable[[RawTable], R], skip_bad_rows: bool
) -> tuple[R, tuple[BadValue, ...]]:
    """``read(raw)``; with ``skip_bad_rows``, again without each row it fails on.

    The kind readers stop at the first cell they cannot read, naming its row and column:
    that row is left out and recorded, up to :data:`MAX_SKIPPED_RECORDS` rows.
    """
    skipped: list[BadValue] = []
    while True:
        try:
            return read(raw), tuple(sort_bad(skipped))
        except InputError as error:
            where = error.location
            if not skip_bad_rows or where.row is None or len(skipped) >= MAX_SKIPPED_RECORDS:
                raise
            index = _table_index(raw, where.row)
            if index is None:
                raise
            value = None
            if where.column is not None and where.column in raw.table.column_names:
                value = raw.table.column(where.column)[index].as_py()
            skipped.append(
                BadValue(
                    where.file or raw.source,
                    where.row,
                    where.column or "",
                    value,
                    error.problem,
                    error.expected or "",
                )
            )
            keep = np.ones(raw.table.num_rows, dtype=np.bool_)
            keep[index] = False
            raw = raw.keep_rows(pa.array(keep))


def _table_index(raw: RawTable, file_row: int) -> int | None:
    """The table row of a file row, ``None`` when no table row is that file row."""
    if raw.row_numbers is None:
        index = file_row - raw.first_data_row
        return index if 0 <= index < raw.table.num_rows else None
    hits = pc.indices_nonzero(pc.equal(raw.row_numbers, file_row))
    return int(hits[0].as_py()) if len(hits) else None
