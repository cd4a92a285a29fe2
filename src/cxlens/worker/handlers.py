"""Find the job handlers: every ``cxlens.features.<feature>.tasks`` module registers its own.

A ``tasks`` module either registers handlers when imported (``@handler(kind)``) or offers
``register(registry, settings)`` for handlers that need the settings (senders, branding).
It may also offer ``on_worker_start(session)``, run once in one transaction when a worker
starts (e.g. to make sure a polling chain of jobs is running).
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from sqlalchemy import Engine

import cxlens.features
from cxlens.core.settings import Settings
from cxlens.db import unit_of_work
from cxlens.jobs import HandlerRegistry, default_registry


def _task_modules() -> list[ModuleType]:
    modules: list[ModuleType] = []
    for feature in pkgutil.iter_modules(cxlens.features.__path__):
        name = f"cxlens.features.{feature.name}.tasks"
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return modules


def load_feature_handlers(
    settings: Settings, registry: HandlerRegistry = default_registry
) -> list[str]:
    """Import each feature's ``tasks`` module and register its handlers; return the names."""
    loaded: list[str] = []
    for module in _task_modules():
        register = getattr(module, "register", None)
        if callable(register):
            register(registry, settings)
        loaded.append(module.__name__)
    return loaded


def start_feature_pipelines(engine: Engine) -> None:
    """Run every feature's ``on_worker_start(session)`` hook, in one transaction."""
    with unit_of_work(engine) as session:
        for module in _task_modules():
            hook = getattr(module, "on_worker_start", None)
            if callable(hook):
                hook(session)
