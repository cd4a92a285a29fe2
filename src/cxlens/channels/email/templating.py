"""Personalised text: ``${name}``, ``${first_name}`` and ``${company}`` in a caller's template."""

from __future__ import annotations

from dataclasses import dataclass
from string import Template

from cxlens.core.errors import InputError, Location

PLACEHOLDERS = frozenset({"name", "first_name", "company"})


@dataclass(frozen=True, slots=True)
class Personalisation:
    """The values a template may use. ``name`` is the customer's full name, if known."""

    name: str | None
    company: str

    def values(self) -> dict[str, str]:
        """The placeholder values; the name ones only when a name is known."""
        values = {"company": one_line(self.company)}
        if self.name and self.name.strip():
            full = one_line(self.name)
            values["name"] = full
            values["first_name"] = full.split(" ", 1)[0]
        return values


def one_line(text: str) -> str:
    """``text`` with line breaks and runs of white space collapsed to single spaces."""
    return " ".join(text.split())


def render(
    template: str,
    personalisation: Personalisation,
    *,
    field: str,
    without_name: str | None = None,
) -> str:
    """``template`` filled in; ``without_name`` is used instead when no name is known.

    A template that uses an unknown placeholder, or a name placeholder when there is no
    name and no ``without_name`` variant, is an :class:`InputError` naming ``field``.
    """
    values = personalisation.values()
    chosen = template
    if "name" not in values and without_name is not None:
        chosen = without_name
    parsed = Template(chosen)
    if not parsed.is_valid():
        raise InputError(
            "the template has a stray '$'",
            Location(field=field),
            expected="placeholders written as ${name}, ${first_name}, ${company}; '$$' for '$'",
        )
    used = set(parsed.get_identifiers())
    unknown = used - PLACEHOLDERS
    if unknown:
        raise InputError(
            f"the template uses unknown placeholder(s) {', '.join(sorted(unknown))}",
            Location(field=field),
            expected="${name}, ${first_name} or ${company}",
        )
    missing = used - values.keys()
    if missing:
        raise InputError(
            "the template uses the customer's name, but this customer has none",
            Location(field=field),
            expected=f"a '{field}' variant without ${{name}} / ${{first_name}}",
        )
    return parsed.substitute(values)
