"""The worker process: claims and runs jobs, enqueues schedule occurrences (``cxlens worker``)."""

from cxlens.worker.loop import Worker, new_worker_id, run_worker

__all__ = ["Worker", "new_worker_id", "run_worker"]
