"""Importing the non-survey kinds of data: support cases, customers, referrals, reviews.

Each reader takes a raw table (``cxlens.ingest.raw.RawTable``: named string columns) and
returns the normalised Arrow table of ``cxlens.core.tables`` with the mapping it used and
its warnings. :func:`detect_kind` guesses the kind from the headers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

import pyarrow as pa

from cxlens.ingest.formats import detect_format
from cxlens.ingest.raw import RawTable

from ._common import RawLike
from .cases import CasesImport, detect_case_system, looks_like_cases, read_cases
from .customers import CustomersImport, looks_like_customers, read_customers
from .referrals import ReferralsImport, looks_like_referrals, read_referrals
from .reviews import ReviewsImport, detect_review_source, read_review_export, read_reviews

KINDS = ("cases", "customers", "referrals", "reviews")
#: Formats of survey tools' exports (``SurveyFormat.name``): always responses.
SURVEY_TOOLS = frozenset({"qualtrics", "surveymonkey", "google_forms", "typeform", "limesurvey"})


class KindImport(Protocol):
    """What every kind reader returns."""

    @property
    def table(self) -> pa.Table: ...

    @property
    def system(self) -> str: ...

    @property
    def mapping(self) -> dict[str, str]: ...

    @property
    def warnings(self) -> tuple[str, ...]: ...


def _cases(raw: RawLike, *, tz: str = "UTC") -> CasesImport:
    return read_cases(raw, tz=tz)


#: kind → reader(raw, *, tz) returning a :class:`KindImport`.
KIND_READERS: Mapping[str, Callable[..., KindImport]] = {
    "cases": _cases,
    "customers": read_customers,
    "referrals": read_referrals,
    "reviews": read_review_export,
}


def detect_kind(raw: RawLike) -> str | None:
    """Guess the kind of ``raw`` from its headers: cases, reviews, referrals or customers.

    Returns None for anything else (survey responses included). An export a survey tool
    wrote (Qualtrics, SurveyMonkey, Google Forms, Typeform, LimeSurvey) is responses
    whatever its metadata columns hold: SurveyMonkey's "Start Date"/"End Date" and "Email
    Address" are no customer list.
    """
    if isinstance(raw, RawTable) and detect_format(raw).format.name in SURVEY_TOOLS:
        return None
    if detect_review_source(raw) is not None:
        return "reviews"
    if looks_like_referrals(raw):
        return "referrals"
    if looks_like_cases(raw):
        return "cases"
    if looks_like_customers(raw):
        return "customers"
    return None


__all__ = [
    "KINDS",
    "KIND_READERS",
    "CasesImport",
    "CustomersImport",
    "KindImport",
    "ReferralsImport",
    "ReviewsImport",
    "detect_case_system",
    "detect_kind",
    "read_cases",
    "read_customers",
    "read_referrals",
    "read_review_export",
    "read_reviews",
]
