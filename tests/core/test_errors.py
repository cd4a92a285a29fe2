"""Errors say what was wrong and where."""

from cxlens.core.errors import CxlensError, InputError, Location


def test_input_error_names_file_row_column_field_and_expectation() -> None:
    error = InputError(
        "'abc' is not a score",
        Location(file="export.csv", row=12, column="Q7", field="nps"),
        expected="a whole number from 0 to 10",
    )
    text = str(error)
    assert text == (
        "export.csv, row 12, column 'Q7', field 'nps': 'abc' is not a score "
        "(expected a whole number from 0 to 10)"
    )
    assert isinstance(error, CxlensError)


def test_unknown_parts_of_the_location_are_left_out() -> None:
    assert (
        str(InputError("the file is empty", Location(file="a.csv"))) == "a.csv: the file is empty"
    )
    assert str(InputError("no rows")) == "no rows"
