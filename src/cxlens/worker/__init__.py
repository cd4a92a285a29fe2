"""The worker process: claims and runs jobs, enqueues schedule occurrences (``cxlens worker``)."""

from cxlens.worker.handlers import load_feature_handlers, start_feature_pipelines
from cxlens.worker.loop import Worker, new_worker_id, run_worker

__all__ = [
    "Worker",
    "load_feature_handlers",
    "new_worker_id",
    "run_worker",
    "start_feature_pipelines",
]
