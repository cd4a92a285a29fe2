"""Recognise Qualtrics, SurveyMonkey, Google Forms, Typeform and LimeSurvey exports."""

from __future__ import annotations

import dataclasses
import re

import pyarrow as pa

from cxlens.ingest.formats.base import Detected, SurveyFormat
from cxlens.ingest.names import unique_names
from cxlens.ingest.raw import RawTable

ISO = "%Y-%m-%d %H:%M:%S"
_QUALTRICS_META = {
    "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
    "Finished", "RecordedDate", "ResponseId", "ResponseID", "RecipientLastName",
    "RecipientFirstName", "RecipientEmail", "ExternalReference", "ExternalDataReference",
    "LocationLatitude", "LocationLongitude", "LocationAccuracy", "DistributionChannel",
    "UserLanguage", "ResponseSet", "Name", "EmailAddress",
}  # fmt: skip
_SURVEYMONKEY_META = {
    "Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
    "Email Address", "First Name", "Last Name", "Custom Data 1", "Custom Data",
}  # fmt: skip
_GOOGLE_TIMESTAMP = {
    "timestamp", "marca temporal", "informazioni cronologiche", "zeitstempel",
    "horodateur", "tijdstempel", "marcaj de timp", "carimbo de data/hora",
}  # fmt: skip
_GOOGLE_META = {"Email Address", "Email address", "Username", "Score", "Punteggio"}
_TYPEFORM_META = {
    "#", "Start Date (UTC)", "Submit Date (UTC)", "Stage Date (UTC)", "Network ID",
    "Submitted At", "Tags", "Response Type", "Token", "Ending",
}  # fmt: skip
_LIME_KEYS = {"id", "submitdate", "lastpage", "startlanguage"}
_LIME_META = _LIME_KEYS | {
    "seed", "startdate", "datestamp", "ipaddr", "refurl", "token",
    "Response ID", "Date submitted", "Last page", "Start language", "Seed", "Date started",
    "Date last action", "IP address", "Referrer URL",
}  # fmt: skip
_SM_SUBANSWERS = {"response", "open-ended response", "other (please specify)", ""}
_ID_NAMES = ("response_id", "responseid", "response id", "respondent id", "respondent_id", "id")
_DATE_NAMES = re.compile(
    r"^(date|datum|data|fecha|datetime|timestamp|submitted|submitted_at|submitted at|"
    r"submit date|created|created_at|recorded|response date|completed|completed_at|time)$",
    re.IGNORECASE,
)


def detect_format(raw: RawTable) -> Detected:
    """Detect the export layout of ``raw``; fall back to the generic container format."""
    header = set(raw.header)
    rows = raw.header_rows
    second = rows[1] if len(rows) > 1 else []
    third = rows[2] if len(rows) > 2 else []
    if ("StartDate" in header or "ResponseId" in header) and _is_import_ids(third):
        return _qualtrics(raw, second, extra_rows=2)
    if "ResponseID" in second or ("V1" in header and "ResponseID" in header):
        return _qualtrics(raw, second, extra_rows=1)
    if "ResponseId" in header and "StartDate" in header and second:
        return _qualtrics(raw, second, extra_rows=1)
    if "Respondent ID" in header and _has_subanswer_row(second):
        return _surveymonkey(raw, second)
    if raw.header and raw.header[0].strip().lower() in _GOOGLE_TIMESTAMP:
        meta = frozenset({raw.header[0]} | (_GOOGLE_META & header))
        fmt = SurveyFormat("google_forms", None, raw.header[0], None, meta)
        return Detected(fmt, raw)
    if (
        raw.header
        and raw.header[0] == "#"
        and header & {"Submitted At", "Network ID", "Submit Date (UTC)"}
    ):
        date: str | None = next(
            (c for c in ("Submitted At", "Submit Date (UTC)", "Start Date (UTC)") if c in header),
            None,
        )
        fmt = SurveyFormat("typeform", "#", date, ISO, frozenset(_TYPEFORM_META & header))
        return Detected(fmt, raw)
    if len(_LIME_KEYS & header) >= 3 or {"Response ID", "Date submitted", "Last page"} <= header:
        ident = "id" if "id" in header else "Response ID"
        lime_date = "submitdate" if "submitdate" in header else "Date submitted"
        fmt = SurveyFormat("limesurvey", ident, lime_date, None, frozenset(_LIME_META & header))
        return Detected(fmt, raw)
    return Detected(_generic(raw), raw)


def _is_import_ids(row: list[str]) -> bool:
    return sum(1 for cell in row if cell.startswith('{"ImportId"')) >= max(1, len(row) // 2)


def _has_subanswer_row(row: list[str]) -> bool:
    return any(cell.strip().lower() in {"response", "open-ended response"} for cell in row)


def _qualtrics(raw: RawTable, texts: list[str], extra_rows: int) -> Detected:
    labels = {col: text for col, text in zip(raw.header, texts, strict=False) if text}
    by_label = {text: col for col, text in labels.items()}
    meta = {c for c in raw.header if c in _QUALTRICS_META or c.endswith("_NPS_GROUP")}
    meta |= {c for c, t in labels.items() if t in _QUALTRICS_META or re.fullmatch(r"V\d+", c)}
    ident: str | None = next((c for c in ("ResponseId", "ResponseID") if c in raw.header), None)
    ident = ident or by_label.get("ResponseID")
    dates = ("RecordedDate", "EndDate", "StartDate")
    date: str | None = next((c for c in dates if c in raw.header), None)
    date = date or by_label.get("EndDate") or by_label.get("StartDate")
    fmt = SurveyFormat("qualtrics", ident, date, None, frozenset(meta), labels)
    return Detected(fmt, raw.drop_leading_rows(extra_rows))


def _surveymonkey(raw: RawTable, subanswers: list[str]) -> Detected:
    names: list[str] = []
    question = ""
    for i, cell in enumerate(raw.header_rows[0]):
        question = cell.strip() or question
        sub = subanswers[i].strip() if i < len(subanswers) else ""
        names.append(question if sub.lower() in _SM_SUBANSWERS else f"{question} - {sub}")
    header = unique_names(names)
    table = pa.table(raw.table.columns, names=header)
    renamed = dataclasses.replace(raw, header=header, table=table).drop_leading_rows(1)
    date = "End Date" if "End Date" in header else None
    meta = frozenset(_SURVEYMONKEY_META & set(header))
    fmt = SurveyFormat("surveymonkey", "Respondent ID", date, None, meta)
    return Detected(fmt, renamed)


def _generic(raw: RawTable) -> SurveyFormat:
    lower = {c.lower(): c for c in raw.header}
    ident = next((lower[n] for n in _ID_NAMES if n in lower), None)
    date = next((c for c in raw.header if _DATE_NAMES.match(c.strip())), None)
    meta = frozenset(c for c in (ident, date) if c is not None)
    return SurveyFormat(raw.container, ident, date, None, meta)
