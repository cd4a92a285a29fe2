"""Qualtrics CSV exports: three header rows (ids, question texts, ImportId JSON) or two.

Preview, test and spam responses (``Status``) are not real responses: they are removed,
with a warning saying how many, as Qualtrics' own reports leave them out. Partial
responses (``Finished`` = False) are real and kept. The time zone declared in the ImportId
row is the zone of the export's naive dates.
"""

from __future__ import annotations

import json
import re
import zoneinfo

import pyarrow as pa
import pyarrow.compute as pc

from cxlens.ingest.formats.base import Detected, SurveyFormat
from cxlens.ingest.raw import RawTable

META = {
    "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
    "Finished", "RecordedDate", "ResponseId", "ResponseID", "RecipientLastName",
    "RecipientFirstName", "RecipientEmail", "ExternalReference", "ExternalDataReference",
    "LocationLatitude", "LocationLongitude", "LocationAccuracy", "DistributionChannel",
    "UserLanguage", "ResponseSet", "Name", "EmailAddress",
}  # fmt: skip
#: Status texts of responses that are not real ones (choice-text exports).
_NOT_REAL = re.compile(r"preview|spam|survey test|^test$", re.IGNORECASE)
#: Status codes (numeric exports) are bit flags: 1 preview, 2 test, 8 spam.
_NOT_REAL_BITS = 1 | 2 | 8


def is_import_ids(row: list[str]) -> bool:
    """True for Qualtrics' third header row (``{"ImportId": ...}`` cells)."""
    return sum(1 for cell in row if cell.startswith('{"ImportId"')) >= max(1, len(row) // 2)


def detect_qualtrics(raw: RawTable, texts: list[str], import_ids: list[str]) -> Detected:
    """The Qualtrics format of ``raw``: ``texts`` is the question-text row, ``import_ids``
    the ImportId row (empty for the legacy two-row export)."""
    labels = {col: text for col, text in zip(raw.header, texts, strict=False) if text}
    by_label = {text: col for col, text in labels.items()}
    meta = {c for c in raw.header if c in META or c.endswith("_NPS_GROUP") or c.startswith("Q_")}
    meta |= {c for c, t in labels.items() if t in META or re.fullmatch(r"V\d+", c)}
    ident: str | None = next((c for c in ("ResponseId", "ResponseID") if c in raw.header), None)
    ident = ident or by_label.get("ResponseID")
    dates = ("RecordedDate", "EndDate", "StartDate")
    date: str | None = next((c for c in dates if c in raw.header), None)
    date = date or by_label.get("EndDate") or by_label.get("StartDate")
    ids = dict(zip(raw.header, (_import_id(cell) for cell in import_ids), strict=False))
    not_scores = frozenset(
        c
        for c in raw.header
        if c.endswith("_TEXT") or ids.get(c, {}).get("ImportId", "").endswith("_TEXT")
    )
    zone = _time_zone(ids.get(date, {}) if date else {})
    status = "Status" if "Status" in raw.header else by_label.get("Status")
    data = raw.drop_leading_rows(2 if import_ids else 1)
    data, notes = _drop_not_real(data, status)
    fmt = SurveyFormat(
        "qualtrics",
        ident,
        date,
        None,
        frozenset(meta),
        labels,
        time_zone=zone,
        not_scores=not_scores,
        notes=notes,
    )
    return Detected(fmt, data)


def _import_id(cell: str) -> dict[str, str]:
    try:
        value = json.loads(cell)
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items()}


def _time_zone(import_id: dict[str, str]) -> str | None:
    name = import_id.get("timeZone")
    if not name:
        return None
    if name in ("Z", "UTC", "GMT"):
        return "UTC"
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return name


def _drop_not_real(raw: RawTable, status: str | None) -> tuple[RawTable, tuple[str, ...]]:
    if status is None or raw.table.num_rows == 0:
        return raw, ()
    values = pc.utf8_trim_whitespace(raw.table.column(status).combine_chunks())
    counts = pc.value_counts(values).to_pylist()
    not_real = {c["values"]: c["counts"] for c in counts if not _is_real(c["values"])}
    if not not_real:
        return raw, ()
    dropped = sum(not_real.values())
    shown = ", ".join(f"{n} {k!r}" for k, n in sorted(not_real.items()))
    note = (
        f"{dropped} of {len(values)} responses excluded as not real (Qualtrics {status}:"
        f" {shown}); Qualtrics reports leave preview, test and spam responses out too"
    )
    drop = pc.is_in(values, value_set=pa.array(sorted(not_real), pa.string()))
    return raw.keep_rows(pc.invert(pc.fill_null(drop, False))), (note,)


def _is_real(value: str | None) -> bool:
    if value is None or not value:
        return True
    if value.isdigit():
        return not int(value) & _NOT_REAL_BITS
    return _NOT_REAL.search(value) is None
