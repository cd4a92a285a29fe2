"""Loading the demo company into the store."""

from cxlens.features.demo.service import (
    DemoLoadResult,
    DemoProgress,
    load_demo,
    store_has_responses,
)

__all__ = ["DemoLoadResult", "DemoProgress", "load_demo", "store_has_responses"]
