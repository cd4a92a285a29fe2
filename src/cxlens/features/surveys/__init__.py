"""Surveys as versioned data: definitions (JSON/YAML), versions, templates.

See ``docs/surveys.md`` for the definition format and the versioning rule.
"""

from cxlens.features.surveys.formats import dumps, load_file, loads, parse_definition
from cxlens.features.surveys.schemas import (
    StoredSurvey,
    SurveyDefinition,
    SurveyInfo,
    SurveyKind,
    TemplateInfo,
)
from cxlens.features.surveys.service import (
    create_from_template,
    create_survey,
    export_survey,
    get_survey,
    import_survey,
    list_surveys,
    update_survey,
)
from cxlens.features.surveys.templates import list_templates, load_template, template_names

__all__ = [
    "StoredSurvey",
    "SurveyDefinition",
    "SurveyInfo",
    "SurveyKind",
    "TemplateInfo",
    "create_from_template",
    "create_survey",
    "dumps",
    "export_survey",
    "get_survey",
    "import_survey",
    "list_surveys",
    "list_templates",
    "load_file",
    "load_template",
    "loads",
    "parse_definition",
    "template_names",
    "update_survey",
]
