"""What reaches the terminal: data never as markup or escape sequences, errors never wrapped."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from channels.email.dsn_samples import dsn
from cxlens.cli import output
from cxlens.cli.main import app
from cxlens.cli.output import cell, clean, line

runner = CliRunner()
HOSTILE = "[link=https://x]y[/link]\x1b]0;owned\x07"
#: The same as a file name (no "/" in one, so no closing tags).
HOSTILE_NAME = "[link=file:x]y[bold]z\x1b]0;owned\x07"


def test_clean_escapes_control_characters_and_keeps_markup_as_text() -> None:
    assert clean(HOSTILE) == "[link=https://x]y[/link]\\x1b]0;owned\\x07"
    assert clean("a\rb\x9bc\u202ed") == "a\\rb\\x9bc\\u202ed"  # CR, CSI (C1), RLO
    assert clean("two\nlines\tand a tab") == "two\nlines\tand a tab"


def _render(*renderables: object) -> str:
    console = Console(width=60, record=True, color_system=None, force_terminal=True)
    with console.capture() as captured:
        for renderable in renderables:
            console.print(renderable)
    return captured.get()


def test_cells_and_lines_show_data_literally_even_on_a_terminal() -> None:
    table = output.table("Customers", "customer", "note")
    table.add_row(HOSTILE, "[b]x[/b]")
    shown = _render(table, line(("ref:", "bold"), " ", HOSTILE), cell(HOSTILE))
    assert "\x1b]" not in shown and "\x07" not in shown  # no OSC reaches the terminal
    assert shown.count("[link=https://x]y[/link]") == 3
    assert "[b]x[/b]" in shown


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both consoles 60 columns wide, as with COLUMNS=60."""
    monkeypatch.setattr(output.console, "_width", 60)
    monkeypatch.setattr(output.err_console, "_width", 60)


@pytest.mark.usefixtures("narrow")
def test_an_error_naming_a_long_path_is_one_unbroken_line(tmp_path: Path) -> None:
    folder = tmp_path / ("a-folder-with-a-rather-long-name-" * 3) / "not-a-maildir"
    folder.mkdir(parents=True)
    env = {"CXLENS_DATA_DIR": str(tmp_path / "data")}
    result = runner.invoke(app, ["bounces", "import", str(folder)], env=env)
    assert result.exit_code == 2
    assert f"{folder} is a folder but not a Maildir" in result.output  # never broken
    [error_line] = [x for x in result.output.splitlines() if x.startswith("error:")]
    assert len(error_line) > 60


@pytest.mark.usefixtures("narrow")
def test_a_hostile_path_in_an_error_is_shown_as_text(tmp_path: Path) -> None:
    folder = tmp_path / HOSTILE_NAME
    folder.mkdir()
    env = {"CXLENS_DATA_DIR": str(tmp_path / "data")}
    result = runner.invoke(app, ["bounces", "import", str(folder)], env=env)
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "[link=file:x]y[bold]z\\x1b]0;owned\\x07" in result.output


def test_a_hostile_file_name_in_a_table_cell_is_shown_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output.console, "_width", 250)  # one line per cell: no folding
    message = tmp_path / f"{HOSTILE_NAME}.eml"
    message.write_bytes(dsn("delayed"))
    env = {"CXLENS_DATA_DIR": str(tmp_path / "data")}
    result = runner.invoke(app, ["bounces", "import", str(message)], env=env)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "[link=file:x]y[bold]z\\x1b]0;owned\\x07.eml" in result.output
