"""``cxlens text analyze --backend``: the fast path runs, the GPU backend says why it cannot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from cxlens.cli.main import app

runner = CliRunner()


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "feedback.csv"
    path.write_text("comment\nthe parcel arrived two weeks late\n", encoding="utf-8")
    return path


def test_fast_backend(tmp_path: Path) -> None:
    args = ["text", "analyze", str(_file(tmp_path)), "-c", "comment", "--backend", "fast"]
    result = runner.invoke(app, [*args, "--jsonl"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[-1])["model"].startswith("cxlens-fast@")


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA GPU is present")
def test_gpu_backend_without_a_gpu_fails_clearly(tmp_path: Path) -> None:
    args = ["text", "analyze", str(_file(tmp_path)), "-c", "comment", "--backend", "gpu"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "needs a CUDA GPU" in message and "pip install 'cxlens[gpu]'" in message


def test_unknown_backend(tmp_path: Path) -> None:
    args = ["text", "analyze", str(_file(tmp_path)), "-c", "comment", "--backend", "tpu"]
    assert runner.invoke(app, args).exit_code == 2


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA GPU is present")
def test_gpu_backfill_without_a_gpu_fails_clearly_before_touching_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "store.db"
    monkeypatch.setenv("CXLENS_DATABASE_URL", f"sqlite:///{database}")
    result = runner.invoke(app, ["text", "backfill", "--backend", "gpu"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "needs a CUDA GPU" in message and "pip install 'cxlens[gpu]'" in message
    assert not database.exists()
