"""What a job handler gets besides its session and payload."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from cxlens.core.clock import Clock


@dataclass(frozen=True, slots=True)
class JobContext:
    """The running job: its id and attempt, the worker, the engine and the clock.

    ``engine`` is for work that must commit on its own before the job does — the ledger's
    :func:`cxlens.jobs.begin_delivery` — never for the job's own changes (use the session).
    """

    job_id: int
    kind: str
    attempt: int
    max_attempts: int
    worker_id: str
    engine: Engine
    clock: Clock

    @property
    def is_last_attempt(self) -> bool:
        """Whether a failure now makes the job dead."""
        return self.attempt >= self.max_attempts
