"""The start-up heap is kept out of the cyclic GC while the app serves, and given back after."""

from __future__ import annotations

import gc
from pathlib import Path

from fastapi.testclient import TestClient

from cxlens.core.settings import Settings
from cxlens.web.app import create_app
from cxlens.web.heap import frozen_start_up_heap


class _Cycle:
    """An object in a reference cycle: only the cyclic GC can free it."""

    def __init__(self) -> None:
        self.me = self


def test_objects_made_before_are_frozen_until_the_block_ends() -> None:
    assert gc.get_freeze_count() == 0
    before = _Cycle()
    with frozen_start_up_heap():
        assert gc.get_freeze_count() > 0
        assert not any(o is before for o in gc.get_objects())  # not walked by collections
        after = _Cycle()
        assert any(o is after for o in gc.get_objects())  # new objects are collected as usual
    assert gc.get_freeze_count() == 0
    assert any(o is before for o in gc.get_objects())  # collectable again


def test_the_app_freezes_its_start_up_heap_while_it_serves(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'cxlens.db'}"))
    assert gc.get_freeze_count() == 0
    with TestClient(app):  # runs the lifespan
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    app.state.engine.dispose()
