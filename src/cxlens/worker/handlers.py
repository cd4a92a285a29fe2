"""Find the job handlers: every ``cxlens.features.<feature>.tasks`` module registers its own.

A ``tasks`` module either registers handlers when imported (``@handler(kind)``) or offers
``register(registry, settings)`` for handlers that need the settings (senders, branding).
"""

from __future__ import annotations

import importlib
import pkgutil

import cxlens.features
from cxlens.core.settings import Settings
from cxlens.jobs import HandlerRegistry, default_registry


def load_feature_handlers(
    settings: Settings, registry: HandlerRegistry = default_registry
) -> list[str]:
    """Import each feature's ``tasks`` module and register its handlers; return the names."""
    loaded: list[str] = []
    for feature in pkgutil.iter_modules(cxlens.features.__path__):
        name = f"cxlens.features.{feature.name}.tasks"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        register = getattr(module, "register", None)
        if callable(register):
            register(registry, settings)
        loaded.append(name)
    return loaded
