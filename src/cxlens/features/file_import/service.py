"""Read a file of any supported kind and load it with the store importers.

The caller's unit of work makes the whole import one transaction: an error anywhere
leaves the store unchanged, and importing the same file twice adds nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from cxlens.core.errors import InputError, Location
from cxlens.features.imports.schemas import ImportResult
from cxlens.features.imports.service import (
    import_cases,
    import_customers,
    import_referrals,
    import_responses,
)
from cxlens.ingest.formats import detect_format
from cxlens.ingest.kinds import (
    KIND_READERS,
    KindImport,
    detect_kind,
    read_customers,
    read_review_export,
)
from cxlens.ingest.mapping import MappingOverrides, build_mapping, normalize
from cxlens.ingest.raw import read_raw

KINDS = ("auto", "responses", "reviews", "cases", "customers", "referrals")

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

    def to_json(self) -> dict[str, Any]:
        """``{"source", "kind", "format", "rows", "added", "updated", "skipped", "mapping",
        "warnings"}``."""
        return {
            "source": self.source,
            "kind": self.kind,
            "format": self.format,
            "rows": self.result.rows,
            "added": self.result.added,
            "updated": self.result.updated,
            "skipped": self.result.skipped_duplicates,
            "mapping": self.mapping,
            "warnings": list(dict.fromkeys([*self.warnings, *self.result.warnings])),
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
) -> FileImportResult:
    """Import ``path`` as ``kind`` (``auto`` guesses it from the headers).

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
        data = normalize(detected.raw, mapping, tz=tz)
        data = dataclasses.replace(data, survey_name=Path(path).stem)
        result = import_responses(session, data, on_progress=progress)
        return FileImportResult(
            str(path),
            kind,
            detected.format.name,
            result,
            mapping.to_json(),
            tuple(mapping.warnings),
        )
    if kind == "reviews":
        reviews = read_review_export(raw, tz=tz)
        result = import_responses(session, reviews.responses, on_progress=progress)
        return FileImportResult(
            str(path), kind, reviews.system, result, dict(reviews.mapping), tuple(reviews.warnings)
        )
    if kind == "customers":
        read: KindImport = read_customers(raw, tz=tz, phone_region=phone_region)
    else:
        read = KIND_READERS[kind](raw, tz=tz)
    importer = {
        "cases": import_cases,
        "customers": import_customers,
        "referrals": import_referrals,
    }[kind]
    result = importer(session, read.table)
    return FileImportResult(
        str(path), kind, read.system, result, dict(read.mapping), tuple(read.warnings)
    )
