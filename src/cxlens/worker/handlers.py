"""Find the job handlers: every ``cxlens.features.<feature>.tasks`` module registers its own."""

from __future__ import annotations

import importlib
import pkgutil

import cxlens.features


def load_feature_handlers() -> list[str]:
    """Import each feature's ``tasks`` module (registering its handlers); return their names."""
    loaded: list[str] = []
    for feature in pkgutil.iter_modules(cxlens.features.__path__):
        name = f"cxlens.features.{feature.name}.tasks"
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        loaded.append(name)
    return loaded
