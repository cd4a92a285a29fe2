"""Job handlers by kind: ``@handler("email.send")``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy.orm import Session

from cxlens.jobs.context import JobContext


class PermanentJobError(Exception):
    """Raised by a handler to say "retrying will not help": the job fails at once."""


class Handler(Protocol):
    """A job handler: does the work inside the job's unit of work; flushes, never commits."""

    def __call__(self, session: Session, payload: dict[str, Any], context: JobContext) -> None:
        """Run the job. Raise to fail (retried), :class:`PermanentJobError` to give up."""
        ...


class HandlerRegistry:
    """Handlers by job kind. The worker claims only the kinds its registry knows."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def register(self, kind: str, fn: Handler) -> None:
        """Register ``fn`` for ``kind``; a second, different handler for a kind is an error."""
        if not kind or len(kind) > 100:
            raise ValueError(f"a job kind is 1–100 characters, not {kind!r}")
        existing = self._handlers.get(kind)
        if existing is not None and existing is not fn:
            raise ValueError(f"job kind {kind!r} already has a handler: {existing!r}")
        self._handlers[kind] = fn

    def handler(self, kind: str) -> Callable[[Handler], Handler]:
        """Decorator form of :meth:`register`."""

        def decorate(fn: Handler) -> Handler:
            self.register(kind, fn)
            return fn

        return decorate

    def get(self, kind: str) -> Handler | None:
        """The handler of ``kind``, or ``None``."""
        return self._handlers.get(kind)

    def kinds(self) -> frozenset[str]:
        """Every kind with a handler."""
        return frozenset(self._handlers)


#: The registry that feature packages register into (their ``tasks.py``) and the worker uses.
default_registry = HandlerRegistry()


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of ``kind`` in the default registry."""
    return default_registry.handler(kind)
