"""Score cells to numbers: markers, leading numbers, label sets, decimal commas."""

from __future__ import annotations

import pyarrow as pa

from cxlens.ingest.values import bad_share, convert


def _col(values: list[str | None]) -> pa.ChunkedArray:
    return pa.chunked_array([pa.array(values, pa.string())])


def test_labels_convert_as_one_set() -> None:
    column = _col(["Very satisfied", "Somewhat dissatisfied", None, "Not applicable", "N/A"])
    converted = convert(column, decimal_comma=False)
    assert converted.values.to_pylist() == [5.0, 2.0, None, None, None]
    assert converted.first_bad is None
    assert converted.labels is not None and converted.labels.points == 5


def test_a_label_outside_every_set_makes_all_labels_bad() -> None:
    converted = convert(_col(["7", "Very satisfied", "Fantastic"]), decimal_comma=False)
    assert converted.first_bad == 1 and converted.labels is None
    assert converted.values.to_pylist() == [7.0, None, None]


def test_choice_text_nps_with_labelled_ends() -> None:
    column = _col(["0 - Not at all likely", "5", "10 - Extremely likely", "9"])
    converted = convert(column, decimal_comma=False)
    assert converted.values.to_pylist() == [0.0, 5.0, 10.0, 9.0] and converted.labels is None


def test_decimal_comma_and_bad_share() -> None:
    column = _col(["4,5", "3", "yes", "-"])
    values = convert(column, decimal_comma=True).values
    assert values.to_pylist() == [4.5, 3.0, None, None]
    assert abs(bad_share(column, values) - 1 / 3) < 1e-9
