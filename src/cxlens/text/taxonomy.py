"""Themes and the taxonomy that holds them; editing returns a new :class:`Taxonomy`.

A theme is a name, a description and examples in any language. Its *texts* (description
and examples) are what gets embedded and compared with comments, so a user's theme works
exactly like a built-in one.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

from cxlens.core.errors import InputError, Location


def theme_key(name: str) -> str:
    """A stable key for a theme name: ``"Shipping & delivery"`` → ``"shipping_delivery"``."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    key = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return key or "theme"


@dataclass(frozen=True)
class Theme:
    """One theme: ``key`` (stable id), ``name`` (shown), ``description`` and ``examples``.

    ``examples`` maps a language code (or ``"any"``) to example comments. ``threshold``,
    when set, overrides the calibrated similarity threshold of the theme.
    """

    key: str
    name: str
    description: str
    examples: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    threshold: float | None = None

    @classmethod
    def create(
        cls,
        name: str,
        description: str = "",
        examples: Iterable[str] | Mapping[str, Iterable[str]] = (),
        *,
        key: str | None = None,
        threshold: float | None = None,
    ) -> Theme:
        """A theme from a name, a description and examples (a list, or lists by language)."""
        if not name.strip():
            raise InputError("a theme needs a name", Location(field="name"), expected="a name")
        if isinstance(examples, Mapping):
            by_language = {str(k): tuple(v) for k, v in examples.items()}
        else:
            listed = tuple(examples)
            by_language = {"any": listed} if listed else {}
        return cls(
            key=key or theme_key(name),
            name=name.strip(),
            description=description.strip(),
            examples=by_language,
            threshold=threshold,
        )

    def texts(self) -> tuple[str, ...]:
        """The texts embedded for this theme: name + description, then every example."""
        head = f"{self.name}: {self.description}" if self.description else self.name
        examples = [e for group in self.examples.values() for e in group if e.strip()]
        return (head, *examples)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the taxonomy file format)."""
        out: dict[str, Any] = {
            "key": self.key,
            "name": self.name,
            "description": self.description,
            "examples": {k: list(v) for k, v in self.examples.items()},
        }
        if self.threshold is not None:
            out["threshold"] = self.threshold
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Theme:
        """The inverse of :meth:`to_json`."""
        name = str(data.get("name", "")).strip()
        return cls.create(
            name,
            str(data.get("description", "")),
            {str(k): tuple(str(e) for e in v) for k, v in dict(data.get("examples", {})).items()},
            key=data.get("key") or None,
            threshold=data.get("threshold"),
        )


@dataclass
class Taxonomy:
    """An ordered list of themes with unique keys. Edits return a new taxonomy."""

    themes: list[Theme]

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for theme in self.themes:
            if theme.key in seen:
                raise InputError(
                    f"two themes share the key {theme.key!r}",
                    Location(field="key"),
                    expected="unique theme keys",
                )
            seen.add(theme.key)

    @property
    def keys(self) -> tuple[str, ...]:
        """The theme keys in order."""
        return tuple(t.key for t in self.themes)

    def __len__(self) -> int:
        return len(self.themes)

    def __contains__(self, key: object) -> bool:
        return any(t.key == key for t in self.themes)

    def get(self, key: str) -> Theme:
        """The theme with ``key`` (or with that name); :class:`InputError` if none."""
        for theme in self.themes:
            if theme.key == key or theme.name.lower() == key.lower():
                return theme
        raise InputError(
            f"no theme {key!r}",
            Location(field="theme"),
            expected="one of " + ", ".join(self.keys),
        )

    def add(self, theme: Theme) -> Taxonomy:
        """A taxonomy with ``theme`` appended."""
        if theme.key in self:
            raise InputError(
                f"a theme {theme.key!r} exists already",
                Location(field="name"),
                expected="a new theme name (or edit the existing theme)",
            )
        return Taxonomy([*self.themes, theme])

    def edit(
        self,
        key: str,
        *,
        name: str | None = None,
        description: str | None = None,
        examples: Mapping[str, tuple[str, ...]] | None = None,
        threshold: float | None = None,
    ) -> Taxonomy:
        """A taxonomy where theme ``key`` has the given fields changed (key kept)."""
        old = self.get(key)
        new = replace(
            old,
            name=name if name is not None else old.name,
            description=description if description is not None else old.description,
            examples=dict(examples) if examples is not None else old.examples,
            threshold=threshold if threshold is not None else old.threshold,
        )
        return Taxonomy([new if t.key == old.key else t for t in self.themes])

    def delete(self, key: str) -> Taxonomy:
        """A taxonomy without theme ``key``."""
        old = self.get(key)
        return Taxonomy([t for t in self.themes if t.key != old.key])

    def merge(self, keys: Iterable[str], *, into: str, name: str | None = None) -> Taxonomy:
        """Themes ``keys`` folded into theme ``into``: examples pooled, others removed.

        The merged theme keeps ``into``'s key and place; descriptions are joined.
        """
        target = self.get(into)
        merged = [self.get(k) for k in keys if self.get(k).key != target.key]
        examples: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in target.examples.items()}
        descriptions = [target.description]
        for theme in merged:
            descriptions.append(theme.description)
            for language, group in theme.examples.items():
                examples[language] = tuple(dict.fromkeys((*examples.get(language, ()), *group)))
        new = replace(
            target,
            name=name or target.name,
            description=" ".join(d for d in descriptions if d),
            examples=examples,
            threshold=None,
        )
        gone = {t.key for t in merged}
        return Taxonomy(
            [new if t.key == target.key else t for t in self.themes if t.key not in gone]
        )

    def to_json(self) -> list[dict[str, Any]]:
        """A JSON-ready list of themes."""
        return [t.to_json() for t in self.themes]

    @classmethod
    def from_json(cls, data: Iterable[Mapping[str, Any]]) -> Taxonomy:
        """The inverse of :meth:`to_json`."""
        return cls([Theme.from_json(item) for item in data])


def default_taxonomy() -> Taxonomy:
    """The built-in CX taxonomy (shipped as ``cxlens/text/data/taxonomy.json``)."""
    text = resources.files("cxlens.text.data").joinpath("taxonomy.json").read_text("utf-8")
    return Taxonomy.from_json(json.loads(text))
