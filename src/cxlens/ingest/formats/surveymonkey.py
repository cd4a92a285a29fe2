"""SurveyMonkey CSV/XLSX exports: a question row, then a sub-answer row.

A question with several columns has its text above the first one only; the columns after it
(empty above) are its sub-answers. Columns are named as SurveyMonkey users see them:
``<question>`` for the single answer column ("Response", "Open-Ended Response"), and
``<question> - <sub-answer>`` otherwise. A free-text sub-answer ("Other (please
specify)", "Open-Ended Response" beside choices) is never taken as a score column.
"""

from __future__ import annotations

import dataclasses
import re

import pyarrow as pa

from cxlens.ingest.formats.base import Detected, SurveyFormat
from cxlens.ingest.labels import label_key
from cxlens.ingest.names import unique_names
from cxlens.ingest.raw import RawTable

META = {
    "Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
    "Email Address", "First Name", "Last Name", "Custom Data 1", "Custom Data",
}  # fmt: skip
#: The sub-answer of a question's only column ("Response"), as exports in our languages
#: write it (compared without accents or case).
_ANSWER = {
    "response", "open-ended response", "risposta", "risposta aperta", "reponse",
    "reponse ouverte", "antwort", "offene antwort", "respuesta", "respuesta abierta",
    "antwoord", "open antwoord", "raspuns", "raspuns deschis", "resposta", "resposta aberta",
}  # fmt: skip
_FREE_TEXT = re.compile(
    r"please specify|open-ended response|^other\b|^comments?$|specificare|precisez|bitte angeben"
    r"|especifique|namelijk|specificati",
    re.IGNORECASE,
)


def has_subanswer_row(row: list[str]) -> bool:
    """True when ``row`` looks like SurveyMonkey's second header row."""
    return any(label_key(cell) in _ANSWER for cell in row)


def detect_surveymonkey(raw: RawTable, subanswers: list[str]) -> Detected:
    """Name the columns from both header rows and drop the sub-answer row from the data."""
    names: list[str] = []
    free_text: list[int] = []
    question = ""
    for i, cell in enumerate(raw.header_rows[0]):
        first = bool(cell.strip())
        question = cell.strip() or question
        sub = subanswers[i].strip() if i < len(subanswers) else ""
        if not sub or (first and label_key(sub) in _ANSWER):
            names.append(question or f"column {i + 1}")
        else:
            names.append(f"{question} - {sub}" if question else sub)
            if _FREE_TEXT.search(sub):
                free_text.append(i)
    header = unique_names(names)
    table = pa.table(raw.table.columns, names=header)
    renamed = dataclasses.replace(raw, header=header, table=table).drop_leading_rows(1)
    date = "End Date" if "End Date" in header else None
    fmt = SurveyFormat(
        "surveymonkey",
        "Respondent ID",
        date,
        None,
        frozenset(META & set(header)),
        not_scores=frozenset(header[i] for i in free_text),
    )
    return Detected(fmt, renamed)
