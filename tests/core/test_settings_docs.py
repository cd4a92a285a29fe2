"""Every setting is documented in docs/settings.md, under its group, with its default.

Like Datasette's ``tests/test_docs.py``: adding a setting without documenting it fails
here, and so does a page of ``docs/`` (or the README) naming a ``CXLENS_*`` variable that
cxlens does not read.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from cxlens.core.settings import GROUPS, Settings, env_name

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "settings.md"
# Read by the tests, the benchmarks and the text evaluation tool, never by cxlens itself.
NOT_SETTINGS = {
    "CXLENS_TEST_POSTGRES_URL",
    "CXLENS_REQUIRE_POSTGRES",
    "CXLENS_BENCH_POSTGRES_URL",
    "CXLENS_EVAL_DATA",
}


def _sections() -> dict[str, str]:
    """The page's ``## `` sections by title."""
    parts = re.split(r"^## (.+)$", PAGE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2], strict=True)}


def _row(section: str, variable: str) -> list[str] | None:
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells and cells[0] == f"`{variable}`":
            return cells
    return None


def _documented_default(info: FieldInfo) -> str | None:
    """How the page writes the default, or None where it is described in words."""
    if info.default_factory is not None:
        return None
    if info.default is None:
        return "—"
    return f"`{info.default}`"


GROUPED = [(group, name) for group in GROUPS for name in group.model_fields]


def test_the_groups_are_the_settings() -> None:
    assert sorted(name for _, name in GROUPED) == sorted(Settings.model_fields)
    assert len(GROUPED) == len(Settings.model_fields), "a setting is in two groups"


@pytest.mark.parametrize(("group", "name"), GROUPED, ids=[name for _, name in GROUPED])
def test_every_setting_is_documented_under_its_group(group: type[BaseModel], name: str) -> None:
    title: str = group.section  # type: ignore[attr-defined]
    sections = _sections()
    assert title in sections, f"docs/settings.md has no section '## {title}'"
    row = _row(sections[title], env_name(name))
    assert row is not None, f"{env_name(name)} is not in '## {title}' of docs/settings.md"
    assert len(row) == 3 and row[2], f"{env_name(name)}: the row needs a default and a meaning"
    expected = _documented_default(group.model_fields[name])
    if expected is not None:
        assert row[1] == expected, f"{env_name(name)}: default {row[1]} in the docs, {expected}"


def test_every_setting_is_read_somewhere() -> None:
    source = "\n".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "src" / "cxlens").rglob("*.py")
    )
    unread = [name for name in Settings.model_fields if f".{name}" not in source]
    assert unread == [], f"settings nothing reads: {unread}"


def test_docs_name_only_real_settings() -> None:
    known = {env_name(name) for name in Settings.model_fields} | NOT_SETTINGS
    pages = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
    unknown = {
        f"{page.relative_to(ROOT)}: {variable}"
        for page in pages
        for variable in re.findall(r"CXLENS_[A-Z0-9_]*[A-Z0-9]", page.read_text(encoding="utf-8"))
        if variable not in known
    }
    assert sorted(unknown) == []
