"""Normalised tables: the contract between readers, the demo generator and the store.

A reader (``cxlens.ingest``) or the demo generator (``cxlens.demo``) produces Arrow tables
with these columns; the store importers (``cxlens.features``) load them. Extra columns are
allowed where noted (responses: one column per mapped question and per dimension).
Timestamps are UTC (``timestamp[us, tz=UTC]``). A ``*_ref`` is the external id the source
system uses (customer id, e-mail or ticket number), never our database id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")

#: Responses: one row per response. Beside these, one column per mapped question
#: (float64 for scores, string for text; described by :class:`QuestionColumn`) and one
#: string column per extra dimension (described by ``NormalizedResponses.dimensions``).
RESPONSES = pa.schema(
    [
        ("response_ref", pa.string()),  # id in the source, or a content hash of the row
        ("submitted_at", TS),  # may be null when the source has no date
        ("customer_ref", pa.string()),  # nullable
        ("account_ref", pa.string()),  # nullable (B2B company)
        ("channel", pa.string()),  # web, email, sms, widget, review, import ...
        ("source", pa.string()),  # qualtrics, surveymonkey, trustpilot, demo ...
        ("language", pa.string()),  # BCP-47 code or null
        ("touchpoint", pa.string()),  # touchpoint key (website, support ...) or null
    ]
)

#: Support cases: one row per case, already collapsed to its last state.
CASES = pa.schema(
    [
        ("case_ref", pa.string()),
        ("customer_ref", pa.string()),
        ("channel", pa.string()),  # phone, email, chat, web, store ...
        ("status", pa.string()),
        ("opened_at", TS),
        ("first_response_at", TS),
        ("resolved_at", TS),
        ("contact_count", pa.int32()),
        ("reopened", pa.bool_()),
    ]
)

#: Customers with their lifecycle dates and ideal-customer-profile attributes.
CUSTOMERS = pa.schema(
    [
        ("customer_ref", pa.string()),
        ("account_ref", pa.string()),
        ("email", pa.string()),
        ("phone", pa.string()),
        ("name", pa.string()),
        ("locale", pa.string()),
        ("time_zone", pa.string()),
        ("age_band", pa.string()),
        ("gender", pa.string()),
        ("industry", pa.string()),
        ("company_size", pa.string()),
        ("plan", pa.string()),
        ("region", pa.string()),
        ("value", pa.float64()),
        ("acquired_at", TS),
        ("churned_at", TS),
    ]
)

#: Referrals: who brought whom, and when.
REFERRALS = pa.schema(
    [
        ("referrer_ref", pa.string()),
        ("referred_ref", pa.string()),
        ("referred_at", TS),
    ]
)


@dataclass(frozen=True, slots=True)
class QuestionColumn:
    """A question column in a responses table.

    ``kind`` is one of the question types of the data model (nps, csat, ces,
    cxi_effectiveness, cxi_ease, cxi_emotion, rating, likert, single_choice, multi_choice,
    text, demographic). ``scale_low``/``scale_high``/``higher_is_better`` describe scores.
    """

    column: str
    text: str
    kind: str
    scale_low: int | None = None
    scale_high: int | None = None
    higher_is_better: bool = True


@dataclass(frozen=True, slots=True)
class NormalizedResponses:
    """A responses table with the description of its question and dimension columns."""

    table: pa.Table
    questions: tuple[QuestionColumn, ...]
    dimensions: tuple[str, ...] = ()
    survey_name: str = "Imported survey"
    warnings: tuple[str, ...] = field(default_factory=tuple)
