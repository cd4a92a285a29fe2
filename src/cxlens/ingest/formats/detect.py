"""Recognise Qualtrics, SurveyMonkey, Google Forms, Typeform and LimeSurvey exports."""

from __future__ import annotations

import dataclasses
import re

import pyarrow as pa
import pyarrow.compute as pc

from cxlens.ingest.formats.base import Detected, SurveyFormat
from cxlens.ingest.formats.qualtrics import detect_qualtrics, is_import_ids
from cxlens.ingest.formats.surveymonkey import detect_surveymonkey, has_subanswer_row
from cxlens.ingest.raw import RawTable

ISO = "%Y-%m-%d %H:%M:%S"
_GOOGLE_TIMESTAMP = {
    "timestamp", "marca temporal", "informazioni cronologiche", "zeitstempel",
    "horodateur", "tijdstempel", "marcaj de timp", "carimbo de data/hora",
}  # fmt: skip
_GOOGLE_META = {"Email Address", "Email address", "Username", "Score", "Punteggio"}
_TYPEFORM_META = {
    "#", "Start Date (UTC)", "Submit Date (UTC)", "Stage Date (UTC)", "Network ID",
    "Submitted At", "Tags", "Response Type", "Token", "Ending",
}  # fmt: skip
_TYPEFORM_KEYS = {"Submitted At", "Network ID", "Submit Date (UTC)", "Start Date (UTC)"}
_NO_DATE = ["1980-01-01 00:00:00", "1980-01-01"]
_LIME_KEYS = {"id", "submitdate", "lastpage", "startlanguage"}
_LIME_META = _LIME_KEYS | {
    "seed", "startdate", "datestamp", "ipaddr", "refurl", "token",
    "Response ID", "Date submitted", "Last page", "Start language", "Seed", "Date started",
    "Date last action", "IP address", "Referrer URL",
}  # fmt: skip
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
    if ("StartDate" in header or "ResponseId" in header) and is_import_ids(third):
        return detect_qualtrics(raw, second, third)
    if "ResponseID" in second or ("V1" in header and "ResponseID" in header):
        return detect_qualtrics(raw, second, [])
    if "ResponseId" in header and "StartDate" in header and second:
        return detect_qualtrics(raw, second, [])
    if "Respondent ID" in header and has_subanswer_row(second):
        return detect_surveymonkey(raw, second)
    if raw.header and raw.header[0].strip().lower() in _GOOGLE_TIMESTAMP:
        meta = frozenset({raw.header[0]} | (_GOOGLE_META & header))
        fmt = SurveyFormat("google_forms", None, raw.header[0], None, meta)
        return Detected(fmt, raw)
    if raw.header and raw.header[0] == "#" and header & _TYPEFORM_KEYS:
        return _typeform(raw)
    if len(_LIME_KEYS & header) >= 3 or {"Response ID", "Date submitted", "Last page"} <= header:
        return _limesurvey(raw)
    return Detected(_generic(raw), raw)


def _typeform(raw: RawTable) -> Detected:
    """Typeform: ``#`` id first; its dates are UTC ("Submit Date (UTC)", "Submitted At")."""
    dates = ("Submit Date (UTC)", "Submitted At", "Start Date (UTC)")
    date = next((c for c in dates if c in raw.header), None)
    meta = frozenset(_TYPEFORM_META & set(raw.header))
    return Detected(SurveyFormat("typeform", "#", date, ISO, meta, time_zone="UTC"), raw)


def _limesurvey(raw: RawTable) -> Detected:
    """LimeSurvey: incomplete responses (no submit date) are kept and counted.

    LimeSurvey writes no ``submitdate`` for an incomplete response, and 1980-01-01 00:00:00
    for a completed one when the survey does not record dates: neither is a date. Answered
    questions of incomplete responses count, as in LimeSurvey's statistics of all responses;
    a warning says how many there are (they are in no period).
    """
    header = set(raw.header)
    ident = "id" if "id" in header else "Response ID"
    date = "submitdate" if "submitdate" in header else "Date submitted"
    notes: list[str] = []
    if date in header:
        values = pc.utf8_trim_whitespace(raw.table.column(date).combine_chunks())
        empty = pc.fill_null(pc.equal(values, ""), True)
        blank = int(pc.sum(pc.cast(empty, pa.int64())).as_py() or 0)
        sentinel = pc.is_in(values, value_set=pa.array(_NO_DATE, pa.string()))
        no_date = pc.or_(empty, pc.fill_null(sentinel, False))
        if blank:
            notes.append(
                f"{blank} of {len(values)} responses are incomplete (no {date!r}): their"
                " answered questions are counted, but they have no date and are in no period"
            )
        placeholders = int(pc.sum(pc.cast(pc.fill_null(sentinel, False), pa.int64())).as_py() or 0)
        if placeholders:
            notes.append(
                f"{placeholders} responses have {date!r} 1980-01-01, LimeSurvey's placeholder"
                " when a survey records no dates: it is not used as a date"
            )
        cleaned = pc.if_else(no_date, pa.scalar(None, pa.string()), values)
        index = raw.header.index(date)
        raw = dataclasses.replace(raw, table=raw.table.set_column(index, date, cleaned))
    meta = frozenset(_LIME_META & header)
    fmt = SurveyFormat("limesurvey", ident, date, None, meta, notes=tuple(notes))
    return Detected(fmt, raw)


def _generic(raw: RawTable) -> SurveyFormat:
    lower = {c.lower(): c for c in raw.header}
    ident = next((lower[n] for n in _ID_NAMES if n in lower), None)
    date = next((c for c in raw.header if _DATE_NAMES.match(c.strip())), None)
    meta = frozenset(c for c in (ident, date) if c is not None)
    return SurveyFormat(raw.container, ident, date, None, meta)
