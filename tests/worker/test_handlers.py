"""Feature task modules are found, registered and started without the worker knowing them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from cxlens.core.settings import Settings
from cxlens.db import unit_of_work
from cxlens.jobs import HandlerRegistry
from cxlens.models import Job, Schedule
from cxlens.worker import load_feature_handlers, start_feature_pipelines


def test_every_feature_tasks_module_registers_its_handlers(tmp_path: Path) -> None:
    registry = HandlerRegistry()
    loaded = load_feature_handlers(Settings(data_dir=tmp_path), registry)
    assert "cxlens.features.distribution.tasks" in loaded
    assert "cxlens.features.insights.tasks" in loaded
    for kind in ("email.send", "sms.send", "campaign.wave", "insights.analyze"):
        assert registry.get(kind) is not None, kind


def test_start_hooks_are_idempotent(migrated_engine: Engine) -> None:
    start_feature_pipelines(migrated_engine)
    start_feature_pipelines(migrated_engine)
    with unit_of_work(migrated_engine) as session:
        schedules = session.scalar(select(func.count()).select_from(Schedule))
        analyses = session.scalar(
            select(func.count()).select_from(Job).where(Job.kind == "insights.analyze")
        )
    assert schedules == 1
    assert analyses == 1
