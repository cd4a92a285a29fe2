"""Public review exports as responses on the review channel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from cxlens.core.errors import InputError
from cxlens.core.tables import RESPONSES
from cxlens.ingest.kinds.reviews import read_review_export, read_reviews
from cxlens.ingest.raw import RawTable

Load = Callable[..., RawTable]


def test_trustpilot(fixture_raw: Load) -> None:
    reviews = read_reviews(fixture_raw("trustpilot_reviews.csv"), tz="Europe/Rome")
    table = reviews.table
    assert table.schema.names[: len(RESPONSES.names)] == RESPONSES.names
    assert [(q.column, q.kind, q.scale_low, q.scale_high) for q in reviews.questions] == [
        ("rating", "rating", 1, 5),
        ("text", "text", None, None),
    ]
    rows = table.to_pylist()
    assert [r["rating"] for r in rows] == [1.0, 5.0, 3.0]
    assert rows[0]["response_ref"] == "65bb1d"
    # "Review Created (UTC)" is UTC whatever tz says
    assert rows[0]["submitted_at"] == datetime(2024, 2, 1, 8, 15, tzinfo=UTC)
    assert rows[0]["text"] == (
        "Late again\nOrdered on Monday, arrived ten days later.\nNobody answered the phone."
    )
    assert rows[0]["customer_ref"] == "jo@example.com"
    assert [r["language"] for r in rows] == ["en", "nl", None]
    assert rows[2]["text"] == "Ok"  # "?" title is null
    assert {r["channel"] for r in rows} == {"review"}
    assert {r["source"] for r in rows} == {"trustpilot"}


def test_google_business_words_and_translations(fixture_raw: Load) -> None:
    result = read_review_export(fixture_raw("google_business_reviews.csv"))
    assert result.system == "google_business"
    rows = result.table.to_pylist()
    assert [r["rating"] for r in rows] == [5.0, 2.0, None]
    assert rows[0]["text"] == "Personale gentilissimo"  # the customer's own words
    assert rows[0]["submitted_at"] == datetime(2024, 4, 2, 10, 11, 12, 345000, tzinfo=UTC)
    assert rows[1]["response_ref"] == "AbFvOq2"


def test_google_play_utf16(fixture_raw: Load) -> None:
    result = read_review_export(fixture_raw("google_play_reviews.csv"))
    assert result.system == "google_play"
    rows = result.table.to_pylist()
    assert [r["language"] for r in rows] == ["it", "pt-BR"]
    assert [r["rating"] for r in rows] == [4.0, 2.0]
    assert rows[1]["text"] == "Ruim\nTrava toda hora"
    assert rows[0]["response_ref"].endswith("reviewId=gp-1")
    assert rows[0]["submitted_at"] == datetime(2024, 5, 1, 12, tzinfo=UTC)


def test_app_store_hashes_ids_and_reads_local_dates(fixture_raw: Load) -> None:
    raw = fixture_raw("app_store_reviews.csv")
    first = read_review_export(raw, tz="America/New_York")
    again = read_review_export(raw, tz="America/New_York")
    assert first.system == "app_store"
    rows = first.table.to_pylist()
    ny = ZoneInfo("America/New_York")
    assert rows[0]["submitted_at"] == datetime(2024, 3, 28, tzinfo=ny).astimezone(UTC)
    assert [r["rating"] for r in rows] == [5.0, 2.0]  # "2 stars"
    refs = first.table.column("response_ref").to_pylist()
    assert refs == again.table.column("response_ref").to_pylist()  # stable content hash
    assert len(set(refs)) == 2


def test_rating_out_of_range(csv_raw: Load) -> None:
    raw = csv_raw("Date,Rating,Review\n2024-01-01,5,ok\n2024-01-02,6,best app ever\n")
    with pytest.raises(InputError) as caught:
        read_reviews(raw)
    assert (caught.value.location.row, caught.value.location.column) == (3, "Rating")
    assert "'6'" in str(caught.value)


def test_not_a_review_export(csv_raw: Load) -> None:
    with pytest.raises(InputError) as caught:
        read_reviews(csv_raw("a,b\n1,2\n"))
    assert "a, b" in str(caught.value)
