"""`cxlens survey`: templates, create, list, export, import — on a real store (both backends)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cxlens.cli.main import app

runner = CliRunner()


@pytest.fixture
def env(migrated_database_url: str, tmp_path: Path) -> dict[str, str]:
    """The CLI's settings: a migrated test database."""
    return {
        "CXLENS_DATABASE_URL": migrated_database_url,
        "CXLENS_DATA_DIR": str(tmp_path / "data"),
        "CXLENS_SIGNING_KEYS": "cli-survey-test-key-0123456789ab",
    }


def _run(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def _words(text: str) -> str:
    """Output with Rich's line folding undone."""
    return " ".join(text.split())


def test_templates_lists_every_shipped_template() -> None:
    result = runner.invoke(app, ["survey", "templates", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    names = [t["template"] for t in json.loads(result.output)["templates"]]
    assert {"relationship_nps", "ces_support", "employee_nps", "mystery_shopping"} <= set(names)
    assert len(names) == 10
    table = runner.invoke(app, ["survey", "templates"]).output
    assert "relationship_nps" in table


def test_create_from_a_template_then_list(env: dict[str, str]) -> None:
    code, out = _run(env, "survey", "create", "--template", "ces_support", "--company", "Globex")
    assert code == 0, out
    assert "ces-support" in out and "version 1" in out
    code, out = _run(
        env,
        "survey",
        "create",
        "--template",
        "ces_support",
        "--company",
        "Globex",
        "--key",
        "ces-shop",
    )
    assert code == 0, out
    code, out = _run(env, "survey", "list", "--json")
    listed = {s["key"]: s for s in json.loads(out)["surveys"]}
    assert set(listed) == {"ces-support", "ces-shop"}
    assert listed["ces-shop"]["latest_version"] == 1 and listed["ces-shop"]["responses"] == 0
    code, out = _run(env, "survey", "export", "ces-support")
    assert "Globex made it easy for me to handle my issue" in out


def test_create_errors_say_what_was_wrong(env: dict[str, str]) -> None:
    code, out = _run(env, "survey", "create", "--template", "nope", "--company", "Acme")
    assert code == 2 and "no survey template 'nope'" in out
    _run(env, "survey", "create", "--template", "onboarding", "--company", "Acme")
    code, out = _run(env, "survey", "create", "--template", "onboarding", "--company", "Acme")
    assert code == 2 and "a survey with key 'onboarding' exists" in out


def test_export_import_round_trip_draft_then_new_version(
    env: dict[str, str], tmp_path: Path
) -> None:
    _run(env, "survey", "create", "--template", "relationship_nps", "--company", "Acme")
    file = tmp_path / "survey.yaml"
    code, out = _run(env, "survey", "export", "relationship-nps", "-o", str(file))
    assert code == 0, out
    code, out = _run(env, "survey", "import", str(file))
    assert code == 0 and "unchanged, version 1" in out

    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    data["name"] = "Loyalty barometer"
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, out = _run(env, "survey", "import", str(file), "--json")
    assert json.loads(out)["action"] == "draft rewritten"  # no invitation yet: a draft

    code, out = _run(
        env,
        "invite",
        "--survey",
        "relationship-nps",
        "--channel",
        "web",
        "--customer",
        "c1",
        "--email",
        "c1@example.com",
    )
    assert code == 0, out
    data["description"] = "Asked every quarter"
    as_json = tmp_path / "survey.json"
    as_json.write_text(json.dumps(data), encoding="utf-8")
    code, out = _run(env, "survey", "import", str(as_json), "--json")
    result = json.loads(out)
    assert (result["action"], result["latest_version"]) == ("new version", 2)

    code, out = _run(
        env, "survey", "export", "relationship-nps", "--format", "json", "--version", "1"
    )
    old = json.loads(out)
    assert old["name"] == "Loyalty barometer" and "Asked every quarter" not in out
    code, out = _run(env, "survey", "export", "relationship-nps", "--version", "3")
    assert code == 2 and "no version 3" in out


def test_import_of_a_bad_definition_names_the_path(env: dict[str, str], tmp_path: Path) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text(
        "key: pulse\nname: Pulse\nquestions:\n  - key: nps\n    type: nps\n    colour: red\n"
        "    labels: {en: {text: 'How likely?'}}\n",
        encoding="utf-8",
    )
    code, out = _run(env, "survey", "import", str(file))
    assert code == 2
    out = _words(out)
    assert "bad.yaml" in out and "questions[0].colour" in out and "unknown field" in out
    code, out = _run(env, "survey", "import", str(tmp_path / "missing.yaml"))
    assert code == 2 and "cannot read the file" in out
    code, out = _run(env, "survey", "list", "--json")
    assert json.loads(out)["surveys"] == []
