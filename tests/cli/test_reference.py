"""The committed CLI reference must match the CLI."""

from pathlib import Path

from cxlens.cli.reference import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_cli_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/cli.md is stale: run `make docs` and commit it"
    )


def test_reference_documents_every_command() -> None:
    text = render()
    for command in ("analyze", "import", "metrics", "db upgrade", "demo", "serve"):
        assert f"## `cxlens {command}`" in text or f"### `cxlens {command}`" in text
