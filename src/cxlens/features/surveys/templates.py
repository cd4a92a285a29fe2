"""Survey templates shipped with cxlens (YAML files in ``templates/``).

A template is a survey definition whose texts may say ``[Company]``; loading it with a
company name puts the name in every text.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import yaml

from cxlens.core.errors import NotFoundError
from cxlens.features.surveys.formats import parse_definition
from cxlens.features.surveys.schemas import SurveyDefinition, TemplateInfo

#: The placeholder replaced by the company name.
COMPANY = "[Company]"


def _folder() -> Traversable:
    return files("cxlens.features.surveys").joinpath("templates")


def template_names() -> list[str]:
    """Names of the shipped templates, sorted (``relationship_nps``, ``csat_support`` ...)."""
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in _folder().iterdir()
        if entry.name.endswith(".yaml")
    )


def _raw(template: str) -> dict[str, Any]:
    if template not in template_names():
        raise NotFoundError(
            f"no survey template {template!r}; templates: {', '.join(template_names())}"
        )
    data = yaml.safe_load(_folder().joinpath(f"{template}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def list_templates() -> list[TemplateInfo]:
    """What each shipped template is (name, kind, audience, languages)."""
    out: list[TemplateInfo] = []
    for name in template_names():
        d = load_template(name, company_name="[Company]")
        out.append(
            TemplateInfo(
                template=name,
                name=d.name,
                kind=d.kind,
                audience=d.audience,
                description=d.description,
                languages=list(d.languages),
            )
        )
    return out


def load_template(
    template: str, *, company_name: str, key: str | None = None, name: str | None = None
) -> SurveyDefinition:
    """The definition of a template, personalised with ``company_name``.

    ``key`` and ``name`` replace the template's own (to create one template twice).
    """
    data = _personalise(_raw(template), company_name)
    if key is not None:
        data["key"] = key
    if name is not None:
        data["name"] = name
    return parse_definition(data, file=f"template {template}")


def _personalise(value: Any, company: str) -> Any:
    if isinstance(value, str):
        return value.replace(COMPANY, company)
    if isinstance(value, list):
        return [_personalise(v, company) for v in value]
    if isinstance(value, dict):
        return {k: _personalise(v, company) for k, v in value.items()}
    return value
