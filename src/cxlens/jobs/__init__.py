"""The DB-backed job queue (outbox): enqueue in the caller's transaction, at-least-once runs.

``enqueue`` writes a job in the transaction of the change that causes it; the worker
(:mod:`cxlens.worker`) claims due jobs with a lease and runs the handler registered for the
job's kind (``@handler("email.send")``) in its own unit of work. The ledger (``once``,
``begin_delivery``, ``mark_sent``) makes re-runs after a crash harmless.
"""

from cxlens.jobs.context import JobContext
from cxlens.jobs.ledger import (
    DeliveryTicket,
    begin_delivery,
    mark_sent,
    message_id_for,
    once,
)
from cxlens.jobs.queue import ClaimedJob, LeaseLost, claim, enqueue
from cxlens.jobs.registry import (
    Handler,
    HandlerRegistry,
    PermanentJobError,
    default_registry,
    handler,
)
from cxlens.jobs.retry import RetryPolicy
from cxlens.jobs.runner import run_claimed
from cxlens.jobs.schedules import add_schedule, enqueue_due, next_occurrence, occurrence_key

__all__ = [
    "ClaimedJob",
    "DeliveryTicket",
    "Handler",
    "HandlerRegistry",
    "JobContext",
    "LeaseLost",
    "PermanentJobError",
    "RetryPolicy",
    "add_schedule",
    "begin_delivery",
    "claim",
    "default_registry",
    "enqueue",
    "enqueue_due",
    "handler",
    "mark_sent",
    "message_id_for",
    "next_occurrence",
    "occurrence_key",
    "once",
    "run_claimed",
]
