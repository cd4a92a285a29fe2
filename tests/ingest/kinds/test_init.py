"""Guessing the kind of a file and the reader table."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cxlens.ingest.kinds import KIND_READERS, KINDS, detect_kind
from cxlens.ingest.raw import RawTable

Load = Callable[..., RawTable]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("zendesk_history.csv", "cases"),
        ("servicenow_incident_log.csv", "cases"),
        ("freshdesk_tickets.csv", "cases"),
        ("customers_crm.csv", "customers"),
        ("referrals.csv", "referrals"),
        ("trustpilot_reviews.csv", "reviews"),
        ("google_business_reviews.csv", "reviews"),
        ("google_play_reviews.csv", "reviews"),
        ("app_store_reviews.csv", "reviews"),
    ],
)
def test_detect_kind_and_read(fixture_raw: Load, name: str, kind: str) -> None:
    raw = fixture_raw(name)
    assert detect_kind(raw) == kind
    result = KIND_READERS[kind](raw, tz="UTC")
    assert result.table.num_rows > 0
    assert set(result.mapping.values())


def test_survey_exports_are_not_a_kind(csv_raw: Load) -> None:
    survey = csv_raw(
        "Timestamp,Email,How likely are you to recommend us to a friend?,Region,Comments\n"
        "2024-01-01 10:00:00,a@x.io,9,EU,great\n"
    )
    assert detect_kind(survey) is None
    generic_cases = csv_raw("ticket_id,created_at,resolved_at\n1,2024-01-01,2024-01-02\n")
    assert detect_kind(generic_cases) == "cases"


def test_every_kind_has_a_reader() -> None:
    assert set(KIND_READERS) == set(KINDS)
